"""Uji kelaikan: six security categories as concurrent subflows, one report, one verdict.

``kelaikan`` checks that the application answers, starts one generic category subflow
(:func:`uji_kategori`) per security category together (each visible in the Prefect UI,
each made of check tasks read from the registry :data:`domain.kelaikan.registri.CEK`), adds
the stress-test slot when asked, aggregates a :class:`domain.kelaikan.LaporanKelaikan`,
publishes a Markdown summary and a findings table, and returns the report (typed).

A check that fails or times out is recorded in its category (``reason``) and never stops the
others; a category subflow that crashes is reported ``tidak_diuji`` with the reason. The
whole test is bounded (:func:`batas_uji`, ``LPA_UJI_BATAS_TOTAL``): a category still running
at the bound is cancelled and reported ``tidak_diuji`` with that reason. The test account's
password is removed from every text before anything leaves the flow.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger

from domain.beban import DURASI_MAKS_DEFAULT
from domain.forms import UjiBeban
from domain.kelaikan import (
    ALASAN_TANPA_AKUN,
    ALASAN_TANPA_DATA_BEBAN,
    ALASAN_TANPA_DB,
    KATEGORI_KEAMANAN,
    Cek,
    HasilKategori,
    LaporanKelaikan,
    TargetUji,
    Temuan,
    UjiTidakDapatDinilai,
    cek_kategori,
    hasil_kategori,
    kategori_tidak_diuji,
)
from domain.opsi_beban import OpsiUjiBeban
from flows.penamaan import nama_run
from settings import get_settings
from tasks.kelaikan import umum as cek
from tasks.kelaikan.artefak import terbitkan_artefak
from tasks.kelaikan.registri import PENGAMAT, TidakDiuji, nilai_cek

BATAS_WAKTU_KATEGORI = 15 * 60
"""Wall-clock bound of one category subflow, seconds (each check has its own, shorter)."""

TENGGANG_BEBAN = 300.0
"""Seconds a stress test needs beyond its own duration (Locust's start, the report)."""
TENGGANG_BATAL = 30.0
"""Seconds given to the categories cancelled at the bound to wind down."""
TENGGANG_LAPORAN = 120.0
"""Seconds a caller's wall-clock timeout allows beyond :func:`batas_uji` (report,
artifacts), so that the flow's own bound, with its reasons, comes first."""

BATAS_TUNGGU_MULAI = 30.0
"""Seconds ``kelaikan`` waits for one category subflow to start before it starts the next
one anyway."""

class BatasUjiTerlampaui(TimeoutError):
    """The whole feasibility test reached its bound; the message (Bahasa Indonesia) is the
    reason of every category it cut."""


def batas_uji(stress: bool = False, durasi_maks: float | None = None) -> float:
    """Seconds one whole feasibility test may take: ``LPA_UJI_BATAS_TOTAL``; with a stress
    test that needs longer, its maximum duration plus :data:`TENGGANG_BEBAN`."""
    batas = get_settings().uji_batas_total
    if stress:
        batas = max(batas, (durasi_maks or DURASI_MAKS_DEFAULT) + TENGGANG_BEBAN)
    return batas


def alasan_batas(detik: float) -> str:
    return f"batas waktu total uji kelaikan ({detik:g} detik) terlampaui"


async def tunggu_dalam_batas(tugas: Sequence[asyncio.Future[Any]], sisa: float,
                             alasan: str) -> list[Any]:
    """Wait for ``tugas`` at most ``sisa`` seconds; cancel what is still running (and give
    it :data:`TENGGANG_BATAL` seconds to wind down). Returns, in order, each result, the
    exception it ended with, or :class:`BatasUjiTerlampaui` for those cut at the bound."""
    terpotong: set[asyncio.Future[Any]] = set()
    if tugas:
        _, terpotong = await asyncio.wait(tugas, timeout=max(0.0, sisa))
    for t in terpotong:
        t.cancel()
    if terpotong:
        await asyncio.wait(terpotong, timeout=TENGGANG_BATAL)
    hasil: list[Any] = []
    for t in tugas:
        if t in terpotong:
            hasil.append(BatasUjiTerlampaui(alasan))
        elif t.cancelled():
            hasil.append(asyncio.CancelledError())
        else:
            hasil.append(t.exception() or t.result())
    return hasil


@dataclass(frozen=True)
class _Giliran:
    mulai: asyncio.Event
    """Set by the subflow: its run exists and is Running."""
    jalan: asyncio.Event
    """Set by ``kelaikan`` when every category subflow has started: go."""


_GILIRAN: ContextVar[_Giliran | None] = ContextVar("_GILIRAN", default=None)


async def _sudah_mulai() -> None:
    """First statement of every category subflow: tell ``kelaikan`` that this run exists,
    and wait until all six do (a no-op when the subflow is not started by ``kelaikan``)."""
    giliran = _GILIRAN.get()
    if giliran is not None:
        giliran.mulai.set()
        await giliran.jalan.wait()


async def _mulai_bergiliran(
    panggilan: Sequence[Callable[[], Awaitable[HasilKategori]]],
) -> list[asyncio.Task[HasilKategori]]:
    """Create the category subflow runs one after another, then let them all work together.

    Creating a subflow run takes a handful of writes to the Prefect server. On SQLite, a
    write that collides with another ("database is locked") is answered 503 and the client
    retries after 2, 4, 8, 16 s...: six subflows created at the same moment, or created
    while the first categories' tasks flood the server with state events, began up to
    30-60 s late. Created in turn, before any category sends its first request, they
    hardly collide; each waits (``_sudah_mulai``) until the last one exists.
    """
    jalan = asyncio.Event()
    tugas: list[asyncio.Task[HasilKategori]] = []
    try:
        for buat in panggilan:
            giliran = _Giliran(mulai=asyncio.Event(), jalan=jalan)
            token = _GILIRAN.set(giliran)
            try:
                t = asyncio.ensure_future(buat())  # the task copies the context
            finally:
                _GILIRAN.reset(token)
            tugas.append(t)
            menunggu = asyncio.ensure_future(giliran.mulai.wait())
            try:
                await asyncio.wait({t, menunggu}, timeout=BATAS_TUNGGU_MULAI,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                menunggu.cancel()
    except BaseException:
        for t in tugas:
            t.cancel()
        raise
    finally:
        jalan.set()
    return tugas


def nama_run_kategori() -> str:
    """The run name of a category subflow: ``LPA-2026-000001 · struktur`` inside a ticket's
    step 5, ``struktur · https://…`` on its own (as :func:`flows.penamaan.nama_run`)."""
    from prefect.runtime import flow_run

    return nama_run(str(flow_run.parameters.get("kategori", "kategori")))()


class AmatanGagal(RuntimeError):
    """An observation could not be made because the one it builds on failed (and has no
    empty stand-in): the checks' reason names that base observation and its cause."""

    def __init__(self, nama: str, sebab: BaseException) -> None:
        super().__init__(f"{nama}: {sebab}")
        self.nama = nama
        self.sebab = sebab


async def _amati_semua(nama: list[str], target: TargetUji) -> dict[str, Any]:
    """The observations ``nama`` (and those they build on), each once: first those that
    build on none, together; then, stage by stage, those whose base is made. A failed one
    is its exception; what builds on it is made from its :attr:`Pengamat.tanpa_dasar`, or,
    when it has none, fails with :class:`AmatanGagal` naming the base."""
    semua: list[str] = []

    def tambah(n: str) -> None:
        if n not in semua:
            if PENGAMAT[n].dasar:
                tambah(PENGAMAT[n].dasar)
            semua.append(n)

    for n in nama:
        tambah(n)
    hasil: dict[str, Any] = {}

    async def amati(n: str) -> Any:
        p = PENGAMAT[n]
        if p.dasar is None:
            return await p.amati(target)
        dasar = hasil[p.dasar]
        if isinstance(dasar, BaseException):
            if p.tanpa_dasar is None:  # nothing to build on: its checks read the base's reason
                raise dasar if isinstance(dasar, AmatanGagal) else AmatanGagal(p.dasar, dasar)
            dasar = p.tanpa_dasar
        return await p.amati(target, dasar)

    while len(hasil) < len(semua):
        tahap = [n for n in semua if n not in hasil
                 and (PENGAMAT[n].dasar is None or PENGAMAT[n].dasar in hasil)]
        keluar = await asyncio.gather(*(amati(n) for n in tahap), return_exceptions=True)
        hasil.update(zip(tahap, keluar, strict=True))
    return hasil


@flow(name="kelaikan-kategori", flow_run_name=nama_run_kategori,
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_kategori(kategori: str, target: TargetUji) -> HasilKategori:
    """One security category, read from the registry (:data:`domain.kelaikan.registri.CEK`).

    A check whose need the request does not meet (``Cek.butuh``: no database address, no
    test account) is not run, with the reason that says what to give. The observations its
    checks start from are made once each (:func:`_amati_semua`); a check whose observation
    failed is not run (the reason says which observation and why). Then every check runs as
    a task: its pure judge on the observation, or its probe. A check that raises is
    recorded with its reason; the others go on.
    """
    await _sudah_mulai()
    tidak_jalan: dict[str, str] = {}
    jalan: list[Cek] = []
    for c in cek_kategori(kategori):
        if "db" in c.butuh and target.host_db is None:
            tidak_jalan[c.id] = ALASAN_TANPA_DB
        elif "akun" in c.butuh and target.username is None:
            tidak_jalan[c.id] = ALASAN_TANPA_AKUN
        else:
            jalan.append(c)
    amatan = await _amati_semua(list(dict.fromkeys(c.amatan for c in jalan if c.amatan)),
                                target)
    langkah: list[tuple[str, Awaitable[list[Temuan] | TidakDiuji]]] = []
    for c in jalan:
        obs = amatan.get(c.amatan) if c.amatan else None
        if isinstance(obs, BaseException):
            nama, sebab = (obs.nama, obs.sebab) if isinstance(obs, AmatanGagal) \
                else (c.amatan, obs)
            tidak_jalan[c.id] = f"{PENGAMAT[nama].apa} gagal: {cek.alasan_galat(sebab)}"
            continue
        langkah.append((c.id, nilai_cek(c.id, obs, target)))
    hasil = await asyncio.gather(*(aw for _, aw in langkah), return_exceptions=True)
    temuan: list[Temuan] = []
    selesai: list[str] = []
    for (cid, _), h in zip(langkah, hasil, strict=True):
        if isinstance(h, BaseException):
            tidak_jalan[cid] = cek.alasan_galat(h)
        elif isinstance(h, TidakDiuji):
            tidak_jalan[cid] = h.alasan
        else:
            temuan += h
            selesai.append(cid)
    urutan = [c.id for c in cek_kategori(kategori)]
    tidak_jalan = dict(sorted(tidak_jalan.items(), key=lambda p: urutan.index(p[0])))
    return hasil_kategori(kategori, temuan, selesai, tidak_jalan)


async def uji_beban(target: TargetUji, beban: UjiBeban | None = None,
                    opsi: OpsiUjiBeban | None = None) -> HasilKategori:
    """The stress-test category: the ``kelaikan-uji-beban`` subflow (flows/stress.py, Locust
    in subprocesses). ``beban``: the form's ``UjiBeban``; ``opsi``: the subflow's load
    options. Without ``beban`` it reports ``tidak_diuji``."""
    if beban is None:
        return kategori_tidak_diuji("uji_beban", ALASAN_TANPA_DATA_BEBAN)
    from flows.stress import uji_beban_flow

    return await uji_beban_flow(target, beban, opsi)


@flow(name="kelaikan", flow_run_name=nama_run("kelaikan"),
      timeout_seconds=BATAS_WAKTU_KATEGORI + 5 * 60)
async def kelaikan(target: TargetUji, stress: bool = False, beban: UjiBeban | None = None,
                   opsi_beban: OpsiUjiBeban | None = None) -> LaporanKelaikan:
    """The whole feasibility test; returns the report (``laporan.json`` is its JSON dump).

    ``stress``: run the stress test beside the six security categories, from the form's
    load data ``beban`` (without it the category is ``tidak_diuji``); ``opsi_beban``: the
    stress subflow's options (:class:`domain.opsi_beban.OpsiUjiBeban`; a dict of its fields
    is validated into one, as Prefect does with the parameters of a run).
    """
    logger = get_run_logger()
    mulai = datetime.now(UTC)
    opsi_beban = OpsiUjiBeban.model_validate(opsi_beban or {})
    batas = batas_uji(stress and beban is not None, opsi_beban.durasi_maks)
    akhir = time.monotonic() + batas
    await cek.periksa_target(target.url)
    logger.info("Uji kelaikan %s: enam kategori berjalan bersamaan%s (batas %g detik)",
                target.url, ", dengan uji beban" if stress else "", batas)
    tugas = await _mulai_bergiliran([
        lambda k=k: uji_kategori(k, target) for k in KATEGORI_KEAMANAN])
    ids = list(KATEGORI_KEAMANAN)
    if stress:
        tugas.append(asyncio.ensure_future(uji_beban(target, beban, opsi_beban)))
        ids.append("uji_beban")
    hasil = await tunggu_dalam_batas(tugas, akhir - time.monotonic(), alasan_batas(batas))
    kategori: list[HasilKategori] = []
    for kid, h in zip(ids, hasil, strict=True):
        if isinstance(h, BatasUjiTerlampaui):
            logger.warning("Kategori %s dihentikan: %s", kid, h)
            kategori.append(kategori_tidak_diuji(kid, str(h)))
        elif isinstance(h, BaseException):
            kategori.append(kategori_tidak_diuji(kid, f"subflow gagal: {cek.alasan_galat(h)}"))
        else:
            kategori.append(h)
    try:
        laporan = LaporanKelaikan.susun(target, mulai, datetime.now(UTC), kategori)
    except UjiTidakDapatDinilai as exc:
        if any(isinstance(h, BatasUjiTerlampaui) for h in hasil):
            raise UjiTidakDapatDinilai(f"{exc} Sebab: {alasan_batas(batas)}.") from None
        raise
    laporan = laporan.tanpa_rahasia(target.rahasia())
    await terbitkan_artefak(laporan)
    logger.info("Uji kelaikan %s selesai: %s", target.url, laporan.verdict)
    return laporan
