"""Uji kelaikan, validasi_data: the pure judges on recorded observations.

The answers are those real software gave (tests/fixtures/rekaman/: PHP's built-in server with
``display_errors`` on and off, Django, Flask), put into the observations
``tasks/kelaikan/validasi.py`` records: what was sent, the answer, the baseline. The
observation itself is tested against the twins in tests/test_kelaikan_struktur_input.py and,
for the PHP application, against the real server at the end of this file.
"""

from __future__ import annotations

import asyncio
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import aplikasi_nyata as an
import bantu
import pytest
from kelaikan_bantu import direkam, jalankan_cek, nilai, rekaman

from domain.kelaikan import TargetUji, TidakDapatDiuji
from domain.kelaikan.halaman import Formulir, Halaman, Isian, urai
from domain.kelaikan.masukan import FormulirDitemukan, TitikGet, galat_runtime, nama_isian
from domain.kelaikan.pengalihan import HOST_LUAR, JawabanPengalihan, ObservasiPengalihan
from domain.kelaikan.validasi import Aturan, Kiriman, ObservasiKiriman, ProbeTipe, TitikTipe
from tasks.kelaikan import klien as kelaikan_http
from tasks.kelaikan.jelajah import jelajahi_situs
from tasks.kelaikan.validasi import amati_kiriman, amati_pengalihan

BASIS = "http://127.0.0.1:8000"
"""The origin the judged observations pretend to come from (the recordings are origin-free)."""
BATASAN = "validasi_data.batasan_form"
PANJANG = "validasi_data.masukan_panjang"
TIPE = "validasi_data.tipe_dimanipulasi"
PENGALIHAN = "validasi_data.pengalihan_terbuka"
UNGGAH = "validasi_data.unggah_tanpa_batasan"


def _halaman(teks: str, path: str = "/x", status: int = 200, method: str = "GET",
             headers: list[tuple[str, str]] | None = None) -> Halaman:
    return Halaman(method=method, url=BASIS + path, status=status,
                   headers=headers or [("content-type", "text/html")], text=teks)


def _bukti(cek_id: str, obs: Any) -> list[str]:
    return [t.evidence for t in nilai(cek_id, obs)]


# --- validasi_data.tipe_dimanipulasi: the known miss on PHP in debug mode ----------------------

def _produk(aplikasi: str, probe: list[tuple[str, str]]) -> ObservasiKiriman:
    """``produk.php?id=3`` (the recorded baseline, ``peringatan``) and its manipulations:
    (recording, description of what it sent)."""
    titik = TitikGet(url=BASIS + "/produk.php", params=[("id", "3")], nama="id", asal="/",
                     url_asli=BASIS + "/produk.php?id=3")
    return ObservasiKiriman(titik=[TitikTipe(
        titik=titik, dasar=direkam(aplikasi, "peringatan"),
        probe=[ProbeTipe(alamat=direkam(aplikasi, nama).url, uraian=uraian,
                         jawaban=direkam(aplikasi, nama)) for nama, uraian in probe])])


def test_a_fatal_error_answered_with_200_is_a_finding() -> None:
    # PHP 8.2, display_errors=1: `produk.php?id=x` answers 200 with "Uncaught TypeError"
    assert direkam("php-debug", "500_nilai").status == 200
    obs = _produk("php-debug", [("500_nilai", "id=x (angka diganti teks)")])
    [bukti] = _bukti(TIPE, obs)
    assert bukti.startswith("GET /produk.php id=x (angka diganti teks) -> 200: fatal error PHP "
                            "di halaman: 'Fatal error: Uncaught TypeError: Unsupported operand "
                            "types: int / string in /tmp/"), bukti
    assert bukti.endswith("(nilai asli -> 200)")
    assert len(bukti) < 260  # the error quoted short


def test_the_first_manipulation_that_breaks_is_the_evidence() -> None:
    obs = _produk("php-debug", [("peringatan", "id[]=3 (nilai tunggal diganti larik)"),
                                ("500_nol", "id=0 (angka diganti teks)"),
                                ("500_nilai", "id=x (angka diganti teks)")])
    [bukti] = _bukti(TIPE, obs)
    # the baseline's own warning is no news; the division by zero is
    assert "id[]=3" not in bukti and "id=x" not in bukti
    assert "id=0 (angka diganti teks) -> 200: fatal error PHP di halaman: 'Fatal error: " \
           "Uncaught DivisionByZeroError: Division by zero" in bukti


def test_an_error_the_baseline_shows_too_is_no_finding() -> None:
    obs = _produk("php-debug", [("peringatan", "id[]=3 (nilai tunggal diganti larik)")])
    assert "peringatan PHP" in galat_runtime(obs.titik[0].dasar.text)  # type: ignore[union-attr]
    assert _bukti(TIPE, obs) == []


@pytest.mark.parametrize("aplikasi", ["php-aman", "flask-aman"])
def test_hardened_configurations_break_only_by_status(aplikasi: str) -> None:
    # no error text at all when errors are not displayed: the runtime rule adds nothing
    for nama in ("500_nilai", "500_kutip", "500_nol"):
        assert galat_runtime(rekaman(aplikasi, nama)["body"]) == {}, nama
    if aplikasi == "php-aman":
        obs = _produk(aplikasi, [("500_nilai", "id=x (angka diganti teks)")])
        assert _bukti(TIPE, obs) == ["GET /produk.php id=x (angka diganti teks) -> 500: HTTP 500 "
                                     "(nilai asli -> 200)"]
        # the same empty answer with the status of a handled error: nothing to report
        ditangani = direkam(aplikasi, "500_nilai").model_copy(update={"status": 400})
        probe = ProbeTipe(alamat=ditangani.url, uraian="id=x (angka diganti teks)",
                          jawaban=ditangani)
        tenang = obs.titik[0].model_copy(update={"probe": [probe]})
        assert _bukti(TIPE, ObservasiKiriman(titik=[tenang])) == []


def test_werkzeugs_debugger_is_reported_by_its_status() -> None:
    titik = TitikGet(url=BASIS + "/hitung", params=[("n", "4")], nama="n", asal="/",
                     url_asli=BASIS + "/hitung?n=4")
    obs = ObservasiKiriman(titik=[TitikTipe(
        titik=titik, dasar=direkam("flask-debug", "beranda"),
        probe=[ProbeTipe(alamat=BASIS + "/hitung?n=x", uraian="n=x (angka diganti teks)",
                         jawaban=direkam("flask-debug", "500_nilai"))])])
    assert _bukti(TIPE, obs) == ["GET /hitung n=x (angka diganti teks) -> 500: HTTP 500 "
                                 "(nilai asli -> 200)"]


def test_a_baseline_that_is_already_a_server_error_is_not_judged() -> None:
    obs = _produk("php-aman", [("500_nilai", "id=x (angka diganti teks)")])
    rusak = obs.titik[0].model_copy(update={"dasar": direkam("php-aman", "500_nol")})
    assert _bukti(TIPE, obs.model_copy(update={"titik": [rusak]})) == []


_FORM_TIPE = FormulirDitemukan(
    halaman=BASIS + "/daftar", action=BASIS + "/daftar",
    formulir=Formulir(action="/daftar", method="post", isian=[
        Isian(nama="jenis", tag="select"), Isian(nama="nama", tag="input")]))


def test_a_forms_manipulated_types_judged_against_its_page() -> None:
    halaman = _halaman('<form method="post"><select name="jenis"></select><input name="nama">'
                       "</form>", "/daftar")
    fatal = direkam("php-debug", "500_nilai").text
    kiriman = Kiriman(aturan="tipe", form=_FORM_TIPE, uraian="jenis=UJI-KELAIKAN-LPA, "
                      "nama[]=UJI-KELAIKAN-LPA", jenis_nilai="teks, larik",
                      halaman=halaman.url, isian=["jenis", "nama"], dasar=halaman,
                      jawaban=_halaman(fatal, "/daftar", method="POST"))
    [bukti] = _bukti(TIPE, ObservasiKiriman(kiriman=[kiriman]))
    assert bukti.startswith("POST /daftar jenis=UJI-KELAIKAN-LPA, nama[]=UJI-KELAIKAN-LPA -> 200:"
                            " fatal error PHP di halaman: 'Fatal error: Uncaught TypeError")
    # a page that always shows the error: not caused by the submission
    selalu = kiriman.model_copy(update={"dasar": _halaman(fatal, "/daftar")})
    assert _bukti(TIPE, ObservasiKiriman(kiriman=[selalu])) == []


# --- validasi_data.batasan_form and masukan_panjang ---------------------------------------------

def _form_login(aplikasi: str, path: str) -> tuple[FormulirDitemukan, list[str]]:
    """The recorded login form, as if the crawl found it (its answers are the real refusal
    and the real acceptance of a submission)."""
    [form] = urai(rekaman(aplikasi, "login")["body"]).formulir
    return (FormulirDitemukan(halaman=BASIS + path, action=BASIS + path, formulir=form),
            sorted(nama_isian(form)))


@pytest.mark.parametrize("aplikasi,path", [("php-debug", "/masuk.php"),
                                           ("django-aman", "/admin/login/"),
                                           ("flask-aman", "/masuk")])
def test_the_form_coming_back_is_a_refusal_and_a_redirect_onwards_an_acceptance(
    aplikasi: str, path: str,
) -> None:
    form, isian = _form_login(aplikasi, path)

    def kiriman(jawaban: Halaman) -> Kiriman:
        return Kiriman(aturan="batasan", form=form, uraian="isian 'username' (required) "
                       "dikosongkan", jenis_nilai="kosong", halaman=form.halaman, isian=isian,
                       jawaban=jawaban)

    ditolak = ObservasiKiriman(kiriman=[kiriman(direkam(aplikasi, "login_gagal"))])
    assert _bukti(BATASAN, ditolak) == []
    diterima = ObservasiKiriman(kiriman=[kiriman(direkam(aplikasi, "login_berhasil"))])
    status = direkam(aplikasi, "login_berhasil").status
    assert _bukti(BATASAN, diterima) == [
        f"POST {path}: isian 'username' (required) dikosongkan -> {status}, diterima server"]


_FORM = FormulirDitemukan(
    halaman=BASIS + "/permohonan", action=BASIS + "/permohonan",
    formulir=Formulir(action="/permohonan", method="post", isian=[
        Isian(nama="nama", tag="input", wajib=True, maxlength=100),
        Isian(nama="keperluan", tag="textarea")]))
_TERIMA_KASIH = _halaman("<h1>Terima kasih, permohonan Anda kami terima</h1>", "/permohonan",
                         method="POST")


def _kirim(aturan: Aturan, uraian: str, jawaban: Halaman | None,
           gagal: str | None = None) -> Kiriman:
    return Kiriman(aturan=aturan, form=_FORM, uraian=uraian, jenis_nilai="kosong",
                   halaman=_FORM.halaman, isian=["keperluan", "nama"], jawaban=jawaban,
                   gagal=gagal)


def test_constraints_one_finding_per_form_each_accepted_submission_named() -> None:
    obs = ObservasiKiriman(kiriman=[
        _kirim("batasan", "isian 'nama' (required) dikosongkan", _TERIMA_KASIH),
        _kirim("batasan", "isian 'nama' diisi 150 karakter (maxlength 100)",
               _halaman("Nama terlalu panjang", "/permohonan", method="POST")),
        _kirim("panjang", "isian 'keperluan' diisi 10000 karakter, tanpa maxlength",
               _TERIMA_KASIH),
    ])
    assert _bukti(BATASAN, obs) == ["POST /permohonan: isian 'nama' (required) dikosongkan -> "
                                    "200, diterima server"]
    assert _bukti(PANJANG, obs) == ["POST /permohonan: isian 'keperluan' diisi 10000 karakter, "
                                    "tanpa maxlength -> 200, diterima server"]
    terlalu_besar = _halaman("Request Entity Too Large", "/permohonan", 413, "POST")
    obs = ObservasiKiriman(kiriman=[_kirim("panjang", "isian 'keperluan' diisi 10000 karakter",
                                           terlalu_besar)])
    assert _bukti(PANJANG, obs) == []


def test_redirect_back_to_the_form_is_a_refusal() -> None:
    kembali = _halaman("", "/permohonan", 302, "POST", [("location", "/permohonan?galat=1")])
    lanjut = _halaman("", "/permohonan", 303, "POST", [("location", "/selesai")])
    for jawaban, ada in ((kembali, False), (lanjut, True)):
        obs = ObservasiKiriman(kiriman=[_kirim("batasan", "isian 'nama' (required) dikosongkan",
                                               jawaban)])
        assert bool(_bukti(BATASAN, obs)) is ada


def test_nothing_to_submit_or_no_answer_is_not_tested_rather_than_passed() -> None:
    kosong = ObservasiKiriman()
    for cek_id, pesan in ((BATASAN, "tidak ada formulir POST dengan batasan isian"),
                          (PANJANG, "tidak ada formulir POST dengan isian teks"),
                          (TIPE, "tidak ada parameter GET atau formulir POST")):
        with pytest.raises(TidakDapatDiuji, match=pesan):
            nilai(cek_id, kosong)
    putus = _kirim("batasan", "isian 'nama' (required) dikosongkan", None, "melewati batas waktu")
    with pytest.raises(TidakDapatDiuji, match=r"permintaan uji tidak terjawab: POST /permohonan: "
                                              r"melewati batas waktu"):
        nilai(BATASAN, ObservasiKiriman(kiriman=[putus]))
    # what did answer still counts
    obs = ObservasiKiriman(kiriman=[putus, _kirim("batasan", "isian 'nama' diisi 150 karakter",
                                                  _TERIMA_KASIH)])
    assert len(_bukti(BATASAN, obs)) == 1
    # the other checks of the same observation are not concerned by that failure
    ditolak = _halaman("Terlalu panjang", "/permohonan", 413, "POST")
    obs = ObservasiKiriman(kiriman=[
        putus, _kirim("panjang", "isian 'keperluan' diisi 10000 karakter", ditolak)])
    assert _bukti(PANJANG, obs) == []


# --- validasi_data.pengalihan_terbuka ------------------------------------------------------------

_KEMBALI = TitikGet(url=BASIS + "/bahasa", params=[("kembali", "/")], nama="kembali", asal="/",
                    url_asli=BASIS + "/bahasa?kembali=%2F")


def _pengalihan(*jawaban: tuple[str, int | None, str]) -> ObservasiPengalihan:
    return ObservasiPengalihan(halaman_dijelajahi=1, jawaban=[
        JawabanPengalihan(titik=_KEMBALI, muatan=m, status=s, lokasi=lok,
                          gagal=None if s is not None else "melewati batas waktu")
        for m, s, lok in jawaban])


def test_an_off_scope_location_is_an_open_redirect_the_first_per_parameter() -> None:
    mutlak, miring = f"https://{HOST_LUAR}/lpa-abc", f"/\\{HOST_LUAR}/lpa-abc"
    obs = _pengalihan((mutlak, 302, "/"), (f"//{HOST_LUAR}/lpa-abc", 302, "/"),
                      (miring, 302, miring))
    assert _bukti(PENGALIHAN, obs) == [
        f"GET /bahasa?kembali={miring} -> 302, Location: {miring} (tidak diikuti)"]


def test_an_in_scope_redirect_and_a_page_are_no_open_redirect() -> None:
    # Django's real redirect of a protected page to its login, `next` kept in scope
    admin = direkam("django-aman", "admin_tanpa_login")
    lokasi = admin.header("location") or ""
    assert admin.status == 302 and lokasi.startswith("/admin/login/")
    obs = _pengalihan((f"https://{HOST_LUAR}/x", admin.status, lokasi),
                      (f"//{HOST_LUAR}/x", 200, f"https://{HOST_LUAR}/x"))
    assert _bukti(PENGALIHAN, obs) == []
    with pytest.raises(TidakDapatDiuji, match="tidak terjawab"):
        nilai(PENGALIHAN, _pengalihan((f"//{HOST_LUAR}/x", None, "")))
    # no redirect parameter on the pages crawled: nothing to report; no page at all (the
    # crawl failed): not tested
    assert nilai(PENGALIHAN, ObservasiPengalihan(halaman_dijelajahi=3)) == []
    with pytest.raises(TidakDapatDiuji, match="tidak ada halaman yang dapat dijelajahi"):
        nilai(PENGALIHAN, ObservasiPengalihan())


# --- validasi_data.unggah_tanpa_batasan ----------------------------------------------------------

def test_file_fields_without_an_allow_list() -> None:
    halaman = [
        _halaman('<form action="/unggah" method="post" enctype="multipart/form-data">'
                 '<input type="file" name="berkas"></form>', "/unggah"),
        _halaman('<form action="/foto" method="post"><input type="file" name="foto" '
                 'accept="image/*,.svg"></form>', "/profil"),
        _halaman('<form action="/dok" method="post"><input type="file" name="dok" '
                 'accept=".pdf,.jpg,image/png"></form>', "/dokumen"),
    ]
    assert _bukti(UNGGAH, halaman) == [
        "formulir POST /unggah (di halaman /unggah): isian berkas 'berkas' tanpa atribut "
        "accept; formulir POST /foto (di halaman /profil): isian berkas 'foto' "
        "accept='image/*,.svg' mengizinkan .svg"]
    real = [direkam(a, n) for a in ("php-debug", "django-debug", "flask-debug")
            for n in ("beranda", "login")]
    assert _bukti(UNGGAH, real) == []


# --- an observation round-trips through JSON -----------------------------------------------------

def test_observations_round_trip_through_json() -> None:
    kiriman = ObservasiKiriman(
        kiriman=[_kirim("panjang", "isian 'keperluan' diisi 10000 karakter, tanpa maxlength",
                        _TERIMA_KASIH),
                 _kirim("batasan", "isian 'nama' (required) dikosongkan", _TERIMA_KASIH)],
        titik=_produk("php-debug", [("500_nilai", "id=x (angka diganti teks)")]).titik)
    pengalihan = _pengalihan((f"//{HOST_LUAR}/x", 302, f"//{HOST_LUAR}/x"))
    for obs, cek_ids in ((kiriman, (BATASAN, PANJANG, TIPE)), (pengalihan, (PENGALIHAN,))):
        lagi = type(obs).model_validate_json(obs.model_dump_json())
        assert lagi == obs
        for cek_id in cek_ids:
            assert _bukti(cek_id, lagi) == _bukti(cek_id, obs) != [], cek_id


# --- the observation against the real PHP application --------------------------------------------

@pytest.mark.lambat
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "aman"])
def test_real_php_application(debug: bool) -> None:
    alasan = an.tersedia("php")
    if alasan:
        pytest.skip(alasan)
    with an.php(debug=debug) as app:
        hasil = asyncio.run(jalankan_cek([TIPE, PENGALIHAN, UNGGAH], TargetUji(url=app.url)))
    [temuan] = hasil[TIPE]
    if debug:  # the miss of docs/kelaikan-ukuran.md, run C
        assert temuan.evidence.startswith(
            "GET /produk.php id=UJI-KELAIKAN-LPA (angka diganti teks) -> 200: fatal error PHP di "
            "halaman: 'Fatal error: Uncaught TypeError: Unsupported operand types: int / string"
        ), temuan.evidence
    else:  # errors not displayed: a bare 500, reported by status as before
        assert temuan.evidence == ("GET /produk.php id=UJI-KELAIKAN-LPA (angka diganti teks) -> "
                                   "500: HTTP 500 (nilai asli -> 200)")
    assert hasil[PENGALIHAN] == [] and hasil[UNGGAH] == []


# --- a request without an answer marks only the checks that needed it --------------------------

class _FormLambat(BaseHTTPRequestHandler):
    """A start page with a form whose POST never answers in time, and a numeric parameter
    that breaks on text."""

    protocol_version = "HTTP/1.1"

    def _kirim(self, status: int, isi: str) -> None:
        data = isi.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting: that is the point

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/berita"):
            angka = self.path.rsplit("=", 1)[-1].isdigit()
            self._kirim(200 if angka else 500, "<html><body>berita</body></html>")
            return
        self._kirim(200, '<html><body><a href="/berita?id=1">b</a><form method="post" '
                         'action="/kirim"><input name="nama" required></form></body></html>')

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.close_connection = True
        time.sleep(3)
        self._kirim(200, "<html><body>terima kasih</body></html>")

    def log_message(self, *args: Any) -> None:
        pass


def test_a_submission_without_an_answer_marks_only_the_checks_that_needed_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kelaikan_http, "BATAS_WAKTU_PERMINTAAN", 1.0)
    with bantu.server_web(_FormLambat) as url:
        target = TargetUji(url=url)
        halaman = asyncio.run(jelajahi_situs.fn(url))
        obs = asyncio.run(amati_kiriman.fn(target, halaman))
    assert [k.gagal for k in obs.kiriman] == ["melewati batas waktu"] * len(obs.kiriman)
    with pytest.raises(TidakDapatDiuji, match="permintaan uji tidak terjawab: POST /kirim: "
                                              "melewati batas waktu"):
        nilai(BATASAN, obs)
    # the same observation still judges the parameter, which did answer
    assert _bukti(TIPE, obs) == ["GET /berita id=UJI-KELAIKAN-LPA (angka diganti teks) -> 500: "
                                 "HTTP 500 (nilai asli -> 200)"]


def test_without_crawled_pages_nothing_is_sent_and_nothing_passes() -> None:
    # what the flow gives the observers when the crawl failed (``Pengamat.kosong``)
    target = TargetUji(url=f"http://127.0.0.1:{bantu.port_bebas()}/")
    sebelum = kelaikan_http.jumlah_permintaan(target.url)
    kiriman = asyncio.run(amati_kiriman.fn(target, []))
    pengalihan = asyncio.run(amati_pengalihan.fn(target, []))
    assert kelaikan_http.jumlah_permintaan(target.url) == sebelum
    for cek_id, obs in ((BATASAN, kiriman), (PANJANG, kiriman), (TIPE, kiriman),
                        (PENGALIHAN, pengalihan)):
        with pytest.raises(TidakDapatDiuji):
            nilai(cek_id, obs)
