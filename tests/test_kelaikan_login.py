"""Finding the login the way a tester does (issue 13): links and buttons in Indonesian or
English, redirects from protected paths, the login locations of the recognised CMS; found
once and shared by every check that needs it; never off scope.

The twins (``lpa.contoh_aplikasi``) hide their login four ways (``login=``): the vulnerable
twin's session findings appear whichever way, the hardened twin's never do.
"""

from __future__ import annotations

import asyncio
from http.server import BaseHTTPRequestHandler

import bantu
import httpx
import pytest
from kelaikan_bantu import Umpan, cepat, jalankan_cek  # noqa: F401 - cepat: autouse

from domain.kelaikan import CEK, TargetUji
from domain.kelaikan.halaman import urai
from domain.kelaikan.login import lokasi_login, tautan_login
from lpa.contoh_aplikasi import PATH_LOGIN, ContohAplikasi
from tasks.kelaikan.sesi import amati_sesi

AKUN = ("penguji", "Penguji#2024")
BERSESI = ("otentikasi_sesi.fiksasi_sesi", "otentikasi_sesi.sesi_setelah_logout",
           "otentikasi_sesi.cache_halaman_terotentikasi")


# --- the rules, on recorded pages ------------------------------------------------------------

def test_login_links_and_buttons_in_both_languages() -> None:
    isi = urai("""<nav><a href="/berita">Berita</a> <a href="/daftar">Daftar akun</a>
        <a href="/keluar">Keluar</a> <a href="/x/y">Log in</a>
        <button onclick="location.href='/portal/akses'">Sign in</button>
        <a href="/auth/sso">Portal</a> <a href="/css/login.css">gaya</a>
        <form action="/akses" method="get"><button>Masuk</button></form></nav>""")
    assert tautan_login(isi) == [("/x/y", "Log in"), ("/portal/akses", "Sign in"),
                                 ("/akses", "Masuk"), ("/auth/sso", "Portal")]


def test_login_locations_of_the_recognised_framework_come_first() -> None:
    assert lokasi_login(["WordPress"])[:2] == ["wp-login.php", "login"]
    assert lokasi_login(["Django"])[:2] == ["admin/login/", "accounts/login/"]
    assert lokasi_login([])[0] == "login"


# --- on the twins ----------------------------------------------------------------------------

@pytest.mark.parametrize("cara", sorted(PATH_LOGIN))
def test_the_login_is_found_however_it_is_hidden(cara: str) -> None:
    hasil = {}
    for aman in (False, True):
        with ContohAplikasi(aman=aman, login=cara, akun=AKUN) as app:
            target = TargetUji(url=app.url, username=AKUN[0], password=AKUN[1])
            obs = asyncio.run(amati_sesi.fn(target))
            assert obs.login is not None, obs.alasan_login
            assert obs.login.url.split("?")[0].endswith(PATH_LOGIN[cara])
            assert obs.login_berhasil and obs.auth_terlindungi, obs.alasan_login
            hasil[aman] = {cid: CEK[cid].nilai_temuan(obs, target) for cid in BERSESI}
    # vulnerable: fixation and the session after logout, whichever way the login hid
    assert hasil[False]["otentikasi_sesi.fiksasi_sesi"]
    assert hasil[False]["otentikasi_sesi.sesi_setelah_logout"]
    assert hasil[False]["otentikasi_sesi.cache_halaman_terotentikasi"]
    assert not any(hasil[True].values()), hasil[True]


def test_how_the_login_was_found_is_evidence() -> None:
    with ContohAplikasi(aman=False, login="tombol") as app:
        obs = asyncio.run(amati_sesi.fn(TargetUji(url=app.url)))
    assert obs.login is not None
    assert obs.login.cara == "tautan/tombol 'Sign in' di / -> /portal/akses"
    assert obs.alasan_login == "akun uji tidak diberikan"
    with ContohAplikasi(aman=False, login="lokasi") as app:
        obs = asyncio.run(amati_sesi.fn(TargetUji(url=app.url)))
    assert obs.login is not None and obs.login.cara == "lokasi login WordPress /wp-login.php"
    with ContohAplikasi(aman=False, login="jelajah") as app:
        obs = asyncio.run(amati_sesi.fn(TargetUji(url=app.url)))
    assert obs.login is not None
    assert obs.login.cara == "formulir login di /ruang-kerja (hasil penjelajahan halaman)"


def test_the_failed_login_probes_use_the_login_found_once() -> None:
    with ContohAplikasi(aman=False, login="pengalihan", akun=AKUN) as app:
        target = TargetUji(url=app.url, username=AKUN[0], password=AKUN[1])
        obs = asyncio.run(amati_sesi.fn(target))
        hasil = asyncio.run(jalankan_cek(
            ["otentikasi_sesi.enumerasi_pengguna", "otentikasi_sesi.tanpa_penguncian"], target,
            {"sesi": obs}))
    enumerasi = hasil["otentikasi_sesi.enumerasi_pengguna"]
    kunci = hasil["otentikasi_sesi.tanpa_penguncian"]
    assert "Nama pengguna tidak terdaftar" in enumerasi[0].evidence
    # the lockout check fails the test account's own login, then the right password works
    assert kunci[0].evidence.startswith(
        "6 percobaan login gagal berturut-turut untuk akun uji 'penguji' ke POST /portal/akses")
    assert kunci[0].evidence.endswith(
        "sesudahnya kata sandi yang benar langsung diterima (POST /portal/akses)")
    # the cookie flags are judged on the cookie set at login too, and say so
    httponly = CEK["otentikasi_sesi.cookie_httponly"].nilai_temuan(obs, target)[0].evidence
    assert "POST /portal/akses (saat login)" in httponly


# --- never off scope --------------------------------------------------------------------------

def _menuju_umpan(umpan: Umpan) -> type[BaseHTTPRequestHandler]:
    class _Penangan(bantu.Penangan):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            if self.path == "/":
                data = (f'<a href="{umpan.url}/masuk">Masuk</a> <a href="{umpan.url}/login">'
                        f'Login</a> <button onclick="location.href=\'{umpan.url}/akses\'">'
                        "Sign in</button>").encode()
                self.kirim(200, data)
                return
            # every protected path and login location sends the visitor to the decoy
            self.send_response(302)
            self.send_header("Location", f"{umpan.url}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()


    return _Penangan


def test_the_login_search_never_leaves_the_scope() -> None:
    with Umpan() as umpan, bantu.server_web(_menuju_umpan(umpan)) as url:
        obs = asyncio.run(amati_sesi.fn(TargetUji(url=url, username="a", password="b")))
        assert umpan.tersentuh == 0, umpan.permintaan
        httpx.get(url + "admin/", follow_redirects=True, trust_env=False, timeout=5)
        assert umpan.permintaan == ["GET /admin/ HTTP/1.1"]  # the decoy is listening
    assert obs.login is None
    assert obs.alasan_login is not None and "formulir login tidak ditemukan" in obs.alasan_login


def test_a_login_form_is_one_password_and_few_typed_fields() -> None:
    """A long form that also asks for a password (the portal's feasibility-test request
    carries the test account's) or a registration is no login: the lockout check would
    otherwise send it failed "logins" and report a missing lockout (found in CI by
    tests/test_portal_kelaikan.py)."""
    login = urai('<form method="post" action="/masuk"><input type="hidden" name="csrf">'
                 '<input name="email" type="email"><input name="sandi" type="password">'
                 '<input type="checkbox" name="ingat"><button>Masuk</button></form>')
    daftar = urai('<form method="post"><input name="nama"><input name="sandi" type="password">'
                  '<input name="ulang" type="password"></form>')
    panjang = urai('<form method="post">' + "".join(
        f'<input name="isian{i}">' for i in range(12)) +
        '<textarea name="uraian"></textarea><input name="akun_uji.password" type="password">'
        '</form>')
    assert [f.adalah_login for f in login.formulir] == [True]
    assert [f.adalah_login for f in daftar.formulir] == [False]
    assert [f.adalah_login for f in panjang.formulir] == [False]
    assert panjang.formulir[0].ada_sandi  # still a password form (sent over HTTP: a finding)
