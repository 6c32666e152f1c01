"""The three request forms (domain/forms.py) and their Indonesian errors (domain/errors.py)."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from domain.errors import terjemahkan, validasi
from domain.forms import (
    BUKA_RAHASIA,
    FORM_BY_JENIS,
    AkunUji,
    Pemohon,
    PenanggungJawab,
    PermohonanPembangunan,
    PermohonanUjiKelayakan,
    PermohonanVA,
    alamat_penanggung_jawab,
    baca_formulir,
    detect_jenis,
    untuk_disimpan,
)

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
SAMPEL = {"pembangunan": "pembangunan.json", "uji-kelayakan": "uji_kelayakan.json",
          "va": "va.json"}
SANDI = "Penguji#2024"
_INGGRIS = re.compile(
    r"\b(should|must|input|field required|invalid|error|value|the|at least|at most)\b", re.I)


def sampel(jenis: str) -> dict[str, Any]:
    return json.loads((FIXTURES / SAMPEL[jenis]).read_text(encoding="utf-8"))


def ubah(data: dict[str, Any], jalur: str, nilai: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the dotted path set (``...`` deletes it)."""
    data = copy.deepcopy(data)
    *induk, kunci = jalur.split(".")
    tempat = data
    for bagian in induk:
        tempat = tempat[bagian]
    if nilai is ...:
        del tempat[kunci]
    else:
        tempat[kunci] = nilai
    return data


def galat(jenis: str, data: dict[str, Any]) -> dict[str, str]:
    """The errors of an invalid form as {field: message}, each checked to be Indonesian."""
    form, errors = validasi(jenis, data, hari_ini=date(2026, 11, 29))
    assert form is None and errors
    for e in errors:
        assert not _INGGRIS.search(e["message"]), e["message"]
        assert f"({e['field']})" in e["message"] or not e["field"], e
    return {e["field"]: e["message"] for e in errors}


def satu_galat(jenis: str, data: dict[str, Any], field: str) -> str:
    errors = galat(jenis, data)
    assert list(errors) == [field], errors
    return errors[field]


# --- Samples, registry ---------------------------------------------------------------------

@pytest.mark.parametrize("jenis", list(SAMPEL))
def test_sample_forms_validate_and_round_trip(jenis: str) -> None:
    data = sampel(jenis)
    form, errors = validasi(jenis, data)
    assert errors == [] and isinstance(form, FORM_BY_JENIS[jenis])
    assert detect_jenis(data) == jenis
    # What the intake flow does: dump with secrets, validate again, same form.
    ulang, errors = validasi(jenis, form.model_dump(mode="json", context=BUKA_RAHASIA))
    assert errors == [] and ulang == form
    assert json.loads(form.model_dump_json())["nama_aplikasi"] == data["nama_aplikasi"]


def test_samples_are_normalised() -> None:
    form = PermohonanPembangunan.model_validate(sampel("pembangunan"))
    pj = form.penanggung_jawab_struktural
    assert pj.nip == "197802142003121002"
    assert pj.telepon_hp == "+6281278901234"
    assert form.penanggung_jawab_teknis.telepon_internal == "+627174262141"
    assert form.kelengkapan.surat_permintaan is None
    assert form.kelengkapan.user_requirement is None
    va = PermohonanVA.model_validate(sampel("va"))
    assert (va.ip_aplikasi, va.ip_database, va.ip_jaringan) == ("127.0.0.1", "127.0.0.1",
                                                                "127.0.0.0/8")
    uk = PermohonanUjiKelayakan.model_validate(sampel("uji-kelayakan"))
    assert str(uk.url_aplikasi) == "http://127.0.0.1:8765/"


@pytest.mark.parametrize(
    ("data", "jenis"),
    [({"url_aplikasi": "x"}, "uji-kelayakan"), ({"jenis_pengujian": []}, "uji-kelayakan"),
     ({"ip_aplikasi": "x", "nama_aplikasi": "y"}, "va"),
     ({"estimasi_hari_kerja": 3}, "pembangunan"), ({"jenis": "pengembangan"}, "pembangunan"),
     ({"nama_aplikasi": "x"}, None), ({}, None), ([], None),
     ({"ip_aplikasi": "x", "url_aplikasi": "y"}, None)],
)
def test_detect_jenis(data: Any, jenis: str | None) -> None:
    assert detect_jenis(data) == jenis


def test_unknown_form_type_and_non_object() -> None:
    form, errors = validasi("izin", {})
    assert form is None and errors[0]["field"] == "jenis"
    assert "tidak dikenal" in errors[0]["message"] and "uji-kelayakan" in errors[0]["message"]
    assert galat("va", [])[""].startswith("Formulir: harus berupa objek")


@pytest.mark.parametrize("model", [PermohonanPembangunan, PermohonanUjiKelayakan, PermohonanVA])
def test_json_schema_generation_for_prefect(model: type[BaseModel]) -> None:
    skema = model.model_json_schema()
    assert skema["title"].startswith("Formulir Layanan")
    assert skema["additionalProperties"] is False
    defs = skema.get("$defs", {})

    def judul(sifat: dict[str, Any]) -> str | None:
        # pydantic leaves out a field title equal to its model's title ($ref target).
        ref = sifat.get("$ref", "").rsplit("/", 1)[-1]
        return sifat.get("title") or defs.get(ref, {}).get("title")

    for bagian in [skema, *defs.values()]:
        for nama, sifat in bagian.get("properties", {}).items():
            assert judul(sifat) and sifat.get("description"), nama
    pj = skema["properties"]
    assert pj["penanggung_jawab_teknis"]["title"] == "Penanggung jawab teknis"
    json.dumps(model.model_json_schema(mode="serialization"))


# --- Generic rules: required, extra, trimming, bounds, choices -----------------------------

def test_missing_field_is_required() -> None:
    pesan = satu_galat("va", ubah(sampel("va"), "dbms", ...), "dbms")
    assert pesan == "DBMS (dbms): wajib diisi"
    pesan = satu_galat("va", ubah(sampel("va"), "pemohon.nip", ...), "pemohon.nip")
    assert pesan == "NIP (pemohon.nip): wajib diisi"


@pytest.mark.parametrize(
    ("jalur", "saran"),
    [("platfrom", "maksud Anda 'platform'?"), ("catatan", ""),
     ("penanggung_jawab_teknis.emial", "maksud Anda 'email'?")],
)
def test_extra_field_refused(jalur: str, saran: str) -> None:
    pesan = satu_galat("va", ubah(sampel("va"), jalur, "x"), jalur)
    assert "kolom tidak dikenal" in pesan and saran in pesan


def test_text_is_trimmed() -> None:
    data = ubah(sampel("va"), "nama_aplikasi", "   SIMPEG Babel \n")
    data = ubah(data, "pemohon.nama", "\tFitriani  ")
    form = PermohonanVA.model_validate(data)
    assert form.nama_aplikasi == "SIMPEG Babel" and form.pemohon.nama == "Fitriani"


@pytest.mark.parametrize(
    ("jalur", "nilai", "pesan"),
    [("deskripsi", "   ", "Deskripsi (deskripsi): tidak boleh kosong"),
     ("pemohon.nama", "", "Nama (pemohon.nama): tidak boleh kosong"),
     ("pemohon.nama", "A" * 151, "Nama (pemohon.nama): terlalu panjang; maksimal 150 karakter"),
     ("penanggung_jawab_teknis.jabatan", "J" * 151, "maksimal 150 karakter"),
     ("deskripsi", "d" * 5001, "maksimal 5000 karakter"),
     ("nama_aplikasi", 42, "Nama aplikasi (nama_aplikasi): harus berupa teks")],
)
def test_empty_and_too_long_text_refused(jalur: str, nilai: Any, pesan: str) -> None:
    assert pesan in satu_galat("va", ubah(sampel("va"), jalur, nilai), jalur)


def test_length_limits_count_after_trimming() -> None:
    form = PermohonanVA.model_validate(ubah(sampel("va"), "pemohon.nama", " " + "A" * 150 + " "))
    assert len(form.pemohon.nama) == 150


# --- Text: control, invisible and bidi characters (issue 10) -------------------------------

SATU_BARIS = ["nama_aplikasi", "bahasa_program", "dbms", "engine_aplikasi", "pemohon.nama",
              "pemohon.jabatan", "penanggung_jawab_struktural.nama",
              "penanggung_jawab_struktural.jabatan", "penanggung_jawab_struktural.unit_kerja",
              "penanggung_jawab_teknis.alamat_kantor"]
TEKS_BEBAS = ["deskripsi"]


@pytest.mark.parametrize("jalur", SATU_BARIS)
@pytest.mark.parametrize(
    ("sisipan", "pesan"),
    [("\x00", "memuat karakter kendali U+0000 (NUL)"),
     ("\x1b[31m", "karakter kendali U+001B (ESC)"),
     ("\t", "karakter kendali U+0009 (tab)"),
     ("\n# Penting", "harus satu baris; pindah baris U+000A"),
     ("\r", "harus satu baris"), ("\u2028", "harus satu baris"),
     ("\u200b", "karakter tak terlihat U+200B"), ("\u200c", "karakter tak terlihat U+200C"),
     ("\u200d", "karakter tak terlihat U+200D"), ("\u2060", "karakter tak terlihat U+2060"),
     ("\ufeff", "karakter tak terlihat U+FEFF"),
     ("\u202e", "pengatur arah teks (bidi) U+202E"), ("\u202a", "(bidi) U+202A"),
     ("\u2066", "(bidi) U+2066"), ("\u2069", "(bidi) U+2069")],
)
def test_one_line_text_refuses_control_invisible_and_bidi(jalur: str, sisipan: str,
                                                          pesan: str) -> None:
    asli = sampel("va")
    tempat = asli
    for bagian in jalur.split("."):
        tempat = tempat[bagian]
    data = ubah(asli, jalur, f"{tempat[:5]}{sisipan}{tempat[5:]}")
    hasil = satu_galat("va", data, jalur)
    assert f"({jalur}): " in hasil and pesan in hasil and "pada karakter ke-6" in hasil


@pytest.mark.parametrize("jalur", TEKS_BEBAS)
@pytest.mark.parametrize(("sisipan", "pesan"),
                         [("\x00", "U+0000 (NUL)"), ("\x07", "U+0007"), ("\x0b", "U+000B"),
                          ("\u202e", "(bidi) U+202E"), ("\u2067", "(bidi) U+2067")])
def test_free_text_refuses_nul_control_and_bidi(jalur: str, sisipan: str, pesan: str) -> None:
    data = ubah(sampel("va"), jalur, f"Baris satu{sisipan}\nbaris dua")
    hasil = satu_galat("va", data, jalur)
    assert f"({jalur}): " in hasil and pesan in hasil


def test_free_text_keeps_line_breaks_and_tabs() -> None:
    teks = "Tujuan:\n\t- layanan A\r\n\t- layanan B\u200b"
    form = PermohonanVA.model_validate(ubah(sampel("va"), "deskripsi", teks))
    assert form.deskripsi == teks
    data = ubah(sampel("pembangunan"), "dokumen_spesifikasi", "1. Pendahuluan\n\x00")
    assert "U+0000 (NUL)" in satu_galat("pembangunan", data, "dokumen_spesifikasi")
    data = ubah(sampel("uji-kelayakan"), "jenis_pengujian", ["stress_test"])
    data["uji_beban"] = {"pengguna_per_hari": 100, "jam_efektif_per_hari": 8,
                         "durasi_transaksi_menit": 10, "skenario": "login\u202e: 60%"}
    assert "(bidi) U+202E" in satu_galat("uji-kelayakan", data, "uji_beban.skenario")


def test_ordinary_indonesian_names_pass() -> None:
    data = ubah(sampel("va"), "pemohon.nama", "Dr. Ir. Hj. Siti Nurhaliza, S.T., M.Kom.")
    data = ubah(data, "nama_aplikasi", "Sistem Informasi Kepegawaian (SIMPEG) — Babel 2.0 · ä")
    form = PermohonanVA.model_validate(data)
    assert form.nama_aplikasi.endswith("· ä")


@pytest.mark.parametrize(("nilai", "hasil"), [("Linux", "linux"), (" WINDOWS ", "windows"),
                                              ("unix", "unix")])
def test_platform_choice_lenient(nilai: str, hasil: str) -> None:
    assert PermohonanVA.model_validate(ubah(sampel("va"), "platform", nilai)).platform == hasil


@pytest.mark.parametrize(
    ("jalur", "nilai", "pesan"),
    [("platform", "solaris", "Platform (platform): harus salah satu dari: windows, linux, unix"),
     ("jenis", "renovasi", "harus salah satu dari: pembangunan_baru, pengembangan"),
     ("estimasi_hari_kerja", 0, "Estimasi hari kerja (estimasi_hari_kerja): minimal 1"),
     ("estimasi_hari_kerja", 366, "maksimal 365"),
     ("estimasi_hari_kerja", "sembilan puluh", "harus berupa bilangan bulat"),
     ("estimasi_hari_kerja", 12.5, "harus berupa bilangan bulat (tanpa pecahan)"),
     ("kelengkapan.surat_permintaan", "mungkin", "harus bernilai ya atau tidak"),
     ("kelengkapan", "lengkap", "harus berupa objek"),
     ("dokumen_spesifikasi", "x" * 200_001, "maksimal 200000 karakter")],
)
def test_development_form_rules(jalur: str, nilai: Any, pesan: str) -> None:
    assert pesan in satu_galat("pembangunan", ubah(sampel("pembangunan"), jalur, nilai), jalur)


def test_development_form_choices_and_officer_fields() -> None:
    data = ubah(sampel("pembangunan"), "jenis", "Pembangunan Baru")
    data = ubah(data, "kelengkapan", {"surat_permintaan": True})
    data = ubah(data, "estimasi_hari_kerja", "365")
    form = PermohonanPembangunan.model_validate(data)
    assert form.jenis == "pembangunan_baru" and form.estimasi_hari_kerja == 365
    assert form.kelengkapan.surat_permintaan is True
    assert form.kelengkapan.user_requirement is None
    tanpa = PermohonanPembangunan.model_validate(ubah(sampel("pembangunan"), "kelengkapan", ...))
    assert tanpa.kelengkapan.surat_permintaan is None


# --- People: NIP, eselon, Plt./Plh., phones, e-mail ----------------------------------------

def test_nip_in_form_is_normalised_and_checked() -> None:
    form = PermohonanVA.model_validate(ubah(sampel("va"), "pemohon.nip", 198207302006042007))
    assert form.pemohon.nip == "198207302006042007"
    pesan = satu_galat("va", ubah(sampel("va"), "penanggung_jawab_teknis.nip",
                                  "19851332 201001 1 004"), "penanggung_jawab_teknis.nip")
    assert pesan == "NIP (penanggung_jawab_teknis.nip): tanggal lahir 19851332 tidak ada"
    pesan = satu_galat("va", ubah(sampel("va"), "pemohon.nip", "1985"), "pemohon.nip")
    assert pesan.startswith("NIP (pemohon.nip) harus 18 digit angka")


def test_nip_today_from_validation_context() -> None:
    data = ubah(sampel("va"), "penanggung_jawab_teknis.nip", "199503212022211003")  # PPPK 2022
    assert validasi("va", data, hari_ini=date(2022, 1, 1))[1] == []
    errors = validasi("va", data, hari_ini=date(2021, 12, 31))[1]
    assert [e["field"] for e in errors] == ["penanggung_jawab_teknis.nip"]
    assert "tahun pengangkatan PPPK 2022 ada di masa depan" in errors[0]["message"]


@pytest.mark.parametrize(
    ("eselon", "status", "hasil"),
    [("III.a", None, ("III.a", "definitif")), ("3b", None, ("III.b", "definitif")),
     ("iii.b", None, ("III.b", "definitif")), ("II a", None, ("II.a", "definitif")),
     ("Plt. II.b", None, ("II.b", "plt")), ("Plh. III.a", None, ("III.a", "plh")),
     ("Plt III.b", "definitif", ("III.b", "plt")), ("Plh.2a", "plh", ("II.a", "plh")),
     ("III.b", "plt", ("III.b", "plt"))],
)
def test_requester_eselon_lenient_and_plt_plh(eselon: str, status: str | None,
                                              hasil: tuple[str, str]) -> None:
    data = {"nama": "Fitriani", "nip": "198207302006042007", "jabatan": "Kepala Bidang",
            "eselon": eselon}
    if status:
        data["status_jabatan"] = status
    pemohon = Pemohon.model_validate(data)
    assert (pemohon.eselon, pemohon.status_jabatan) == hasil


@pytest.mark.parametrize(
    ("eselon", "rincian"),
    [("IV.a", "eselon IV.a tidak memenuhi syarat"), ("IV.b", "eselon IV.b tidak memenuhi syarat"),
     ("V.a", "eselon V.a tidak memenuhi syarat"), ("Plt. IV.a", "eselon IV.a tidak memenuhi"),
     ("non-eselon", "'non-eselon' bukan eselon yang dikenal"),
     ("pelaksana", "bukan eselon yang dikenal")],
)
def test_requester_below_eselon_iii_refused(eselon: str, rincian: str) -> None:
    pesan = satu_galat("va", ubah(sampel("va"), "pemohon.eselon", eselon), "pemohon.eselon")
    assert pesan.startswith("Eselon (pemohon.eselon): Pemohon minimal pejabat eselon III "
                            "(I.a s.d. III.b, termasuk Plt./Plh.)")
    assert rincian in pesan


def test_plt_prefix_contradicting_status_refused() -> None:
    data = ubah(sampel("va"), "pemohon.eselon", "Plt. III.b")
    data = ubah(data, "pemohon.status_jabatan", "plh")
    pesan = satu_galat("va", data, "pemohon.status_jabatan")
    assert "bertentangan dengan awalan Plt." in pesan
    assert "harus salah satu dari: definitif, plt, plh" in satu_galat(
        "va", ubah(sampel("va"), "pemohon.status_jabatan", "pj"), "pemohon.status_jabatan")


@pytest.mark.parametrize(("hp", "hasil"), [("0821-8064-0997", "+6282180640997"),
                                           ("+62 821 8064 0997", "+6282180640997"),
                                           ("6282180640997", "+6282180640997")])
def test_mobile_phone_in_form(hp: str, hasil: str) -> None:
    data = ubah(sampel("va"), "penanggung_jawab_teknis.telepon_hp", hp)
    assert PermohonanVA.model_validate(data).penanggung_jawab_teknis.telepon_hp == hasil


def test_fixed_line_given_as_mobile_refused() -> None:
    jalur = "penanggung_jawab_struktural.telepon_hp"
    pesan = satu_galat("va", ubah(sampel("va"), jalur, "0717-4262141"), jalur)
    assert pesan.startswith(f"Nomor HP ({jalur}) '0717-4262141' adalah nomor telepon tetap")


@pytest.mark.parametrize(("internal", "hasil"), [("214", "214"), ("Psw. 305", "305"),
                                                 ("0717-4262141", "+627174262141"), (None, None)])
def test_internal_phone_extension_or_fixed_line(internal: str | None, hasil: str | None) -> None:
    data = ubah(sampel("va"), "penanggung_jawab_struktural.telepon_internal", internal)
    form = PermohonanVA.model_validate(data)
    assert form.penanggung_jawab_struktural.telepon_internal == hasil


@pytest.mark.parametrize("internal", ["1", "0812-7890-1234", ""])
def test_internal_phone_refused(internal: str) -> None:
    jalur = "penanggung_jawab_struktural.telepon_internal"
    pesan = satu_galat("va", ubah(sampel("va"), jalur, internal), jalur)
    assert pesan.startswith(f"Nomor telepon internal ({jalur})")


def test_email_in_form() -> None:
    jalur = "penanggung_jawab_teknis.email"
    data = ubah(sampel("va"), jalur, "Yoga.Saputra@BKD.BabelProv.go.id")
    pj = PermohonanVA.model_validate(data).penanggung_jawab_teknis
    assert pj.email == "Yoga.Saputra@bkd.babelprov.go.id" and pj.email_kedinasan is True
    pesan = satu_galat("va", ubah(sampel("va"), jalur, "bukan-email"), jalur)
    assert pesan == f"Alamat surat elektronik ({jalur}) tidak valid: tanda @ tidak ada"


@pytest.mark.parametrize(
    ("email", "kedinasan"),
    [("a@dinkes.babelprov.go.id", True), ("a@babelprov.go.id", True), ("a@gmail.com", False),
     ("a@go.id.example.com", False)],
)
def test_email_kedinasan_property(email: str, kedinasan: bool) -> None:
    data = sampel("va")["penanggung_jawab_teknis"] | {"email": email}
    pj = PenanggungJawab.model_validate(data)
    assert pj.email_kedinasan is kedinasan
    assert "email_kedinasan" not in pj.model_dump()  # derived, so the dump validates again


# --- VA: IP addresses and network ----------------------------------------------------------

@pytest.mark.parametrize(
    ("jalur", "nilai", "hasil"),
    [("ip_aplikasi", "127.0.0.1", "127.0.0.1"), ("ip_database", "::1", "::1"),
     ("ip_aplikasi", " 10.10.20.15 ", "10.10.20.15"),
     ("ip_jaringan", "10.10.20.0/24", "10.10.20.0/24"),
     ("ip_jaringan", "127.0.0.0/8", "127.0.0.0/8")],
)
def test_va_addresses_allowed(jalur: str, nilai: str, hasil: str) -> None:
    form = PermohonanVA.model_validate(ubah(sampel("va"), jalur, nilai))
    assert getattr(form, jalur) == hasil


@pytest.mark.parametrize(
    ("jalur", "nilai", "pesan"),
    [("ip_aplikasi", "0.0.0.0", "IP aplikasi (ip_aplikasi): Alamat IP 0.0.0.0 adalah alamat tak "
                                "tertentu (unspecified)"),
     ("ip_database", "255.255.255.255", "alamat siaran (broadcast)"),
     ("ip_database", "224.0.0.5", "alamat multicast"),
     ("ip_aplikasi", "169.254.1.1", "link-local"),
     ("ip_aplikasi", "240.0.0.1", "cadangan (reserved)"),
     ("ip_aplikasi", "10.0.0.300", "bukan alamat IPv4/IPv6 yang sah"),
     ("ip_jaringan", "192.168.1.5/24",
      "IP jaringan (ip_jaringan): 192.168.1.5/24 bukan alamat jaringan; maksud Anda "
      "192.168.1.0/24?"),
     ("ip_jaringan", "0.0.0.0/0", "tak tertentu (unspecified)"),
     ("ip_jaringan", "224.0.0.0/24", "multicast"),
     ("ip_jaringan", "128.0.0.0/1", "terlalu luas (/1; paling luas /16 untuk IPv4)"),
     ("ip_jaringan", "10.0.0.0/8", "IP jaringan (ip_jaringan): Jaringan IP 10.0.0.0/8 terlalu "
                                   "luas (/8; paling luas /16 untuk IPv4)"),
     ("ip_jaringan", "2001:db8::/32", "terlalu luas (/32; paling luas /48 untuk IPv6)"),
     ("ip_jaringan", "169.254.0.0/16", "link-local"),
     ("ip_aplikasi", "::ffff:169.254.169.254", "IPv4-mapped yang menunjuk ke 169.254.169.254"),
     ("ip_jaringan", "10.10.20.0", "notasi CIDR")],
)
def test_va_addresses_refused(jalur: str, nilai: str, pesan: str) -> None:
    assert pesan in satu_galat("va", ubah(sampel("va"), jalur, nilai), jalur)


# --- Feasibility test: tests, URL, account, stress test ------------------------------------

def test_feasibility_form_takes_an_optional_database_host_and_port(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: without a database host the DBMS test cannot be run, so the form asks for
    it (optional), by the VA form's address rules; the deposit form inherits the fields."""
    from domain.forms import PermohonanUjiKelayakanTitipan
    from flows.tindak_lanjut import target_dari_formulir
    from tasks import tiket as t

    form = PermohonanUjiKelayakan.model_validate(
        {**sampel("uji-kelayakan"), "ip_database": " 10.10.20.16 ", "port_database": 5433})
    assert (form.ip_database, form.port_database) == ("10.10.20.16", 5433)
    tanpa = PermohonanUjiKelayakan.model_validate(sampel("uji-kelayakan"))
    assert (tanpa.ip_database, tanpa.port_database) == (None, None)
    for model in (PermohonanUjiKelayakan, PermohonanUjiKelayakanTitipan):
        sifat = model.model_json_schema()["properties"]
        assert sifat["ip_database"]["title"] == "IP database"
        assert "tidak dapat dinyatakan LAYAK" in sifat["ip_database"]["description"]
        assert sifat["port_database"]["title"] == "Port database"
    # the same address rules as the VA form's ip_database
    for nilai, pesan in PENOLAKAN_IP_DATABASE:
        assert pesan in satu_galat("uji-kelayakan", ubah(sampel("uji-kelayakan"),
                                                         "ip_database", nilai), "ip_database")
    for nilai in (0, 70000, "port"):
        satu_galat("uji-kelayakan", ubah(sampel("uji-kelayakan"), "port_database", nilai),
                   "port_database")
    # told apart from a VA form, which has ip_database too
    data = ubah(sampel("uji-kelayakan"), "ip_database", "10.10.20.16")
    assert detect_jenis(data) == "uji-kelayakan"
    assert detect_jenis({"url_aplikasi": "x", "ip_database": "y"}) == "uji-kelayakan"
    assert detect_jenis({"akun_uji": {}, "ip_database": "y"}) == "uji-kelayakan"
    assert detect_jenis({"ip_aplikasi": "x", "ip_database": "y"}) == "va"
    # and the test of the ticket is aimed at that host and port, nothing else
    snapshot = t.TiketSnapshot(
        nomor="LPA-2026-000001", jenis=None, nama_aplikasi="x", instansi="x",  # type: ignore[arg-type]
        status="diproses", hasil=None, permohonan=untuk_disimpan(form), langkah=(),
        diarsipkan=False)
    monkeypatch.setattr(t, "akun_uji", lambda nomor: ("penguji", SANDI))
    target = target_dari_formulir(snapshot)
    tanpa_db = target_dari_formulir(dataclasses.replace(
        snapshot, permohonan=untuk_disimpan(tanpa)))
    va = target_dari_formulir(dataclasses.replace(
        snapshot, permohonan=PermohonanVA.model_validate(sampel("va"))))
    assert (target.url, target.db_host, target.db_port) == ("http://127.0.0.1:8765/",
                                                            "10.10.20.16", 5433)
    assert target.host_db == "10.10.20.16" and target.username == "penguji"
    assert (tanpa_db.db_host, tanpa_db.db_port, tanpa_db.host_db) == (None, None, None)
    assert (va.db_host, va.db_port, va.network) == ("127.0.0.1", None, "127.0.0.0/8")


PENOLAKAN_IP_DATABASE = [
    ("255.255.255.255", "alamat siaran (broadcast)"), ("224.0.0.5", "alamat multicast"),
    ("169.254.169.254", "link-local"), ("10.0.0.300", "bukan alamat IPv4/IPv6 yang sah"),
    ("10.0.0.0/24", "tanpa awalan /"), ("db.babelprov.go.id", "bukan alamat IPv4/IPv6"),
]


def test_jenis_pengujian_set_serialised_sorted() -> None:
    data = ubah(sampel("uji-kelayakan"), "jenis_pengujian",
                ["stress_test", "uji_kerentanan", "Stress Test"])
    data["uji_beban"] = {"pengguna_per_hari": 500, "jam_efektif_per_hari": 8,
                         "durasi_transaksi_menit": 15}
    form = PermohonanUjiKelayakan.model_validate(data)
    assert form.jenis_pengujian == {"stress_test", "uji_kerentanan"}
    assert form.model_dump(mode="json")["jenis_pengujian"] == ["stress_test", "uji_kerentanan"]
    tunggal = ubah(sampel("uji-kelayakan"), "jenis_pengujian", "uji_kerentanan")
    assert PermohonanUjiKelayakan.model_validate(tunggal).jenis_pengujian == {"uji_kerentanan"}


@pytest.mark.parametrize(
    ("nilai", "jalur", "pesan"),
    [([], "jenis_pengujian", "Jenis pengujian (jenis_pengujian): pilih sedikitnya satu"),
     (["penetrasi"], "jenis_pengujian.0",
      "harus salah satu dari: uji_kerentanan, stress_test")],
)
def test_jenis_pengujian_refused(nilai: Any, jalur: str, pesan: str) -> None:
    data = ubah(sampel("uji-kelayakan"), "jenis_pengujian", nilai)
    assert pesan in satu_galat("uji-kelayakan", data, jalur)


def test_uji_beban_required_with_stress_test_only() -> None:
    data = ubah(sampel("uji-kelayakan"), "jenis_pengujian", ["uji_kerentanan", "stress_test"])
    pesan = satu_galat("uji-kelayakan", data, "uji_beban")
    assert pesan == ("Uji beban (uji_beban): wajib diisi karena jenis pengujian memuat "
                     "stress_test")
    data["uji_beban"] = {"pengguna_per_hari": 2000, "jam_efektif_per_hari": 8,
                         "durasi_transaksi_menit": 10, "skenario": "login: 60%\ncari izin: 40%"}
    assert PermohonanUjiKelayakan.model_validate(data).uji_beban.pengguna_per_hari == 2000
    assert PermohonanUjiKelayakan.model_validate(sampel("uji-kelayakan")).uji_beban is None


@pytest.mark.parametrize(
    ("uji_beban", "jalur", "pesan"),
    [({"pengguna_per_hari": 0}, "pengguna_per_hari", "minimal 1"),
     ({"jam_efektif_per_hari": 0}, "jam_efektif_per_hari", "harus lebih besar dari 0"),
     ({"jam_efektif_per_hari": 24.5}, "jam_efektif_per_hari", "maksimal 24"),
     ({"durasi_transaksi_menit": 481}, "durasi_transaksi_menit",
      "melebihi jam efektif per hari; maksimal 480 menit"),
     ({"jam_efektif_per_hari": 0.5, "durasi_transaksi_menit": 31}, "durasi_transaksi_menit",
      "maksimal 30 menit"),
     ({"skenario": "s" * 50_001}, "skenario", "maksimal 50000 karakter")],
)
def test_uji_beban_rules(uji_beban: dict[str, Any], jalur: str, pesan: str) -> None:
    data = ubah(sampel("uji-kelayakan"), "jenis_pengujian", ["stress_test"])
    data["uji_beban"] = {"pengguna_per_hari": 100, "jam_efektif_per_hari": 8,
                         "durasi_transaksi_menit": 480} | uji_beban
    assert pesan in satu_galat("uji-kelayakan", data, f"uji_beban.{jalur}")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/", "https://sipo.babelprov.go.id/"])
def test_url_aplikasi_allowed(url: str) -> None:
    form = PermohonanUjiKelayakan.model_validate(ubah(sampel("uji-kelayakan"), "url_aplikasi", url))
    assert str(form.url_aplikasi) == url


@pytest.mark.parametrize(
    ("url", "pesan"),
    [("http://admin:Rahasia123@127.0.0.1:8765/",
      "URL aplikasi (url_aplikasi) tidak boleh memuat nama pengguna atau kata sandi"),
     ("ftp://127.0.0.1/", "skema URL harus http atau https"),
     ("127.0.0.1:8765/", "bukan URL yang sah: harus URL lengkap yang diawali http://"),
     ("http://", "bukan URL yang sah: nama host kosong"),
     ("aplikasi kami", "bukan URL yang sah")],
)
def test_url_aplikasi_refused(url: str, pesan: str) -> None:
    data = ubah(sampel("uji-kelayakan"), "url_aplikasi", url)
    hasil = satu_galat("uji-kelayakan", data, "url_aplikasi")
    assert pesan in hasil and "Rahasia123" not in hasil


@pytest.mark.parametrize(
    ("url", "pesan"),
    [("http://169.254.169.254/latest/meta-data/", "host 169.254.169.254 adalah alamat link-local"),
     ("http://[::ffff:169.254.169.254]/", "alamat IPv4-mapped yang menunjuk ke 169.254.169.254"),
     ("http://[fe80::1]/", "link-local"),
     ("http://0.0.0.0:8080/", "alamat tak tertentu (unspecified)"),
     ("http://255.255.255.255/", "alamat siaran (broadcast)"),
     ("http://224.0.0.1/", "alamat multicast"),
     ("http://2130706433/", "host '2130706433' bukan alamat IPv4 baku"),
     ("http://0x7f000001/", "host '0x7f000001' bukan alamat IPv4 baku"),
     ("http://017700000001/", "host '017700000001' bukan alamat IPv4 baku"),
     ("http://127.1/", "host '127.1' bukan alamat IPv4 baku"),
     ("http:2130706433", "bukan alamat IPv4 baku"),
     ("http://%31%32%37.0.0.1/", "kode persen"),
     ("http://12\n7.0.0.1/", "karakter kendali"),
     ("http://a_b.example/", "bukan nama host yang sah")],
)
def test_url_aplikasi_refuses_hosts_that_are_not_test_targets(url: str, pesan: str) -> None:
    """Issue 10: link-local (cloud metadata), unspecified, broadcast, multicast, IPv4-mapped
    and numeric-encoded hosts are refused, naming the field."""
    data = ubah(sampel("uji-kelayakan"), "url_aplikasi", url)
    hasil = satu_galat("uji-kelayakan", data, "url_aplikasi")
    assert hasil.startswith("URL aplikasi (url_aplikasi)") and pesan in hasil


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/", "http://127.0.0.2:8080/login",
                                 "http://[::1]:8080/", "http://localhost:8000/",
                                 "https://sipo.babelprov.go.id/", "http://10.10.20.15/app/"])
def test_url_aplikasi_loopback_and_ordinary_hosts_stay_allowed(url: str) -> None:
    form = PermohonanUjiKelayakan.model_validate(ubah(sampel("uji-kelayakan"), "url_aplikasi", url))
    assert str(form.url_aplikasi) == url


@pytest.mark.parametrize(
    ("akun", "jalur", "pesan"),
    [({"username": "penguji"}, "akun_uji.password", "Kata sandi (akun_uji.password): wajib diisi"),
     ({"password": SANDI}, "akun_uji.username", "wajib diisi"),
     ({"username": "penguji", "password": ""}, "akun_uji.password", "tidak boleh kosong"),
     ({"username": " ", "password": SANDI}, "akun_uji.username", "tidak boleh kosong"),
     ({"username": "penguji", "password": SANDI + "x" * 300}, "akun_uji.password",
      "terlalu panjang; maksimal 256 karakter"),
     ({"username": "penguji", "password": "**********"}, "akun_uji.password",
      "masih berupa samaran")],
)
def test_akun_uji_mandatory(akun: dict[str, Any], jalur: str, pesan: str) -> None:
    data = ubah(sampel("uji-kelayakan"), "akun_uji", akun)
    assert pesan in satu_galat("uji-kelayakan", data, jalur)
    assert galat("uji-kelayakan", ubah(sampel("uji-kelayakan"), "akun_uji", ...)) == {
        "akun_uji": "Akun uji (akun_uji): wajib diisi"}


def test_password_is_never_trimmed() -> None:
    akun = AkunUji.model_validate({"username": "  penguji ", "password": "  sandi berspasi "})
    assert akun.username == "penguji"
    assert akun.password.get_secret_value() == "  sandi berspasi "


def test_password_does_not_leak() -> None:
    form = PermohonanUjiKelayakan.model_validate(sampel("uji-kelayakan"))
    assert form.akun_uji.password.get_secret_value() == SANDI
    for teks in (repr(form), str(form), repr(form.akun_uji), str(form.akun_uji.password),
                 str(form.model_dump()), json.dumps(form.model_dump(mode="json")),
                 form.model_dump_json(), f"{form}", json.dumps(form.model_json_schema())):
        assert SANDI not in teks
    assert form.model_dump(mode="json")["akun_uji"]["password"] == "**********"
    # The explicit way, for the run that needs it.
    assert form.model_dump(mode="json", context=BUKA_RAHASIA)["akun_uji"]["password"] == SANDI
    assert form.model_dump(context={"reveal_secrets": True})["akun_uji"]["password"] == SANDI
    assert json.loads(form.model_dump_json(context=BUKA_RAHASIA))["akun_uji"]["password"] == SANDI


@pytest.mark.parametrize(
    "rusak",
    [{"url_aplikasi": f"http://penguji:{SANDI}@127.0.0.1/"},
     {"akun_uji": {"username": "penguji", "password": SANDI * 30}},
     {"akun_uji": {"username": "", "password": SANDI, "sandi": SANDI}},
     {"akun_uji": f"penguji:{SANDI}"},
     {"akun_uji": {"username": "penguji", "password": SANDI}, "nama_aplikasi": ""}],
)
def test_password_never_in_errors(rusak: dict[str, Any]) -> None:
    data = sampel("uji-kelayakan") | rusak
    errors = galat("uji-kelayakan", data)
    assert SANDI not in json.dumps(errors)
    with pytest.raises(ValidationError) as info:
        PermohonanUjiKelayakan.model_validate(data)
    assert SANDI not in str(info.value) and SANDI not in repr(info.value)
    assert SANDI not in json.dumps(terjemahkan(info.value))


# --- terjemahkan ---------------------------------------------------------------------------

def test_terjemahkan_finds_labels_without_the_model() -> None:
    with pytest.raises(ValidationError) as info:
        PermohonanVA.model_validate(ubah(sampel("va"), "penanggung_jawab_teknis.email", "x"))
    [e] = terjemahkan(info.value)
    assert e["field"] == "penanggung_jawab_teknis.email"
    assert e["message"].startswith("Alamat surat elektronik (penanggung_jawab_teknis.email)")


def test_every_error_of_a_bad_form_is_reported() -> None:
    data = sampel("va")
    data["pemohon"]["eselon"] = "IV.a"
    data["ip_jaringan"] = "10.1.2.3/24"
    data["penanggung_jawab_teknis"]["email"] = "bukan-email"
    data["penanggung_jawab_struktural"]["nip"] = "198503122010011000"
    errors = galat("va", data)
    assert set(errors) == {"pemohon.eselon", "ip_jaringan", "penanggung_jawab_teknis.email",
                           "penanggung_jawab_struktural.nip"}
    assert "eselon III" in errors["pemohon.eselon"]
    assert "nomor urut 000" in errors["penanggung_jawab_struktural.nip"]


def test_a_key_of_another_form_type_is_named_as_such() -> None:
    """A VA form checked as a development form: its IP fields are the VA form's, not
    misspellings of a development field (no "maksud Anda 'engine_aplikasi'?")."""
    _, errors = validasi("pembangunan", sampel("va"))
    pesan = {e["field"]: e["message"] for e in errors}
    assert pesan["ip_aplikasi"] == (
        "Kolom 'ip_aplikasi' (ip_aplikasi): kolom ini milik formulir Vulnerability "
        "Assessment, bukan formulir Pembangunan Aplikasi; periksa jenis formulirnya, atau "
        "hapus kolom ini")
    assert not any("maksud Anda" in m for m in pesan.values())


def test_a_misspelt_key_names_the_form_and_suggests_only_its_fields() -> None:
    pesan = satu_galat("va", ubah(sampel("va"), "platfrom", "x"), "platfrom")
    assert "kolom tidak dikenal pada formulir Vulnerability Assessment" in pesan
    assert pesan.endswith("(maksud Anda 'platform'?)")
    # url_aplikasi is a field of the feasibility form only: never suggested on a VA form
    pesan = satu_galat("va", ubah(sampel("va"), "url_aplikasl", "x"), "url_aplikasl")
    assert "url_aplikasi" not in pesan.removeprefix("Kolom 'url_aplikasl' (url_aplikasl)")


@pytest.mark.parametrize("jenis", list(SAMPEL))
def test_a_tickets_form_reads_back_as_the_same_typed_model(jenis: str) -> None:
    """The ticket keeps the validated form as JSON, dumped once, without the password;
    reading it gives the typed model again (tasks/tiket.baca_tiket), equal to what was
    stored, and dumping that gives the same JSON."""
    form = FORM_BY_JENIS[jenis].model_validate(sampel(jenis))
    disimpan = untuk_disimpan(form)
    data = json.loads(json.dumps(disimpan.model_dump(mode="json")))
    assert SANDI not in json.dumps(data) and "password" not in json.dumps(data)
    dibaca = baca_formulir(jenis, data)
    assert dibaca == disimpan and type(dibaca) is type(disimpan)
    assert dibaca.model_dump(mode="json") == data
    assert dibaca.pemohon.nip == form.pemohon.nip
    assert alamat_penanggung_jawab(dibaca) == alamat_penanggung_jawab(form)
    if jenis == "uji-kelayakan":
        assert dibaca.akun_uji.username == form.akun_uji.username
        assert not hasattr(dibaca.akun_uji, "password")
