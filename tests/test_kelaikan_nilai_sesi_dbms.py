"""The pure judges of the failed-login checks (otentikasi_sesi.enumerasi_pengguna,
otentikasi_sesi.tanpa_penguncian) and of dbms.satu_host, dbms.galat_db_web and
dbms.dump_terbuka, on recorded observations (real Django / Flask / PHP answers from
tests/fixtures/rekaman/ where one fits); then their observers against small servers and the
twins on 127.0.0.1: what they record, that a failed request stays local, and that the test
account's password never enters an observation.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import bantu
import pytest
from kelaikan_bantu import cepat, direkam, nilai  # noqa: F401 - cepat: an autouse fixture

from domain.kelaikan import TargetUji
from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.dbms import (
    LayananDb,
    ObservasiDbms,
    ObservasiWebDb,
    berkas_dump,
    tautan_galat,
)
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.login_gagal import LoginBenar, LoginGagal, ObservasiLoginGagal
from domain.kelaikan.pembanding import Pembanding
from lpa.contoh_aplikasi import ContohAplikasi
from tasks.kelaikan.dbms import amati_web_db
from tasks.kelaikan.login_gagal import amati_login_gagal
from tasks.kelaikan.sesi import amati_sesi

ENUMERASI = "otentikasi_sesi.enumerasi_pengguna"
KUNCI = "otentikasi_sesi.tanpa_penguncian"
SATU_HOST = "dbms.satu_host"
GALAT_DB = "dbms.galat_db_web"
DUMP = "dbms.dump_terbuka"
SANDI = "Rahasia#Uji2024"
AKUN = ("penguji", SANDI)
URL_LOGIN = "http://app.example/masuk"
BASIS = "http://127.0.0.1:8000"
"""The origin the recorded answers pretend to come from (the recordings are origin-free)."""


def _h(teks: str, path: str = "/masuk", status: int = 200, method: str = "POST",
       headers: list[tuple[str, str]] | None = None) -> Halaman:
    return Halaman(method=method, url=f"http://app.example{path}", status=status,
                   headers=headers or [("content-type", "text/html")], text=teks)


def _masuk(pesan: str) -> str:
    return (f"<html><body><h2>Masuk petugas</h2><p class=galat>{pesan}</p><form method=post "
            "action=/masuk><input name=username><input type=password name=password>"
            "<button>Masuk</button></form></body></html>")


def _gagal(jawaban: Halaman | None, nama: str = "penguji", detik: float = 0.05,
           **kw: Any) -> LoginGagal:
    return LoginGagal(nama=nama, akun_uji=nama == "penguji", sandi_salah_acak="Salah-0a1b2c",
                      jawaban=jawaban, detik=detik, **kw)


def _bukti(cek_id: str, obs: Any, target: Any = None) -> list[str]:
    return [t.evidence for t in nilai(cek_id, obs, target)]


def _pulang_pergi(obs: Any) -> Any:
    """The observation through JSON and back (how a recorded one is replayed)."""
    return type(obs).model_validate_json(obs.model_dump_json())


# --- user enumeration ------------------------------------------------------------------------

def _enumerasi(a: Halaman, b: Halaman, **kw: Any) -> ObservasiLoginGagal:
    return ObservasiLoginGagal(url_login=URL_LOGIN, akun_uji="penguji", enumerasi=[
        _gagal(a, nama="lpa-uji-5e6f7a"), _gagal(b)], **kw)


def test_another_message_for_an_unknown_user_is_enumeration() -> None:
    obs = _enumerasi(_h(_masuk("Nama pengguna tidak terdaftar.")), _h(_masuk("Kata sandi salah.")))
    assert _bukti(ENUMERASI, obs) == [
        'POST /masuk: pesan untuk nama pengguna tidak terdaftar: "Nama pengguna tidak '
        'terdaftar."; untuk kata sandi salah: "Kata sandi salah."']
    assert _bukti(ENUMERASI, _pulang_pergi(obs)) == _bukti(ENUMERASI, obs)


def test_another_destination_for_an_unknown_user_is_enumeration() -> None:
    a = _h("", status=302, headers=[("location", "/masuk")])
    b = _h("", status=302, headers=[("location", "/lupa-sandi")])
    assert _bukti(ENUMERASI, _enumerasi(a, b)) == [
        "POST /masuk: login nama pengguna tidak terdaftar -> 302 /masuk, akun uji dengan "
        "kata sandi salah -> 302 /lupa-sandi"]


def test_the_same_answer_echoing_the_name_sent_is_no_enumeration() -> None:
    # the user names and the random password sent are left out of the compared text
    a = _h(_masuk("Login lpa-uji-5e6f7a dengan Salah-0a1b2c gagal."))
    b = _h(_masuk("Login penguji dengan Salah-0a1b2c gagal."))
    assert _bukti(ENUMERASI, _enumerasi(a, b)) == []


@pytest.mark.parametrize("aplikasi", ["django-aman", "flask-aman", "php-aman"])
def test_real_login_failures_are_the_same_for_both_names(aplikasi: str) -> None:
    # the recording failed the test account's login; Django puts the name sent back in the
    # form (value="penguji") and a new CSRF token: neither is visible text
    b = direkam(aplikasi, "login_gagal")
    a = direkam(aplikasi, "login_gagal", ganti=('value="penguji"', 'value="lpa-uji-5e6f7a"'))
    assert _bukti(ENUMERASI, _enumerasi(a, b)) == []


def _wp_pengguna(status: int = 200) -> Halaman:
    data = json.dumps([{"id": 1, "name": "Admin", "slug": "admin"},
                       {"id": 2, "name": "Redaksi", "slug": "redaksi"}])
    return _h(data, "/wp-json/wp/v2/users", status, "GET", [("content-type", "application/json")])


def test_a_public_framework_user_listing_is_enumeration() -> None:
    obs = ObservasiLoginGagal(daftar_pengguna=[_wp_pengguna()], arsip_penulis=_h(
        "", "/?author=1", 301, "GET", [("location", "http://app.example/author/admin/")]))
    assert _bukti(ENUMERASI, obs) == [
        "GET /wp-json/wp/v2/users -> 200: daftar 2 pengguna (admin, redaksi); "
        "GET /?author=1 -> 301 ke /author/admin/: nama pengguna terungkap"]


def test_no_listing_and_no_login_is_not_tested() -> None:
    bukan = ObservasiLoginGagal(
        alasan_login="formulir login tidak ditemukan (halaman awal)",
        daftar_pengguna=[_wp_pengguna(404), _h('{"code": "rest_no_route"}', "/?rest_route=/wp/v2"
                                               "/users", 200, "GET")],
        arsip_penulis=_h("<html>Beranda</html>", "/?author=1", method="GET"))
    with pytest.raises(TidakDapatDiuji, match=r"^formulir login tidak ditemukan \(halaman"):
        nilai(ENUMERASI, bukan)
    tanpa_akun = bukan.model_copy(update={"url_login": URL_LOGIN, "alasan_login": None})
    with pytest.raises(TidakDapatDiuji, match="akun uji tidak diberikan"):
        nilai(ENUMERASI, tanpa_akun)


def test_a_failed_enumeration_request_leaves_the_check_untested() -> None:
    obs = ObservasiLoginGagal(url_login=URL_LOGIN, daftar_pengguna=[_wp_pengguna()],
                              galat_enumerasi="melewati batas waktu")
    with pytest.raises(TidakDapatDiuji, match="^melewati batas waktu$"):
        nilai(ENUMERASI, obs)


# --- lockout -------------------------------------------------------------------------------------

def _kunci(jawaban: list[Halaman | None], benar: LoginBenar | None = None,
           nama: str = "penguji", **kw: Any) -> ObservasiLoginGagal:
    return ObservasiLoginGagal(url_login=BASIS + "/masuk.php", akun_uji="penguji",
                               penguncian=[_gagal(h, nama=nama, **kw) for h in jawaban],
                               sandi_benar=benar)


DITERIMA = LoginBenar(setelah_gagal=6, permintaan="POST /masuk.php", status=200)


def test_six_alike_failures_then_the_right_password_is_no_lockout() -> None:
    # PHP's answer to a failed login, as recorded, six times over
    obs = _kunci([direkam("php-aman", "login_gagal")] * 6, DITERIMA)
    bukti = ("6 percobaan login gagal berturut-turut untuk akun uji 'penguji' ke POST "
             "/masuk.php dijawab sama (200, 200, 200, 200, 200, 200) tanpa penguncian, jeda, "
             "maupun CAPTCHA")
    assert _bukti(KUNCI, obs) == [
        bukti + "; sesudahnya kata sandi yang benar langsung diterima (POST /masuk.php)"]
    assert _bukti(KUNCI, _pulang_pergi(obs)) == _bukti(KUNCI, obs)
    # without a test account: a random user name, and no right password to try
    acak = _kunci([direkam("php-aman", "login_gagal")] * 6, nama="lpa-uji-9d8c7b")
    assert _bukti(KUNCI, acak) == [bukti.replace("akun uji 'penguji'", "satu nama pengguna acak")]


SALAH = _h(_masuk("Nama pengguna atau kata sandi salah."))


@pytest.mark.parametrize(("jawaban", "detik"), [
    # the hardened twin: 429 from the fifth failure on
    ([SALAH] * 4 + [_h(_masuk("Terlalu banyak percobaan masuk."), status=429)], None),
    # a lockout message on the same page and status
    ([SALAH] * 2 + [_h(_masuk("Akun Anda terkunci selama 15 menit."))], None),
    # another destination (a CAPTCHA page)
    ([SALAH, _h("", status=302, headers=[("location", "/verifikasi")])], None),
    # a CAPTCHA from the first answer on
    ([_h(_masuk("Selesaikan CAPTCHA untuk melanjutkan."), status=403)], None),
    # the fourth answer slowed down by more than JEDA_BERARTI seconds
    ([SALAH] * 6, [0.05, 0.05, 0.06, 6.5, 0.05, 0.05]),
])
def test_any_sign_of_a_lockout_is_no_finding(jawaban: list[Halaman],
                                             detik: list[float] | None) -> None:
    obs = _kunci(jawaban)
    if detik:
        obs = obs.model_copy(update={"penguncian": [
            p.model_copy(update={"detik": d}) for p, d in zip(obs.penguncian, detik, strict=True)]})
    assert _bukti(KUNCI, obs) == []


@pytest.mark.parametrize("benar", [
    LoginBenar(setelah_gagal=6, permintaan="POST /masuk.php", status=200, formulir_login=True),
    LoginBenar(setelah_gagal=6, permintaan="POST /masuk.php", status=429),
    LoginBenar(setelah_gagal=6),  # the form's fields were not recognised
])
def test_a_refused_right_password_is_a_silent_lockout(benar: LoginBenar) -> None:
    assert _bukti(KUNCI, _kunci([SALAH] * 6, benar)) == []


def test_answers_that_stop_coming_after_failures_are_a_tarpit() -> None:
    habis = _gagal(None, galat="melewati batas waktu", batas_waktu=True)
    obs = _kunci([SALAH] * 3).model_copy(update={"penguncian": [
        *_kunci([SALAH] * 3).penguncian, habis]})
    assert _bukti(KUNCI, obs) == []
    with pytest.raises(TidakDapatDiuji, match="^melewati batas waktu$"):
        nilai(KUNCI, obs.model_copy(update={"penguncian": [habis]}))  # never any answer
    putus = habis.model_copy(update={"galat": "koneksi ke aplikasi terputus (ReadError)",
                                     "batas_waktu": False})
    with pytest.raises(TidakDapatDiuji, match="terputus"):
        nilai(KUNCI, obs.model_copy(update={"penguncian": [*obs.penguncian[:3], putus]}))


def test_lockout_without_login_or_sequence_is_not_tested() -> None:
    with pytest.raises(TidakDapatDiuji, match="^formulir login tidak ditemukan$"):
        nilai(KUNCI, ObservasiLoginGagal())
    with pytest.raises(TidakDapatDiuji, match="hanya 3 dari 6"):
        nilai(KUNCI, _kunci([SALAH] * 3))
    with pytest.raises(TidakDapatDiuji, match="batas waktu"):
        nilai(KUNCI, _kunci([SALAH] * 6, LoginBenar(setelah_gagal=6,
                                                    galat="melewati batas waktu")))


# --- the failed-login observation on the twins -------------------------------------------------

def _amati(aman: bool) -> tuple[ObservasiLoginGagal, ContohAplikasi]:
    with ContohAplikasi(aman=aman, akun=AKUN) as app:
        target = TargetUji(url=app.url, username=AKUN[0], password=SANDI)
        sesi = asyncio.run(amati_sesi.fn(target))
        return asyncio.run(amati_login_gagal.fn(target, sesi)), app


def test_the_failed_logins_are_recorded_without_the_password() -> None:
    obs, _ = _amati(aman=False)
    assert SANDI not in obs.model_dump_json()
    # nor the session cookies the answers set
    dijawab = [*obs.daftar_pengguna, obs.arsip_penulis,
               *(p.jawaban for p in obs.enumerasi + obs.penguncian)]
    assert len(dijawab) == 2 + 1 + 2 + 6
    for h in dijawab:
        assert h is not None and not h.set_cookie
        assert not [k for k, _ in h.headers if k.lower() == "set-cookie"], h.ringkas()
    assert [(p.nama.startswith("lpa-uji-"), p.akun_uji) for p in obs.enumerasi] == [
        (True, False), (False, True)]
    assert [p.nama for p in obs.penguncian] == ["penguji"] * 6
    assert obs.sandi_benar == LoginBenar(setelah_gagal=6, permintaan="POST /masuk", status=200)
    ulang = _pulang_pergi(obs)
    assert ulang == obs
    assert "Nama pengguna tidak terdaftar" in _bukti(ENUMERASI, ulang)[0]
    assert _bukti(KUNCI, ulang)[0].startswith("6 percobaan login gagal berturut-turut untuk "
                                              "akun uji 'penguji' ke POST /masuk")


def test_the_lockout_sequence_stops_at_the_first_sign() -> None:
    obs, app = _amati(aman=True)
    # one failure from the enumeration, four here, then 429: nothing more is sent
    assert [p.jawaban.status for p in obs.penguncian if p.jawaban] == [200, 200, 200, 200, 429]
    assert obs.sandi_benar is None and len(app.gagal_login[AKUN[0]]) == 5
    assert _bukti(KUNCI, obs) == [] and _bukti(ENUMERASI, obs) == []


# --- dbms.satu_host --------------------------------------------------------------------------

REDIS = LayananDb(host="db.example", port=6379, jenis="redis", produk="Redis")


def _host(alamat: list[str] | None, alamat_aplikasi: list[str] | None,
          layanan: list[LayananDb] | None = None) -> ObservasiDbms:
    return ObservasiDbms(host="db.example", port_diperiksa=[6379, 3306],
                         layanan=[REDIS] if layanan is None else layanan, alamat=alamat,
                         host_aplikasi="app.example", alamat_aplikasi=alamat_aplikasi)


def test_the_database_on_the_applications_address_is_one_host() -> None:
    obs = _host(["10.0.0.5"], ["10.0.0.5", "10.0.0.6"])
    assert _bukti(SATU_HOST, obs) == [
        "host basis data db.example (10.0.0.5) sama dengan host aplikasi app.example "
        "(10.0.0.5, 10.0.0.6); port basis data terbuka: 6379"]
    assert _bukti(SATU_HOST, _pulang_pergi(obs)) == _bukti(SATU_HOST, obs)
    # two names of this machine's loopback are one host too
    assert _bukti(SATU_HOST, _host(["127.0.1.1"], ["127.0.0.1"]))


def test_separate_hosts_or_no_open_port_is_no_finding() -> None:
    assert _bukti(SATU_HOST, _host(["10.0.0.5"], ["10.0.0.8"])) == []
    assert _bukti(SATU_HOST, _host(["10.0.0.8"], ["10.0.0.8"], layanan=[])) == []


def test_an_unresolved_host_is_not_tested() -> None:
    for obs in (_host([], ["10.0.0.8"]), _host(["10.0.0.5"], None)):
        with pytest.raises(TidakDapatDiuji, match="tidak dapat di-resolve"):
            nilai(SATU_HOST, obs)


# --- dbms.galat_db_web -------------------------------------------------------------------------

MYSQL = ("<div><br />\n<b>Warning</b>:  mysqli_connect(): (HY000/1045): Access denied for "
         "user 'perizinan'@'localhost' (using password: YES) in <b>/var/www/html/index.php</b> "
         "on line <b>12</b></div>")


def test_a_database_error_on_a_page_is_found() -> None:
    obs = ObservasiWebDb(halaman=[
        _h("<a href=/berita>Berita</a>", "/", method="GET"),
        _h(f"<p>Statistik</p>{MYSQL}", "/statistik", method="GET"),
        _h(f"<p>Statistik</p>{MYSQL}", "/statistik", method="GET")])
    [bukti] = _bukti(GALAT_DB, obs)
    assert bukti.startswith("GET /statistik -> 200: MySQL: ") and "mysqli_connect" in bukti
    assert bukti.count("GET /statistik") == 1
    assert _bukti(GALAT_DB, _pulang_pergi(obs)) == [bukti]


def test_real_pages_show_no_database_error() -> None:
    obs = ObservasiWebDb(halaman=[direkam(a, n) for a in ("django-debug", "flask-debug",
                                                           "php-debug")
                                  for n in ("beranda", "404")])
    assert _bukti(GALAT_DB, obs) == []


def test_a_page_that_did_not_answer_marks_only_a_clean_result_untested() -> None:
    gagal = {"http://app.example/berita": "melewati batas waktu"}
    bersih = ObservasiWebDb(halaman=[_h("<p>Beranda</p>", "/", method="GET")],
                            halaman_gagal=gagal)
    with pytest.raises(TidakDapatDiuji, match="^/berita: melewati batas waktu$"):
        nilai(GALAT_DB, bersih)
    kotor = bersih.model_copy(update={"halaman": [_h(MYSQL, "/", method="GET")]})
    assert _bukti(GALAT_DB, kotor)[0].startswith("GET / -> 200: MySQL")


def test_the_links_looked_at_for_database_errors() -> None:
    awal = _h('<a href="/berita#atas">Berita</a> <a href="/berita">lagi</a> <a href="/">ini</a>'
              '<a href="/css/a.css">gaya</a> <a href="/keluar">Keluar</a> <a href="/hapus?id=1">'
              'x</a> <a href="http://lain.example/p">luar</a> <a href="data?x=1">Data</a>', "/",
              method="GET")
    assert tautan_galat(awal) == ["http://app.example/berita", "http://lain.example/p",
                                  "http://app.example/data?x=1"]


# --- dbms.dump_terbuka -------------------------------------------------------------------------

DUMP_SQL = ("-- MySQL dump 10.13\n\nCREATE TABLE `pengguna` (\n  `id` int NOT NULL\n);\n"
            "INSERT INTO `pengguna` VALUES (1);\nCREATE TABLE `izin` (`id` int);\n")


def _pembanding(halaman: Halaman) -> Pembanding:
    return Pembanding(token="0a1b2c3d4e5f", berkas=halaman.model_copy(
        update={"url": "http://app.example/.lpa-0a1b2c3d4e5f"}), folder=halaman.model_copy(
        update={"url": "http://app.example/lpa-0a1b2c3d4e5f/"}))


TIDAK_ADA = direkam("php-aman", "404")


def test_a_dump_answered_at_a_common_name_is_found() -> None:
    obs = ObservasiWebDb(pembanding=_pembanding(TIDAK_ADA), dump=[
        _h(DUMP_SQL, "/database.sql", method="GET"), TIDAK_ADA])
    assert _bukti(DUMP, obs) == ["GET /database.sql -> 200: dump SQL (tabel: pengguna, izin)"]
    assert _bukti(DUMP, _pulang_pergi(obs)) == _bukti(DUMP, obs)


def test_a_site_answering_every_path_alike_has_no_dump() -> None:
    # a soft 404: every path answers 200 with the same page, which quotes SQL
    umum = _h("<html><pre>\nCREATE TABLE contoh (id int);\n</pre></html>", "/", method="GET")
    obs = ObservasiWebDb(pembanding=_pembanding(umum), dump=[
        umum.model_copy(update={"url": f"http://app.example/{n}"}) for n in berkas_dump(
            "http://app.example/")])
    assert _bukti(DUMP, obs) == []


def test_dump_requests_that_failed_are_local() -> None:
    with pytest.raises(TidakDapatDiuji, match="^pembanding: melewati batas waktu$"):
        nilai(DUMP, ObservasiWebDb(dump_gagal={"pembanding": "melewati batas waktu"}))
    sebagian = ObservasiWebDb(pembanding=_pembanding(TIDAK_ADA), dump=[TIDAK_ADA],
                              dump_gagal={"http://app.example/db.sql": "melewati batas waktu"})
    with pytest.raises(TidakDapatDiuji, match="^/db.sql: melewati batas waktu$"):
        nilai(DUMP, sebagian)


def test_the_dump_names_asked_for() -> None:
    assert berkas_dump("https://perizinan.babelprov.go.id/app/")[-1] == "perizinan.sql"
    assert berkas_dump("http://127.0.0.1:8080/") == [
        "database.sql", "db.sql", "dump.sql", "backup.sql", "data.sql"]


class _DumpPutus(bantu.Penangan):
    """A site with a dump at /database.sql whose server drops the connection for /db.sql."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path == "/db.sql":
            self.close_connection = True
            return
        if self.path == "/database.sql":
            status, body = 200, DUMP_SQL
        elif self.path == "/":
            status, body = 200, '<a href="/statistik">Statistik</a>'
        elif self.path == "/statistik":
            status, body = 200, MYSQL
        else:
            status, body = 404, "<h1>Tidak ditemukan</h1>"
        data = body.encode()
        self.kirim(status, data)



def test_a_dropped_request_is_recorded_and_the_rest_is_judged() -> None:
    with bantu.server_web(_DumpPutus) as url:
        obs = asyncio.run(amati_web_db.fn(url))
    assert [h.path for h in obs.halaman][:2] == ["/", "/statistik"]
    assert obs.halaman[2].status == 404 and obs.halaman[2].path.startswith("/lpa-")
    assert list(obs.dump_gagal) == [url + "db.sql"]
    assert "terputus" in obs.dump_gagal[url + "db.sql"]
    assert [h.path for h in obs.dump] == ["/database.sql", "/dump.sql", "/backup.sql",
                                          "/data.sql"]
    assert _bukti(DUMP, obs) == ["GET /database.sql -> 200: dump SQL (tabel: pengguna, izin)"]
    assert _bukti(GALAT_DB, obs)[0].startswith("GET /statistik -> 200: MySQL")
    assert _bukti(DUMP, _pulang_pergi(obs)) == _bukti(DUMP, obs)
