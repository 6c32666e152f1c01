"""Uji kelaikan, categories struktur, validasi_data and input_error.

Every check runs (as a plain task function) against the sample application's vulnerable twin,
where each must fire exactly once, and the hardened twin, where none may; both twins also in
soft-404 mode. A trap server that answers every path with 200 checks that a soft 404 is never
a finding. The detectors are tested on their own too. Only 127.0.0.1 is contacted.

The twins run here at a high request rate (the checks' logic does not depend on it); the
request counts are the same at the default 10 requests/s, which the whole-flow test of
tests/test_kelaikan.py uses.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import re
import tarfile
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import bantu
import pytest
from kelaikan_bantu import jalankan_cek

from domain.kelaikan import CEK, TargetUji, Temuan, cek_kategori, galat, masukan
from domain.kelaikan import pengalihan as aturan_pengalihan
from domain.kelaikan import struktur as aturan_struktur
from domain.kelaikan import unggah as aturan_unggah
from domain.kelaikan import validasi as aturan_validasi
from domain.kelaikan.berkas import nama_situs, tidak_ada
from domain.kelaikan.halaman import Formulir, Halaman, Isian
from lpa.contoh_aplikasi import ContohAplikasi
from tasks.kelaikan import input as input_error
from tasks.kelaikan import jelajah
from tasks.kelaikan import klien as kelaikan_http
from tasks.kelaikan.klien import PembatasLaju
from tasks.kelaikan.registri import PENGAMAT
from tasks.kelaikan.umum import PENANDA_UJI

KATEGORI_SAYA = ("struktur", "validasi_data", "input_error")
CEK_SAYA = [c.id for k in KATEGORI_SAYA for c in cek_kategori(k)]
RAHASIA_TWIN = ("P3rizinan2019!", "Adm1n#Perizinan2019", "rahasiasekali",
                "q9Zf1mF0c2VrcmV0a3VuY2lhcGxpa2FzaTIwMTk=")
"""Secret values the vulnerable twin exposes: no evidence may repeat them."""
SEVERITY_RENTAN = {c: CEK[c].severity for c in CEK_SAYA} | {"input_error.mode_debug": "tinggi"}
"""The vulnerable twin's Ignition can run commands: mode_debug raises itself to tinggi."""
BATAS_PERMINTAAN = 150


@pytest.fixture(scope="module")
def cepat() -> Iterator[None]:
    """A fast limiter for this module's direct task calls."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kelaikan_http, "pembatas_untuk",
                   lambda url, per_detik=kelaikan_http.LAJU_DEFAULT: PembatasLaju(2000))
        yield


CEK_STRUKTUR = [c.id for c in cek_kategori("struktur")]
DARI_GALAT = [c for c in cek_kategori("input_error") if c.amatan == "galat"]
"""Each category's probes, from the registry, in catalog order."""

async def _semua(url: str) -> dict[str, list[Temuan]]:
    """Every check of the three categories, as the flow runs them (each category its own
    observations: one crawl each for validasi_data and input_error)."""
    per_kategori = await asyncio.gather(*(
        jalankan_cek([c.id for c in cek_kategori(k)], TargetUji(url=url))
        for k in KATEGORI_SAYA))
    return {cid: temuan for hasil in per_kategori for cid, temuan in hasil.items()}


def _jalankan(app: ContohAplikasi) -> ContohAplikasi:
    assert app.url is not None
    sebelum = kelaikan_http.jumlah_permintaan(app.url)
    mulai = time.monotonic()
    app.hasil = asyncio.run(_semua(app.url))  # type: ignore[attr-defined]
    app.detik = time.monotonic() - mulai  # type: ignore[attr-defined]
    app.permintaan = kelaikan_http.jumlah_permintaan(app.url) - sebelum  # type: ignore
    return app


@pytest.fixture(scope="module", params=[False, True], ids=["404", "soft404"])
def rentan(request: pytest.FixtureRequest, cepat: None) -> Iterator[Any]:
    with ContohAplikasi(aman=False, soft_404=request.param) as app:
        yield _jalankan(app)


@pytest.fixture(scope="module", params=[False, True], ids=["404", "soft404"])
def aman(request: pytest.FixtureRequest, cepat: None) -> Iterator[Any]:
    with ContohAplikasi(aman=True, soft_404=request.param) as app:
        yield _jalankan(app)


# --- the catalog ----------------------------------------------------------------------------

def test_every_check_is_registered_with_its_observation() -> None:
    for kategori in ("struktur", "validasi_data", "input_error"):
        for c in cek_kategori(kategori):
            assert c.amatan in PENGAMAT and callable(c.nilai), c.id
    # the debug and error-page checks judge one observation, made even without the crawl
    assert {c.id for c in DARI_GALAT} == {"input_error.mode_debug", "input_error.jejak_galat"}
    for cid in CEK_SAYA:
        c = CEK[cid]
        assert re.fullmatch(r"WSTG-[A-Z]{4}-\d{2}", c.wstg) and re.fullmatch(r"CWE-\d+", c.cwe)
        assert c.severity in ("tinggi", "sedang", "rendah")
        assert c.judul and len(c.uraian) > 40 and len(c.rekomendasi) > 40
    assert len(CEK_SAYA) == 22


# --- both twins, both 404 modes --------------------------------------------------------------

@pytest.mark.parametrize("check_id", CEK_SAYA)
def test_check_fires_on_vulnerable_twin(rentan: Any, check_id: str) -> None:
    temuan = rentan.hasil[check_id]
    assert len(temuan) == 1, temuan
    t = temuan[0]
    assert (t.severity, t.wstg, t.cwe) == (SEVERITY_RENTAN[check_id], CEK[check_id].wstg,
                                          CEK[check_id].cwe)
    assert t.evidence and t.recommendation == CEK[check_id].rekomendasi
    assert not [r for r in RAHASIA_TWIN if r in t.evidence]


@pytest.mark.parametrize("check_id", CEK_SAYA)
def test_check_silent_on_hardened_twin(aman: Any, check_id: str) -> None:
    assert aman.hasil[check_id] == []


def test_vulnerable_twin_evidence_is_specific(rentan: Any) -> None:
    bukti = {k: v[0].evidence for k, v in rentan.hasil.items()}
    assert "GET /.git/HEAD -> 200" in bukti["struktur.vcs_terbuka"]
    assert "DB_PASSWORD" in bukti["struktur.env_terbuka"]
    assert "/uploads/" in bukti["struktur.listing_direktori"]
    cadangan = bukti["struktur.berkas_cadangan"]
    for potongan in ("GET /index.php.bak -> 200 (kode sumber", "GET /config.php~",
                     "GET /backup.zip -> 200 (arsip ZIP", "GET /backup.sql -> 200 (dump SQL"):
        assert potongan in cadangan
    assert "GET /phpinfo.php -> 200: keluaran phpinfo() (PHP 5.4.16)" in \
        bukti["struktur.halaman_diagnostik"]
    assert "GET /phpmyadmin/ -> 200: phpMyAdmin (halaman login)" in bukti["struktur.panel_admin"]
    assert "GET /server-status -> 200: status Apache" in bukti["struktur.panel_admin"]
    assert "codeigniter/framework 3.1.9" in bukti["struktur.manifest_dependensi"]
    robots = bukti["struktur.robots_tersembunyi"]
    assert "GET /admin-lama/ -> 200" in robots and "GET /cadangan/ -> 403" in robots
    assert "GET /uji-coba/ -> 200" in robots

    form = bukti["validasi_data.batasan_form"]
    assert form.startswith("POST /permohonan: ")
    for potongan in ("'nama' (required) dikosongkan", "'nama' diisi 150 karakter",
                     "'nik' = 'UJI-KELAIKAN-LPA' tidak cocok dengan pattern",
                     "'email' (type=email)"):
        assert potongan in form
    assert "'keperluan' diisi 10000 karakter" in bukti["validasi_data.masukan_panjang"]
    assert "GET /izin id=UJI-KELAIKAN-LPA" in bukti["validasi_data.tipe_dimanipulasi"]
    assert "Unknown column" in bukti["validasi_data.tipe_dimanipulasi"]
    pengalihan = bukti["validasi_data.pengalihan_terbuka"]
    assert "GET /bahasa?kembali=https://lpa-uji-pengalihan.invalid/" in pengalihan
    assert "(tidak diikuti)" in pengalihan
    assert "isian berkas 'berkas' tanpa atribut accept" in \
        bukti["validasi_data.unggah_tanpa_batasan"]

    assert "GET /cari parameter 'q'" in bukti["input_error.refleksi_canary"]
    assert "GET /izin parameter 'id'" in bukti["input_error.galat_sql"]
    assert "You have an error in your SQL syntax" in bukti["input_error.galat_sql"]
    assert "GET /pratinjau parameter 'judul'" in bukti["input_error.evaluasi_templat"]
    sisipan = bukti["input_error.injeksi_header"]
    assert re.search(r"GET /bahasa parameter 'kembali' = '/%0D%0AX-Lpa-Uji-[0-9a-f]{12}: lpa'"
                     r" -> 302: header sisipan muncul di jawaban: 'X-Lpa-Uji-[0-9a-f]{12}: "
                     r"lpa'", sisipan), sisipan
    assert "Laravel Ignition (dapat menjalankan perintah)" in bukti["input_error.mode_debug"]
    # named with the request that provoked it: an unknown path (404) or, on the soft-404
    # twin, the parameter sent as an array
    assert re.search(r"GET /(?:lpa-[0-9a-f]{12}/ -> 404 \(path acak\)|izin\?id%5B%5D=3 -> 500 "
                     r"\(parameter 'id' sebagai larik\))(?: \(dan \d+ jawaban lain\))?: error "
                     r"PHP, stack trace PHP, path server", bukti["input_error.jejak_galat"])
    assert "GET / -> 200: komentar HTML memuat 'password' berisi nilai" in \
        bukti["input_error.komentar_rahasia"]


def test_soft_404_changes_no_struktur_evidence(cepat: None) -> None:
    hasil = {}
    for soft in (False, True):
        with ContohAplikasi(aman=False, soft_404=soft) as app:
            assert app.url is not None
            amatan: dict[str, Any] = {}
            temuan = asyncio.run(jalankan_cek(CEK_STRUKTUR, TargetUji(url=app.url), amatan))
            assert (amatan["dasar_struktur"].pembanding.berkas.status == 200) is soft
            port = str(app.port)
            hasil[soft] = {cid: [t.evidence.replace(port, "PORT") for t in daftar]
                           for cid, daftar in temuan.items()}
    assert hasil[True] == hasil[False]


def test_submissions_are_labelled_and_hardened_twin_stores_none(rentan: Any, aman: Any) -> None:
    assert rentan.permohonan
    assert all(PENANDA_UJI in "".join(p.values()) for p in rentan.permohonan)
    assert aman.permohonan == []


def test_request_budget_on_vulnerable_twin(rentan: Any) -> None:
    print(f"\nstruktur+validasi_data+input_error, twin rentan: {rentan.permintaan} permintaan "
          f"HTTP, {rentan.detik:.2f} s pada laju uji")
    assert rentan.permintaan <= BATAS_PERMINTAAN


# --- a trap: every path answers 200 -------------------------------------------------------------

class _Jebakan(bantu.Penangan):
    """A soft-404 site of the nastiest kind: 200 for every path, the path's last segment in
    the title, the whole path in the body, robots.txt and .env answered with the same page.
    Only the start page differs."""


    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        segmen = path.rstrip("/").rsplit("/", 1)[-1] or "beranda"
        if path == "/":
            isi = ('<html><head><title>Portal</title></head><body><a href="/berita?id=1">b</a>'
                   '<form method="post" action="/kirim"><input name="nama" required '
                   'maxlength="20"></form></body></html>')
        else:
            isi = (f"<html><head><title>{segmen} - tidak ditemukan</title></head><body>"
                   f"<h1>Halaman {path} tidak ditemukan</h1><p>Disallow: /admin/</p>"
                   "<p>Coba cari di beranda.</p></body></html>")
        data = isi.encode()
        self.kirim(200, data, "text/html; charset=utf-8")

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()



def test_soft_404_trap_yields_no_struktur_or_debug_finding(cepat: None) -> None:
    with bantu.server_web(_Jebakan) as url:
        temuan = asyncio.run(jalankan_cek(CEK_STRUKTUR, TargetUji(url=url)))
        assert temuan == {cid: [] for cid in CEK_STRUKTUR}
        halaman = asyncio.run(jelajah.jelajahi_situs.fn(url))
        galat = asyncio.run(input_error.amati_galat.fn(TargetUji(url=url), halaman))
        for c in DARI_GALAT:
            assert c.nilai_temuan(galat, None) == [], c.id
        masukan = ["input_error.evaluasi_templat", "input_error.galat_sql"]
        assert asyncio.run(jalankan_cek(masukan, TargetUji(url=url), {"jelajah": halaman})) \
            == {cid: [] for cid in masukan}
        validasi = ["validasi_data.pengalihan_terbuka", "validasi_data.tipe_dimanipulasi"]
        assert asyncio.run(jalankan_cek(validasi, TargetUji(url=url), {"jelajah": halaman})) \
            == {cid: [] for cid in validasi}


# --- one check that hangs does not take the others down -----------------------------------------

class _Lambat(bantu.Penangan):


    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/phpinfo.php"):
            time.sleep(8)
        data = b"<html><head><title>Situs</title></head><body>halo</body></html>"
        self.kirim(404 if self.path != "/" else 200, data)



def test_a_hanging_probe_marks_only_its_check(
    prefect_api: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    from flows.kelaikan import uji_kategori

    # 3 s: generous for every other probe even while Prefect keeps the event loop busy
    monkeypatch.setattr(kelaikan_http, "BATAS_WAKTU_PERMINTAAN", 3.0)
    with bantu.server_web(_Lambat) as dasar:
        hasil = asyncio.run(uji_kategori("struktur", TargetUji(url=dasar)))
    APILogWorker.drain_all(timeout=15)
    EventsWorker.drain_all(timeout=15)
    assert hasil.status == "tidak_diuji"
    assert hasil.reason == "struktur.halaman_diagnostik: melewati batas waktu"
    assert set(hasil.checks_run) == set(CEK_STRUKTUR) - {"struktur.halaman_diagnostik"}


# --- the detectors ----------------------------------------------------------------------------

def _halaman(teks: str, path: str = "/x", status: int = 200,
             jenis: str = "text/html") -> Halaman:
    return Halaman(method="GET", url=f"http://127.0.0.1{path}", status=status,
                   headers=[("content-type", jenis)], text=teks)


def _teks(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def test_backup_content_is_recognised_and_html_is_not() -> None:
    zip_ = io.BytesIO()
    with zipfile.ZipFile(zip_, "w") as z:
        z.writestr("a.txt", "a")
    tar_ = io.BytesIO()
    with tarfile.open(fileobj=tar_, mode="w") as t:
        info = tarfile.TarInfo("a.txt")
        info.size = 1
        t.addfile(info, io.BytesIO(b"a"))
    jenis = aturan_struktur.jenis_cadangan
    assert jenis(_teks(zip_.getvalue())) == "arsip ZIP"
    assert jenis(_teks(gzip.compress(b"isi"))) == "arsip gzip"
    assert jenis(_teks(tar_.getvalue())) == "arsip tar"
    assert jenis("b0VIM 8.2\x00\x00") == "berkas swap vim"
    assert jenis("-- MySQL dump 10.13\nCREATE TABLE `a` (id int);") == "dump SQL"
    assert jenis("<?php\n$db = 'x';") == "kode sumber"
    assert jenis("<html><body><pre>CREATE TABLE contoh</pre></body></html>") is None
    assert jenis("Not Found") is None


def test_site_names_for_archives() -> None:
    assert nama_situs("https://perizinan.babelprov.go.id/app/") == [
        "perizinan", "babelprov", "app"]
    assert nama_situs("https://www.babelprov.go.id/") == ["babelprov"]
    assert nama_situs("http://127.0.0.1:8080/") == []


def test_config_secrets_env_json_yaml_htpasswd() -> None:
    rahasia = aturan_struktur.rahasia_konfigurasi
    assert rahasia(".env", "APP_ENV=prod\nDB_PASSWORD=abc123\nAPI_KEY=\n") == (
        "kunci rahasia berisi nilai", ["DB_PASSWORD"])
    assert rahasia("appsettings.json", '{"ConnectionStrings": {"Default": "Server=db;User '
                   'Id=sa;Password=Rahasia1;"}, "Logging": {"Level": "Info"}}') == (
        "kunci rahasia berisi nilai", ["ConnectionStrings.Default"])
    assert rahasia("config.yml", "db:\n  host: x\n  password: s3cret!\n") == (
        "kunci rahasia berisi nilai", ["db.password"])
    assert rahasia(".htpasswd", "admin:$apr1$abc$0123456789abcdefghij\n") == (
        "hash kata sandi", ["1 akun"])
    assert rahasia(".env", "<!DOCTYPE html><html>DB_PASSWORD=x\nA=b</html>") is None
    assert rahasia("config.json", '{"name": "portal", "password": ""}') is None
    bom = "a: &a [1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
    assert rahasia("config.yml", bom) is None  # an alias bomb stays cheap


def test_dependency_manifests_recognised_only_when_valid() -> None:
    paket = aturan_struktur.paket_manifest
    assert paket("composer.json", '{"require": {"laravel/framework": "^8.0"}}') == [
        "laravel/framework ^8.0"]
    assert paket("package.json", '{"name": "a", "version": "1.0.0"}') == []
    assert paket("package-lock.json", '{"lockfileVersion": 3, "packages": {"": {}, '
                 '"node_modules/lodash": {"version": "4.17.20"}}}') == ["lodash 4.17.20"]
    assert paket("requirements.txt", "Django==3.2.1\nrequests>=2.0\n# komentar\n") == [
        "Django==3.2.1", "requests>=2.0"]
    assert paket("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n"
                 "    rails (6.1.4)\n") == ["rails 6.1.4"]
    assert paket("yarn.lock", '# yarn lockfile v1\n\nlodash@^4.17.0:\n  version "4.17.21"\n'
                 ) == ["lodash 4.17.21"]
    assert paket("pom.xml", "<project><dependencies><dependency><artifactId>spring-core"
                 "</artifactId><version>5.3.1</version></dependency></dependencies></project>"
                 ) == ["spring-core 5.3.1"]
    assert paket("requirements.txt", "Halaman tidak ditemukan") is None
    assert paket("composer.json", "<html><body>404</body></html>") is None
    assert paket("package.json", '{"error": "not found"}') is None


def test_robots_and_sensitive_paths() -> None:
    assert aturan_struktur.baca_robots("User-agent: *\nDisallow: /admin/\nDisallow: /*.pdf$\n"
                                    "Allow: /publik\nSitemap: https://x/s.xml\n") == (
        ["/admin/", "/publik"], ["https://x/s.xml"])
    assert aturan_struktur.baca_robots("<html><body>Disallow: /x</body></html>") is None
    assert aturan_struktur.path_sensitif("/admin-lama/") and aturan_struktur.path_sensitif("/db/")
    assert not aturan_struktur.path_sensitif("/blog/katalog") and \
        not aturan_struktur.path_sensitif("/dasbor")


def test_soft_404_with_own_title_is_a_real_page() -> None:
    tata = "<html><head><title>{}</title></head><body>" + "<nav>menu</nav>" * 40 + \
        "<p>{}</p></body></html>"
    berkas = _halaman(tata.format("Tidak ditemukan", "Halaman /.lpa-abc tidak ada"),
                      "/.lpa-abc")
    folder = _halaman(tata.format("Tidak ditemukan", "Halaman /lpa-abc/ tidak ada"),
                      "/lpa-abc/")
    pembanding = kelaikan_http.Pembanding(token="abc", berkas=berkas, folder=folder)
    nyata = _halaman(tata.format("Uji coba", "Formulir uji coba"), "/uji-coba/")
    palsu = _halaman(tata.format("Tidak ditemukan", "Halaman /admin/ tidak ada"), "/admin/")
    assert pembanding.mirip_tidak_ada(nyata)  # the shared rule alone is fooled ...
    assert not tidak_ada(nyata, pembanding)  # ... the title tells them apart
    assert tidak_ada(palsu, pembanding)


def test_form_probes_break_one_constraint_each() -> None:
    form = Formulir(action="/k", method="post", isian=[
        Isian(nama="nama", tag="input", wajib=True, maxlength=10),
        Isian(nama="nip", tag="input", pattern=r"\d{18}"),
        Isian(nama="surel", tag="input", jenis="email"),
        Isian(nama="catatan", tag="textarea"),
    ])
    probe = aturan_validasi.uji_formulir(form)
    assert [(n, len(v)) for n, v, _ in probe] == [("nama", 0), ("nama", 60), ("nip", 16),
                                                  ("surel", 16)]
    assert aturan_validasi.isian_panjang(form).nama == "catatan"  # type: ignore[union-attr]


def test_redirect_and_upload_detectors() -> None:
    assert masukan.nilai_pengalihan("/dasbor") and masukan.nilai_pengalihan("//x")
    assert not masukan.nilai_pengalihan("izin usaha")
    assert aturan_unggah.masalah_accept(None) == "tanpa atribut accept"
    assert "*/*" in (aturan_unggah.masalah_accept("*/*") or "")
    assert ".php" in (aturan_unggah.masalah_accept(".jpg,.php") or "")
    assert ".svg" in (aturan_unggah.masalah_accept("image/png,.svg") or "")
    assert aturan_unggah.masalah_accept(".pdf,.jpg,image/png") is None
    assert aturan_unggah.isian_berkas('<form action="/u" method="post"><input type="file" '
                                      'name="b" accept=".pdf"></form>') == [
        ("/u", "post", "b", ".pdf")]


def test_sql_error_signatures_and_baseline() -> None:
    for teks in ("You have an error in your SQL syntax; check the manual",
                 "SQLSTATE[42000]: Syntax error", "ORA-01756: quoted string not properly",
                 "Unclosed quotation mark after the character string ''.",
                 'PG::SyntaxError: ERROR:  unterminated quoted string at or near "\'"',
                 "sqlite3.OperationalError: near \"x\": syntax error"):
        assert galat.galat_sql(teks), teks
    assert galat.galat_sql("Hasil pencarian untuk: SQL syntax tutorial") == {}
    dasar = _halaman("SQLSTATE[HY000] koneksi gagal")
    assert masukan.galat_baru(_halaman("SQLSTATE[HY000] koneksi gagal"), dasar) is None
    assert masukan.galat_baru(_halaman("ok", status=502), dasar) == "HTTP 502"


def test_template_reflection_vs_evaluation() -> None:
    from domain.kelaikan.kiriman import dievaluasi, muatan_templat

    penanda, muatan, hasil = muatan_templat()
    assert hasil not in muatan
    assert not dievaluasi(f"<p>{muatan}</p>", penanda, hasil)
    assert dievaluasi(f"<p>{penanda}a{hasil}b</p>", penanda, hasil)
    assert not dievaluasi(f"<p>{hasil}</p><p>{penanda}</p>", penanda, hasil)


def test_debug_and_error_page_signatures() -> None:
    assert galat.tanda_debug("You're seeing this error because you have <code>DEBUG = "
                                 "True</code> in your Django settings") == [
        ("Django DEBUG = True", False)]
    assert galat.tanda_debug('<script src="?__debugger__=yes&amp;cmd=resource&amp;f='
                                 'debugger.js">') == [("debugger/konsol Werkzeug", True)]
    assert galat.tanda_debug("Whoops, looks like something went wrong.") == []
    assert galat.tanda_debug("ignition of the engine") == []
    jejak, versi = galat.jejak_galat(
        "<hr><address>Apache/2.4.41 (Ubuntu) Server at x Port 80</address>")
    assert (jejak, versi) == ([], ["Apache/2.4.41 (Ubuntu)"])
    jejak, _ = galat.jejak_galat('Traceback (most recent call last):\n  File "/srv/www/'
                                     'app.py", line 3')
    assert [n for n, _ in jejak] == ["traceback Python", "path server"]
    jejak, _ = galat.jejak_galat(r"at Foo.Bar() in C:\inetpub\wwwroot\a.cs:line 12")
    assert "path server" in [n for n, _ in jejak]


def test_secrets_in_html_comments() -> None:
    rahasia = galat.rahasia_komentar
    assert rahasia("<!-- db: mysql://app:Rahasia99@10.0.0.5/app -->") == [
        "string koneksi berkredensial"]
    assert rahasia("<!-- api_key=AIzaSyA1234567890abcdefghijklmnopqrstuv -->") == [
        "'api_key' berisi nilai", "kunci Google API"]
    assert rahasia("<!-- kata sandi: minimal delapan karakter -->") == []
    assert rahasia("<!-- password: {{ env('DB_PASS') }} -->") == []
    assert rahasia("<!--[if lt IE 9]><script>token=abc123456</script><![endif]-->") == []
    assert rahasia("<p>password: Rahasia#1</p>") == []  # not in a comment


def test_crawl_is_bounded_and_avoids_logout(cepat: None) -> None:
    class Situs(bantu.Penangan):

        diminta: list[str] = []

        def do_GET(self) -> None:  # noqa: N802
            Situs.diminta.append(self.path)
            n = int(re.sub(r"\D", "", self.path) or 0)
            tautan = "".join(f'<a href="/h{n * 10 + i}">x</a>' for i in range(1, 6))
            data = (f'<html><body>{tautan}<a href="/keluar">Keluar</a><a href="/logo.png">'
                    f'l</a><a href="http://example.invalid/">luar</a></body></html>').encode()
            self.kirim(200, data)


    with bantu.server_web(Situs) as dasar:
        halaman = asyncio.run(jelajah.jelajahi_situs.fn(dasar))
    assert len(Situs.diminta) == jelajah.MAKS_HALAMAN == len(halaman)
    assert not [p for p in Situs.diminta if "keluar" in p or p.endswith(".png")]
    assert max(len(re.sub(r"\D", "", p)) for p in Situs.diminta) <= jelajah.MAKS_KEDALAMAN



# --- header injection and redirects: raw heads, browser reading of Location --------------------

def test_raw_head_parsing_is_tolerant_and_strict_about_header_lines() -> None:
    urai = kelaikan_http.urai_kepala
    k = urai(b"HTTP/1.1 302 Found\r\nLocation: /\r\nX-Lpa-Uji-ab: lpa\r\n\r\nbody")
    assert k.status == 302 and k.ada("x-lpa-uji-ab") == "X-Lpa-Uji-ab: lpa"
    assert urai(b"HTTP/1.0 200 OK\nA: 1\nX-Lpa-Uji-ab:lpa\n\n").ada("X-Lpa-Uji-ab")  # bare LF
    # inside another header's value, folded, after the head, or mangled: no header of its own
    assert urai(b"HTTP/1.1 302 x\r\nLocation: / X-Lpa-Uji-ab: lpa\r\n\r\n").ada(
        "X-Lpa-Uji-ab") is None
    assert urai(b"HTTP/1.1 302 x\r\nLocation: /\r\n X-Lpa-Uji-ab: lpa\r\n\r\n").ada(
        "X-Lpa-Uji-ab") is None
    assert urai(b"HTTP/1.1 200 x\r\n\r\nX-Lpa-Uji-ab: lpa\r\n").ada("X-Lpa-Uji-ab") is None
    assert urai(b"HTTP/1.1 302 x\r\nLocation: /\rX-Lpa-Uji-ab: lpa\r\n\r\n").ada(
        "X-Lpa-Uji-ab") is None  # a bare CR ends no line
    rusak = urai(b"HTTP/1.1 302 x\r\nbukan header\r\n\xff\xfe: \x00\r\nB: 2\r\n\r\n")
    assert rusak.headers == [("B", "2")]
    assert urai(b"SSH-2.0-OpenSSH_9\r\n").status is None


def test_browser_reading_of_location_for_open_redirects() -> None:
    dasar = "http://127.0.0.1:8080/bahasa?x=1"
    host = aturan_pengalihan.host_tujuan
    assert host(dasar, "//evil.invalid/a") == "evil.invalid"
    assert host(dasar, "/\\evil.invalid/a") == "evil.invalid"
    assert host(dasar, "\\\\evil.invalid") == "evil.invalid"
    assert host(dasar, " /\t/evil.invalid") == "evil.invalid"
    assert host(dasar, "https://evil.invalid") == "evil.invalid"
    assert host(dasar, "/dasbor") == "127.0.0.1"
    assert host(dasar, "javascript://evil.invalid") is None
    bentuk = aturan_pengalihan.muatan_pengalihan("abc")
    assert [m.split(aturan_pengalihan.HOST_LUAR)[0] for m in bentuk] == ["https://", "//", "/\\"]


class _Pengalih(BaseHTTPRequestHandler):
    """Redirects to ``kembali`` after a guard that only refuses absolute URLs (``//`` and
    ``/\\`` slip through); answers ``/gema`` with the raw value folded into one header, and
    ``/rusak`` with an injected header on a head httpx refuses (a line without a colon)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        from urllib.parse import parse_qs, quote, urlsplit

        bagian = urlsplit(self.path)
        nilai = (parse_qs(bagian.query).get("kembali") or ["/"])[0]
        if bagian.path == "/":
            isi = (b'<html><body><a href="/pergi?kembali=%2F">a</a><a href="/gema?kembali=%2F">'
                   b'b</a><a href="/rusak?kembali=%2F">c</a></body></html>')
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                             b"Content-Length: " + str(len(isi)).encode() + b"\r\n\r\n" + isi)
            return
        if bagian.path == "/pergi":
            tujuan = nilai if not nilai.startswith(("http:", "https:")) else "/"
            aman = quote(tujuan, safe="/:?=&%\\")
            kepala = f"Location: {aman}\r\n"
        elif bagian.path == "/gema":
            kepala = f"Location: {' '.join(nilai.splitlines())}\r\n"
        else:
            kepala = f"Location: {nilai}\r\nbaris tanpa titik dua\r\n"
        self.wfile.write(f"HTTP/1.1 302 Found\r\n{kepala}Content-Length: 0\r\n\r\n"
                         .encode("latin-1"))

    def log_message(self, *args: Any) -> None:
        pass


def test_header_injection_on_a_malformed_head_and_protocol_relative_redirects(
    cepat: None,
) -> None:
    with bantu.server_web(_Pengalih) as url:
        halaman = asyncio.run(jelajah.jelajahi_situs.fn(url))
        sebelum = kelaikan_http.jumlah_permintaan(url)
        sisipan = asyncio.run(jalankan_cek(["input_error.injeksi_header"], TargetUji(url=url),
                                           {"jelajah": halaman}))["input_error.injeksi_header"]
        assert kelaikan_http.jumlah_permintaan(url) - sebelum == 3  # one probe per parameter
        cid = "validasi_data.pengalihan_terbuka"
        pengalihan = asyncio.run(jalankan_cek([cid], TargetUji(url=url), {"jelajah": halaman}))[cid]
    assert len(sisipan) == 1
    assert "GET /rusak parameter 'kembali'" in sisipan[0].evidence
    assert "/gema" not in sisipan[0].evidence and "/pergi" not in sisipan[0].evidence
    assert len(pengalihan) == 1
    bukti = pengalihan[0].evidence
    assert "GET /pergi?kembali=//lpa-uji-pengalihan.invalid/" in bukti
    assert "GET /rusak?kembali=https://lpa-uji-pengalihan.invalid/" in bukti


def test_raw_head_request_is_scoped(cepat: None) -> None:
    async def luar() -> None:
        async with kelaikan_http.KlienUji("http://127.0.0.1:9/") as klien:
            await klien.kepala_mentah("http://127.0.0.2:9/x")

    with pytest.raises(kelaikan_http.DiluarCakupan):
        asyncio.run(luar())


def test_every_finding_names_where_it_came_from(rentan: Any) -> None:
    # never "GET  -> 200" with the path missing (issue 13)
    for cid, temuan in rentan.hasil.items():
        for t in temuan:
            assert re.search(r"(?:GET|POST) /|\(di /|\bdi /", t.evidence), (cid, t.evidence)
