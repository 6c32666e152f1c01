"""Rendering a page: every template gets the CSRF token, the signed-in staff member and the
settings, and the CSRF cookie is set on the response when the browser has none yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from domain.calendar import format_business_duration
from domain.pesan import format_waktu_wib
from portal.batas import MAKS_CATATAN, MAKS_INSTANSI

FOLDER = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(directory=str(FOLDER))
templates.env.filters["wib"] = format_waktu_wib
templates.env.filters["durasi"] = format_business_duration
templates.env.globals["maks_catatan"] = MAKS_CATATAN
templates.env.globals["maks_instansi"] = MAKS_INSTANSI


def halaman(request: Request, nama_template: str, konteks: dict[str, Any],
            status_code: int = 200) -> HTMLResponse:
    """``nama_template`` rendered with ``konteks`` plus ``csrf_token``, ``pengguna``
    (``request.state.pengguna``, None when nobody is signed in) and ``settings``."""
    from portal import keamanan

    token, cookie_baru = keamanan.token_csrf(request)
    isi = {
        "csrf_token": token,
        "pengguna": getattr(request.state, "pengguna", None),
        "settings": request.app.state.settings,
        **konteks,
    }
    respons = templates.TemplateResponse(request, nama_template, isi, status_code=status_code)
    if cookie_baru:
        keamanan.pasang_cookie_csrf(request, respons, cookie_baru)
    return respons
