"""The SOP table is the catalog's, and everything derived from it follows it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.nomor import nomor_agenda, nomor_tiket, urai_nomor
from domain.sop import (
    HARI_KERJA,
    SOP,
    JenisLayanan,
    Peran,
    TindakLanjut,
    langkah,
    rencana_langkah,
    timeout_detik,
)


def test_sop_table_matches_the_catalog() -> None:
    # SC-04/EGOTIK/2023, "PROSEDURE - PENGAJUAN LAYANAN PEMBANGUNAN APLIKASI".
    expected = [
        (1, Peran.OPD, timedelta(hours=3), "Email, Surat, Telepon, Chat, Portal"),
        (2, Peran.KEPALA_DINAS, timedelta(minutes=30), "Disposisi"),
        (3, Peran.KABID_EGOV, timedelta(minutes=15), "Disposisi"),
        (4, Peran.PRANATA_KOMPUTER, timedelta(minutes=15), "Disposisi"),
        (5, Peran.PETUGAS_SERVICE_DESK, 5 * HARI_KERJA, "Catatan"),
        (5, Peran.PETUGAS_SERVICE_DESK, 5 * HARI_KERJA, "Catatan"),
        (5, Peran.PETUGAS_SERVICE_DESK, 5 * HARI_KERJA, "Catatan"),
        (6, Peran.PETUGAS_SERVICE_DESK, timedelta(hours=1), "Laporan"),
        (7, Peran.PETUGAS_SERVICE_DESK, timedelta(minutes=15), "Arsip"),
    ]
    assert [(s.nomor, s.pelaksana, s.mutu_baku, s.keluaran) for s in SOP] == expected
    ranges = {s.tindak_lanjut: (s.mutu_baku_min, s.mutu_baku) for s in SOP if s.tindak_lanjut}
    assert ranges == {
        TindakLanjut.REKOMENDASI: (3 * HARI_KERJA, 5 * HARI_KERJA),
        TindakLanjut.HOSTING_INTEGRASI: (1 * HARI_KERJA, 5 * HARI_KERJA),
        TindakLanjut.UJI_KELAIKAN: (1 * HARI_KERJA, 5 * HARI_KERJA),
    }


@pytest.mark.parametrize(
    ("jenis", "codes"),
    [
        (JenisLayanan.PEMBANGUNAN, ["pengajuan", "disposisi_kadis", "disposisi_kabid",
                                    "perintah_prakom", "rekomendasi", "hosting_integrasi",
                                    "laporan", "arsip"]),
        (JenisLayanan.UJI_KELAYAKAN, ["pengajuan", "disposisi_kadis", "disposisi_kabid",
                                      "perintah_prakom", "uji_kelaikan", "laporan", "arsip"]),
        (JenisLayanan.VA, ["pengajuan", "disposisi_kadis", "disposisi_kabid",
                           "perintah_prakom", "uji_kelaikan", "laporan", "arsip"]),
    ],
)
def test_plan_per_request_type(jenis: JenisLayanan, codes: list[str]) -> None:
    assert [s.kode for s in rencana_langkah(jenis)] == codes


def test_escalation_goes_up_the_disposition_chain() -> None:
    assert Peran.PETUGAS_SERVICE_DESK.atasan is Peran.PRANATA_KOMPUTER
    assert Peran.PRANATA_KOMPUTER.atasan is Peran.KABID_EGOV
    assert Peran.KABID_EGOV.atasan is Peran.KEPALA_DINAS
    assert Peran.KEPALA_DINAS.atasan is None


def test_timeouts_derive_from_mutu_baku() -> None:
    assert timeout_detik("laporan") == 3600
    assert timeout_detik("uji_kelaikan") == 5 * 8 * 3600
    with pytest.raises(KeyError, match="tidak dikenal"):
        langkah("tidak_ada")


def test_numbers_round_trip() -> None:
    assert nomor_tiket(2026, 123) == "LPA-2026-000123"
    assert nomor_agenda(2026, 45) == "AGD-2026-000045"
    parsed = urai_nomor(" lpa-2026-000123 ")
    assert (parsed.prefix, parsed.tahun, parsed.urut) == ("LPA", 2026, 123)
    assert str(parsed) == "LPA-2026-000123"
    assert nomor_tiket(2026, 1_234_567) == "LPA-2026-1234567"
    for bad in ("LPA-26-000001", "XYZ-2026-000001", "LPA-2026-12", ""):
        with pytest.raises(ValueError, match="tidak dikenali"):
            urai_nomor(bad)


# --- the table drives the ticket's run (issue 11) --------------------------------------------

def test_the_table_says_what_kind_each_step_is_and_whom_a_disposition_goes_to() -> None:
    from domain.sop import LANGKAH_KELENGKAPAN, JenisLangkah, kepada

    jenis = {s.kode: s.jenis for s in SOP}
    assert jenis == {
        "pengajuan": JenisLangkah.PENGAJUAN, "disposisi_kadis": JenisLangkah.DISPOSISI,
        "disposisi_kabid": JenisLangkah.DISPOSISI, "perintah_prakom": JenisLangkah.DISPOSISI,
        "rekomendasi": JenisLangkah.KEPUTUSAN, "hosting_integrasi": JenisLangkah.CATATAN,
        "uji_kelaikan": JenisLangkah.UJI, "laporan": JenisLangkah.LAPORAN,
        "arsip": JenisLangkah.ARSIP}
    assert LANGKAH_KELENGKAPAN.jenis is JenisLangkah.KELENGKAPAN
    # "Kadis ... disposisi kepada Kabid eGotik", "Kabid ... kepada Pranata Komputer",
    # "Pranata Komputer ... perintah kepada petugas service desk"
    assert [kepada(s) for s in SOP if s.jenis is JenisLangkah.DISPOSISI] == [
        Peran.KABID_EGOV, Peran.PRANATA_KOMPUTER, Peran.PETUGAS_SERVICE_DESK]
    for s in SOP:
        if s.jenis is JenisLangkah.DISPOSISI:
            assert kepada(s).atasan is s.pelaksana  # the escalation chain, read upwards
        else:
            assert kepada(s) is None
    # a person waits exactly on the kinds that ask one
    orang = {JenisLangkah.DISPOSISI, JenisLangkah.KEPUTUSAN, JenisLangkah.CATATAN,
             JenisLangkah.KELENGKAPAN}
    for s in (*SOP, LANGKAH_KELENGKAPAN):
        assert s.menunggu_orang == (s.jenis in orang), s.kode


def test_the_ticket_run_has_one_handler_per_kind_and_names_no_step_code() -> None:
    """flows/layanan.py dispatches on the table's kinds: every kind of step the run does has
    a handler, and no step is recognised there by its code."""
    import inspect

    from domain.sop import LANGKAH_KELENGKAPAN, JenisLangkah
    from flows import layanan

    dijalankan = {s.jenis for s in (*SOP, LANGKAH_KELENGKAPAN)} - {JenisLangkah.PENGAJUAN}
    assert set(layanan.PELAKSANA) == dijalankan
    sumber = inspect.getsource(layanan)
    for s in (*SOP, LANGKAH_KELENGKAPAN):
        assert f'"{s.kode}"' not in sumber, s.kode
    assert "_KEPADA" not in sumber
