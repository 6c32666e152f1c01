"""The feasibility test's judging on recorded observations of real software.

tests/fixtures/rekaman/ (its README says how each was recorded, by
tests/aplikasi_nyata/rekam.py) holds what Django's ``startproject``, a Flask application with
the Werkzeug debugger, PHP's built-in server and the Wagtail CMS answered, each in its debug
and its hardened configuration, and what this machine's MariaDB, PostgreSQL and Redis said at
connection. These tests feed them to the registry's judges and to the recognisers the probes
use, and assert what a tester concludes: the debug configuration is found, the hardened one
passes, nothing is found that is not there (every recorded page is also a false-positive
guard).

The database recordings are replayed by a small server on loopback, byte for byte, to the
probes of ``tasks/kelaikan/protokol_db.py``; their observation goes to the registry's judges.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any
from urllib.parse import urlsplit

import kelaikan_bantu
import pytest
from kelaikan_bantu import REKAMAN, direkam, rekaman

from domain.kelaikan import TargetUji, urai
from domain.kelaikan.dbms import LayananDb, ObservasiDbms
from domain.kelaikan.galat import galat_db, galat_sql, jejak_galat, rahasia_komentar, tanda_debug
from domain.kelaikan.lain import ObservasiLain
from domain.kelaikan.pancingan import JawabanPancingan, ObservasiGalat
from domain.kelaikan.sesi import CookieTeramati, FormulirTeramati, ObservasiSesi
from domain.kelaikan.struktur import PHPINFO
from tasks.kelaikan import protokol_db
from tasks.kelaikan.sesi import urai_set_cookie

APLIKASI = ("django", "flask", "php", "wagtail")
LOGIN = {"django": "/admin/login/", "flask": "/masuk", "php": "/masuk.php",
         "wagtail": "/admin/login/"}
BASIS = "http://127.0.0.1:8000"
"""The origin the judged observations pretend to come from (the recordings are origin-free)."""


def semua_rekaman() -> list[tuple[str, str]]:
    return sorted((p.parent.name, p.stem) for p in (REKAMAN / "http").glob("*/*.json"))


def header(r: dict[str, Any], nama: str) -> list[str]:
    return [v for k, v in r["headers"] if k.lower() == nama.lower()]


def test_the_recordings_are_all_there_and_hold_no_password() -> None:
    assert {a for a, _ in semua_rekaman()} == {f"{a}-{k}" for a in APLIKASI
                                               for k in ("debug", "aman")}
    for aplikasi, nama in semua_rekaman():
        teks = (REKAMAN / "http" / aplikasi / f"{nama}.json").read_text()
        assert "UjiNyata" not in teks, (aplikasi, nama)
    assert {p.stem for p in (REKAMAN / "db").glob("*.json")} == {"mariadb", "postgresql",
                                                                "redis"}


# --- debug and error pages -----------------------------------------------------------------------

@pytest.mark.parametrize("nama", ["500_nilai", "500_kutip", "500_nol", "konsol"])
def test_werkzeug_debugger_is_recognised_as_able_to_run_code(nama: str) -> None:
    assert ("debugger/konsol Werkzeug", True) in tanda_debug(rekaman("flask-debug", nama)["body"])


@pytest.mark.parametrize("nama", ["500_nilai", "500_kutip", "500_nol"])
def test_the_debuggers_traceback_and_phps_displayed_errors_are_error_traces(nama: str) -> None:
    jejak, _ = jejak_galat(rekaman("flask-debug", nama)["body"])
    assert "traceback Python" in dict(jejak)
    jejak, _ = jejak_galat(rekaman("php-debug", nama)["body"])
    assert "error PHP" in dict(jejak)
    assert "Fatal error" in dict(jejak)["error PHP"]
    # PHP shows the fatal error with status 200: the page's text, not its status, tells
    assert rekaman("php-debug", nama)["status"] == 200


def test_phps_warning_is_an_error_trace() -> None:
    jejak, _ = jejak_galat(rekaman("php-debug", "peringatan")["body"])
    assert "Undefined array key" in dict(jejak)["error PHP"]


def test_djangos_technical_404_is_a_debug_page() -> None:
    # a gap this recording found (Django 5.2's typographic apostrophe, U+2019), closed
    assert any(n.startswith("Django") for n, _ in tanda_debug(rekaman("django-debug",
                                                                      "404")["body"]))


def test_djangos_start_page_of_a_new_project_is_a_debug_page() -> None:
    # a gap this recording found ('You are seeing this page because DEBUG=True'), closed
    assert tanda_debug(rekaman("django-debug", "beranda")["body"])


def test_phpinfo_is_recognised_and_gone_when_hardened() -> None:
    assert PHPINFO.search(rekaman("php-debug", "phpinfo")["body"])
    assert rekaman("php-aman", "phpinfo")["status"] == 404
    assert not PHPINFO.search(rekaman("php-aman", "phpinfo")["body"])


@pytest.mark.parametrize(("aplikasi", "nama"), [
    (a, n) for a, n in semua_rekaman() if a.endswith("-aman")])
def test_hardened_configurations_show_no_debug_page_nor_trace(aplikasi: str, nama: str) -> None:
    teks = rekaman(aplikasi, nama)["body"]
    assert tanda_debug(teks) == []
    assert jejak_galat(teks)[0] == []
    assert not PHPINFO.search(teks)


DB_GALAT_NYATA = {("wagtail-debug", "500_kutip")}
"""Recordings that do show a real database error (tested below)."""


@pytest.mark.parametrize(("aplikasi", "nama"), [
    r for r in semua_rekaman() if r not in DB_GALAT_NYATA])
def test_no_false_database_error_nor_secret_on_real_pages(aplikasi: str, nama: str) -> None:
    """None of these pages shows a database error or leaves secrets in comments: a
    recogniser that fires here reports what is not there."""
    teks = rekaman(aplikasi, nama)["body"]
    assert galat_sql(teks) == {}
    assert galat_db(teks) == []
    assert rahasia_komentar(teks) == []


def test_a_real_database_error_text_is_recognised() -> None:
    """MariaDB's own refusal, as an application that prints it would show it."""
    langkah = json.loads((REKAMAN / "db" / "mariadb.json").read_text())["langkah"]
    ditolak = base64.b64decode(langkah[-1]["terima"])[5:].decode("utf-8", "replace")
    assert "Access denied for user 'lpa_tidak_ada'@" in ditolak
    assert [n for n, _ in galat_db(f"<b>Warning</b>: mysqli_connect(): {ditolak}")] == ["MySQL"]


# --- login pages and the session cookies set at login ---------------------------------------------

def _obs_sesi(aplikasi: str) -> ObservasiSesi:
    """What the session observation holds for one application: its login form (from the
    recorded login page) and the cookies of the recorded successful login."""
    jenis = aplikasi.split("-")[0]
    halaman = rekaman(aplikasi, "login")
    formulir = []
    for f in urai(halaman["body"]).formulir:
        formulir.append(FormulirTeramati(
            halaman=BASIS + LOGIN[jenis], action=BASIS + (f.action or LOGIN[jenis]),
            method=f.method, ada_sandi=f.ada_sandi,
            ada_token=any(i.jenis == "hidden" and "csrf" in i.nama.lower() and i.nilai
                          for i in f.isian)))
    masuk = rekaman(aplikasi, "login_berhasil")
    cookie = []
    for baris in header(masuk, "set-cookie"):
        nama, _, atribut = urai_set_cookie(baris)
        cookie.append(CookieTeramati(sumber=f"POST {LOGIN[jenis]}", nama=nama, atribut=atribut,
                                     dari_login=True))
    return ObservasiSesi(formulir=formulir, cookie=cookie, login_dicoba=True,
                         url_awal=BASIS + "/", skema="http", status_awal=200)


def _temuan(cek_id: str, obs: Any, target: Any = None) -> list[str]:
    return [t.evidence for t in kelaikan_bantu.nilai(cek_id, obs, target)]


@pytest.mark.parametrize("aplikasi", [f"{a}-{k}" for a in APLIKASI for k in ("debug", "aman")])
def test_login_form_over_http_is_found_on_every_real_login_page(aplikasi: str) -> None:
    obs = _obs_sesi(aplikasi)
    assert [f.method for f in obs.formulir if f.ada_sandi] == ["post"]
    [bukti] = _temuan("otentikasi_sesi.login_http", obs)
    assert LOGIN[aplikasi.split("-")[0]] in bukti


@pytest.mark.parametrize(("aplikasi", "csrf"), [
    ("django-debug", False), ("django-aman", False), ("flask-debug", True), ("php-aman", True)])
def test_csrf_token_of_djangos_login_form_is_seen(aplikasi: str, csrf: bool) -> None:
    assert bool(_temuan("otentikasi_sesi.tanpa_csrf", _obs_sesi(aplikasi))) is csrf


@pytest.mark.parametrize(("aplikasi", "kurang"), [
    # Django: sessionid HttpOnly; SameSite=Lax, no Secure (csrftoken is no session cookie)
    ("django-debug", {"secure"}),
    # Flask: session HttpOnly, neither Secure nor SameSite
    ("flask-aman", {"secure", "samesite"}),
    # PHP's defaults: PHPSESSID with no flag at all
    ("php-aman", {"secure", "samesite", "httponly"}),
])
def test_flags_of_the_cookies_set_at_login(aplikasi: str, kurang: set[str]) -> None:
    obs = _obs_sesi(aplikasi)
    nama = {"django": "sessionid", "flask": "session", "php": "PHPSESSID"}[
        aplikasi.split("-")[0]]
    for atribut in ("secure", "samesite", "httponly"):
        bukti = _temuan(f"otentikasi_sesi.cookie_{atribut}", obs)
        if atribut in kurang:
            [teks] = bukti
            assert f"cookie '{nama}' dari POST " in teks and "csrftoken" not in teks
        else:
            assert bukti == [], (atribut, bukti)


# --- the start page's headers ------------------------------------------------------------------

def _obs_lain(aplikasi: str) -> ObservasiLain:
    r = rekaman(aplikasi, "beranda")
    return ObservasiLain(halaman=f"GET / -> {r['status']}", url=BASIS + "/",
                         headers=[tuple(h) for h in r["headers"]])


@pytest.mark.parametrize(("aplikasi", "versi"), [
    ("django-debug", "WSGIServer/0.2 CPython/3."), ("flask-aman", "Werkzeug/3."),
    ("php-debug", "PHP/8."), ("php-aman", None)])
def test_version_in_headers(aplikasi: str, versi: str | None) -> None:
    bukti = _temuan("lain_lain.versi_terungkap", _obs_lain(aplikasi))
    if versi is None:  # expose_php=0 and PHP's built-in server sends no Server header
        assert bukti == []
    else:
        assert versi in bukti[0]


@pytest.mark.parametrize(("aplikasi", "bingkai"), [
    ("django-aman", False), ("flask-debug", True), ("php-debug", True)])
def test_djangos_default_headers_pass_the_clickjacking_check(aplikasi: str,
                                                              bingkai: bool) -> None:
    obs = _obs_lain(aplikasi)
    assert bool(_temuan("lain_lain.anti_clickjacking", obs)) is bingkai
    keamanan = _temuan("lain_lain.header_keamanan", obs)
    if aplikasi.startswith("django"):  # nosniff and Referrer-Policy by default, no CSP
        [bukti] = keamanan
        assert "Content-Security-Policy" in bukti and "nosniff" not in bukti
    else:
        assert "nosniff" in keamanan[0]


# --- database handshakes, replayed --------------------------------------------------------------

class Putar:
    """A loopback server that answers one connection with a recorded transcript: the steps
    without anything to receive are sent at once, each other step's answer after the client
    has sent something."""

    def __init__(self, langkah: list[dict[str, str]]) -> None:
        self.langkah = langkah
        self.diterima: list[bytes] = []

    async def _layani(self, pembaca: asyncio.StreamReader, penulis: asyncio.StreamWriter) -> None:
        try:
            for langkah in self.langkah:
                if langkah["kirim"]:
                    data = await asyncio.wait_for(pembaca.read(65536), 5)
                    if not data:
                        return
                    self.diterima.append(data)
                penulis.write(base64.b64decode(langkah["terima"]))
                await penulis.drain()
            await asyncio.wait_for(pembaca.read(65536), 2)
        except (TimeoutError, ConnectionError):
            pass
        finally:
            penulis.close()

    async def probe(self, jenis: str) -> LayananDb:
        server = await asyncio.start_server(self._layani, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await protokol_db.PROBE[jenis]("127.0.0.1", port)


def _transkrip(nama: str) -> list[dict[str, str]]:
    return json.loads((REKAMAN / "db" / f"{nama}.json").read_text())["langkah"]


def _nilai_db(layanan: LayananDb) -> dict[str, list[str]]:
    obs = ObservasiDbms(host="127.0.0.1", port_diperiksa=[layanan.port], layanan=[layanan])
    target = TargetUji(url=BASIS + "/", db_host="127.0.0.1")
    hasil = {}
    for cek_id in ("dbms.port_terjangkau", "dbms.banner_versi", "dbms.tanpa_tls",
                   "dbms.kredensial_bawaan", "dbms.tanpa_otentikasi"):
        bukti = _temuan(cek_id, obs, target)
        if bukti:
            hasil[cek_id] = bukti
    return hasil


def test_mariadb_greeting_and_root_without_password() -> None:
    langkah = _transkrip("mariadb")
    layanan = asyncio.run(Putar(langkah[:2]).probe("mysql"))
    assert (layanan.produk, layanan.tls) == ("MariaDB", False)
    assert layanan.versi and layanan.versi.startswith("10.")
    temuan = _nilai_db(layanan)
    assert "MariaDB" in temuan["dbms.banner_versi"][0]
    assert "root tanpa kata sandi" in temuan["dbms.kredensial_bawaan"][0]
    assert "dbms.tanpa_tls" in temuan and "dbms.tanpa_otentikasi" not in temuan


def test_mariadb_refusing_root_is_no_default_credential() -> None:
    langkah = _transkrip("mariadb")
    layanan = asyncio.run(Putar([langkah[0], langkah[2]]).probe("mysql"))
    assert layanan.kredensial_bawaan is None
    assert "dbms.kredensial_bawaan" not in _nilai_db(layanan)


def test_postgresql_without_tls_and_trusting_postgres() -> None:
    langkah = _transkrip("postgresql")
    putar = Putar(langkah[:2])
    layanan = asyncio.run(putar.probe("postgresql"))
    assert putar.diterima[0] == base64.b64decode(langkah[0]["kirim"])  # the same SSLRequest
    assert (layanan.produk, layanan.tls) == ("PostgreSQL", False)
    assert layanan.versi and layanan.banner
    temuan = _nilai_db(layanan)
    assert "PostgreSQL" in temuan["dbms.banner_versi"][0]
    assert "postgres" in temuan["dbms.kredensial_bawaan"][0]


def test_redis_answering_without_auth() -> None:
    layanan = asyncio.run(Putar(_transkrip("redis")).probe("redis"))
    assert layanan.produk == "Redis" and layanan.versi and layanan.versi[0].isdigit()
    temuan = _nilai_db(layanan)
    assert "tanpa AUTH" in temuan["dbms.tanpa_otentikasi"][0]
    assert f"redis_version:{layanan.versi}" in temuan["dbms.banner_versi"][0]


def test_the_evidence_never_names_a_path_without_its_origin_part() -> None:
    """Evidence names the path it came from (the issue: '``GET  -> 200``' with the path
    missing)."""
    for aplikasi in ("django-debug", "flask-aman", "php-aman"):
        for bukti in _temuan("otentikasi_sesi.login_http", _obs_sesi(aplikasi)):
            assert urlsplit(BASIS + LOGIN[aplikasi.split("-")[0]]).path in bukti
        for bukti in _temuan("lain_lain.header_keamanan", _obs_lain(aplikasi)):
            assert "GET / ->" in bukti


# --- Wagtail, a CMS (the bench extra) ---------------------------------------------------------

def _galat(aplikasi: str, *nama: str) -> ObservasiGalat:
    """The error-provoking observation as ``amati_galat`` records it, from recorded answers
    (an unknown path; the search query with a double quote, provoked through a parameter)."""
    jawaban = []
    for n in nama:
        halaman = direkam(aplikasi, n)
        jawaban.append(JawabanPancingan(pancingan="path acak" if n == "404" else
                                        "tanda kutip pada parameter 'query'",
                                        halaman=halaman, parameter=n != "404"))
    return ObservasiGalat(jawaban=jawaban)


def test_wagtails_debug_404_is_found_by_the_debug_judge_and_the_hardened_one_is_not() -> None:
    [bukti] = _temuan("input_error.mode_debug", _galat("wagtail-debug", "404"))
    assert bukti.startswith("Django DEBUG = True: GET /tidak-ada/ -> 404 (path acak)")
    assert rekaman("wagtail-aman", "404")["status"] == 404
    assert _temuan("input_error.mode_debug", _galat("wagtail-aman", "404")) == []


def test_wagtails_search_with_a_double_quote_shows_sqlites_error_when_debug() -> None:
    """The generated project's /search/ hands the query to SQLite's full-text search: a double
    quote is a syntax error there (500). In DEBUG, Django's page shows the exception and
    the traceback; the hardened project answers a bare 500 with nothing to recognise."""
    debug = rekaman("wagtail-debug", "500_kutip")
    assert (debug["path"], debug["status"]) == ("/search/?query=%22", 500)
    assert "OperationalError" in debug["body"]
    assert "SQLite" in galat_sql(debug["body"])
    assert [n for n, _ in galat_db(debug["body"])] == ["SQLite"]
    [jejak] = _temuan("input_error.jejak_galat", _galat("wagtail-debug", "500_kutip"))
    assert "traceback Python" in jejak and "GET /search/?query=%22 -> 500" in jejak
    aman = rekaman("wagtail-aman", "500_kutip")
    assert aman["status"] == 500
    assert galat_sql(aman["body"]) == {} and galat_db(aman["body"]) == []
    assert _temuan("input_error.jejak_galat", _galat("wagtail-aman", "500_kutip")) == []
    # a single quote is no error of that language: the page answers as for any word
    assert rekaman("wagtail-debug", "kutip_tunggal")["status"] == 200


def test_wagtails_login_cookie_and_start_page() -> None:
    """sessionid HttpOnly; SameSite=Lax without Secure, Django's headers; the login form
    carries its CSRF token; the Server header names the Python version (runserver)."""
    obs = _obs_sesi("wagtail-aman")
    assert _temuan("otentikasi_sesi.tanpa_csrf", obs) == []
    [secure] = _temuan("otentikasi_sesi.cookie_secure", obs)
    assert "cookie 'sessionid' dari POST /admin/login/" in secure
    assert _temuan("otentikasi_sesi.cookie_httponly", obs) == []
    assert _temuan("otentikasi_sesi.cookie_samesite", obs) == []
    lain = _obs_lain("wagtail-debug")
    assert _temuan("lain_lain.anti_clickjacking", lain) == []
    assert "WSGIServer/0.2 CPython/3." in _temuan("lain_lain.versi_terungkap", lain)[0]
