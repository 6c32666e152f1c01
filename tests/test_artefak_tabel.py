"""Issue 11: the tables operators read in the Prefect UI say what they mean in Indonesian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import markdown

from domain.kelaikan import KATEGORI_KEAMANAN, LaporanKelaikan, hasil_kategori, kategori_tidak_diuji
from tasks.kelaikan.artefak import tabel_temuan
from tasks.sla_watch import LangkahBerisiko, baris_tabel_berisiko

MULAI = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def test_a_findings_table_without_findings_says_so_and_why() -> None:
    kategori = [hasil_kategori(k, [], ["x"]) for k in KATEGORI_KEAMANAN if k != "dbms"]
    kategori.append(kategori_tidak_diuji("dbms", "host basis data tidak disebut"))
    laporan = LaporanKelaikan.susun("https://app.babelprov.go.id/", MULAI,
                                    MULAI + timedelta(seconds=3), kategori)
    (baris,) = tabel_temuan(laporan)
    assert baris["judul"] == "Tidak ada temuan"
    assert "host basis data tidak disebut" in baris["bukti"]
    assert "lulus" in baris["bukti"]


def _berisiko(**ubah: object) -> LangkahBerisiko:
    nilai = dict(nomor="LPA-2026-000001", nama_aplikasi="Sistem Informasi " * 6,
                 instansi="Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Provinsi "
                          "Kepulauan Bangka Belitung",
                 kode="disposisi_kadis", actor_role="kadis", petugas=None, mulai=MULAI,
                 jatuh_tempo=MULAI + timedelta(minutes=30), persen=120.0)
    nilai.update(ubah)
    return LangkahBerisiko(**nilai)  # type: ignore[arg-type]


def test_the_sla_table_is_no_numbered_list_and_keeps_its_key_columns_first() -> None:
    baris = baris_tabel_berisiko([_berisiko(), _berisiko(nomor="LPA-2026-000002", persen=60)])
    assert list(baris[0])[:4] == ["Tiket", "Status", "Terpakai", "Langkah"]
    for b in baris:
        for sel in b.values():
            # each cell, rendered as Markdown as the Prefect UI does, is no list and no heading
            html = markdown.markdown(sel)
            assert "<ol>" not in html and "<ul>" not in html and "<h" not in html, sel
            assert len(sel) <= 40, sel
    assert baris[0]["Status"] == "TERLAMBAT" and baris[1]["Status"] == "berisiko"
    assert baris[0]["Langkah"] == "langkah 2 · disposisi_kadis"


def test_an_empty_sla_table_says_there_is_nothing_at_risk() -> None:
    (baris,) = baris_tabel_berisiko([])
    assert baris["Status"] == "Tidak ada langkah terlambat atau berisiko"
