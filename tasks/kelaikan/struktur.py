"""struktur: the observations of the folder/file-structure checks of the feasibility test.

:func:`amati_dasar` asks once how the target answers paths that do not exist (a random file
and folder, :class:`tasks.kelaikan.klien.Pembanding`) and reads the start page. On it,
:func:`amati_berkas` asks every path the seven file checks planned
(:func:`domain.kelaikan.berkas.rencana_berkas`, about 60 requests for a site at ``/``, never
a dictionary attack) and :func:`amati_robots` reads robots.txt and the sitemaps, then the
hidden paths they name. The requests go at most :data:`PARALEL` at a time, through the
client's shared rate limiter; each answer, or why none came, is recorded, so a path that
hangs marks only the check that needed it as not tested. The judges are pure
(``domain/kelaikan/nilai_struktur.py``): a "soft 404" (200 with a generic page for any path)
is never a finding, and a path is one only when its content is recognised.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from prefect import task

from domain.kelaikan.berkas import (
    DasarStruktur,
    Jawaban,
    ObservasiBerkas,
    ObservasiRobots,
    calon_tersembunyi,
    peta_dari_robots,
    rencana_berkas,
    rencana_robots,
)
from tasks.kelaikan.klien import DiluarCakupan, KlienUji, ambil_pembanding
from tasks.kelaikan.umum import BATAS_WAKTU_CEK, OPSI_TUGAS, Pengamat, alasan_galat, url_target

PARALEL = 8
"""Requests of one observation in flight at once (the per-target rate limit still applies)."""
BATAS_WAKTU_AMATAN = BATAS_WAKTU_CEK - 10
"""Seconds an observation asks for; a request not answered by then is recorded as failed,
so the task ends within its own bound with every answer it got."""


@task(name="struktur.dasar", **OPSI_TUGAS)
async def amati_dasar(url: str) -> DasarStruktur:
    """How the target answers a random missing file and folder, and its start page."""
    async with KlienUji(url) as klien:
        pembanding = await ambil_pembanding(klien)
        awal = await klien.get(url)
    return DasarStruktur(pembanding=pembanding, awal=awal)


async def ambil_semua(klien: KlienUji, daftar: list[str], akhir: float) -> Jawaban:
    """GET every URL, :data:`PARALEL` at a time, until the loop time ``akhir``. A request the
    server cuts off (a WAF resetting the connection) is answered None; one that times out or
    fails otherwise is recorded in :attr:`Jawaban.gagal` with the reason."""
    batas = asyncio.Semaphore(PARALEL)
    halaman: dict[str, Any] = {}
    gagal: dict[str, str] = {}

    async def satu(url: str) -> None:
        async with batas:
            try:
                async with asyncio.timeout_at(akhir):
                    halaman[url] = await klien.get(url)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                halaman[url] = None
            except (httpx.HTTPError, TimeoutError, DiluarCakupan) as exc:
                gagal[url] = alasan_galat(exc)

    daftar = list(dict.fromkeys(daftar))
    await asyncio.gather(*(satu(url) for url in daftar))
    return Jawaban(halaman={u: halaman[u] for u in daftar if u in halaman},
                   gagal={u: gagal[u] for u in daftar if u in gagal})


def _akhir() -> float:
    return asyncio.get_running_loop().time() + BATAS_WAKTU_AMATAN


@task(name="struktur.amati_berkas", **OPSI_TUGAS)
async def amati_berkas(url: str, dasar: DasarStruktur) -> ObservasiBerkas:
    """Every path the file checks planned, asked once, and what came back."""
    rencana = rencana_berkas(url, dasar)
    async with KlienUji(url) as klien:
        jawaban = await ambil_semua(klien, [u for d in rencana.values() for u in d], _akhir())
    return ObservasiBerkas(pembanding=dasar.pembanding, rencana=rencana,
                           halaman=jawaban.halaman, gagal=jawaban.gagal)


@task(name="struktur.amati_robots", **OPSI_TUGAS)
async def amati_robots(url: str, dasar: DasarStruktur) -> ObservasiRobots:
    """robots.txt and /sitemap.xml, a further sitemap robots.txt names, then the sensitive
    paths they name that the start page does not link."""
    akhir = _akhir()
    robots = rencana_robots(url)
    async with KlienUji(url) as klien:
        satu = await ambil_semua(klien, robots, akhir)
        isi_robots, sitemap = (satu.halaman.get(u) for u in robots)
        peta = peta_dari_robots(url, isi_robots)
        dua = await ambil_semua(klien, peta, akhir)
        calon = calon_tersembunyi(url, dasar.awal, isi_robots,
                                  [sitemap, *(dua.halaman.get(u) for u in peta)])
        tiga = await ambil_semua(klien, list(calon), akhir)
    return ObservasiRobots(
        pembanding=dasar.pembanding, robots=robots, peta=peta, tersembunyi=calon,
        halaman=satu.halaman | dua.halaman | tiga.halaman,
        gagal=satu.gagal | dua.gagal | tiga.gagal)


PENGAMAT = {
    "dasar_struktur": Pengamat("pembanding soft-404", amati_dasar, url_target),
    "berkas_struktur": Pengamat("permintaan berkas dan folder sensitif", amati_berkas,
                                url_target, dasar="dasar_struktur"),
    "robots_sitemap": Pengamat("pembacaan robots.txt dan sitemap", amati_robots, url_target,
                               dasar="dasar_struktur"),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
