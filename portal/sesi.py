"""Staff sessions: who is signed in (server-side sessions, store/portal_pejabat.py).

The cookie ``lpa_sesi`` holds a random id (``secrets.token_urlsafe(32)``); the store keeps
only its SHA-256, the NIP and the name, when it was last used (idle expiry) and when it ends
however active (absolute expiry). The cookie is HttpOnly, SameSite=Lax (a link from a mail
arrives signed in), Secure when the portal's URL is https. Staff are the roster's active
entries: officials and service-desk officers.

:func:`pasang` adds the middleware that fills ``request.state.pengguna`` (a :class:`Staf`
or None) for every request, which the templates show in the navigation;
:func:`pengguna_saat_ini` is the dependency a route asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from domain.roster import Pejabat, Roster, RosterTidakSah
from domain.sop import Peran
from settings import Settings
from store import db, portal_pejabat

COOKIE_SESI = "lpa_sesi"


@dataclass(frozen=True)
class Staf:
    """The signed-in staff member."""

    nip: str
    nama: str
    jabatan: tuple[str, ...]
    """Posts held now, as named in letters ("Plh. Kepala Bidang ...")."""
    peran: frozenset[Peran]


def _sekarang() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=4)
def _roster_dari(path: Path, mtime_ns: int, ukuran: int) -> Roster:
    return Roster.from_yaml_text(path.read_text(encoding="utf-8"))


def roster(settings: Settings) -> Roster | None:
    """The roster as it is now (re-read when the file changes), None while unreadable."""
    try:
        path = settings.roster_file.resolve()
        info = path.stat()
        return _roster_dari(path, info.st_mtime_ns, info.st_size)
    except (OSError, RosterTidakSah):
        return None


def entri_staf(settings: Settings, nip: str) -> list[Pejabat]:
    r = roster(settings)
    return [p for p in (r.pejabat if r else ()) if p.aktif and p.nip == nip]


def staf(settings: Settings, nip: str, nama: str) -> Staf | None:
    """The staff member ``nip`` as the roster has them now; None once no entry is active
    (a deactivated officer's session stops working at once)."""
    entri = entri_staf(settings, nip)
    if not entri:
        return None
    return Staf(nip, entri[0].nama or nama, tuple(p.sebutan for p in entri),
                frozenset(p.peran for p in entri))


def cari_staf(settings: Settings, nip_atau_surel: str) -> Pejabat | None:
    """The active roster entry named by a NIP (spaces allowed) or an e-mail address."""
    teks = (nip_atau_surel or "").strip()
    if not teks:
        return None
    r = roster(settings)
    if r is None:
        return None
    nip = "".join(teks.split())
    for p in r.pejabat:
        if p.aktif and (p.nip == nip or p.email.lower() == teks.lower()):
            return p
    return None


def _idle(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.portal_sesi_idle_menit)


def mulai(settings: Settings, respons: Response, nip: str, nama: str,
          https: bool) -> None:
    """Start a session for ``nip`` and set its cookie on ``respons``."""
    with db.session_scope(settings.store_url) as session:
        raw = portal_pejabat.buat_sesi(session, nip, nama,
                                       timedelta(hours=settings.portal_sesi_maks_jam),
                                       _sekarang())
    respons.set_cookie(COOKIE_SESI, raw, httponly=True, samesite="lax", secure=https,
                       path="/", max_age=int(settings.portal_sesi_maks_jam * 3600))


def akhiri(settings: Settings, request: Request, respons: Response) -> str | None:
    """End the request's session (store and cookie); the NIP it belonged to, if any."""
    raw = request.cookies.get(COOKIE_SESI)
    nip = None
    if raw:
        with db.session_scope(settings.store_url) as session:
            sesi = portal_pejabat.akhiri_sesi(session, raw, _sekarang())
            nip = sesi.nip if sesi is not None else None
    respons.delete_cookie(COOKIE_SESI, path="/", httponly=True, samesite="lax",
                          secure=https(settings))
    return nip


def https(settings: Settings) -> bool:
    return settings.portal_url.lower().startswith("https://")


def _baca(settings: Settings, raw: str) -> Staf | None:
    with db.session_scope(settings.store_url) as session:
        sesi = portal_pejabat.baca_sesi(session, raw, _idle(settings), _sekarang())
        if sesi is None:
            return None
        nip, nama = sesi.nip, sesi.nama
    return staf(settings, nip, nama)


def pasang(app: FastAPI) -> None:
    """The middleware that tells every request who is signed in (``request.state.pengguna``)."""

    @app.middleware("http")
    async def _pengguna(request: Request, call_next):  # noqa: ANN202
        request.state.pengguna = None
        raw = request.cookies.get(COOKIE_SESI)
        if raw and len(raw) <= 100:
            request.state.pengguna = await run_in_threadpool(
                _baca, request.app.state.settings, raw)
        return await call_next(request)


def pengguna_saat_ini(request: Request) -> Staf | None:
    """The signed-in staff member, or None (a FastAPI dependency)."""
    return getattr(request.state, "pengguna", None)
