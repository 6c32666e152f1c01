"""The private tracking page of a ticket, ``/lacak/<token>``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
