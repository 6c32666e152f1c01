"""The requesters' pages: the landing page and the three forms."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain.sop import SOP, JenisLayanan
from portal.templating import halaman

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def beranda(request: Request) -> HTMLResponse:
    return halaman(request, "beranda.html", {"jenis": list(JenisLayanan), "sop": SOP})
