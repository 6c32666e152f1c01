"""dbms: database-management-system observations.

:func:`amati_dbms` asks every database port of the host named in the request what it is
(``tasks/kelaikan/protokol_db.py``) and resolves that host and the application's;
:func:`amati_web_db` requests the start page, a few of its links and a missing page, and
common dump file names beside the soft-404 baseline, through
:class:`tasks.kelaikan.klien.KlienUji`. The pure judges of both are in
``domain/kelaikan/dbms.py``.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any
from urllib.parse import urljoin

import httpx
from prefect import task

from domain.kelaikan.dbms import (
    MAKS_TAUTAN_GALAT,
    PORT_DB,
    ObservasiDbms,
    ObservasiWebDb,
    berkas_dump,
    tautan_galat,
)
from domain.kelaikan.halaman import Halaman, token_acak
from tasks.kelaikan.klien import DiluarCakupan, KlienUji, ambil_pembanding
from tasks.kelaikan.protokol_db import amati_port, port_terbuka
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, alasan_galat, url_target

GALAT_PERMINTAAN = (httpx.HTTPError, DiluarCakupan)
"""What a request may end with instead of an answer: recorded with the reason."""


def _alamat(host: str) -> list[str]:
    try:
        return sorted({i[4][0] for i in socket.getaddrinfo(host, None,
                                                           proto=socket.IPPROTO_TCP)})
    except (socket.gaierror, UnicodeError):
        return []


@task(name="dbms.amati", **OPSI_TUGAS)
async def amati_dbms(host: str, port: int | None = None,
                     host_aplikasi: str | None = None) -> ObservasiDbms:
    """Which database ports of ``host`` accept connections, and what each says; the
    addresses of ``host`` and of ``host_aplikasi`` (the application's host)."""
    daftar = [port] if port else list(PORT_DB)
    terbuka = await asyncio.gather(*(port_terbuka(host, p) for p in daftar))
    buka = [p for p, ya in zip(daftar, terbuka, strict=True) if ya]
    layanan = await asyncio.gather(*(amati_port(host, p) for p in buka))
    alamat = await asyncio.to_thread(_alamat, host)
    alamat_aplikasi = await asyncio.to_thread(_alamat, host_aplikasi) if host_aplikasi else None
    return ObservasiDbms(host=host, port_diperiksa=daftar, layanan=list(layanan),
                         alamat=alamat, host_aplikasi=host_aplikasi,
                         alamat_aplikasi=alamat_aplikasi)


async def _halaman_galat(klien: KlienUji, url: str) -> dict[str, Any]:
    """The start page, the first in-scope links worth a look, and a random missing path."""
    halaman: list[Halaman] = []
    gagal: dict[str, str] = {}

    async def minta(tujuan: str) -> Halaman | None:
        try:
            h = await klien.get(tujuan)
        except GALAT_PERMINTAAN as exc:
            gagal[tujuan] = alasan_galat(exc)
            return None
        halaman.append(h)
        return h

    awal = await minta(url)
    if awal is not None:
        tautan = [t for t in tautan_galat(awal) if klien.dalam_cakupan(t)]
        for tujuan in tautan[:MAKS_TAUTAN_GALAT]:
            await minta(tujuan)
    await minta(urljoin(awal.url if awal is not None else url, f"/lpa-{token_acak()}"))
    return {"halaman": halaman, "halaman_gagal": gagal}


async def _dump(klien: KlienUji, url: str) -> dict[str, Any]:
    """The soft-404 baseline, then every common dump file name (none without the
    baseline: a dump cannot be told from a missing path without it)."""
    try:
        pembanding = await ambil_pembanding(klien)
    except GALAT_PERMINTAAN as exc:
        return {"dump_gagal": {"pembanding": alasan_galat(exc)}}
    dump: list[Halaman] = []
    gagal: dict[str, str] = {}
    for nama in berkas_dump(url):
        tujuan = urljoin(url, "/" + nama)
        try:
            dump.append(await klien.get(tujuan))
        except GALAT_PERMINTAAN as exc:
            gagal[tujuan] = alasan_galat(exc)
    return {"pembanding": pembanding, "dump": dump, "dump_gagal": gagal}


@task(name="dbms.amati_web", **OPSI_TUGAS)
async def amati_web_db(url: str) -> ObservasiWebDb:
    """The pages database errors may show on, and the dump paths; a request that fails is
    recorded with its reason, the others go on."""
    async with KlienUji(url) as klien:
        halaman = await _halaman_galat(klien, url)
        dump = await _dump(klien, url)
    return ObservasiWebDb(**halaman, **dump)


PENGAMAT: dict[str, Pengamat] = {
    "dbms": Pengamat("pengamatan port basis data", amati_dbms,
                     lambda t: (t.host_db or "", t.db_port, t.host)),
    "web_db": Pengamat("permintaan halaman dan berkas dump", amati_web_db, url_target),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
