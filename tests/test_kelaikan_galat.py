"""Debug and error pages of the common stacks, provoked the way a tester provokes them
(issue 13): unknown paths, a parameter as an array, a quote after a number, a malformed
encoding. One observation (``tasks/kelaikan/input.amati_galat``), two pure judges
(``domain/kelaikan/pancingan``).

Each stack's vulnerable twin (``lpa.contoh_aplikasi_galat``) is found with its path named in
the evidence; each hardened twin answers plain 400/404 pages and yields nothing.
"""

from __future__ import annotations

import asyncio

import pytest
from kelaikan_bantu import cepat  # noqa: F401 - an autouse fixture

from domain.kelaikan import CEK, TargetUji
from domain.kelaikan.galat import kueri_terungkap, tanda_debug
from lpa.contoh_aplikasi_galat import TUMPUKAN, ContohGalat
from tasks.kelaikan.input import amati_galat
from tasks.kelaikan.jelajah import jelajahi_situs

DEBUG = {
    "werkzeug": "debugger/konsol Werkzeug", "django": "Django DEBUG = True",
    "laravel": "Laravel Ignition", "symfony": "Symfony (APP_DEBUG, halaman exception)",
    "spring": "Spring Boot (stack trace di halaman galat)",
    "aspnet": "ASP.NET (customErrors Off)", "express": "Express (NODE_ENV=development)",
    "rails": "Rails (mode development)",
}
"""The debug-page signature each stack's vulnerable twin must show."""


def _amati(app: ContohGalat) -> tuple[TargetUji, object]:
    target = TargetUji(url=app.url)
    halaman = asyncio.run(jelajahi_situs.fn(app.url))
    return target, asyncio.run(amati_galat.fn(target, halaman))


@pytest.mark.parametrize("tumpukan", TUMPUKAN)
def test_each_stack_debug_page_is_provoked_and_named(tumpukan: str) -> None:
    with ContohGalat(tumpukan, aman=False) as app:
        target, obs = _amati(app)
    debug = CEK["input_error.mode_debug"].nilai_temuan(obs, target)
    assert len(debug) == 1 and DEBUG[tumpukan] in debug[0].evidence, debug
    assert "/produk" in debug[0].evidence or "/lpa-" in debug[0].evidence  # the path, named
    assert debug[0].severity == ("tinggi" if tumpukan == "werkzeug" else "sedang")
    jejak = CEK["input_error.jejak_galat"].nilai_temuan(obs, target)
    assert jejak and jejak[0].severity == "sedang", jejak


@pytest.mark.parametrize("tumpukan", TUMPUKAN)
def test_each_stack_hardened_twin_shows_nothing(tumpukan: str) -> None:
    with ContohGalat(tumpukan, aman=True) as app:
        target, obs = _amati(app)
    for cid in ("input_error.mode_debug", "input_error.jejak_galat"):
        assert CEK[cid].nilai_temuan(obs, target) == [], cid


def test_the_provocations_a_tester_sends() -> None:
    with ContohGalat("spring", aman=False) as app:
        _, obs = _amati(app)
    pancingan = [j.pancingan for j in obs.jawaban]  # type: ignore[attr-defined]
    assert pancingan[:2] == ["path acak", "path acak .php"]
    assert "parameter 'id' sebagai larik" in pancingan
    assert "tanda kutip pada parameter angka 'id'" in pancingan
    assert "encoding rusak pada parameter 'id'" in pancingan
    assert len(pancingan) <= 2 + 4 + 2 * 3  # bounded


def test_a_database_error_shows_its_query_in_the_evidence() -> None:
    for tumpukan, kueri in (("laravel", "select * from `produk` where `id` = 7' limit 1"),
                            ("rails", 'SELECT "produk".* FROM "produk" WHERE "produk"."id" = '
                                      "$1 LIMIT $2")):
        with ContohGalat(tumpukan, aman=False) as app:
            target, obs = _amati(app)
        jejak = CEK["input_error.jejak_galat"].nilai_temuan(obs, target)[0].evidence
        assert f"kueri SQL {kueri!r}" in jejak, jejak
        assert "GET /produk?id" in jejak and "-> 500 (" in jejak  # the request, path named


# --- the recognisers, on pages as the real software writes them --------------------------------

def test_recorded_debug_pages_are_recognised() -> None:
    # excerpts of real pages: Django 4.2's technical 404, Spring Boot 3's Whitelabel page with
    # server.error.include-stacktrace=always, ASP.NET 4.8's yellow screen
    assert tanda_debug("<p>You&#x27;re seeing this error because you have <code>DEBUG = True"
                       "</code> in your Django settings file.") == [("Django DEBUG = True", False)]
    assert [n for n, _ in tanda_debug(
        "<h1>Whitelabel Error Page</h1><div>There was an unexpected error (type=Internal "
        "Server Error, status=500).</div><div>java.lang.NullPointerException\n\tat "
        "com.example.demo.Ctl.x(Ctl.java:12)")] == ["Spring Boot (stack trace di halaman galat)"]
    assert tanda_debug("<h1>Whitelabel Error Page</h1><div>Not Found</div>") == []
    assert [n for n, _ in tanda_debug("<b>Version Information:</b>&nbsp;Microsoft .NET "
                                      "Framework Version:4.0.30319")] == [
        "ASP.NET (customErrors Off)"]
    assert kueri_terungkap("SQLSTATE[HY000] (SQL: select * from users where id = 1')") == \
        "select * from users where id = 1'"
    assert kueri_terungkap("<pre>SQL: SELECT &quot;a&quot;.* FROM &quot;a&quot; LIMIT $1</pre>") \
        == 'SELECT "a".* FROM "a" LIMIT $1'
    assert kueri_terungkap("Pilih (select) salah satu layanan di bawah ini.") is None
    assert kueri_terungkap("Tidak ada data.") is None


# --- recognising the framework beyond the home page's markup ----------------------------------

@pytest.mark.parametrize(("tumpukan", "aman", "kerangka"), [
    ("express", False, "Express"),  # its 404 page: "Cannot GET /x"
    ("spring", False, "Spring"),  # its error page: the Whitelabel page
    ("django", False, "Django"),  # its technical 404
    ("spring", True, "Spring"),  # nothing on any page, but /actuator/health answers
])
def test_the_framework_is_recognised_from_error_pages_and_well_known_paths(
        tumpukan: str, aman: bool, kerangka: str) -> None:
    from tasks.kelaikan.lain import amati_lain

    with ContohGalat(tumpukan, aman=aman) as app:
        obs = asyncio.run(amati_lain.fn(app.url))
    assert kerangka in [k for k, _ in obs.kerangka], obs.kerangka
    assert CEK["lain_lain.framework_tidak_dikenali"].nilai_temuan(obs, None) == []


def test_an_application_that_shows_no_framework_anywhere_is_a_finding() -> None:
    from tasks.kelaikan.lain import amati_lain

    with ContohGalat("express", aman=True) as app:
        obs = asyncio.run(amati_lain.fn(app.url))
    temuan = CEK["lain_lain.framework_tidak_dikenali"].nilai_temuan(obs, None)
    assert temuan and "cookie, header, halaman galat dan path khas" in temuan[0].evidence


def test_framework_clues_in_recorded_responses() -> None:
    from domain.kelaikan.halaman import Halaman
    from domain.kelaikan.kerangka import kenali_kerangka

    def h(status: int, teks: str = "", headers: tuple[tuple[str, str], ...] = (),
          cookie: tuple[str, ...] = ()) -> Halaman:
        return Halaman(method="GET", url="http://a.example/x", status=status,
                       headers=list(headers), text=teks, set_cookie=list(cookie))

    assert [k for k, _ in kenali_kerangka([h(200, cookie=("ci_session=abc; path=/",))])] == [
        "CodeIgniter"]
    assert kenali_kerangka([h(200, headers=(("Server", "Werkzeug/3.0.1 Python/3.11.2"),))])[0] \
        == ("Flask", "header 'server: Werkzeug/3.0.1 Python/3.11.2' pada GET /x -> 200")
    # an error page's words count only on an error page
    assert kenali_kerangka([h(200, "<pre>Cannot GET /x</pre>")]) == []
    assert [k for k, _ in kenali_kerangka([h(404, "<pre>Cannot GET /x</pre>")])] == ["Express"]


# --- secrets in comments and scripts, in Indonesian as in English -------------------------------

def test_secrets_written_in_indonesian_are_recognised() -> None:
    from domain.kelaikan.rahasia import rahasia_komentar, rahasia_skrip

    assert rahasia_komentar("<!-- akun uji: admin / Admin#2019 -->") == ["pasangan akun/sandi"]
    assert rahasia_komentar("<!-- kredensial db: perizinan/P3rizinan2019! -->") == [
        "'kredensial' berisi nilai", "pasangan akun/sandi"]
    assert rahasia_komentar("<!-- sandi admin: Adm1n#2019 -->") == ["'sandi' berisi nilai"]
    assert rahasia_skrip("var c = {kataSandi: 'Rahasia#2019'};") == ["'kataSandi' berisi nilai"]
    # advice, code, links and what a browser must have are no secrets
    assert rahasia_komentar("<!-- kata sandi: minimal delapan karakter -->") == []
    assert rahasia_komentar("<!-- login / daftar di kanan atas -->") == []
    assert rahasia_komentar("<!-- password reset: https://a.go.id/reset -->") == []
    assert rahasia_skrip("var password = form.password.value; var t = {csrfToken: 'a1b2c3d4e5'};"
                         " var k = 'AIzaSyA1234567890abcdefghijklmnopqrstuv';") == []


def test_secrets_in_the_twins_comments_and_scripts() -> None:
    from kelaikan_bantu import jalankan_cek

    from lpa.contoh_aplikasi import ContohAplikasi

    bukti = {}
    for aman in (False, True):
        with ContohAplikasi(aman=aman) as app:
            target = TargetUji(url=app.url)
            halaman = asyncio.run(jelajahi_situs.fn(app.url))
            bukti[aman] = asyncio.run(jalankan_cek(
                ["input_error.komentar_rahasia"], target, {"jelajah": halaman}))[
                "input_error.komentar_rahasia"]
    teks = bukti[False][0].evidence
    assert "GET / -> 200: komentar HTML memuat 'password' berisi nilai" in teks
    assert "GET / -> 200: skrip memuat pasangan akun/sandi" in teks  # the inline script
    assert ("GET /js/formulir.js -> 200: skrip memuat pasangan akun/sandi, "
            "'kataSandiAdmin' berisi nilai (nilai disensor)") in teks
    assert "Adm1n" not in teks and "Operator#2023" not in teks
    assert bukti[True] == []
