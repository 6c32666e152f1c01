"""The JSON API for other systems (``/api/v1``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError

router = APIRouter(prefix="/api/v1")


def galat_permintaan(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's own validation errors (path, header) as ``{"field", "message"}`` pairs in
    Bahasa Indonesia."""
    from domain.errors import pesan_aturan

    hasil = []
    for e in exc.errors():
        lokasi = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "path",
                                                                         "header", "query"))
        hasil.append({"field": lokasi or "permintaan",
                      "message": pesan_aturan(e.get("type", ""), e.get("ctx")) or
                      "tidak sah"})
    return hasil
