"""Uji kelaikan: six security categories as concurrent subflows, one report, one verdict.

``kelaikan`` checks that the application answers, starts the six category subflows together
(each visible in the Prefect UI, each made of check tasks), adds the stress-test slot when
asked, aggregates a :class:`domain.kelaikan.LaporanKelaikan`, publishes a Markdown summary
and a findings table, and returns ``laporan.json`` as a dict.

A check that fails or times out is recorded in its category (``reason``) and never stops the
others; a category subflow that crashes is reported ``tidak_diuji`` with the reason. The
test account's password is removed from every text before anything leaves the flow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger

from domain.kelaikan import (
    HasilKategori,
    LaporanKelaikan,
    TargetUji,
    Temuan,
    hasil_kategori,
    kategori_tidak_diuji,
)
from tasks import kelaikan_cek as cek
from tasks.kelaikan_artefak import terbitkan_artefak

ALASAN_UJI_BEBAN = "uji beban belum tersedia pada versi ini"
ALASAN_TANPA_DB = "host/port basis data tidak disebut dalam permohonan"
BATAS_WAKTU_KATEGORI = 15 * 60
"""Wall-clock bound of one category subflow, seconds (each check has its own, shorter)."""

Langkah = tuple[Sequence[str], Awaitable[list[Temuan]]]
"""The check ids one task covers, and the awaitable task call."""


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


@flow(name="kelaikan-struktur", flow_run_name="struktur · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_struktur(target: TargetUji) -> HasilKategori:
    ids = ("struktur.vcs_terbuka", "struktur.env_terbuka", "struktur.listing_direktori")
    try:
        pembanding = await cek.ambil_pembanding_404(target.url)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return _prasyarat_gagal("struktur", ids, exc, "pembanding soft-404")
    return await _kumpulkan("struktur", [
        (ids[:1], cek.cek_vcs_terbuka(target.url, pembanding)),
        (ids[1:2], cek.cek_env_terbuka(target.url, pembanding)),
        (ids[2:], cek.cek_listing_direktori(target.url, pembanding)),
    ])


@flow(name="kelaikan-validasi-data", flow_run_name="validasi_data · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_validasi_data(target: TargetUji) -> HasilKategori:
    return await _kumpulkan("validasi_data", [
        (("validasi_data.batasan_form",), cek.cek_batasan_form(target.url)),
    ])


@flow(name="kelaikan-otentikasi-sesi", flow_run_name="otentikasi_sesi · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_otentikasi_sesi(target: TargetUji) -> HasilKategori:
    ids = ("otentikasi_sesi.login_http", "otentikasi_sesi.cookie_httponly",
           "otentikasi_sesi.cookie_secure", "otentikasi_sesi.cookie_samesite",
           "otentikasi_sesi.tanpa_csrf")
    try:
        obs = await cek.amati_sesi(target)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return _prasyarat_gagal("otentikasi_sesi", ids, exc, "pengamatan sesi")
    return await _kumpulkan("otentikasi_sesi", [
        (ids[:1], cek.cek_login_http(obs)),
        (ids[1:2], cek.cek_cookie_httponly(obs)),
        (ids[2:3], cek.cek_cookie_secure(obs)),
        (ids[3:4], cek.cek_cookie_samesite(obs)),
        (ids[4:], cek.cek_tanpa_csrf(obs)),
    ])


@flow(name="kelaikan-input-error", flow_run_name="input_error · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_input_error(target: TargetUji) -> HasilKategori:
    return await _kumpulkan("input_error", [
        (("input_error.refleksi_canary",), cek.cek_refleksi_canary(target.url)),
        (("input_error.jejak_galat",), cek.cek_jejak_galat(target.url)),
    ])


@flow(name="kelaikan-dbms", flow_run_name="dbms · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_dbms(target: TargetUji) -> HasilKategori:
    host = target.host_db
    if host is None:
        return kategori_tidak_diuji("dbms", ALASAN_TANPA_DB)
    return await _kumpulkan("dbms", [
        (("dbms.port_terjangkau",), cek.cek_port_db(host, target.db_port)),
    ])


@flow(name="kelaikan-lain-lain", flow_run_name="lain_lain · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI)
async def uji_lain_lain(target: TargetUji) -> HasilKategori:
    ids = ("lain_lain.header_keamanan", "lain_lain.anti_clickjacking",
           "lain_lain.versi_terungkap", "lain_lain.email_non_kedinasan")
    try:
        halaman = await cek.ambil_halaman_awal(target.url)
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return _prasyarat_gagal("lain_lain", ids, exc, "halaman awal")
    return await _kumpulkan("lain_lain", [
        (ids[:1], cek.cek_header_keamanan(halaman)),
        (ids[1:2], cek.cek_anti_clickjacking(halaman)),
        (ids[2:3], cek.cek_versi_terungkap(halaman)),
        (ids[3:], cek.cek_email_non_kedinasan(halaman)),
    ])


async def uji_beban(target: TargetUji) -> HasilKategori:
    """The stress-test slot. Not built yet: the next issue makes it a subflow (Locust in a
    subprocess) that runs beside the six categories; until then it reports ``tidak_diuji``."""
    return kategori_tidak_diuji("uji_beban", ALASAN_UJI_BEBAN)


SUBFLOW_KATEGORI = {
    "struktur": uji_struktur,
    "validasi_data": uji_validasi_data,
    "otentikasi_sesi": uji_otentikasi_sesi,
    "input_error": uji_input_error,
    "dbms": uji_dbms,
    "lain_lain": uji_lain_lain,
}


@flow(name="kelaikan", flow_run_name="kelaikan · {target.url}",
      timeout_seconds=BATAS_WAKTU_KATEGORI + 5 * 60)
async def kelaikan(target: TargetUji, stress: bool = False) -> dict[str, Any]:
    """The whole security part of the feasibility test; returns ``laporan.json``."""
    logger = get_run_logger()
    mulai = datetime.now(UTC)
    await cek.periksa_target(target.url)
    logger.info("Uji kelaikan %s: enam kategori dimulai bersamaan", target.url)
    jalankan = dict(SUBFLOW_KATEGORI)
    if stress:
        jalankan["uji_beban"] = uji_beban
    hasil = await asyncio.gather(
        *(subflow(target) for subflow in jalankan.values()), return_exceptions=True,
    )
    kategori: list[HasilKategori] = []
    for kid, h in zip(jalankan, hasil, strict=True):
        if isinstance(h, BaseException):
            kategori.append(kategori_tidak_diuji(kid, f"subflow gagal: {cek.alasan_galat(h)}"))
        else:
            kategori.append(h)
    laporan = LaporanKelaikan.susun(target, mulai, datetime.now(UTC), kategori)
    laporan = laporan.tanpa_rahasia(target.rahasia())
    await terbitkan_artefak(laporan)
    logger.info("Uji kelaikan %s selesai: %s", target.url, laporan.verdict)
    return laporan.model_dump(mode="json")
