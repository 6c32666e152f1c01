"""Uji kelaikan: six security categories as concurrent subflows, one report, one verdict.

``kelaikan`` checks that the application answers, starts the six category subflows together
(each visible in the Prefect UI, each made of check tasks), adds the stress-test slot when
asked, aggregates a :class:`domain.kelaikan.LaporanKelaikan`, publishes a Markdown summary
and a findings table, and returns ``laporan.json`` as a dict.

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
    ALASAN_TANPA_DATA_BEBAN,
    ALASAN_TANPA_DB,
    HasilKategori,
    LaporanKelaikan,
    TargetUji,
    Temuan,
    UjiTidakDapatDinilai,
    hasil_kategori,
    kategori_tidak_diuji,
)
from domain.opsi_beban import OpsiUjiBeban
from flows.penamaan import nama_run
from settings import get_settings
from tasks import cek_dbms, cek_input, cek_lain, cek_sesi, cek_struktur, cek_validasi
from tasks import kelaikan_cek as cek
from tasks.kelaikan_artefak import terbitkan_artefak

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


Langkah = tuple[Sequence[str], Awaitable[list[Temuan]]]
"""The check ids one task covers, and the awaitable task call."""


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


async def _kumpulkan(kategori: str, langkah: Sequence[Langkah],
                     tidak_jalan: dict[str, str] | None = None) -> HasilKategori:
    """Run the check tasks of one category together; failures become reasons."""
    hasil = await asyncio.gather(*(aw for _, aw in langkah), return_exceptions=True)
    temuan: list[Temuan] = []
    jalan: list[str] = []
    tidak_jalan = dict(tidak_jalan or {})
    for (ids, _), h in zip(langkah, hasil, strict=True):
        if isinstance(h, BaseException):
            tidak_jalan.update({i: cek.alasan_galat(h) for i in ids})
        else:
            temuan += h
            jalan += ids
    return hasil_kategori(kategori, temuan, jalan, tidak_jalan)


def _prasyarat_gagal(kategori: str, ids: Sequence[str], exc: BaseException,
                           apa: str) -> HasilKategori:
    alasan = f"{apa} gagal: {cek.alasan_galat(exc)}"
    return hasil_kategori(kategori, [], [], {i: alasan for i in ids})


@flow(name="kelaikan-struktur", flow_run_name=nama_run("struktur"),
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_struktur(target: TargetUji) -> HasilKategori:
    await _sudah_mulai()
    ids = tuple(cek_struktur.TUGAS)
    try:
        dasar = await cek_struktur.amati_dasar(target.url)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return _prasyarat_gagal("struktur", ids, exc, "pembanding soft-404")
    return await _kumpulkan("struktur", [
        ((cid,), tugas(target.url, dasar)) for cid, tugas in cek_struktur.TUGAS.items()
    ])


@flow(name="kelaikan-validasi-data", flow_run_name=nama_run("validasi_data"),
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_validasi_data(target: TargetUji) -> HasilKategori:
    await _sudah_mulai()
    ids = tuple(cek_validasi.TUGAS)
    try:
        halaman = await cek_validasi.jelajahi_situs(target.url)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return _prasyarat_gagal("validasi_data", ids, exc, "penjelajahan halaman")
    return await _kumpulkan("validasi_data", [
        ((cid,), tugas(target.url, halaman)) for cid, tugas in cek_validasi.TUGAS.items()
    ])


@flow(name="kelaikan-otentikasi-sesi", flow_run_name=nama_run("otentikasi_sesi"),
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_otentikasi_sesi(target: TargetUji) -> HasilKategori:
    """One observation (start page, login page, the test account's login journey), judged by
    one task per check; then the failed-login checks, after the journey so that nothing they
    send can disturb it."""
    await _sudah_mulai()
    pengamatan = {
        "otentikasi_sesi.login_http": cek_sesi.cek_login_http,
        "otentikasi_sesi.tanpa_https": cek_sesi.cek_tanpa_https,
        "otentikasi_sesi.tanpa_hsts": cek_sesi.cek_tanpa_hsts,
        "otentikasi_sesi.cookie_httponly": cek_sesi.cek_cookie_httponly,
        "otentikasi_sesi.cookie_secure": cek_sesi.cek_cookie_secure,
        "otentikasi_sesi.cookie_samesite": cek_sesi.cek_cookie_samesite,
        "otentikasi_sesi.id_sesi_di_url": cek_sesi.cek_id_sesi_di_url,
        "otentikasi_sesi.fiksasi_sesi": cek_sesi.cek_fiksasi_sesi,
        "otentikasi_sesi.sesi_setelah_logout": cek_sesi.cek_sesi_setelah_logout,
        "otentikasi_sesi.tanpa_csrf": cek_sesi.cek_tanpa_csrf,
        "otentikasi_sesi.cache_halaman_terotentikasi": cek_sesi.cek_cache_halaman,
    }
    langkah: list[Langkah] = []
    tidak_jalan: dict[str, str] = {}
    try:
        obs = await cek_sesi.amati_sesi(target)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        alasan = f"pengamatan sesi gagal: {cek.alasan_galat(exc)}"
        tidak_jalan = {i: alasan for i in pengamatan}
    else:
        langkah = [((i,), fungsi(obs)) for i, fungsi in pengamatan.items()]
    langkah += [
        (("otentikasi_sesi.enumerasi_pengguna",), cek_sesi.cek_enumerasi_pengguna(target)),
        (("otentikasi_sesi.tanpa_penguncian",), cek_sesi.cek_tanpa_penguncian(target.url)),
    ]
    return await _kumpulkan("otentikasi_sesi", langkah, tidak_jalan)


@flow(name="kelaikan-input-error", flow_run_name=nama_run("input_error"),
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_input_error(target: TargetUji) -> HasilKategori:
    """Checks that need the crawl wait for it; the debug and error-page checks run even
    when the crawl failed."""
    await _sudah_mulai()
    halaman: list[Any] = []
    tidak_jalan: dict[str, str] = {}
    try:
        halaman = await cek_validasi.jelajahi_situs(target.url)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        alasan = f"penjelajahan halaman gagal: {cek.alasan_galat(exc)}"
        tidak_jalan = {cid: alasan for cid in cek_input.BUTUH_JELAJAH}
    return await _kumpulkan("input_error", [
        ((cid,), tugas(target.url, halaman)) for cid, tugas in cek_input.TUGAS.items()
        if cid not in tidak_jalan
    ], tidak_jalan)


@flow(name="kelaikan-dbms", flow_run_name=nama_run("dbms"),
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_dbms(target: TargetUji) -> HasilKategori:
    """The database host's ports and protocols (when the request names a host), and what
    the web side shows of the database (always)."""
    await _sudah_mulai()
    per_host = ("dbms.port_terjangkau", "dbms.banner_versi", "dbms.versi_eol", "dbms.tanpa_tls",
                "dbms.kredensial_bawaan", "dbms.tanpa_otentikasi", "dbms.satu_host")
    host = target.host_db
    tidak_jalan: dict[str, str] = {}
    langkah: list[Langkah] = []
    if host is None:
        tidak_jalan = {i: ALASAN_TANPA_DB for i in per_host}
    else:
        try:
            obs = await cek_dbms.amati_dbms(host, target.db_port)
        except Exception as exc:  # noqa: BLE001 - recorded as the reason
            alasan = f"pengamatan port basis data gagal: {cek.alasan_galat(exc)}"
            tidak_jalan = {i: alasan for i in per_host}
        else:
            langkah = [
                (per_host[:1], cek_dbms.cek_port_db(obs)),
                (per_host[1:2], cek_dbms.cek_banner_versi(obs)),
                (per_host[2:3], cek_dbms.cek_versi_eol(obs)),
                (per_host[3:4], cek_dbms.cek_tanpa_tls(obs)),
                (per_host[4:5], cek_dbms.cek_kredensial_bawaan(obs)),
                (per_host[5:6], cek_dbms.cek_tanpa_otentikasi(obs)),
                (per_host[6:], cek_dbms.cek_satu_host(target, obs)),
            ]
    langkah += [
        (("dbms.galat_db_web",), cek_dbms.cek_galat_db_web(target.url)),
        (("dbms.dump_terbuka",), cek_dbms.cek_dump_terbuka(target.url)),
    ]
    return await _kumpulkan("dbms", langkah, tidak_jalan)


@flow(name="kelaikan-lain-lain", flow_run_name=nama_run("lain_lain"),
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_lain_lain(target: TargetUji) -> HasilKategori:
    """One observation (start page, contact pages, readme files, Wappalyzer fingerprint),
    judged by one task per check."""
    await _sudah_mulai()
    ids = ("lain_lain.framework_tidak_dikenali", "lain_lain.versi_eol",
           "lain_lain.versi_terungkap", "lain_lain.header_keamanan",
           "lain_lain.anti_clickjacking", "lain_lain.email_non_kedinasan")
    try:
        obs = await cek_lain.amati_lain(target.url)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return _prasyarat_gagal("lain_lain", ids, exc, "pengamatan halaman awal")
    return await _kumpulkan("lain_lain", [
        (ids[:1], cek_lain.cek_framework(obs)),
        (ids[1:2], cek_lain.cek_versi_eol(obs)),
        (ids[2:3], cek_lain.cek_versi_terungkap(obs)),
        (ids[3:4], cek_lain.cek_header_keamanan(obs)),
        (ids[4:5], cek_lain.cek_anti_clickjacking(obs)),
        (ids[5:], cek_lain.cek_email_non_kedinasan(obs, target)),
    ])


async def uji_beban(target: TargetUji, beban: UjiBeban | None = None,
                    opsi: OpsiUjiBeban | None = None) -> HasilKategori:
    """The stress-test category: the ``kelaikan-uji-beban`` subflow (flows/stress.py, Locust
    in subprocesses). ``beban``: the form's ``UjiBeban``; ``opsi``: the subflow's load
    options. Without ``beban`` it reports ``tidak_diuji``."""
    if beban is None:
        return kategori_tidak_diuji("uji_beban", ALASAN_TANPA_DATA_BEBAN)
    from flows.stress import uji_beban_flow

    return await uji_beban_flow(target, beban, opsi)


SUBFLOW_KATEGORI = {
    "struktur": uji_struktur,
    "validasi_data": uji_validasi_data,
    "otentikasi_sesi": uji_otentikasi_sesi,
    "input_error": uji_input_error,
    "dbms": uji_dbms,
    "lain_lain": uji_lain_lain,
}


@flow(name="kelaikan", flow_run_name=nama_run("kelaikan"),
      timeout_seconds=BATAS_WAKTU_KATEGORI + 5 * 60)
async def kelaikan(target: TargetUji, stress: bool = False, beban: UjiBeban | None = None,
                   opsi_beban: OpsiUjiBeban | None = None) -> dict[str, Any]:
    """The whole feasibility test; returns ``laporan.json``.

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
        lambda subflow=subflow: subflow(target) for subflow in SUBFLOW_KATEGORI.values()])
    ids = list(SUBFLOW_KATEGORI)
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
    return laporan.model_dump(mode="json")
