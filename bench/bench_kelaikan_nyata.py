"""Benchmark of the feasibility test's security part against the fixture twins and real
applications, with wapiti3 side by side.

Targets (each started here, on loopback, stopped at the end):

* ``kembar-rentan`` / ``kembar-aman``: ``lpa.contoh_aplikasi`` (the vulnerable twin over HTTP,
  the hardened twin over HTTPS), with a database host (127.0.0.1: the local PostgreSQL,
  MariaDB and Redis);
* ``django-debug`` / ``django-aman``, ``flask-debug`` / ``flask-aman``, ``php-debug`` /
  ``php-aman``, ``wagtail-debug`` / ``wagtail-aman`` (a CMS; the ``bench`` extra): real,
  unmodified software in its debug and in its hardened configuration
  (tests/aplikasi_nyata/), each with the test account; no database host.

For each target: our flow (``flows.kelaikan.kelaikan``, stress off, on a real Prefect server)
— wall time, requests the target received (counted at the target: the twins' handler, or a
counting reverse proxy in front of a real application that both scanners talk to), the
highest number of requests in any one-second window (the rule: 10/s per target), findings per
category, and each finding judged by hand (:data:`PENILAIAN`: a real problem of that target,
or a false positive, with the reason; a finding not judged yet is printed as such). Then
wapiti3 (its own venv, offline modules, the same test account through the login form and the
page after login as a second start URL, :data:`HALAMAN_AKUN`; a guard proxy that refuses
anything off the target's origin; see bench/bench_kelaikan.py) on the same targets (HTTP
only: the guard proxy does not tunnel TLS, so not on ``kembar-aman``):
its findings mapped onto our check ids, and per target the check ids found by both, only by
us, only by wapiti; time; requests; and whether wapiti was logged in, verified at the target
(``bench_kelaikan.bukti_login``).

    .venv/bin/python -m bench.bench_kelaikan_nyata [--no-wapiti] [--hanya django-debug,...]
        [--wapiti-scan-time 150] [--json hasil.json]

Wall times are for whatever machine runs this (other work included): compare the rows of one
run. Every wait is bounded; the applications, proxies, Prefect server and wapiti are stopped
at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import aplikasi_nyata as an  # noqa: E402

from bench import bench_kelaikan as bk  # noqa: E402
from domain.kelaikan import TargetUji  # noqa: E402
from lpa import contoh_aplikasi  # noqa: E402

TUJUAN_DETIK = 60.0
"""The issue's bound for one application's security part."""
LAJU = 10
"""Requests per second per target, the rule."""
KEMBAR = ("kembar-rentan", "kembar-aman")
NYATA = tuple(f"{n}-{k}" for n in an.NAMA for k in ("debug", "aman"))
SEMUA = KEMBAR + NYATA

BENAR, SALAH = "benar", "salah"


def _semua(alasan: str, *ids: str) -> dict[str, tuple[str, str]]:
    return {cid: (BENAR, alasan) for cid in ids}


_DB_LOKAL = {
    "dbms.port_terjangkau": (BENAR, "the local MariaDB, PostgreSQL, Redis answer on 127.0.0.1"),
    "dbms.banner_versi": (BENAR, "MariaDB's greeting and PostgreSQL's server_version"),
    "dbms.tanpa_tls": (BENAR, "none of the three offers TLS here"),
    "dbms.kredensial_bawaan": (BENAR, "MariaDB root without a password over TCP (this machine)"),
    "dbms.tanpa_otentikasi": (BENAR, "Redis answers PING and INFO without AUTH"),
    "dbms.satu_host": (BENAR, "database and application on one host"),
}
_HTTP = {
    "otentikasi_sesi.tanpa_https": (BENAR, "served over plain HTTP"),
    "otentikasi_sesi.login_http": (BENAR, "the login form is sent over HTTP"),
    "lain_lain.header_keamanan": (BENAR, "the headers named are really missing"),
}
_FLASK = {
    **_HTTP,
    "validasi_data.tipe_dimanipulasi": (BENAR, "/hitung?n=<text> raises: 500, no validation"),
    "otentikasi_sesi.cookie_secure": (BENAR, "Flask's session cookie has no Secure"),
    "otentikasi_sesi.cookie_samesite": (BENAR, "Flask sets no SameSite by default"),
    "otentikasi_sesi.sesi_setelah_logout": (
        BENAR, "Flask's session is a signed client-side cookie: the old one still works"),
    "otentikasi_sesi.tanpa_csrf": (BENAR, "the login form has no token (the app adds none)"),
    "otentikasi_sesi.tanpa_penguncian": (BENAR, "nothing limits failed logins"),
    "otentikasi_sesi.cache_halaman_terotentikasi": (BENAR, "/akun has no Cache-Control"),
    "lain_lain.anti_clickjacking": (BENAR, "no X-Frame-Options, no frame-ancestors"),
    "lain_lain.versi_terungkap": (BENAR, "Server: Werkzeug/x Python/x"),
}
_PHP = {
    **_HTTP,
    "otentikasi_sesi.cookie_httponly": (BENAR, "PHP's default session.cookie_httponly=0"),
    "otentikasi_sesi.cookie_secure": (BENAR, "PHPSESSID without Secure"),
    "otentikasi_sesi.cookie_samesite": (BENAR, "PHPSESSID without SameSite"),
    "otentikasi_sesi.tanpa_csrf": (BENAR, "the login form has no token (the app adds none)"),
    "otentikasi_sesi.tanpa_penguncian": (BENAR, "nothing limits failed logins"),
    "lain_lain.anti_clickjacking": (BENAR, "no X-Frame-Options, no frame-ancestors"),
    "lain_lain.framework_tidak_dikenali": (
        BENAR, "plain PHP: there is no framework to recognise (informational)"),
    "validasi_data.tipe_dimanipulasi": (BENAR, "produk.php?id=<text> throws (no validation)"),
}
_DJANGO = {
    **_HTTP,
    "lain_lain.versi_terungkap": (BENAR, "Server: WSGIServer/0.2 CPython/3.x (runserver)"),
    "lain_lain.framework_tidak_dikenali": (
        SALAH, "Django: its admin at /admin/, csrftoken cookie, its error pages"),
    "otentikasi_sesi.cookie_secure": (BENAR, "sessionid/csrftoken without Secure"),
    "otentikasi_sesi.tanpa_penguncian": (BENAR, "Django's admin does not lock out"),
}
_WAGTAIL = {
    **_HTTP,
    "lain_lain.versi_terungkap": (BENAR, "Server: WSGIServer/0.2 CPython/3.x (runserver)"),
    "lain_lain.framework_tidak_dikenali": (
        SALAH, "Wagtail on Django: its admin says Wagtail, csrftoken cookie, Django's pages"),
    "otentikasi_sesi.cookie_secure": (BENAR, "sessionid (and csrftoken) without Secure"),
    "otentikasi_sesi.tanpa_penguncian": (
        BENAR, "Wagtail's admin login neither locks out nor slows down (Django's default)"),
}

PENILAIAN: dict[str, dict[str, tuple[str, str]]] = {
    "kembar-rentan": {
        **_semua("designed into the vulnerable twin (lpa/contoh_aplikasi.py)",
                 "struktur.berkas_cadangan", "struktur.env_terbuka", "struktur.vcs_terbuka",
                 "struktur.halaman_diagnostik", "struktur.listing_direktori",
                 "struktur.panel_admin", "struktur.manifest_dependensi",
                 "struktur.robots_tersembunyi", "validasi_data.batasan_form",
                 "validasi_data.pengalihan_terbuka", "validasi_data.tipe_dimanipulasi",
                 "validasi_data.masukan_panjang", "validasi_data.unggah_tanpa_batasan",
                 "otentikasi_sesi.login_http", "otentikasi_sesi.cookie_httponly",
                 "otentikasi_sesi.cookie_secure", "otentikasi_sesi.enumerasi_pengguna",
                 "otentikasi_sesi.fiksasi_sesi", "otentikasi_sesi.id_sesi_di_url",
                 "otentikasi_sesi.sesi_setelah_logout", "otentikasi_sesi.tanpa_csrf",
                 "otentikasi_sesi.tanpa_https", "otentikasi_sesi.tanpa_penguncian",
                 "otentikasi_sesi.cache_halaman_terotentikasi",
                 "otentikasi_sesi.cookie_samesite", "input_error.evaluasi_templat",
                 "input_error.galat_sql", "input_error.mode_debug",
                 "input_error.refleksi_canary", "input_error.injeksi_header",
                 "input_error.jejak_galat", "input_error.komentar_rahasia",
                 "dbms.dump_terbuka", "dbms.galat_db_web", "lain_lain.email_non_kedinasan",
                 "input_error.injeksi_sql_angka", "input_error.traversal_path",
                 "lain_lain.versi_eol", "lain_lain.anti_clickjacking",
                 "lain_lain.header_keamanan", "lain_lain.versi_terungkap"),
        **_DB_LOKAL,
        "lain_lain.framework_tidak_dikenali": (
            SALAH, "CodeIgniter: its composer.json and its error page name it"),
    },
    "kembar-aman": dict(_DB_LOKAL),
    "django-debug": {
        **_DJANGO,
        "input_error.mode_debug": (BENAR, "DEBUG = True: the technical 404 with the URLconf"),
    },
    "django-aman": dict(_DJANGO),
    "flask-debug": {
        **_FLASK,
        "input_error.mode_debug": (BENAR, "Werkzeug's interactive debugger and /console"),
        "input_error.refleksi_canary": (
            SALAH, "the marker comes back only inside the debugger page's closing HTML "
                   "comment, where Werkzeug turns -- into - (no way out of the comment)"),
        "input_error.jejak_galat": (BENAR, "the debugger's traceback with source lines"),
    },
    "flask-aman": dict(_FLASK),
    "php-debug": {
        **_PHP,
        "struktur.halaman_diagnostik": (BENAR, "phpinfo() at /info.php"),
        "lain_lain.versi_terungkap": (BENAR, "X-Powered-By: PHP/8.x"),
        "input_error.jejak_galat": (
            BENAR, "display_errors: 'Fatal error ... in /path/produk.php on line N'"),
    },
    "php-aman": dict(_PHP),
    "wagtail-debug": {
        **_WAGTAIL,
        "input_error.mode_debug": (
            BENAR, "situs.settings.dev (DEBUG = True): the technical 404 with the URL patterns"),
    },
    "wagtail-aman": dict(_WAGTAIL),
}
"""target -> check id -> (``benar`` | ``salah``, why), judged by hand from the evidence of the
runs written down in docs/kelaikan-ukuran.md. A check id of a target that is not here is
printed as "not judged"."""

PENILAIAN_WAPITI: dict[str, dict[str, tuple[str, str]]] = {
    nama: {"otentikasi_sesi.cookie_httponly": (
        SALAH, "the cookie is csrftoken, which Django leaves readable to scripts on purpose "
               "(CSRF_COOKIE_HTTPONLY = False): no session id; sessionid is HttpOnly")}
    for nama in ("django-debug", "django-aman", "wagtail-debug", "wagtail-aman")
}
"""What wapiti alone reported (mapped onto our check ids), judged by hand the same way."""
for _nama in ("wagtail-debug", "wagtail-aman"):
    PENILAIAN_WAPITI[_nama]["validasi_data.tipe_dimanipulasi"] = (
        BENAR, "500s in Wagtail's admin, logged in: /admin/documents/results/ and "
               "/admin/images/results/ searched (q) with the usage-count filter raise "
               "AttributeError 'Coalesce' object has no attribute 'target' (Wagtail 8.0.1 on "
               "its database search backend), and (wagtail-aman) /admin/pages/1/?q=\"> is "
               "SQLite's full-text syntax error, as /search/ is")

_KURANG_HTTP = {"otentikasi_sesi.tanpa_https", "otentikasi_sesi.login_http",
                "lain_lain.header_keamanan", "otentikasi_sesi.tanpa_penguncian",
                "otentikasi_sesi.cookie_secure"}
HARAPAN: dict[str, set[str]] = {
    "django-debug": _KURANG_HTTP | {"lain_lain.versi_terungkap", "input_error.mode_debug"},
    "django-aman": _KURANG_HTTP | {"lain_lain.versi_terungkap"},
    "flask-debug": set(_FLASK) | {"input_error.mode_debug", "input_error.jejak_galat"},
    "flask-aman": set(_FLASK),
    "php-debug": set(_PHP) | {"struktur.halaman_diagnostik", "lain_lain.versi_terungkap",
                              "input_error.jejak_galat"},
    "php-aman": set(_PHP),
    # /search/?query=" (SQLite's full-text query syntax: 500) is in both; debug shows it all
    "wagtail-debug": set(_WAGTAIL) - {"lain_lain.framework_tidak_dikenali"} | {
        "input_error.mode_debug", "input_error.jejak_galat", "input_error.galat_sql",
        "dbms.galat_db_web", "validasi_data.tipe_dimanipulasi"},
    "wagtail-aman": set(_WAGTAIL) - {"lain_lain.framework_tidak_dikenali"} | {
        "validasi_data.tipe_dimanipulasi"},
}
"""What a careful human tester reports on each real application in the first half hour
(check ids of ours), written from the applications as installed: the measure of what we
miss. Django's debug pages: the technical 404 with the URL patterns and the "install worked"
page; its admin login is found at /admin/ (no link leads there).

Wagtail (``wagtail start``, looked at with curl on loopback, 2026-12-06): the welcome page
links to /admin/ (Wagtail's login; Django's admin at /django-admin/ too); the login form has
its CSRF token, ``sessionid`` is HttpOnly and SameSite=Lax without Secure, no lockout, the
admin's pages ``Cache-Control: no-store``, Django's headers (X-Frame-Options DENY, nosniff,
Referrer-Policy; no CSP), ``Server: WSGIServer/0.2 CPython/3.x``. The generated project's
``/search/`` (not linked; listed in DEBUG's 404 among the URL patterns, and part of every
``wagtail start`` project) hands ``query`` to SQLite's full-text search: ``query="`` is a
syntax error of that query language, answered 500: with DEBUG, Django's page "OperationalError
at /search/ unterminated string" with the traceback and the SQL; hardened, a bare 500. A
single quote is no error. The real logout is a POST (``GET /admin/logout/`` answers 405)."""


# --- counting at the target ------------------------------------------------------------------

class PenghitungWaktu(bk.Penghitung):
    """Requests the target received, with the moment of each (for the per-second rate)."""

    def __init__(self) -> None:
        super().__init__()
        self.waktu: list[float] = []

    def tambah(self) -> None:
        with self._kunci:
            self.jumlah += 1
            self.waktu.append(time.monotonic())

    def puncak_per_detik(self, sejak: int = 0) -> int:
        """The most requests in any one-second window, from request number ``sejak`` on."""
        with self._kunci:
            return puncak_per_detik(self.waktu[sejak:])


def puncak_per_detik(waktu: list[float]) -> int:
    """The most moments of ``waktu`` (sorted) in any one-second window ``[t, t + 1)``; a
    millisecond of slack, so that slots 0.1 s apart count 10 in a second, not 11 by rounding."""
    puncak, awal = 0, 0
    for i, sekarang in enumerate(waktu):
        while sekarang - waktu[awal] >= 0.999:
            awal += 1
        puncak = max(puncak, i - awal + 1)
    return puncak


def catat_slot_laju() -> list[float]:
    """Record the moment of every slot our client's rate limiter hands out (the moment a
    request may be sent), by wrapping ``PembatasLaju.ambil_slot`` in this process.

    Counted at the target, a request is seen when the server gets round to it: a
    single-threaded server (PHP's) or a loaded machine queues requests and then reads several
    in one burst. The slots are when they were sent; that every request went through a slot
    shows as equal counts (slots, requests at the target)."""
    try:
        modul = importlib.import_module("tasks.kelaikan.klien")
    except ImportError:  # before the wing became a package
        modul = importlib.import_module("tasks.kelaikan_http")
    kelas = modul.PembatasLaju
    asli = kelas.ambil_slot
    slot: list[float] = []
    kunci = threading.Lock()

    def ambil_slot(self: Any) -> float:
        # every call passes here, one at a time: the slot just reserved is the limiter's
        # next one minus its spacing, exactly (a clock read after the call would be late by
        # however long this thread waited for the interpreter)
        with kunci:
            tunda = asli(self)
            slot.append(self._berikutnya - self.jeda)
        return tunda

    kelas.ambil_slot = ambil_slot
    return slot


def hitung_kembar(app: contoh_aplikasi.ContohAplikasi) -> PenghitungWaktu:
    """Count the requests the twin parses: bench_kelaikan's counter, with their moments."""
    penghitung = bk.pasang_penghitung(app)
    penghitung.__class__ = PenghitungWaktu
    penghitung.waktu = []
    return penghitung  # type: ignore[return-value]


class _PenanganBalik(bk._PenanganPenjaga):  # noqa: SLF001 - the guard's forwarding, reused
    """A reverse proxy: ``/path`` is forwarded to the application, the Host header kept."""

    server: ProksiHitung

    def _teruskan(self) -> None:
        if not self.path.startswith("/"):
            self.server.tolak(f"{self.command} {self.path}")
            self._jawab(403)
            return
        self.server.penghitung.tambah()
        host, port = self.server.tujuan
        self.path = f"http://{host}:{port}{self.path}"
        super()._teruskan()


class ProksiHitung(bk.Penjaga):
    """Counting reverse proxy on 127.0.0.1 in front of a real application."""

    def __init__(self, tujuan: tuple[str, int]) -> None:
        super().__init__(tujuan)
        self.RequestHandlerClass = _PenanganBalik
        self.penghitung = PenghitungWaktu()


# --- targets -------------------------------------------------------------------------------------

@dataclass
class Sasaran:
    nama: str
    url: str
    akun: tuple[str, str]
    login: str
    logout: str
    versi: str
    penghitung: PenghitungWaktu
    halaman_akun: str
    db_host: str | None = None
    catatan: list[str] = field(default_factory=list)


LOGOUT = {"django": "/admin/logout/", "flask": "/keluar", "php": "/keluar.php",
          "wagtail": "/admin/logout/"}
HALAMAN_AKUN = {"django": "/admin/", "flask": "/akun", "php": "/akun.php", "kembar": "/dasbor",
                "wagtail": "/admin/"}
"""The page each target's login leads to (without a session it sends to the login page):
wapiti's second start URL, and where its being logged in is verified."""
KECUALI_WAPITI = {"django": ("/admin/auth/user/*", "/admin/password_change/*", "*/delete/*"),
                  "wagtail": ("/admin/users/*", "/admin/account/*", "/admin/groups/*",
                              "/admin/sites/*", "*/add/*", "*/edit/*", "*/copy/*", "*/move/*",
                              "*/unpublish/*", "*/delete/*", "/django-admin/auth/user/*",
                              "/django-admin/password_change/*")}
"""What an operator keeps wapiti's crawler out of, besides the logout: it submits every form
it finds with filler values, and in Django's admin the test account is a superuser: in a
trial (2026-12-06) the crawl added, changed and deleted users, saved the account's own change
form, and from its 554th request on the admin sent it back to the login. Groups, the admin
index and the rest stay in.

Wagtail's admin is a CMS's: in a trial (2026-12-06, run E) with only users, account and
deletions excluded, the crawl unpublished the home page (``/admin/pages/3/unpublish/``), moved
it, saved the site record (``/admin/sites/edit/2/``), submitted the forms that add sites and
pages, copy pages and upload images and documents, and from then on ``/`` answered 404. Out,
then: users, groups, the account's own settings (name, e-mail, password), sites, and every
add, edit, copy, move, unpublish and delete action; and Django's user and password pages at
``/django-admin/`` (the login to Wagtail's admin opens Django's too). The page explorer, the
image and document listings, reports and search stay in."""


@contextmanager
def buka(nama: str) -> Iterator[Sasaran]:
    if nama in KEMBAR:
        akun = bk.AKUN
        with contoh_aplikasi.ContohAplikasi(aman=nama == "kembar-aman", akun=akun) as app:
            assert app.url is not None
            yield Sasaran(nama, app.url, akun, "/masuk", "/keluar", "lpa.contoh_aplikasi",
                          hitung_kembar(app), HALAMAN_AKUN["kembar"], db_host="127.0.0.1")
        return
    jenis, konfigurasi = nama.split("-")
    with an.PELUNCUR[jenis](debug=konfigurasi == "debug") as app:
        proksi = ProksiHitung(("127.0.0.1", app.port))
        benang = threading.Thread(target=proksi.serve_forever, kwargs={"poll_interval": 0.2},
                                  daemon=True)
        benang.start()
        try:
            yield Sasaran(nama, f"http://127.0.0.1:{proksi.server_address[1]}/", app.akun,
                          app.login, LOGOUT[jenis], app.versi, proksi.penghitung,
                          HALAMAN_AKUN[jenis])
        finally:
            proksi.shutdown()
            proksi.server_close()


# --- our flow ------------------------------------------------------------------------------------

def temuan(laporan: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [t | {"kategori": k["id"]} for k in (laporan or {}).get("categories", [])
            for t in k.get("findings", [])]


def jalankan_kami(s: Sasaran, slot: list[float]) -> dict[str, Any]:
    from flows.kelaikan import kelaikan

    target = TargetUji(url=s.url, username=s.akun[0], password=s.akun[1], db_host=s.db_host)
    awal, slot_awal = s.penghitung.jumlah, len(slot)
    mulai = time.perf_counter()
    state = asyncio.run(kelaikan(target, stress=False, return_state=True))
    dinding = time.perf_counter() - mulai
    laporan = state.result().model_dump(mode="json") if state.is_completed() else None
    slot_ini = sorted(slot[slot_awal:])
    hasil = {"dinding": dinding, "permintaan": s.penghitung.jumlah - awal,
             "puncak": s.penghitung.puncak_per_detik(awal), "slot": len(slot_ini),
             "puncak_slot": puncak_per_detik(slot_ini), "laporan": laporan,
             "state": state.type.value}
    print(f"[{datetime.now():%H:%M:%S}] lpa {s.nama}: {dinding:.1f} s, "
          f"{hasil['permintaan']} requests, {len(temuan(laporan))} findings", file=sys.stderr,
          flush=True)
    return hasil


# --- wapiti --------------------------------------------------------------------------------------

def jalankan_wapiti(wapiti: Path, s: Sasaran, kerja: Path, waktu_scan: float,
                    waktu_serangan: float) -> dict[str, Any]:
    """bench_kelaikan's wapiti run on ``s`` (guard proxy, its test account and login page)."""
    folder = kerja / f"wapiti-{s.nama}"
    folder.mkdir(parents=True, exist_ok=True)
    awal = s.penghitung.jumlah
    w = bk.jalankan_wapiti(wapiti, s.url, folder, s.penghitung, waktu_scan, waktu_serangan,
                           akun=s.akun, login=s.login, logout=s.logout,
                           halaman_akun=s.halaman_akun,
                           kecuali=KECUALI_WAPITI.get(s.nama.split("-")[0], ()))
    w.pop("cmd")  # it holds the test account's password
    w |= {"permintaan": s.penghitung.jumlah - awal,
          "puncak": s.penghitung.puncak_per_detik(awal), "log": str(w["log"])}
    print(f"[{datetime.now():%H:%M:%S}] wapiti {s.nama}: {w['dinding']:.1f} s, "
          f"{w['permintaan']} requests, exit {w['kode']}, logged in "
          f"{w['login']['masuk']} (to the end {w['login']['bertahan']})", file=sys.stderr,
          flush=True)
    return w


def id_wapiti(data: dict[str, Any]) -> tuple[set[str], list[dict[str, Any]]]:
    """Our check ids wapiti's findings map to, and its findings that map to none."""
    ids: set[str] = set()
    lain = []
    for r in bk.temuan_wapiti(data):
        if isinstance(r["peta"], tuple) and r["peta"] and r["peta"] != ("?",):
            ids |= set(r["peta"])
        else:
            lain.append(r)
    return ids, lain


# --- output --------------------------------------------------------------------------------------

def nilai(nama: str, cid: str) -> tuple[str, str]:
    return PENILAIAN.get(nama, {}).get(cid, ("?", "not judged yet"))


def cetak(hasil: dict[str, dict[str, Any]], versi_wapiti: str) -> None:
    tabel = bk.tabel
    kategori = ("struktur", "validasi_data", "otentikasi_sesi", "input_error", "dbms",
                "lain_lain")
    print(f"\nBenchmark uji kelaikan on real applications; {os.cpu_count()} cores, shared "
          f"machine, load average {os.getloadavg()[0]:.1f} at the end\n")
    print("1. Our flow (security part, stress off), per target\n")
    baris = []
    for nama, h in hasil.items():
        k = h["kami"]
        t = temuan(k["laporan"])
        ids = {x["check_id"] for x in t}
        salah = sorted(c for c in ids if nilai(nama, c)[0] == SALAH)
        belum = sorted(c for c in ids if nilai(nama, c)[0] == "?")
        per = [sum(x["kategori"] == kat for x in t) for kat in kategori]
        luput = sorted(HARAPAN.get(nama, set()) - ids)
        baris.append([nama, h["versi"], k["dinding"], k["permintaan"], k.get("slot"),
                      k.get("puncak_slot"), k["puncak"], *per, len(t), len(ids), len(salah),
                      len(belum), len(luput) if nama in HARAPAN else "-",
                      (k["laporan"] or {}).get("verdict", k["state"])])
    print(tabel(["target", "software", "wall s", "requests (at target)", "limiter slots",
                 "max slots in 1 s", "max arrivals in 1 s", *kategori, "findings",
                 "check ids", "false positive ids", "not judged", "missed (expected ids)",
                 "verdict"], baris))
    lambat = [n for n, h in hasil.items() if h["kami"]["dinding"] >= TUJUAN_DETIK]
    cepat = [n for n, h in hasil.items() if h["kami"].get("puncak_slot", 0) > LAJU
             or h["kami"].get("slot", 0) < h["kami"]["permintaan"]]
    print(f"\n  under {TUJUAN_DETIK:.0f} s each: "
          f"{'MET' if not lambat else 'NOT MET: ' + ', '.join(lambat)}"
          f"; at most {LAJU} requests sent in any second, every request through the "
          f"limiter: "
          f"{'MET' if not cepat else 'NOT MET: ' + ', '.join(cepat)}")
    print("\n  Each finding, judged by hand:\n")
    baris = []
    for nama, h in hasil.items():
        for x in temuan(h["kami"]["laporan"]):
            v, why = nilai(nama, x["check_id"])
            bukti = (x.get("evidence") or "").replace("\n", " ").replace("|", "/")[:90]
            baris.append([nama, x["check_id"], x["severity"], bukti, v, why])
    print(tabel(["target", "check id", "severity", "evidence (start)", "judged", "why"], baris))
    print("\n  Missed: what a careful tester finds in the first half hour (HARAPAN) and we did "
          "not report:\n")
    for nama, h in hasil.items():
        if nama in HARAPAN:
            ids = {x["check_id"] for x in temuan(h["kami"]["laporan"])}
            luput = sorted(HARAPAN[nama] - ids)
            print(f"  {nama}: {', '.join(luput) or 'nothing'}")
    w = {n: h["wapiti"] for n, h in hasil.items() if h.get("wapiti")}
    if not w:
        print("\n2. wapiti3: not run")
        return
    dari = ", ".join(sorted({hw["dari"] for hw in w.values() if hw.get("dari")}))
    print(f"\n2. wapiti {versi_wapiti} on the same targets"
          f"{f' (its run taken from {dari})' if dari else ''} (offline modules "
          f"{','.join(bk.MODUL_WAPITI)}; scope folder; test account via the login form)\n")
    baris = []
    for nama, hw in w.items():
        kami = {x["check_id"] for x in temuan(hasil[nama]["kami"]["laporan"])}
        mereka, lain = id_wapiti(hw["data"])
        baris.append([nama, hasil[nama]["kami"]["dinding"], hw["dinding"],
                      hasil[nama]["kami"]["permintaan"], hw["permintaan"], hw["puncak"],
                      len(kami), len(mereka), len(kami & mereka), len(kami - mereka),
                      len(mereka - kami), len(lain),
                      "timeout" if hw["kode"] is None else hw["kode"],
                      sum(hw["ditolak"].values())])
    print(tabel(["target", "lpa s", "wapiti s", "lpa requests", "wapiti requests",
                 "wapiti max req in 1 s", "lpa ids", "wapiti ids (mapped)", "both",
                 "only lpa", "only wapiti", "wapiti outside our checks", "wapiti exit",
                 "guard refused"], baris))
    print("\n  wapiti logged in? (at the target: its crawl stored the page after login with a "
          "200; the last time it asked for that page, 200; answers that sent it to the login "
          "page)\n")
    baris = []
    for nama, hw in w.items():
        b = hw.get("login")
        if not isinstance(b, dict):  # a run before the evidence was kept: wapiti's word only
            baris.append([nama, "-", "-", "-", "-", "-", "-", f"'Login success': {b}"])
            continue
        baris.append([nama, b["halaman"], ",".join(map(str, b["jelajah"])) or "not crawled",
                      b["halaman_200"], b["halaman_lain"],
                      f"{b['halaman_terakhir']} (request {b['halaman_terakhir_ke']})",
                      f"{b['ke_login']} (first: request {b['ke_login_pertama'] or '-'} of "
                      f"{b['permintaan']})", b["pesan_wapiti"] or "-"])
    print(tabel(["target", "page after login", "crawl stored it with", "its 200s",
                 "its other answers", "last answer", "sent to the login page",
                 "wapiti's own word"], baris))
    print("\n  Per target, check level:\n")
    for nama, hw in w.items():
        kami = {x["check_id"] for x in temuan(hasil[nama]["kami"]["laporan"])}
        mereka, lain = id_wapiti(hw["data"])
        print(f"  {nama}: both {sorted(kami & mereka) or '-'}; only wapiti "
              f"{sorted(mereka - kami) or '-'}; only lpa {sorted(kami - mereka) or '-'}")
        for cid in sorted(mereka - kami):
            v, why = PENILAIAN_WAPITI.get(nama, {}).get(cid, ("?", "not judged yet"))
            print(f"      only wapiti, judged: {cid}: {v} ({why})")
        for r in lain:
            print(f"      wapiti outside our checks: {r['kategori']} {r['method']} {r['path']} "
                  f"{r['parameter'] or ''} {r['info'][:80]}")


# --- main ----------------------------------------------------------------------------------------

def main() -> None:
    p = argparse.ArgumentParser(description="Benchmark uji kelaikan: real applications")
    p.add_argument("--no-wapiti", action="store_true")
    p.add_argument("--hanya", default=",".join(SEMUA),
                   help=f"comma-separated targets, of {','.join(SEMUA)}")
    p.add_argument("--wapiti-venv", type=Path,
                   default=Path.home() / ".cache" / "lpa-bench" / "wapiti-venv")
    p.add_argument("--wapiti-scan-time", type=float, default=150.0)
    p.add_argument("--wapiti-attack-time", type=float, default=20.0)
    p.add_argument("--json", type=Path, default=None, help="write the raw results here")
    p.add_argument("--wapiti-dari", type=Path, default=None,
                   help="take wapiti's side from an earlier run's --json instead of running "
                        "it again (wapiti's findings do not depend on our code)")
    p.add_argument("--cetak-dari", type=Path, default=None,
                   help="print the tables of an earlier run's --json (judged as now), run nothing")
    a = p.parse_args()
    if a.cetak_dari:
        hasil_lama = json.loads(a.cetak_dari.read_text())
        versi_lama = hasil_lama.pop("_wapiti_versi", "")
        cetak(hasil_lama, versi_lama)
        return
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    pilihan = [n for n in a.hanya.split(",") if n]
    if set(pilihan) - set(SEMUA):
        p.error(f"unknown targets: {sorted(set(pilihan) - set(SEMUA))}")
    kerja = Path(tempfile.mkdtemp(prefix="lpa-bench-nyata-"))
    lama: dict[str, Any] = json.loads(a.wapiti_dari.read_text()) if a.wapiti_dari else {}
    if a.no_wapiti or lama:
        wapiti, alasan = None, "--no-wapiti" if a.no_wapiti else f"from {a.wapiti_dari}"
    else:
        wapiti, alasan = bk.siapkan_wapiti(a.wapiti_venv)
    versi = bk.versi_wapiti(wapiti) if wapiti else lama.get("_wapiti_versi", "")
    if wapiti is None:
        print(f"wapiti: {alasan}", file=sys.stderr)
    prefect, api = bk.server_prefect(kerja / "prefect-home")
    slot = catat_slot_laju()
    hasil: dict[str, dict[str, Any]] = {}
    try:
        with temporary_settings(updates={PREFECT_API_URL: api,
                                         PREFECT_HOME: kerja / "prefect-home"}):
            for nama in pilihan:
                jenis = nama.split("-")[0]
                if nama in NYATA and an.tersedia(jenis):
                    print(f"skip {nama}: {an.tersedia(jenis)}", file=sys.stderr)
                    continue
                with buka(nama) as s:
                    h: dict[str, Any] = {"versi": s.versi, "kami": jalankan_kami(s, slot)}
                    if wapiti is not None and s.url.startswith("http://"):
                        h["wapiti"] = jalankan_wapiti(wapiti, s, kerja, a.wapiti_scan_time,
                                                      a.wapiti_attack_time)
                    elif lama.get(nama, {}).get("wapiti"):
                        h["wapiti"] = lama[nama]["wapiti"] | {"dari": str(a.wapiti_dari)}
                    hasil[nama] = h
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=15)
            EventsWorker.drain_all(timeout=15)
    finally:
        prefect.stop()
    cetak(hasil, versi)
    if a.json:
        a.json.write_text(json.dumps(hasil | {"_wapiti_versi": versi}, indent=1, default=str))
    print(f"\n  wapiti reports and logs kept in {kerja}" if wapiti else "")


if __name__ == "__main__":
    main()
