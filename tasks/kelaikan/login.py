"""Finding the login (the rules and bounds are in :mod:`domain.kelaikan.login`).

:func:`temukan_login` looks once, through the caller's scoped client: the start page, its
login links and buttons, redirects from paths that need a login, then the login locations
of the recognised frameworks and the common ones. Every page it reads is handed to
``catat`` (the session observation records their cookies and forms).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.kerangka import kenali_kerangka
from domain.kelaikan.login import (
    LOKASI_LOGIN,
    MAKS_LOKASI,
    MAKS_PENGALIHAN,
    MAKS_TAUTAN,
    PATH_TERLINDUNGI,
    LoginDitemukan,
    lokasi_login,
    tautan_login,
)
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.umum import awal_aplikasi


def ada_form_sandi(halaman: Halaman) -> bool:
    return halaman.status < 400 and any(f.adalah_login for f in urai(halaman.text).formulir)


def _path(url: str) -> str:
    bagian = urlsplit(url)
    return (bagian.path or "/") + (f"?{bagian.query}" if bagian.query else "")


async def temukan_login(
    klien: KlienUji, awal: Halaman, catat: Callable[[Halaman], None] | None = None,
) -> tuple[Halaman, LoginDitemukan] | None:
    """The login page and how it was found, or None after every bounded way was tried."""
    if ada_form_sandi(awal):
        return awal, LoginDitemukan(url=awal.url, cara=f"formulir login di {_path(awal.url)}")

    async def coba(url: str) -> Halaman | None:
        if not klien.dalam_cakupan(url):
            return None
        h = await klien.get(url)
        if catat is not None:
            catat(h)
        return h if ada_form_sandi(h) else None

    dilihat = {awal.url}
    for tautan, label in tautan_login(urai(awal.text))[:MAKS_TAUTAN]:
        url = klien.absolut(tautan, awal.url)
        if url in dilihat:
            continue
        dilihat.add(url)
        h = await coba(url)
        if h is not None:
            apa = f"tautan/tombol '{label}'" if label else "tautan"
            return h, LoginDitemukan(url=h.url, cara=f"{apa} di {_path(awal.url)} -> "
                                                     f"{_path(h.url)}")
    dasar = awal_aplikasi(awal.url)
    for path in PATH_TERLINDUNGI[:MAKS_PENGALIHAN]:
        url = urljoin(dasar, path)
        h = await coba(url)
        if h is not None and h.pengalihan:
            return h, LoginDitemukan(url=h.url, cara=f"pengalihan dari {_path(url)} ke "
                                                     f"{_path(h.url)}")
        if h is not None:
            dilihat.add(h.url)
    kerangka = [k for k, _ in kenali_kerangka([awal])]
    for path in [p for p in lokasi_login(kerangka)
                 if urljoin(dasar, p) not in dilihat][:MAKS_LOKASI]:
        h = await coba(urljoin(dasar, path))
        if h is not None:
            milik = next((k for k in kerangka if path in LOKASI_LOGIN.get(k, ())), None)
            apa = f"lokasi login {milik}" if milik else "lokasi login umum"
            return h, LoginDitemukan(url=h.url, cara=f"{apa} {_path(h.url)}")
    return None
