"""What keeps the portal safe: security headers, CSRF tokens, rate limits, refusals audited,
and the Indonesian error pages that show no internals (the details go to the log).

CSRF is the signed double-submit pattern: the browser holds a random value in an HttpOnly,
SameSite=Strict cookie; every form carries that value signed with the portal's key and
timestamped (itsdangerous). A POST whose form token is missing, forged, too old or made for
another cookie is refused with a 403 page and audited.
"""

from __future__ import annotations

import logging
import os
import secrets
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import parse as parse_batas
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from settings import Settings
from store import db, repo

log = logging.getLogger("lpa.portal")

COOKIE_CSRF = "lpa_csrf"
FIELD_CSRF = "csrf_token"
UMUR_CSRF = 8 * 3600
"""Seconds a form token stays good (a long form may stay open a working day)."""

CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADER_KEAMANAN = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class Ditolak(Exception):
    """A refused request: shown as an Indonesian page (or JSON under /api), audited."""

    def __init__(self, status_code: int, pesan: str, *, alasan: str,
                 header: dict[str, str] | None = None) -> None:
        super().__init__(pesan)
        self.status_code = status_code
        self.pesan = pesan
        self.alasan = alasan
        self.header = header or {}


# --- the portal's key --------------------------------------------------------------------

def kunci(settings: Settings) -> str:
    """The signing key: ``LPA_PORTAL_KUNCI``, else ``data_dir/kunci.portal`` made on first
    use (mode 0600), like the store's Fernet key."""
    if settings.portal_kunci is not None:
        return settings.portal_kunci.get_secret_value()
    path = settings.data_dir / "kunci.portal"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it a moment ago
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _penanda(request: Request) -> URLSafeTimedSerializer:
    return request.app.state.penanda


def penanda(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(kunci(settings), salt="lpa-portal-csrf")


# --- CSRF --------------------------------------------------------------------------------

def token_csrf(request: Request) -> tuple[str, str | None]:
    """(the form token for this page, the new cookie value to set or None)."""
    nilai = getattr(request.state, "csrf_cookie", None) or request.cookies.get(COOKIE_CSRF)
    baru = None
    if not nilai or len(nilai) > 100:
        nilai = baru = secrets.token_urlsafe(32)
        request.state.csrf_cookie = nilai
    return str(_penanda(request).dumps(nilai)), baru


def pasang_cookie_csrf(request: Request, respons: Response, nilai: str) -> None:
    respons.set_cookie(COOKIE_CSRF, nilai, httponly=True, samesite="strict",
                       secure=request.url.scheme == "https", path="/")


async def periksa_csrf(request: Request) -> None:
    """Refuse (403, audited) a form POST without a good token for this browser's cookie.

    Reads the form (``await request.form()`` later returns the same, cached)."""
    form = await request.form()
    token = form.get(FIELD_CSRF)
    cookie = request.cookies.get(COOKIE_CSRF)
    alasan = None
    if not cookie:
        alasan = "csrf_tanpa_cookie"
    elif not isinstance(token, str) or not token:
        alasan = "csrf_tanpa_token"
    else:
        try:
            if _penanda(request).loads(token, max_age=UMUR_CSRF) != cookie:
                alasan = "csrf_bukan_milik_peramban"
        except SignatureExpired:
            alasan = "csrf_kedaluwarsa"
        except BadSignature:
            alasan = "csrf_palsu"
    if alasan:
        raise Ditolak(403, "Formulir ini tidak dapat diterima karena tanda keamanannya tidak "
                           "sah atau sudah kedaluwarsa. Muat ulang halaman formulir, lalu "
                           "kirim kembali.", alasan=alasan)


# --- rate limits -------------------------------------------------------------------------

class Pembatas:
    """Moving-window rate limits per client address, in this process's memory."""

    def __init__(self) -> None:
        self._pembatas = MovingWindowRateLimiter(MemoryStorage())

    def periksa(self, request: Request, nama: str, batas: str) -> None:
        item = parse_batas(batas)
        kunci_klien = alamat_klien(request)
        if not self._pembatas.hit(item, nama, kunci_klien):
            tunggu = self._pembatas.get_window_stats(item, nama, kunci_klien).reset_time
            detik = max(1, int(tunggu - datetime.now(UTC).timestamp()))
            raise Ditolak(429, f"Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam "
                               f"{detik} detik.", alasan=f"batas_{nama}",
                          header={"Retry-After": str(detik)})


def batasi(request: Request, nama: str, batas: str | None = None) -> None:
    """Count this request against the limit ``nama`` (default: submissions); 429 beyond."""
    settings: Settings = request.app.state.settings
    request.app.state.pembatas.periksa(request, nama, batas or settings.portal_batas_kirim)


def alamat_klien(request: Request) -> str:
    return request.client.host if request.client else "?"


# --- audit and errors --------------------------------------------------------------------

def audit_penolakan(request: Request, alasan: str, **rinci: Any) -> None:
    """Every refusal lands in the audit trail: what, where, from which address."""
    settings: Settings = request.app.state.settings
    try:
        with db.session_scope(settings.store_url) as session:
            repo.audit(session, "portal_ditolak", actor=f"portal:{alamat_klien(request)}",
                       alasan=alasan, metode=request.method,
                       # a route whose path holds a private token names a masked one
                       jalur=getattr(request.state, "jalur_audit", None) or request.url.path,
                       **rinci)
    except Exception:  # noqa: BLE001 - a refusal must still be answered
        log.exception("audit of a portal refusal failed")


def catat_galat(settings: Settings, exc: BaseException, request: Request) -> Path:
    """The masked traceback in ``data_dir/log/portal-galat.log``; never shown to anyone."""
    from klien.galat import samarkan

    folder = settings.data_dir / "log"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "portal-galat.log"
    jalur = getattr(request.state, "jalur_audit", None) or request.url.path  # no token
    kepala = f"--- {datetime.now(UTC).isoformat()} {request.method} {jalur}\n"
    rinci = samarkan("".join(traceback.format_exception(exc)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(kepala + rinci + "\n")
    return path


def pasang_header(respons: Response) -> Response:
    for nama, nilai in HEADER_KEAMANAN.items():
        respons.headers.setdefault(nama, nilai)
    return respons
