"""The SKPL outline is the catalog's, and the check finds headings however they are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.skpl import OUTLINE_SKPL, HasilPeriksaSkpl, periksa_skpl

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SKPL_LENGKAP = (FIXTURES / "skpl_lengkap.md").read_text(encoding="utf-8")
KATALOG = (Path(__file__).resolve().parents[2] / "shared" / "seed"
           / "service-catalog-SC-04-EGOTIK-2023.txt")


def _nomor(hasil: list) -> list[str]:
    return [b.nomor for b in hasil]


def _tanpa_bagian(teks: str, *judul: str) -> str:
    """The text without the heading lines that contain any of ``judul``."""
    return "\n".join(b for b in teks.splitlines() if not any(j in b for j in judul))


# --- the outline ----------------------------------------------------------------------------

def test_outline_is_the_catalogs_sistematika() -> None:
    assert [(b.nomor, b.judul) for b in OUTLINE_SKPL] == [
        ("1", "Pendahuluan"),
        ("1.1", "Latar Belakang"),
        ("1.2", "Maksud dan Tujuan"),
        ("2", "Deskripsi Umum Aplikasi"),
        ("2.1", "Deskripsi"),
        ("2.2", "Fungsi"),
        ("2.3", "Lingkungan Operasi"),
        ("2.4", "Karakteristik Pengguna"),
        ("3", "Deskripsi Umum Kebutuhan"),
        ("3.1", "Kebutuhan Antarmuka Eksternal"),
        ("3.1.1", "Antarmuka Pemakai"),
        ("3.1.2", "Antarmuka Perangkat Keras"),
        ("3.1.3", "Antarmuka Perangkat Lunak"),
        ("3.1.4", "Antarmuka Komunikasi"),
        ("3.2", "Deskripsi Kebutuhan Fungsional"),
        ("3.2.1", "Rancangan Solusi Teknis"),
        ("3.2.2", "Data Requirement"),
        ("3.3", "Deskripsi Kebutuhan Nonfungsional"),
        ("3.4", "Batasan Perancangan"),
        ("3.5", "Kerunutan (Traceability)"),
        ("3.6", "Ringkasan Kebutuhan"),
        ("3.6.1", "Ringkasan Kebutuhan Fungsional"),
        ("3.6.2", "Ringkasan Kebutuhan Nonfungsional"),
        ("4", "Penutup"),
    ]
    assert [b.tingkat for b in OUTLINE_SKPL[:3]] == [1, 2, 2]
    assert OUTLINE_SKPL[10].label == "3.1.1 Antarmuka Pemakai"


@pytest.mark.skipif(not KATALOG.exists(), reason="shared/seed tidak tersedia")
def test_outline_agrees_with_the_seed_catalog_text() -> None:
    teks = KATALOG.read_text(encoding="utf-8")
    awal = teks.index("FORMAT SPESIFIKASI KEBUTUHAN APLIKASI")
    sistematika = teks[teks.index("II. SISTEMATIKA", awal):teks.index("DOKUMENTASI SISTEM")]
    baris = re.findall(r"^\s*(?:- )?(\d+(?:\.\d+)*)\.?\s+(.+?)\s*$", sistematika, re.M)
    dari_katalog = [(n, judul.replace("*", "")) for n, judul in baris]
    assert dari_katalog == [(b.nomor, b.judul) for b in OUTLINE_SKPL]


# --- complete, incomplete, empty ------------------------------------------------------------

def test_complete_sample_has_every_part_in_order() -> None:
    hasil = periksa_skpl(SKPL_LENGKAP)
    assert isinstance(hasil, HasilPeriksaSkpl)
    assert hasil.lengkap and hasil.urutan_sesuai
    assert hasil.skor == 1.0
    assert hasil.tidak_ditemukan == [] and hasil.tidak_berurutan == []
    assert hasil.ditemukan == list(OUTLINE_SKPL)
    assert all(t.ditemukan and t.baris for t in hasil.bagian)
    assert hasil.bagian[19].judul_dokumen == "### 3.5. Kerunutan (*Traceability*)"
    assert "seluruh 24 bagian" in hasil.ringkasan


def test_incomplete_sample_names_what_is_missing() -> None:
    teks = _tanpa_bagian(SKPL_LENGKAP, "Lingkungan Operasi", "Batasan Perancangan",
                         "Kerunutan")
    hasil = periksa_skpl(teks)
    assert not hasil.lengkap
    assert _nomor(hasil.tidak_ditemukan) == ["2.3", "3.4", "3.5"]
    assert len(hasil.ditemukan) == 21
    assert hasil.skor == pytest.approx(21 / 24)
    assert hasil.urutan_sesuai
    assert hasil.ringkasan == (
        "Dokumen memuat 21 dari 24 bagian; belum ada: 2.3 Lingkungan Operasi, "
        "3.4 Batasan Perancangan, 3.5 Kerunutan (Traceability)."
    )


@pytest.mark.parametrize("teks", ["", "   \n\t\n"])
def test_empty_text_misses_everything(teks: str) -> None:
    hasil = periksa_skpl(teks)
    assert not hasil.lengkap
    assert hasil.skor == 0.0
    assert hasil.ditemukan == []
    assert hasil.tidak_ditemukan == list(OUTLINE_SKPL)
    assert "kosong" in hasil.ringkasan and "24" in hasil.ringkasan


def test_text_without_any_heading_says_so() -> None:
    hasil = periksa_skpl("Kami mengajukan aplikasi untuk pendataan nelayan di Belitung Timur.\n"
                         "Rinciannya akan menyusul setelah rapat koordinasi.")
    assert hasil.ditemukan == []
    assert hasil.ringkasan.startswith("Tidak satu pun")


# --- heading styles ---------------------------------------------------------------------------

@pytest.mark.parametrize(("baris", "nomor"), [
    ("1.1 Latar Belakang", "1.1"),
    ("1.1. LATAR BELAKANG", "1.1"),
    ("1.1) latar   belakang", "1.1"),
    ("A. Latar Belakang", "1.1"),
    ("Latar Belakang", "1.1"),
    ("Latar Belakang Masalah", "1.1"),
    ("I. PENDAHULUAN", "1"),
    ("BAB I PENDAHULUAN", "1"),
    ("1 Pendahuluan", "1"),
    ("##   2.2   Fungsi", "2.2"),
    ("### 2.2. Fungsi Aplikasi", "2.2"),
    ("**2.3 Lingkungan Operasional**", "2.3"),
    ("II.4 Karakteristik Pemakai", "2.4"),
    ("3-1-1 Antar Muka Pemakai", "3.1.1"),
    ("3.1.2 Antarmuka Perangkat Keras:", "3.1.2"),
    ("- 3.2.2. Kebutuhan Data", "3.2.2"),
    ("3.2.2 Data Requirements", "3.2.2"),
    ("3.2.2 Data Requirement (Kebutuhan Data)", "3.2.2"),
    ("3.3 Deskripsi Kebutuhan Non-Fungsional", "3.3"),
    ("3.3 Kebutuhan Non Fungsional", "3.3"),
    ("3.4 Batasan Desain", "3.4"),
    ("3.5 Traceability", "3.5"),
    ("3.5. Kerunutan", "3.5"),
    ("#### 3.5 KERUNUTAN (TRACEABILITY)", "3.5"),
    ("3.6.2 Ringkasan Kebutuhan Non Fungsional", "3.6.2"),
    ("IV. Penutup", "4"),
])
def test_heading_variants_are_recognised(baris: str, nomor: str) -> None:
    hasil = periksa_skpl(f"Judul dokumen\n\n{baris}\n\nIsi bagian.\n")
    assert _nomor(hasil.ditemukan) == [nomor]
    temuan = next(t for t in hasil.bagian if t.bagian.nomor == nomor)
    assert temuan.baris == 3 and temuan.judul_dokumen == baris.strip()


@pytest.mark.parametrize(("baris", "nomor"), [
    # A longer title is the more specific entry, not a loose match of a shorter one.
    ("3.6.1 Ringkasan Kebutuhan Fungsional", "3.6.1"),
    ("Ringkasan Kebutuhan Fungsional", "3.6.1"),
    ("3.2 Deskripsi Kebutuhan Fungsional", "3.2"),
    ("3. Deskripsi Umum Kebutuhan", "3"),
    ("2. Deskripsi Umum Aplikasi", "2"),
    ("3.1 Kebutuhan Antarmuka Eksternal", "3.1"),
])
def test_similar_titles_are_told_apart(baris: str, nomor: str) -> None:
    assert _nomor(periksa_skpl(baris).ditemukan) == [nomor]


@pytest.mark.parametrize("baris", [
    "Fungsi: mencatat harga harian lada putih di tingkat petani.",
    "Latar belakang pengajuan ini adalah kebutuhan data harga lada yang akurat dan cepat.",
    "| 2.2 | Fungsi | Pencatatan harga |",
    "1.1 Latar Belakang ................................ 3",
    "Daftar isi",
])
def test_text_lines_are_not_headings(baris: str) -> None:
    assert periksa_skpl(baris).ditemukan == []


def test_first_occurrence_counts_and_order_is_checked() -> None:
    teks = "\n".join([
        "2. Deskripsi Umum Aplikasi",
        "2.1 Deskripsi",
        "1. Pendahuluan",
        "1.1 Latar Belakang",
        "1.2 Maksud dan Tujuan",
        "2.2 Fungsi",
        "2.2 Fungsi",
    ])
    hasil = periksa_skpl(teks)
    assert _nomor(hasil.ditemukan) == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    fungsi = next(t for t in hasil.bagian if t.bagian.nomor == "2.2")
    assert fungsi.baris == 6
    assert not hasil.urutan_sesuai
    assert _nomor(hasil.tidak_berurutan) == ["2", "2.1"]
    assert "urutan tidak sesuai sistematika pada: 2 Deskripsi Umum Aplikasi, 2.1 Deskripsi" \
        in hasil.ringkasan


def test_complete_but_out_of_order_is_still_complete() -> None:
    baris = SKPL_LENGKAP.splitlines()
    awal = next(i for i, b in enumerate(baris) if b.startswith("## 4. Penutup"))
    # The closing chapter moved before chapter 3.
    sebelum3 = next(i for i, b in enumerate(baris) if b.startswith("## 3."))
    baru = baris[:sebelum3] + baris[awal:] + baris[sebelum3:awal]
    hasil = periksa_skpl("\n".join(baru))
    assert hasil.lengkap and not hasil.urutan_sesuai
    assert _nomor(hasil.tidak_berurutan) == ["4"]
    assert hasil.ringkasan == ("Dokumen memuat seluruh 24 bagian sistematika; urutan tidak "
                               "sesuai sistematika pada: 4 Penutup.")


def test_windows_line_endings_and_tabs() -> None:
    teks = SKPL_LENGKAP.replace("\n", "\r\n").replace("### ", "###\t")
    assert periksa_skpl(teks).lengkap
