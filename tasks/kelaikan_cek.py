"""The checks of the feasibility test, each a Prefect task returning findings.

Every check is non-destructive: it reads pages, sends harmless markers, posts a form only
with values it labels ``UJI-KELAIKAN-LPA``, and opens TCP connections without sending data.
HTTP goes through :class:`tasks.kelaikan_http.KlienUji` (scope, rate, timeouts). What a
finding means, its severity, WSTG id and CWE live in :data:`domain.kelaikan.CEK`; this module
only observes.

A check that cannot finish raises; the category flow records that check as not run, with the
reason from :func:`alasan_galat`, and the other checks go on.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from prefect import task
from prefect.cache_policies import NONE

from tasks.kelaikan_http import (
    BatasWaktuTotal,
    DiluarCakupan,
    Formulir,
    Halaman,
    Isian,
    KlienUji,
)

BATAS_WAKTU_CEK = 60.0
"""Wall-clock bound of one check task, seconds."""
BATAS_WAKTU_TCP = 3.0
PENANDA_UJI = "UJI-KELAIKAN-LPA"
"""Every value the test submits carries this label, so the agency can find and delete it."""

_opsi_tugas: dict[str, Any] = {
    "cache_policy": NONE, "persist_result": False, "timeout_seconds": BATAS_WAKTU_CEK,
}


class TargetTidakTerjangkau(RuntimeError):
    """The application did not answer at all: the test cannot run."""


class TidakDapatDiuji(RuntimeError):
    """The check found nothing it could judge (e.g. no form): not tested, not passed.

    The message, in Bahasa Indonesia, becomes the reason in the category's result.
    """


def alasan_galat(exc: BaseException) -> str:
    """Why a check did not finish, in Bahasa Indonesia (never echoing credentials)."""
    if isinstance(exc, TidakDapatDiuji | BatasWaktuTotal):
        return str(exc)
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "melewati batas waktu"
    if isinstance(exc, httpx.ConnectError):
        return "tidak dapat terhubung ke aplikasi"
    if isinstance(exc, httpx.TooManyRedirects):
        return "terlalu banyak pengalihan (redirect)"
    if isinstance(exc, httpx.TransportError):
        return f"koneksi ke aplikasi terputus ({type(exc).__name__})"
    if isinstance(exc, DiluarCakupan):
        return f"permintaan di luar cakupan ditolak: {exc}"
    if isinstance(exc, asyncio.CancelledError):
        return "dibatalkan"
    pesan = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"galat {type(exc).__name__}" + (f": {pesan}" if pesan else "")


def _awal(url: str) -> str:
    """The target URL's base (its folder), where relative probes start."""
    bagian = urlsplit(url)
    path = bagian.path if bagian.path.endswith("/") else bagian.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((bagian.scheme, bagian.netloc, path or "/", "", ""))


def _dasar_probe(url: str) -> list[str]:
    """Bases to probe for files: the site root, and the application's folder when deeper."""
    akar = urlunsplit((*urlsplit(url)[:2], "/", "", ""))
    awal = _awal(url)
    return [akar] if awal == akar else [akar, awal]


def _kutip(teks: str, panjang: int = 120) -> str:
    teks = " ".join(teks.split())
    return teks if len(teks) <= panjang else teks[: panjang - 1] + "…"


# --- The target itself -------------------------------------------------------------------

@task(name="kelaikan.periksa_target", **_opsi_tugas)
async def periksa_target(url: str) -> int:
    """One request to the start page: the test runs only when the application answers,
    whole, within the total deadline of a request (``LPA_UJI_BATAS_PERMINTAAN``)."""
    try:
        async with KlienUji(url) as klien:
            return (await klien.get(url)).status
    except BatasWaktuTotal as exc:
        raise TargetTidakTerjangkau(
            f"Aplikasi {url} tidak menjawab utuh ({exc}); uji tidak dijalankan."
        ) from None
    except httpx.TransportError as exc:
        raise TargetTidakTerjangkau(
            f"Aplikasi {url} tidak dapat dihubungi ({alasan_galat(exc)}); uji tidak dijalankan."
        ) from None


@task(name="kelaikan.halaman_awal", **_opsi_tugas)
async def ambil_halaman_awal(url: str) -> Halaman:
    async with KlienUji(url) as klien:
        return await klien.get(url)


# --- struktur, validasi_data, input_error: tasks/cek_struktur.py, tasks/cek_validasi.py,
# tasks/cek_input.py


# --- form helpers (validasi_data, input_error, otentikasi_sesi) --------------------------

_JENIS_TEKS = {"text", "email", "search", "tel", "url", "number", "password", "textarea"}
_JENIS_TANPA_NILAI = {"submit", "button", "reset", "image", "file"}


def nilai_sah(isian: Isian) -> str | None:
    """A plausible valid value for a control (None: leave it out of the submission)."""
    if isian.jenis in _JENIS_TANPA_NILAI:
        return None
    if isian.jenis in ("checkbox", "radio"):
        return (isian.nilai or "on") if isian.wajib else None
    if isian.jenis == "hidden" or (isian.nilai and isian.jenis != "password"):
        return isian.nilai
    nama = isian.nama.lower()
    pola = isian.pattern or ""
    m = re.fullmatch(r"(?:\\d|\[0-9\])\{(\d+)\}", pola)
    if m:
        return "1" * int(m.group(1))
    if isian.jenis == "email" or "email" in nama:
        return "uji.kelaikan@babelprov.go.id"
    if isian.jenis in ("number", "range"):
        return "1"
    if isian.jenis == "tel" or nama in ("telepon", "hp", "phone", "no_hp"):
        return "081234567890"
    if isian.jenis == "date":
        return "2024-01-02"
    if isian.jenis == "url":
        return "https://babelprov.go.id/"
    if nama == "nik":
        return "1" * 16
    if nama == "nip":
        return "1" * 18
    return PENANDA_UJI[: isian.maxlength] if isian.maxlength else PENANDA_UJI


def _data_formulir(formulir: Formulir, ubah: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for isian in formulir.isian_bernama():
        nilai = ubah[isian.nama] if isian.nama in ubah else nilai_sah(isian)
        if nilai is not None:
            data[isian.nama] = nilai
    return data


def _nama_isian(formulir: Formulir) -> set[str]:
    return {i.nama for i in formulir.isian_bernama() if i.jenis not in _JENIS_TANPA_NILAI}


# --- otentikasi_sesi, dbms, lain_lain: tasks/cek_sesi.py, tasks/cek_dbms.py, tasks/cek_lain.py
