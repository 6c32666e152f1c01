"""The ticket report (SOP step 6): what it shows, how it escapes and masks, where it is written."""

from __future__ import annotations

import ast
import io
import json
import re
import typing
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from domain.errors import validasi
from domain.forms import FORM_TERSIMPAN_BY_JENIS, baca_formulir, untuk_disimpan
from domain.kelaikan import (
    ALASAN_TANPA_DATA_BEBAN,
    ALASAN_TANPA_DB,
    CEK,
    KATEGORI,
    KATEGORI_KEAMANAN,
    LaporanKelaikan,
    cek_kategori,
    hasil_kategori,
    kategori_tidak_diuji,
)
from domain.laporan import (
    BarisDisposisi,
    BarisLangkah,
    LaporanTiket,
    UjiTidakJalan,
    baca_hasil_kelaikan,
)
from domain.sop import JenisLayanan, rencana_langkah
from tasks import laporan as modul
from tasks.laporan import (
    BERJALAN,
    JAM_BERHENTI,
    SAMARAN,
    TEPAT_WAKTU,
    TERLAMBAT,
    render_laporan_html,
    render_laporan_markdown,
    render_pdf,
    samarkan,
    status_langkah,
    tanggal_wib,
    tulis_laporan,
)

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Senin 08.00 WIB
FORMS = Path(__file__).resolve().parent / "fixtures" / "forms"


def _pj(nama: str, nip: str, jabatan: str) -> dict[str, Any]:
    return {
        "nama": nama, "nip": nip, "jabatan": jabatan,
        "unit_kerja": "Dinas Pertanian dan Ketahanan Pangan",
        "alamat_kantor": "Jl. Pulau Bangka, Air Itam, Pangkalpinang",
        "telepon_hp": "+6281234567890", "telepon_internal": "1203",
        "email": "pertanian@babelprov.go.id",
    }


def _formulir(**tambahan: Any) -> dict[str, Any]:
    return {
        "nama_aplikasi": "SIPELADA",
        "deskripsi": "Pemantauan harga dan produksi lada putih.",
        "platform": "Linux",
        "bahasa_program": "PHP",
        "dbms": "PostgreSQL",
        "pemohon": {"nama": "Ir. Rudi Hartono", "nip": "197203151998031004", "eselon": "III.a"},
        "penanggung_jawab_struktural": _pj("Ir. Rudi Hartono", "197203151998031004",
                                           "Sekretaris Dinas"),
        "penanggung_jawab_teknis": _pj("Dewi Lestari, S.Kom.", "199005122019032011",
                                       "Pranata Komputer Ahli Pertama"),
        **tambahan,
    }


def _langkah(jenis: JenisLayanan, *, terlambat: str | None = None,
             jam_berhenti: bool = False, tolak_di: str | None = None) -> list[BarisLangkah]:
    baris = []
    mulai = T0
    for sop in rencana_langkah(jenis):
        tempo = mulai + sop.mutu_baku
        selesai = tempo + timedelta(hours=2) if sop.kode == terlambat else mulai + timedelta(
            minutes=10)
        keputusan = ("tolak" if sop.kode == tolak_di else "setuju") if sop.menunggu_orang \
            else None
        baris.append(BarisLangkah(
            nomor=sop.nomor, kode=sop.kode, aktivitas=sop.aktivitas,
            pelaksana=sop.pelaksana.label,
            petugas="Andi Saputra (198801012015031001)" if sop.nomor >= 5 else None,
            mulai=mulai, jatuh_tempo=tempo, selesai=selesai,
            terlambat=sop.kode == terlambat, keputusan=keputusan, catatan=None,
        ))
        mulai = selesai
        if sop.kode == tolak_di:
            break
    if jam_berhenti:
        baris.insert(2, BarisLangkah(
            nomor=0, kode="kelengkapan",
            aktivitas="Pemohon melengkapi berkas permohonan yang dikembalikan",
            pelaksana="User PD/Entitas Lainnya", petugas=None, mulai=T0 + timedelta(hours=1),
            jatuh_tempo=None, selesai=T0 + timedelta(days=2), terlambat=False,
            keputusan=None, catatan="Surat permohonan belum ditandatangani.",
        ))
    return baris


def _disposisi() -> list[BarisDisposisi]:
    return [
        BarisDisposisi(T0 + timedelta(minutes=20), "Kepala Dinas Kominfo", "197001011990031001",
                       "setuju", "Segera ditindaklanjuti.", "Kepala Bidang e-Government"),
        BarisDisposisi(T0 + timedelta(minutes=30), "Kepala Bidang e-Government",
                       "197505052000031002", "setuju", None, "Pranata Komputer"),
    ]


KELAIKAN = LaporanKelaikan.model_validate({
    "verdict": "LAYAK_DENGAN_CATATAN", "target": "http://127.0.0.1:8000/",
    "started": T0 + timedelta(days=2), "finished": T0 + timedelta(days=2, minutes=5),
    "categories": [
        {"id": "struktur", "status": "lulus", "findings": []},
        {"id": "otentikasi_sesi", "status": "gagal", "findings": [
            {"check_id": "otentikasi_sesi.cookie_secure",
             "title": "Cookie sesi tanpa atribut Secure", "severity": "sedang",
             "wstg": "WSTG-SESS-02", "cwe": "CWE-614",
             "evidence": "cookie laravel_session di http://127.0.0.1:8000/login",
             "recommendation": "Aktifkan SESSION_SECURE_COOKIE."},
            {"check_id": "otentikasi_sesi.batas_login",
             "title": "Tidak ada batas percobaan login", "severity": "rendah",
             "wstg": "WSTG-ATHN-03", "cwe": "CWE-307",
             "evidence": "10 percobaan gagal tanpa penundaan",
             "recommendation": "Batasi percobaan login."},
        ]},
    ],
})


def _laporan(**ubah: Any) -> LaporanTiket:
    data: dict[str, Any] = dict(
        nomor="LPA-2026-000123", jenis=JenisLayanan.UJI_KELAYAKAN.label,
        nama_aplikasi="SIPELADA", instansi="Dinas Pertanian dan Ketahanan Pangan",
        status="ditutup", hasil="disetujui", dibuat=T0, ditutup=T0 + timedelta(days=3),
        formulir=_formulir(akun_uji={"username": "penguji"}),
        langkah=_langkah(JenisLayanan.UJI_KELAYAKAN), disposisi=_disposisi(),
        dibuat_pada=T0 + timedelta(days=3, hours=1), kelaikan=KELAIKAN,
        catatan_tindak_lanjut=["Perbaiki atribut cookie sesi sebelum peluncuran.",
                               "Ajukan uji ulang setelah perbaikan."],
    )
    data.update(ubah)
    return LaporanTiket(**data)


@pytest.fixture
def disetujui() -> LaporanTiket:
    return _laporan()


@pytest.fixture
def ditolak() -> LaporanTiket:
    return _laporan(
        nomor="LPA-2026-000124", jenis=JenisLayanan.PEMBANGUNAN.label, hasil="ditolak",
        formulir=_formulir(jenis="pembangunan_baru"),
        langkah=_langkah(JenisLayanan.PEMBANGUNAN, tolak_di="disposisi_kabid"),
        kelaikan=None, catatan_tindak_lanjut=[],
    )


@pytest.fixture
def terlambat() -> LaporanTiket:
    return _laporan(
        nomor="LPA-2026-000125", status="diproses", hasil=None, ditutup=None,
        langkah=_langkah(JenisLayanan.VA, terlambat="disposisi_kadis", jam_berhenti=True),
        kelaikan=None,
    )


class _PemeriksaHtml(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tumpukan: list[str] = []
        self.galat: list[str] = []
        self.tag: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tag.append(tag)
        if tag not in self.VOID:
            self.tumpukan.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.tumpukan or self.tumpukan[-1] != tag:
            self.galat.append(f"</{tag}> menutup {self.tumpukan[-1:]} pada {self.getpos()}")
        else:
            self.tumpukan.pop()


def _periksa_html(html: str) -> _PemeriksaHtml:
    p = _PemeriksaHtml()
    p.feed(html)
    p.close()
    assert p.doctype
    assert p.galat == []
    assert p.tumpukan == []
    return p


def _teks(html: str) -> str:
    """The visible text, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- HTML ---------------------------------------------------------------------------------

def test_approved_feasibility_ticket(disetujui: LaporanTiket) -> None:
    html = render_laporan_html(disetujui)
    _periksa_html(html)
    teks = _teks(html)
    for wajib in ("LAPORAN LAYANAN PEMBANGUNAN APLIKASI",
                  "Dinas Komunikasi dan Informatika Provinsi Kepulauan Bangka Belitung",
                  "SC-04/EGOTIK/2023", "LPA-2026-000123", "Uji Kelayakan Aplikasi",
                  "SIPELADA", "Dinas Pertanian dan Ketahanan Pangan",
                  "Hasil layanan SELESAI — uji kelaikan: LAYAK DENGAN CATATAN",
                  "Penanggung jawab struktural", "Penanggung jawab teknis", "Sekretaris Dinas",
                  "Dewi Lestari, S.Kom.", "Alamat surat elektronik", "Bahasa program",
                  "Segera ditindaklanjuti.", "197001011990031001",
                  "Perbaiki atribut cookie sesi sebelum peluncuran.", "Dibuat pada"):
        assert wajib in teks, wajib
    assert "DISETUJUI" not in teks  # the service's end is not the test's verdict
    for baris in disetujui.langkah:
        assert baris.aktivitas in teks
    assert TERLAMBAT not in teks
    assert teks.count(TEPAT_WAKTU) == len(disetujui.langkah)
    assert "Senin, 30 Nov 2026 08.00 WIB" in teks
    assert "Kamis, 3 Des 2026 09.00 WIB" in teks  # dibuat_pada


def test_kelaikan_section_verdict_first_then_categories(disetujui: LaporanTiket) -> None:
    html = render_laporan_html(disetujui)
    bagian = html[html.index('id="kelaikan"'):html.index('id="tindak-lanjut"')]
    teks = _teks(bagian)
    assert teks.index("LAYAK DENGAN CATATAN") < teks.index("Struktur folder atau file website")
    for wajib in ("Otentikasi dan manajemen session", "Tidak lulus",
                  "Cookie sesi tanpa atribut Secure", "Sedang", "Rendah", "laravel_session",
                  "Aktifkan SESSION_SECURE_COOKIE.", "Tidak ada temuan.",
                  "jumlah temuan: 2"):
        assert wajib in teks, wajib


@pytest.mark.parametrize(("verdict", "tampil"), [
    ("LAYAK", "LAYAK"), ("TIDAK_LAYAK", "TIDAK LAYAK"), ("LAYAK_DENGAN_CATATAN",
                                                        "LAYAK DENGAN CATATAN")])
def test_every_verdict_is_shown(verdict: str, tampil: str) -> None:
    html = render_laporan_html(_laporan(kelaikan=KELAIKAN.model_copy(update={"verdict": verdict})))
    assert f">{tampil}</span>" in html


def test_rejected_ticket(ditolak: LaporanTiket) -> None:
    html = render_laporan_html(ditolak)
    _periksa_html(html)
    teks = _teks(html)
    assert '<span class="lencana ditolak">DITOLAK</span>' in html
    assert "DISETUJUI" not in teks
    assert "Tolak" in teks
    assert 'id="kelaikan"' not in html
    assert "Tidak ada catatan tindak lanjut." in teks
    assert "5. Catatan Tindak Lanjut" in teks
    for baris in ditolak.langkah:
        assert baris.aktivitas in teks


def test_breached_step_and_stopped_clock(terlambat: LaporanTiket) -> None:
    html = render_laporan_html(terlambat)
    _periksa_html(html)
    teks = _teks(html)
    assert '<span class="status terlambat">TERLAMBAT</span>' in html
    assert 'class="baris-terlambat"' in html
    assert teks.count(TERLAMBAT) == 1
    assert JAM_BERHENTI in teks
    assert "Surat permohonan belum ditandatangani." in teks
    assert "BELUM ADA HASIL" in teks
    for baris in terlambat.langkah:
        assert baris.aktivitas in teks


def test_html_is_self_contained(disetujui: LaporanTiket) -> None:
    html = render_laporan_html(disetujui)
    tag = _periksa_html(html).tag
    assert "script" not in tag and "link" not in tag and "img" not in tag
    assert not re.search(r"(src|href)\s*=", html)
    assert "@import" not in html and "url(" not in html
    assert "size: A4" in html
    assert '<html lang="id">' in html


def test_requester_html_is_escaped() -> None:
    jahat = '<script>alert("xss")</script>'
    laporan = _laporan(
        nama_aplikasi=f"SIPELADA {jahat}",
        formulir=_formulir(deskripsi=jahat, **{"<b>kunci</b>": jahat}),
        langkah=[*_langkah(JenisLayanan.VA)[:-1],
                 BarisLangkah(7, "arsip", "Menyimpan laporan sebagai bukti", "Petugas",
                              None, T0, T0, T0, False, None, jahat)],
        catatan_tindak_lanjut=[jahat],
    )
    html = render_laporan_html(laporan)
    p = _periksa_html(html)
    assert "script" not in p.tag and "b" not in p.tag
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;kunci&lt;/b&gt;" in html

    md = render_laporan_markdown(laporan)
    assert "<script" not in md
    assert "&lt;script&gt;" in md


@pytest.mark.parametrize("kunci", ["password", "kata_sandi", "secret", "token", "api_token",
                                   "client_secret", "Password"])
def test_secret_like_keys_are_masked(kunci: str) -> None:
    rahasia = "Lada#Putih2026!"
    laporan = _laporan(formulir=_formulir(
        akun_uji={"username": "penguji", kunci: rahasia},
        lain=[{kunci: rahasia}], **{kunci: {"nested": rahasia}},
    ))
    html = render_laporan_html(laporan)
    md = render_laporan_markdown(laporan)
    assert rahasia not in html and rahasia not in md
    assert html.count(SAMARAN) == 3
    assert "penguji" in html


def test_masking_leaves_the_original_untouched() -> None:
    asli = {"akun_uji": {"username": "u", "password": "p"}, "daftar": [{"token": "t"}]}
    assert samarkan(asli) == {"akun_uji": {"username": "u", "password": SAMARAN},
                              "daftar": [{"token": SAMARAN}]}
    assert asli["akun_uji"]["password"] == "p"


def test_evidence_secrets_are_masked_too() -> None:
    """The feasibility result is cleaned of the test account's secrets before it is kept
    (``LaporanKelaikan.tanpa_rahasia``, flows/kelaikan.py): the report never shows them."""
    kotor = KELAIKAN.model_copy(update={"verdict": "TIDAK_LAYAK", "categories": [
        hasil_kategori("dbms", [CEK["dbms.kredensial_bawaan"].temuan(
            "login root dengan kata sandi toor berhasil")], ["dbms.kredensial_bawaan"])]})
    html = render_laporan_html(_laporan(kelaikan=kotor.tanpa_rahasia(["toor"])))
    assert "toor" not in html
    assert "Tidak lulus" in html and "Tinggi" in html


def test_nested_values_render_generically() -> None:
    laporan = _laporan(formulir=_formulir(
        dokumentasi={"source_code": True, "dokumen_uat": False},
        kolom_tambahan_baru=["satu", "dua"], kosong=None, angka=42,
    ))
    teks = _teks(render_laporan_html(laporan))
    assert "Source code / basis data Ya" in teks
    assert "Dokumen UAT Tidak" in teks
    assert "Kolom tambahan baru satu dua" in teks
    assert "Kosong —" in teks
    assert "Angka 42" in teks


# --- issue 11: the report says one thing, in words ------------------------------------------

_PER_HOST = ("dbms.port_terjangkau", "dbms.banner_versi", "dbms.versi_eol", "dbms.tanpa_tls",
             "dbms.kredensial_bawaan", "dbms.tanpa_otentikasi", "dbms.satu_host")


def _kelaikan_nyata(*, dbms_diuji: bool = False, beban: bool = False,
                    temuan_rendah: bool = False) -> LaporanKelaikan:
    """A result as flows/kelaikan.py makes it: by default every category passes except the
    DBMS, whose host the request did not name (the case of issue 11)."""
    mulai = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    kategori = [hasil_kategori(k, [], [c.id for c in cek_kategori(k)])
                for k in KATEGORI_KEAMANAN if k != "dbms"]
    if temuan_rendah:
        cek = cek_kategori("struktur")[0]
        kategori[0] = hasil_kategori("struktur", [cek.temuan("/backup.zip", severity="rendah")],
                                     [c.id for c in cek_kategori("struktur")])
    kategori.append(hasil_kategori(
        "dbms", [], [c.id for c in cek_kategori("dbms") if dbms_diuji or c.id not in _PER_HOST],
        {} if dbms_diuji else {c: ALASAN_TANPA_DB for c in _PER_HOST}))
    if beban:
        kategori.append(kategori_tidak_diuji("uji_beban", ALASAN_TANPA_DATA_BEBAN))
    return LaporanKelaikan.susun("http://127.0.0.1:8080/", mulai, mulai + timedelta(minutes=3),
                                 kategori)


def _teks_pdf(html: str) -> str:
    from pypdf import PdfReader

    pdf = render_pdf(html)
    assert pdf is not None
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_outcome_agrees_with_the_verdict_and_every_note_is_listed() -> None:
    """Issue 11: "Hasil: DISETUJUI" beside "LAYAK DENGAN CATATAN — catatan perbaikan", zero
    findings, "Tidak ada catatan tindak lanjut", and the only reason shown as `tidak_diuji`."""
    laporan = _laporan(kelaikan=_kelaikan_nyata(),
                       catatan_tindak_lanjut=[])
    html = render_laporan_html(laporan)
    _periksa_html(html)
    md = render_laporan_markdown(laporan)
    for teks in (_teks(html), _teks_pdf(html)):
        assert "Hasil layanan SELESAI — uji kelaikan: LAYAK DENGAN CATATAN" in teks
        assert "DISETUJUI" not in teks
        assert "tidak_diuji" not in teks and "dbms.port_terjangkau" not in teks
        assert "catatan perbaikan" not in teks  # nothing to repair: one category untested
        assert "Tidak ada catatan tindak lanjut" not in teks
        tindak = teks[teks.index("Catatan Tindak Lanjut", teks.index("Hasil Uji Kelaikan")):]
        # what was not tested, why (not requested, as opposed to could not be tested), and
        # what the requester should do
        assert ("Database management system: tidak diminta dalam permohonan (7 pemeriksaan: "
                "Port basis data dapat dijangkau dari jaringan penguji") in tindak
        # (the PDF's text may break a line after "host/")
        assert ("— host/port basis data tidak disebut dalam permohonan."
                in tindak.replace("/ ", "/"))
        assert "tidak dapat diuji" not in tindak
        assert ("Yang perlu dilakukan pemohon: cantumkan alamat IP server basis data pada "
                "permohonan (isian IP database") in tindak
    teks = _teks(html)
    assert "Database management system — Tidak diuji" in teks
    assert "7 pemeriksaan tidak dijalankan (Port basis data" in teks  # in the category, too
    assert "| Hasil layanan | **SELESAI** — uji kelaikan: **LAYAK DENGAN CATATAN** |" in md
    assert "- Database management system: tidak diminta dalam permohonan (7 pemeriksaan" in md
    assert "| Database management system | Tidak diuji | 0 |" in md


@pytest.mark.parametrize("kasus", ["temuan_rendah", "beban"])
def test_every_reason_for_notes_is_a_follow_up(kasus: str) -> None:
    hasil = _kelaikan_nyata(dbms_diuji=True, **{kasus: True})
    assert hasil.verdict == "LAYAK_DENGAN_CATATAN"
    teks = _teks(render_laporan_html(_laporan(kelaikan=hasil,
                                              catatan_tindak_lanjut=[])))
    tindak = teks[teks.index("Catatan Tindak Lanjut", teks.index("Hasil Uji Kelaikan")):]
    if kasus == "beban":
        assert ("Uji beban (stress test): tidak diminta dalam permohonan — data uji beban"
                in tindak)
        assert "lengkapi data uji beban pada formulir" in tindak
    else:
        judul = cek_kategori("struktur")[0].judul
        assert f"Struktur folder atau file website: temuan tingkat rendah, {judul}" in tindak
        assert "ajukan uji ulang" in tindak


def test_layak_has_no_notes_and_other_outcomes_read_right() -> None:
    layak = _kelaikan_nyata(dbms_diuji=True)
    assert layak.verdict == "LAYAK"
    teks = _teks(render_laporan_html(_laporan(kelaikan=layak,
                                              catatan_tindak_lanjut=[])))
    assert "Hasil layanan SELESAI — uji kelaikan: LAYAK" in teks
    assert "Tidak ada catatan tindak lanjut." in teks
    gagal = UjiTidakJalan(target="http://127.0.0.1:8080/",
                          ringkasan="Uji kelaikan tidak dapat dijalankan: tidak dapat terhubung")
    teks = _teks(render_laporan_html(_laporan(kelaikan=gagal, catatan_tindak_lanjut=[])))
    assert "Hasil layanan SELESAI — uji kelaikan tidak dapat dijalankan" in teks
    assert "Tidak ada catatan tindak lanjut" not in teks
    pembangunan = _laporan(jenis=JenisLayanan.PEMBANGUNAN.label, kelaikan=None)
    teks = _teks(render_laporan_html(pembangunan))
    assert "Hasil layanan SELESAI — permohonan disetujui dan ditindaklanjuti" in teks


def test_one_name_per_category_in_every_report() -> None:
    """Issue 11: "Otentikasi dan manajemen session" in one report, "Manajemen otentikasi dan
    sesi" in the other. The names live once, in domain.kelaikan.KATEGORI, in the catalog's
    wording, and both reports (and the artifact) read them."""
    assert [KATEGORI[k] for k in KATEGORI_KEAMANAN] == [
        "Struktur folder atau file website", "Validasi data",
        "Otentikasi dan manajemen session", "Input dan error message",
        "Database management system",
        "Lain-lain (penggunaan framework aplikasi dan penggunaan email kedinasan)"]
    from tasks.kelaikan.artefak import ringkasan_markdown
    from tasks.kelaikan.laporan import render_laporan_kelaikan_html

    hasil = _kelaikan_nyata(beban=True)
    # a stored result carries no titles of its own: the model has none (extra="forbid")
    with pytest.raises(ValidationError, match="title"):
        baca_hasil_kelaikan(json.dumps({**hasil.model_dump(mode="json"), "categories": [
            {**hasil.categories[0].model_dump(mode="json"), "title": "Judul lama dari JSON"}]}))
    tiket = _teks(render_laporan_html(_laporan(kelaikan=hasil)))
    tiket_md = render_laporan_markdown(_laporan(kelaikan=hasil))
    kelaikan = _teks(render_laporan_kelaikan_html(hasil))
    artefak = ringkasan_markdown(hasil)
    for nama in KATEGORI.values():
        for teks in (tiket, tiket_md, kelaikan, artefak):
            assert nama in teks, nama
    for lama in ("Manajemen otentikasi dan sesi", "Input dan pesan error", "(DBMS)",
                 "Judul lama dari JSON", "Lain-lain: penggunaan"):
        for teks in (tiket, tiket_md, kelaikan, artefak):
            assert lama not in teks, lama
    assert not hasattr(modul, "LABEL_KATEGORI")  # no second table in the ticket report


def test_final_report_carries_the_agenda_and_the_working_one_says_it_is_not_final(
        disetujui: LaporanTiket) -> None:
    kerja = _teks(render_laporan_html(disetujui))
    assert "Laporan kerja (langkah 6)" in kerja and "Nomor agenda" not in kerja
    akhir = _laporan(status="diarsipkan", nomor_agenda="AGD-2026-000045",
                     diarsipkan=T0 + timedelta(days=3, hours=2))
    html = render_laporan_html(akhir)
    _periksa_html(html)
    teks = _teks(html)
    assert "Laporan kerja" not in teks
    assert "Nomor agenda AGD-2026-000045" in teks
    assert "Diarsipkan Kamis, 3 Des 2026 10.00 WIB" in teks
    assert "Status Diarsipkan" in teks
    assert "SOP langkah 7" in teks
    md = render_laporan_markdown(akhir)
    assert "| Nomor agenda | **AGD-2026-000045** |" in md


# --- Markdown -------------------------------------------------------------------------------

def test_markdown_has_the_steps_table(terlambat: LaporanTiket) -> None:
    md = render_laporan_markdown(terlambat)
    assert md.startswith("# Laporan Layanan Pembangunan Aplikasi — LPA-2026-000125")
    baris = md.splitlines()
    kepala = baris.index("| No | Aktivitas | Pelaksana | Petugas | Mulai | Jatuh tempo | Selesai "
                         "| Status | Keputusan |")
    assert baris[kepala + 1].startswith("|---:|")
    langkah = baris[kepala + 2:kepala + 2 + len(terlambat.langkah)]
    assert len(langkah) == len(terlambat.langkah)
    for b, row in zip(terlambat.langkah, langkah, strict=True):
        assert row.startswith(f"| {b.nomor} | {b.aktivitas} |")
        assert row.count(" | ") == 8
    assert "**TERLAMBAT**" in md
    assert JAM_BERHENTI in md
    assert "| Waktu | Dari | NIP | Keputusan | Instruksi | Kepada |" in md


def test_markdown_kelaikan_counts_findings(disetujui: LaporanTiket) -> None:
    md = render_laporan_markdown(disetujui)
    assert "## Hasil uji kelaikan: **LAYAK DENGAN CATATAN**" in md
    assert "| Otentikasi dan manajemen session | Tidak lulus | 2 |" in md
    assert "| Struktur folder atau file website | Lulus | 0 |" in md
    assert "| Hasil layanan | **SELESAI** — uji kelaikan: **LAYAK DENGAN CATATAN** |" in md
    assert "- Ajukan uji ulang setelah perbaikan." in md


def test_markdown_cells_cannot_break_the_table() -> None:
    laporan = _laporan(catatan_tindak_lanjut=[], disposisi=[BarisDisposisi(
        T0, "Kepala | Dinas", "1", "setuju", "baris satu\nbaris dua", None)])
    md = render_laporan_markdown(laporan)
    assert "| Kepala \\| Dinas | 1 | Setuju | baris satu baris dua | — |" in md


def test_rejected_markdown_has_no_kelaikan(ditolak: LaporanTiket) -> None:
    md = render_laporan_markdown(ditolak)
    assert "**DITOLAK**" in md and "uji kelaikan" not in md


# --- filters --------------------------------------------------------------------------------

@pytest.mark.parametrize(("waktu", "teks"), [
    (datetime(2026, 11, 30, 2, 30, tzinfo=UTC), "Senin, 30 Nov 2026 09.30 WIB"),
    (datetime(2026, 8, 17, 10, 0, tzinfo=timezone(timedelta(hours=7))),
     "Senin, 17 Agt 2026 10.00 WIB"),
    (datetime(2026, 12, 31, 17, 5, tzinfo=UTC), "Jumat, 1 Jan 2027 00.05 WIB"),
    (datetime(2026, 5, 16, 23, 59), "Minggu, 17 Mei 2026 06.59 WIB"),  # naive: UTC
    (None, "—"),
])
def test_tanggal_wib(waktu: datetime | None, teks: str) -> None:
    assert tanggal_wib(waktu) == teks


def test_status_langkah() -> None:
    dasar = dict(nomor=2, kode="disposisi_kadis", aktivitas="a", pelaksana="p", petugas=None,
                 mulai=T0, keputusan=None, catatan=None)
    tempo = T0 + timedelta(minutes=30)
    assert status_langkah(BarisLangkah(**dasar, jatuh_tempo=tempo, selesai=tempo,
                                       terlambat=False)) == TEPAT_WAKTU
    assert status_langkah(BarisLangkah(**dasar, jatuh_tempo=tempo, selesai=None,
                                       terlambat=False)) == BERJALAN
    assert status_langkah(BarisLangkah(**dasar, jatuh_tempo=tempo, selesai=None,
                                       terlambat=True)) == TERLAMBAT
    assert status_langkah(BarisLangkah(**dasar, jatuh_tempo=tempo,
                                       selesai=tempo + timedelta(minutes=1),
                                       terlambat=False)) == TERLAMBAT
    assert status_langkah(BarisLangkah(**dasar, jatuh_tempo=None, selesai=None,
                                       terlambat=False)) == JAM_BERHENTI


def _judul_semua(kelas: type[BaseModel], awalan: str = "") -> list[tuple[str, str | None]]:
    """(path, title) of every field of a form, nested models included."""
    hasil = []
    for nama, info in kelas.model_fields.items():
        hasil.append((awalan + nama, info.title))
        for calon in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(calon, type) and issubclass(calon, BaseModel):
                hasil += _judul_semua(calon, f"{awalan}{nama}.")
    return hasil


@pytest.mark.parametrize("jenis", list(JenisLayanan))
def test_every_field_of_every_form_has_a_title_and_the_report_shows_it(
        jenis: JenisLayanan) -> None:
    """Labels come from the forms' own titles (issue 11: no second description of the
    forms): every field, nested ones too, has a title, and the report of a ticket whose
    form fills every field shows each title, and never a field's key."""
    kelas = FORM_TERSIMPAN_BY_JENIS[jenis.value]
    judul = _judul_semua(kelas)
    tanpa = [path for path, t in judul if not t]
    assert not tanpa, f"{kelas.__name__}: isian tanpa judul: {tanpa}"
    berkas = {"uji-kelayakan": "uji_kelayakan"}.get(jenis.value, jenis.value)
    data = json.loads((FORMS / f"{berkas}.json").read_text(encoding="utf-8"))
    form, galat = validasi(jenis.value, data)
    assert form is not None, galat
    tersimpan = untuk_disimpan(form).model_dump(mode="json")
    # the optional fields filled too, so that every title has a value to show
    tersimpan = {k: (v if v is not None else _contoh(kelas, k)) for k, v in tersimpan.items()}
    for pj in ("penanggung_jawab_struktural", "penanggung_jawab_teknis"):
        tersimpan[pj]["telepon_internal"] = tersimpan[pj]["telepon_internal"] or "1203"
    assert baca_formulir(jenis.value, tersimpan)  # still the form, every field filled
    html = render_laporan_html(_laporan(jenis=jenis.label, formulir=tersimpan))
    teks = _teks(html)
    for path, t in judul:
        assert f"{t}" in teks, f"{path}: judul {t!r} tidak tampil"
        kunci = path.rsplit(".", 1)[-1]
        if "_" in kunci:
            assert f"<th>{kunci}</th>" not in html, kunci


def _contoh(kelas: type[BaseModel], kunci: str) -> Any:
    """A valid value for an optional field the fixture leaves empty."""
    return {
        "dokumen_spesifikasi": "1. Pendahuluan",
        "ip_database": "10.10.20.16", "port_database": 5433,
        "uji_beban": {"pengguna_per_hari": 500, "jam_efektif_per_hari": 8,
                      "durasi_transaksi_menit": 5, "skenario": "buka beranda"},
    }[kunci]


def test_a_key_no_form_has_reads_as_its_words() -> None:
    """A form stored under older rules still renders: an unknown key as its words."""
    teks = _teks(render_laporan_html(_laporan(formulir=_formulir(kolom_lama_sekali="x"))))
    assert "Kolom lama sekali x" in teks


# --- writing ----------------------------------------------------------------------------------

def test_tulis_laporan(tmp_path: Path, disetujui: LaporanTiket) -> None:
    path = tulis_laporan(disetujui, tmp_path / "laporan")
    assert path == tmp_path / "laporan" / "LPA-2026-000123" / "laporan.html"
    assert path.read_text(encoding="utf-8") == render_laporan_html(disetujui)
    assert tulis_laporan(disetujui, tmp_path / "laporan") == path  # overwrites
    assert sorted(p.name for p in path.parent.iterdir()) == ["laporan.html", "laporan.pdf"]
    pdf = (path.parent / "laporan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_pdf_text_is_the_report(disetujui: LaporanTiket) -> None:
    from pypdf import PdfReader

    pdf = render_pdf(render_laporan_html(disetujui))
    assert pdf is not None
    teks = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "LPA-2026-000123" in teks and disetujui.nama_aplikasi in teks


@pytest.mark.parametrize("nomor", ["../LPA-2026-000001", "LPA/2026", "..", ""])
def test_tulis_laporan_refuses_unsafe_numbers(tmp_path: Path, nomor: str) -> None:
    with pytest.raises(ValueError, match="Nomor tiket"):
        tulis_laporan(_laporan(nomor=nomor), tmp_path)


def test_templates_dir_and_no_prefect_in_the_module() -> None:
    assert modul.TEMPLATES == Path(__file__).resolve().parents[1] / "templates"
    assert (modul.TEMPLATES / modul.TEMPLATE_HTML).is_file()
    sumber = ast.parse(Path(modul.__file__).read_text())
    impor = {a.name.split(".")[0] for n in ast.walk(sumber) if isinstance(n, ast.Import)
             for a in n.names}
    impor |= {n.module.split(".")[0] for n in ast.walk(sumber)
              if isinstance(n, ast.ImportFrom) and n.module}
    assert "prefect" not in impor


def test_the_feasibility_result_round_trips_as_one_model() -> None:
    """Step 5's outcome is dumped once to ``kelaikan.json`` and validated once when read
    (issue 11: no model → dict → JSON → model → dict): the report, or why there is none."""
    for hasil in (_kelaikan_nyata(beban=True), KELAIKAN,
                  UjiTidakJalan(target="http://127.0.0.1:8080/", ringkasan="tidak terhubung")):
        dibaca = baca_hasil_kelaikan(hasil.model_dump_json(indent=2))
        assert dibaca == hasil and type(dibaca) is type(hasil)
    # the file of a test that could not run, as written before the model, still reads
    lama = {"verdict": None, "target": "http://127.0.0.1:8080/", "ringkasan": "x",
            "categories": []}
    assert isinstance(baca_hasil_kelaikan(json.dumps(lama)), UjiTidakJalan)
