"""SOP step 6, "Membuat laporan": a ticket report as HTML and PDF (archive, print) and
Markdown (UI). The PDF is the same HTML laid out by WeasyPrint.

Plain functions over ``domain.laporan.LaporanTiket``; the flows wrap them in tasks. What a
report says is decided by ``LaporanTiket``; this module only prepares it for the templates in
``templates/`` (labels, masking, WIB dates) and writes the file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.kelaikan import nama_kategori
from domain.laporan import (
    BarisLangkah,
    HasilKelaikan,
    LaporanTiket,
    UjiTidakJalan,
    formulir_berlabel,
    tidak_dijalankan,
)
from domain.teks import md_aman
from tasks.kelaikan.laporan import id_cek

WIB = ZoneInfo("Asia/Jakarta")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_HTML = "laporan_tiket.html.j2"
TEMPLATE_MARKDOWN = "laporan_tiket.md.j2"
NAMA_BERKAS = "laporan.html"
NAMA_PDF = "laporan.pdf"
_log = logging.getLogger(__name__)

SAMARAN = "********"
"""What a secret-looking form value is shown as."""

_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des")

# Defence in depth: the store already removes the test account's password, but a secret that
# slips into a form must still never be printed.
_KUNCI_RAHASIA = ("password", "passwd", "kata_sandi", "katasandi", "sandi", "secret",
                  "rahasia", "token")

_LABEL_STATUS_TIKET = {
    "diproses": "Diproses",
    "dikembalikan": "Dikembalikan kepada pemohon",
    "ditutup": "Ditutup",
    "diarsipkan": "Diarsipkan",
}

_LABEL_KEPUTUSAN = {"setuju": "Setuju", "tolak": "Tolak", "kembalikan": "Kembalikan"}

_LABEL_PUTUSAN = {
    "LAYAK": ("LAYAK", "Aplikasi dinyatakan layak.", "ok"),
    "LAYAK_DENGAN_CATATAN": (
        "LAYAK DENGAN CATATAN",
        "Aplikasi dinyatakan layak dengan catatan; setiap catatan dan yang perlu dilakukan "
        "tercantum pada bagian Catatan Tindak Lanjut.", "warn",
    ),
    "TIDAK_LAYAK": ("TIDAK LAYAK", "Aplikasi dinyatakan tidak layak; temuan yang harus "
                    "diperbaiki tercantum pada bagian Catatan Tindak Lanjut.", "fail"),
}
# Category names: domain.kelaikan.KATEGORI, the one table every report reads.

_STATUS_KATEGORI = {
    "lulus": ("Lulus", "ok"),
    "gagal": ("Tidak lulus", "fail"),
    "tidak_diuji": ("Tidak diuji", "netral"),
}

_TINGKAT_TEMUAN = {
    "tinggi": ("Tinggi", "fail"),
    "sedang": ("Sedang", "warn"),
    "rendah": ("Rendah", "netral"),
    "info": ("Informasi", "netral"),
}

# Step status shown in the steps table.
TEPAT_WAKTU = "tepat waktu"
TERLAMBAT = "TERLAMBAT"
BERJALAN = "berjalan"
JAM_BERHENTI = "jam berhenti"
_KELAS_STATUS = {TEPAT_WAKTU: "ok", TERLAMBAT: "terlambat", BERJALAN: "berjalan",
                 JAM_BERHENTI: "berhenti"}


# --- filters ------------------------------------------------------------------------------

def tanggal_wib(waktu: datetime | None) -> str:
    """``Senin, 30 Nov 2026 09.30 WIB``; independent of the process locale.

    A naive datetime is taken as UTC (how the store keeps time).
    """
    if waktu is None:
        return "—"
    if waktu.tzinfo is None:
        waktu = waktu.replace(tzinfo=UTC)
    w = waktu.astimezone(WIB)
    return (f"{_HARI[w.weekday()]}, {w.day} {_BULAN[w.month - 1]} {w.year} "
            f"{w.hour:02d}.{w.minute:02d} WIB")


def status_langkah(baris: BarisLangkah) -> str:
    """One of TEPAT_WAKTU, TERLAMBAT, BERJALAN, JAM_BERHENTI."""
    lewat = (baris.selesai is not None and baris.jatuh_tempo is not None
             and baris.selesai > baris.jatuh_tempo)
    if baris.terlambat or lewat:
        return TERLAMBAT
    if baris.jatuh_tempo is None:
        return JAM_BERHENTI
    if baris.selesai is None:
        return BERJALAN
    return TEPAT_WAKTU


def _label_teks(peta: Mapping[str, str], nilai: str | None) -> str:
    if not nilai:
        return "—"
    return peta.get(nilai, nilai)


def markdown_sel(nilai: object) -> str:
    """A value safe inside a GitHub-Markdown table cell or list item (:func:`md_aman`)."""
    if nilai is None or nilai == "":
        return "—"
    return md_aman(nilai) or "—"


# --- preparing the data -------------------------------------------------------------------

def _rahasia(kunci: object) -> bool:
    teks = str(kunci).lower().replace("-", "_")
    return any(tanda in teks for tanda in _KUNCI_RAHASIA)


def samarkan(nilai: Any) -> Any:
    """A copy of a form value with every secret-looking key's value replaced by SAMARAN."""
    if isinstance(nilai, Mapping):
        return {k: SAMARAN if _rahasia(k) else samarkan(v) for k, v in nilai.items()}
    if isinstance(nilai, list | tuple):
        return [samarkan(v) for v in nilai]
    return nilai


def _siapkan_formulir(laporan: LaporanTiket) -> tuple[list[tuple[str, Any]], dict]:
    """The form masked, then labelled by its own field titles (domain/laporan.py)."""
    return formulir_berlabel(laporan.jenis_layanan, samarkan(dict(laporan.formulir)))


def _siapkan_kelaikan(kelaikan: HasilKelaikan | None) -> dict[str, Any] | None:
    if kelaikan is None:
        return None
    kode = kelaikan.verdict or ""
    teks, keterangan, kelas = _LABEL_PUTUSAN.get(kode, ("BELUM ADA PUTUSAN", "", "netral"))
    kategori = []
    for kat in kelaikan.categories:
        status_teks, status_kelas = _STATUS_KATEGORI[kat.status]
        temuan = []
        for t in kat.findings:
            tingkat_teks, tingkat_kelas = _TINGKAT_TEMUAN[t.severity]
            temuan.append({
                "check_id": t.check_id,
                "judul": t.title,
                "tingkat": tingkat_teks,
                "tingkat_kelas": tingkat_kelas,
                "bukti": samarkan(t.evidence),
                "rekomendasi": t.recommendation,
            })
        kategori.append({
            "id": kat.id,
            "nama": nama_kategori(kat.id),  # the one table of category names
            "status": status_teks,
            "status_kelas": status_kelas,
            "temuan": temuan,
            "tidak_dijalankan": [
                {"sebab": sebab, "judul": judul} for sebab, judul in tidak_dijalankan(kat)],
        })
    return {
        "kode": kode,
        "teks": teks,
        "keterangan": keterangan,
        "kelas": kelas,
        "ringkasan": kelaikan.ringkasan if isinstance(kelaikan, UjiTidakJalan) else None,
        "kategori": kategori,
        "jumlah_temuan": sum(len(k["temuan"]) for k in kategori),
    }


def hasil_layanan(laporan: LaporanTiket,
                  kelaikan: dict[str, Any] | None) -> dict[str, str | None]:
    """The outcome line: how the service ended and, beside it, the feasibility verdict, so
    that the two can never contradict each other ("SELESAI — uji kelaikan: LAYAK DENGAN
    CATATAN", not "DISETUJUI" beside "LAYAK DENGAN CATATAN")."""
    if laporan.hasil == "ditolak":
        return {"teks": "DITOLAK", "kelas": "ditolak", "rincian": "permohonan ditolak",
                "uji": None, "uji_kelas": None}
    if not laporan.hasil:
        return {"teks": "BELUM ADA HASIL", "kelas": "belum", "rincian": None, "uji": None,
                "uji_kelas": None}
    if laporan.hasil != "disetujui":
        return {"teks": laporan.hasil.upper(), "kelas": "netral", "rincian": None,
                "uji": None, "uji_kelas": None}
    if kelaikan is None:
        return {"teks": "SELESAI", "kelas": "disetujui",
                "rincian": "permohonan disetujui dan ditindaklanjuti", "uji": None,
                "uji_kelas": None}
    if not kelaikan["kode"]:
        return {"teks": "SELESAI", "kelas": "netral",
                "rincian": "uji kelaikan tidak dapat dijalankan (lihat Catatan Tindak Lanjut)",
                "uji": None, "uji_kelas": None}
    return {"teks": "SELESAI", "kelas": "netral", "rincian": "uji kelaikan:",
            "uji": kelaikan["teks"], "uji_kelas": kelaikan["kelas"]}


def _konteks(laporan: LaporanTiket) -> dict[str, Any]:
    identitas, rincian = _siapkan_formulir(laporan)
    kelaikan = _siapkan_kelaikan(laporan.kelaikan)
    return {
        "laporan": laporan,
        "status_tiket": _label_teks(_LABEL_STATUS_TIKET, laporan.status),
        "identitas": identitas,
        "rincian": rincian,
        "kelaikan": kelaikan,
        "hasil": hasil_layanan(laporan, kelaikan),
        "tindak_lanjut": laporan.tindak_lanjut,
        "final": laporan.nomor_agenda is not None,
    }


# --- rendering ----------------------------------------------------------------------------

def _autoescape(nama: str | None) -> bool:
    return nama is not None and nama.endswith((".html", ".html.j2"))


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=_autoescape,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters.update(
    tanggal_wib=tanggal_wib,
    status_langkah=status_langkah,
    kelas_status=_KELAS_STATUS.__getitem__,
    keputusan=lambda v: _label_teks(_LABEL_KEPUTUSAN, v),
    md=markdown_sel,
    id_cek=id_cek,
)


def render_laporan_html(laporan: LaporanTiket) -> str:
    """The report as one self-contained HTML5 document (inline CSS, printable on A4)."""
    return _ENV.get_template(TEMPLATE_HTML).render(_konteks(laporan))


def render_laporan_markdown(laporan: LaporanTiket) -> str:
    """The report, compact, as GitHub Markdown for the Prefect UI artifact."""
    return _ENV.get_template(TEMPLATE_MARKDOWN).render(_konteks(laporan))


_NOMOR_AMAN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def render_pdf(html: str) -> bytes | None:
    """The HTML report as PDF; None (logged) where WeasyPrint's system libraries are missing."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # Pango missing: the HTML report still stands
        _log.warning("Laporan PDF tidak dibuat (WeasyPrint tidak tersedia): %s", exc)
        return None
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


@dataclass
class BerkasLaporan:
    """A report rendered into temporary files beside its final ones (same directory, so
    each move is atomic): :meth:`pasang` moves them in place, :meth:`buang` drops them.

    Step 7 renders the final report, stores its hash with the agenda entry, and only after
    that transaction commits moves the files in place (``tasks.tiket.arsipkan_tiket``).
    """

    html: Path
    """Where the HTML report goes (``laporan.pdf`` beside it)."""
    sementara: dict[Path, Path]
    """Final path -> temporary path, HTML first."""
    sha256: dict[str, str]
    """File name (``laporan.html``, ``laporan.pdf``) -> SHA-256 of its content."""

    def pasang(self) -> None:
        for tujuan, sementara in self.sementara.items():
            os.replace(sementara, tujuan)  # a reader never sees half a report

    def buang(self) -> None:
        for sementara in self.sementara.values():
            sementara.unlink(missing_ok=True)


AKHIRAN_ARSIP = ".arsip"
"""Temporary files of a final report (step 7) end in this; see ``sisa_arsip``."""


def siapkan_laporan(laporan: LaporanTiket, direktori: Path, *,
                    akhiran: str = ".tmp") -> BerkasLaporan:
    """Render ``laporan`` (HTML, and PDF where WeasyPrint works) into temporary files in
    ``<direktori>/<nomor>/``; nothing is written when rendering fails."""
    if not _NOMOR_AMAN.fullmatch(laporan.nomor) or ".." in laporan.nomor:
        raise ValueError(f"Nomor tiket tidak sah untuk nama direktori: {laporan.nomor!r}")
    tujuan = Path(direktori) / laporan.nomor / NAMA_BERKAS
    isi = {tujuan: render_laporan_html(laporan).encode("utf-8")}
    pdf = render_pdf(isi[tujuan].decode("utf-8"))
    if pdf is not None:
        isi[tujuan.with_name(NAMA_PDF)] = pdf
    tujuan.parent.mkdir(parents=True, exist_ok=True)
    tanda = f"{os.getpid()}.{secrets.token_hex(4)}"
    berkas = BerkasLaporan(
        tujuan, {p: p.with_name(f".{p.name}.{tanda}{akhiran}") for p in isi},
        {p.name: hashlib.sha256(b).hexdigest() for p, b in isi.items()})
    try:
        for p, b in isi.items():
            berkas.sementara[p].write_bytes(b)
    except BaseException:
        berkas.buang()
        raise
    return berkas


def sisa_arsip(folder: Path) -> list[Path]:
    """Temporary HTML files of final reports left in ``folder`` (a run that stopped between
    the agenda entry and the move), oldest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f".{NAMA_BERKAS}.*{AKHIRAN_ARSIP}"),
                  key=lambda p: p.stat().st_mtime)


def tulis_laporan(laporan: LaporanTiket, direktori: Path) -> Path:
    """Write ``<direktori>/<nomor>/laporan.html`` and ``laporan.pdf`` (directories created);
    return the HTML's path."""
    berkas = siapkan_laporan(laporan, direktori)
    try:
        berkas.pasang()
    finally:
        berkas.buang()
    return berkas.html
