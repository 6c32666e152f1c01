"""Benchmark of the security part of the feasibility test, against the peer scanner wapiti.

In one run, against one vulnerable twin (``ContohAplikasi(aman=False)``, HTTP on 127.0.0.1,
with the test account) and one database host on this machine (PostgreSQL 127.0.0.1:5432, or
MariaDB 127.0.0.1:3306 when PostgreSQL does not answer):

1. **concurrent** (the headline): the ``kelaikan`` flow (stress=False), six category
   subflows started together, on a real Prefect server; first flow run of this process, so
   its cold start counts. Wall time (around the call), requests received by the twin,
   requests our client counted (``tasks.kelaikan.klien.jumlah_permintaan``), and per category
   the subflow run's start offset and duration from the server's start/end times;
2. **sequential**: a flow of this module (``bench-kelaikan-berurutan``) that does what
   ``kelaikan`` does but awaits the same six subflows one after another;
3. **concurrent again** (warm): ``kelaikan`` once more; the ratio concurrent/sequential is
   given for both concurrent runs. Every request of ours waits for the per-target rate
   limit (``LAJU_DEFAULT`` requests/s), so requests ÷ rate is a floor under every run;
4. **wapiti3** (PyPI), in its own virtual environment (``--wapiti-venv``, created with
   ``python3 -m venv`` + ``pip install wapiti3`` when missing), against the same twin:
   offline modules only (:data:`MODUL_WAPITI`; never ssrf, xxe, wapp, nikto, log4shell,
   takeover, htp, ssl, which reach outside hosts; ``--dns-endpoint 127.0.0.1`` because
   wapiti loads every module and log4shell resolves its DNS endpoint on load), scope
   folder, the same test account (login form; the page after login, ``/dasbor``, as a second
   start URL; whether it was logged in is checked at the twin), bounded by ``--max-scan-time``,
   ``--max-attack-time`` and a subprocess timeout, JSON report, no crash reports
   (``--no-bugreport``), no update. It talks to the twin only through a
   guard proxy of this module that forwards requests for the twin's origin and refuses
   everything else (refusals are counted and printed). Wapiti's findings are mapped onto
   our check ids (:data:`PETA_WAPITI`), side by side with ours; a wapiti finding in the six
   categories that we did not report is printed as a gap.

The twin itself keeps no request count: this module counts the requests it parses by
swapping in a counting subclass of its handler. Wall times are for whatever machine runs
this (other work included): compare the rows of one run, not runs on different machines.

    .venv/bin/python -m bench.bench_kelaikan [--no-wapiti] [--wapiti-scan-time 420]

The Prefect server runs in a temporary PREFECT_HOME (SQLite, analytics and UI off) and is
stopped at the end with the twin, the proxy and wapiti; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from prefect import flow  # noqa: E402

from domain.kelaikan import (  # noqa: E402
    CEK,
    KATEGORI_KEAMANAN,
    LaporanKelaikan,
    TargetUji,
    kategori_tidak_diuji,
)
from flows.kelaikan import kelaikan, uji_kategori  # noqa: E402
from lpa import contoh_aplikasi, server  # noqa: E402
from tasks.kelaikan import klien as kelaikan_http  # noqa: E402
from tasks.kelaikan import umum as cek  # noqa: E402
from tasks.kelaikan.artefak import terbitkan_artefak  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AKUN = ("penguji", "BenchRahasia-2026!")
TUJUAN_DETIK = 60.0
"""The issue's goal for one complete six-category test."""
DB_KANDIDAT = (("127.0.0.1", 5432, "PostgreSQL"), ("127.0.0.1", 3306, "MariaDB"))

MODUL_WAPITI = ("backup", "buster", "cookieflags", "crlf", "csp", "csrf", "exec", "file",
                "htaccess", "http_headers", "https_redirect", "methods", "permanentxss",
                "redirect", "sql", "timesql", "upload", "xss")
"""Wapiti modules relevant to the six categories that only talk to the target."""
MODUL_TERLARANG = frozenset({"ssrf", "xxe", "wapp", "nikto", "log4shell", "takeover", "htp",
                             "ssl", "wp_enum", "cms"})
"""Modules that fetch data or call hosts outside the target (wapp/nikto/htp/cms download
databases, ssrf/xxe/log4shell use wapiti's endpoints, ssl asks crt.sh, takeover asks DNS)."""

LUAR = "outside"
"""Marks a wapiti category that belongs to none of the six categories."""
PETA_WAPITI: dict[str, tuple[str, ...] | str] = {
    "Backup file": ("struktur.berkas_cadangan",),
    "HttpOnly Flag cookie": ("otentikasi_sesi.cookie_httponly",),
    "Secure Flag cookie": ("otentikasi_sesi.cookie_secure",),
    "Content Security Policy Configuration": ("lain_lain.header_keamanan",),
    "Clickjacking Protection": ("lain_lain.anti_clickjacking",),
    "MIME Type Confusion": ("lain_lain.header_keamanan",),
    # on plain HTTP our tanpa_hsts defers to tanpa_https (HSTS means nothing over HTTP)
    "HTTP Strict Transport Security (HSTS)": ("otentikasi_sesi.tanpa_https",),
    "Unencrypted Channels": ("otentikasi_sesi.tanpa_https",),
    "Cross Site Request Forgery": ("otentikasi_sesi.tanpa_csrf",),
    "Open Redirect": ("validasi_data.pengalihan_terbuka",),
    "Reflected Cross Site Scripting": ("input_error.refleksi_canary",),
    "HTML Injection": ("input_error.refleksi_canary",),
    "SQL Injection": ("input_error.galat_sql",),
    "CRLF Injection": ("input_error.injeksi_header",),
    "Blind SQL Injection": ("input_error.galat_sql",),
    "Internal Server Error": ("validasi_data.tipe_dimanipulasi",),
    "Unrestricted File Upload": ("validasi_data.unggah_tanpa_batasan",),
    "Path Traversal": ("input_error.traversal_path",),
    "Fingerprint web technology": ("lain_lain.versi_terungkap",),
    "Fingerprint web application framework": ("lain_lain.versi_terungkap",),
    "Fingerprint web server": ("lain_lain.versi_terungkap",),
    "Vulnerable software": ("lain_lain.versi_eol",),
    # in the six categories, but no check of ours: found means a gap
    "Stored Cross Site Scripting": (),
    "Stored HTML Injection": (),
    "Command execution": (),
    "Htaccess Bypass": (),
    "XPATH Injection": (),
    "LDAP Injection": (),
    # none of the six categories
    "HTTP Methods": LUAR,
    "Resource consumption": LUAR,
    "Weak credentials": LUAR,
    "TLS/SSL misconfigurations": LUAR,
    "Server Side Request Forgery": LUAR,
    "XML External Entity": LUAR,
    "Log4Shell": LUAR,
    "Spring4Shell": LUAR,
    "Subdomain takeover": LUAR,
    "Potentially dangerous file": LUAR,
}
PETA_PATH_BUSTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(^|/)\.(git|svn|hg)(/|$)", ("struktur.vcs_terbuka",)),
    (r"(^|/)\.env|\.htpasswd$|(^|/)config\.(json|ya?ml)$", ("struktur.env_terbuka",)),
    (r"\.sql$", ("struktur.berkas_cadangan", "dbms.dump_terbuka")),
    (r"\.(bak|old|swp|zip|tar|gz|tgz|rar|7z)$|~$", ("struktur.berkas_cadangan",)),
    (r"(php_?info|info|test|i)\.php$", ("struktur.halaman_diagnostik",)),
    (r"phpmyadmin|(^|/)pma/|adminer|server-(status|info)|manager/html",
     ("struktur.panel_admin",)),
    (r"(composer\.(json|lock)|package(-lock)?\.json|yarn\.lock|requirements\.txt|"
     r"Gemfile\.lock|pom\.xml)$", ("struktur.manifest_dependensi",)),
    (r"(robots\.txt|sitemap\.xml)$", ("struktur.robots_tersembunyi",)),
    (r"_ignition|_profiler|telescope|(^|/)console$", ("input_error.mode_debug",)),
    (r"(readme|changelog)(\.txt|\.md)?$", ("lain_lain.versi_terungkap",)),
    (r"(^|/)uploads/?$", ("struktur.listing_direktori",)),
)
"""Buster reports every path that exists; what each known path means in our checks."""


# --- the twin's request counter ---------------------------------------------------------------

class Penghitung:
    """Requests the twin has parsed, whoever sent them."""

    def __init__(self) -> None:
        self.jumlah = 0
        self._kunci = threading.Lock()

    def tambah(self) -> None:
        with self._kunci:
            self.jumlah += 1


def pasang_penghitung(app: contoh_aplikasi.ContohAplikasi) -> Penghitung:
    """Swap a counting subclass of the twin's handler into its running server."""
    penghitung = Penghitung()
    server_twin = app._server  # noqa: SLF001 - the benchmark's own instrumentation
    asli = server_twin.RequestHandlerClass

    class Dihitung(asli):  # type: ignore[misc, valid-type]
        def parse_request(self) -> bool:
            ok = super().parse_request()
            if ok:
                penghitung.tambah()
            return ok

    server_twin.RequestHandlerClass = Dihitung
    return penghitung


# --- guard proxy: wapiti reaches the twin's origin and nothing else ------------------------

HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te",
       "trailer", "transfer-encoding", "upgrade"}


class Penjaga(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tujuan: tuple[str, int]) -> None:
        super().__init__(("127.0.0.1", 0), _PenanganPenjaga)
        self.tujuan = tujuan
        self.ditolak: dict[str, int] = {}
        self.jawaban: list[tuple[str, str, int, str]] = []
        """Every forwarded request: method, path?query, status, Location (for the login
        evidence: which pages answered 200, which sent the scanner to the login page)."""
        self._kunci = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # wapiti hanging up mid-answer is not a finding

    def tolak(self, apa: str) -> None:
        with self._kunci:
            self.ditolak[apa] = self.ditolak.get(apa, 0) + 1

    def catat(self, method: str, path: str, status: int, lokasi: str) -> None:
        with self._kunci:
            self.jawaban.append((method, path, status, lokasi))


class _PenanganPenjaga(BaseHTTPRequestHandler):
    server: Penjaga
    protocol_version = "HTTP/1.1"
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def __getattr__(self, nama: str) -> Callable[[], None]:
        # every method, also the uncommon ones wapiti's methods/htaccess modules send
        if nama.startswith("do_"):
            return self._teruskan
        raise AttributeError(nama)

    def _jawab(self, status: int) -> None:
        self.send_response_only(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _teruskan(self) -> None:
        bagian = urlsplit(self.path)
        host, port = self.server.tujuan
        if self.command == "CONNECT" or bagian.scheme != "http" or \
                (bagian.hostname, bagian.port) != (host, port):
            self.server.tolak(f"{self.command} {self.path}")
            self._jawab(403)
            return
        panjang = min(int(self.headers.get("Content-Length") or 0), 10_000_000)
        badan = self.rfile.read(panjang) if panjang else None
        koneksi = http.client.HTTPConnection(host, port, timeout=20)
        try:
            koneksi.putrequest(self.command, urlunsplit(("", "", bagian.path or "/",
                                                         bagian.query, "")),
                               skip_host=True, skip_accept_encoding=True)
            for nama, nilai in self.headers.items():
                if nama.lower() not in HOP | {"content-length"}:
                    koneksi.putheader(nama, nilai)
            if badan is not None:
                koneksi.putheader("Content-Length", str(len(badan)))
            koneksi.endheaders(badan)
            jawaban = koneksi.getresponse()
            data = jawaban.read()
        except (OSError, http.client.HTTPException):
            self._jawab(502)
            return
        finally:
            koneksi.close()
        self.server.catat(self.command, urlunsplit(("", "", bagian.path or "/", bagian.query, "")),
                          jawaban.status, jawaban.getheader("Location") or "")
        self.send_response_only(jawaban.status, jawaban.reason)
        for nama, nilai in jawaban.getheaders():
            if nama.lower() not in HOP | {"content-length"}:
                self.send_header(nama, nilai)
        panjang_jawaban = jawaban.getheader("Content-Length") if self.command == "HEAD" else None
        self.send_header("Content-Length", panjang_jawaban or str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


# --- our runs ---------------------------------------------------------------------------------

@flow(name="bench-kelaikan-berurutan", flow_run_name="berurutan · {target.url}")
async def kelaikan_berurutan(target: TargetUji) -> dict[str, Any]:
    """What ``flows.kelaikan.kelaikan`` does, but the six subflows awaited one after another."""
    mulai = datetime.now(UTC)
    await cek.periksa_target(target.url)
    kategori = []
    for kid in KATEGORI_KEAMANAN:
        try:
            kategori.append(await uji_kategori(kid, target))
        except Exception as exc:  # noqa: BLE001 - as kelaikan does
            kategori.append(kategori_tidak_diuji(kid, f"subflow gagal: {cek.alasan_galat(exc)}"))
    laporan = LaporanKelaikan.susun(target, mulai, datetime.now(UTC), kategori)
    laporan = laporan.tanpa_rahasia(target.rahasia())
    await terbitkan_artefak(laporan)
    return laporan.model_dump(mode="json")


def _detik(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() if a and b else None


async def _waktu_server(flow_run_id: Any) -> dict[str, Any]:
    """The parent run's and each category subflow run's start/end, from the server."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    async with get_client() as klien:
        induk = await klien.read_flow_run(flow_run_id)
        anak = await klien.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])), limit=50)
    per_kategori = {}
    for run in anak:
        kid = run.name.split(" · ")[0]
        per_kategori[kid] = {"mulai": _detik(induk.start_time, run.start_time),
                             "durasi": _detik(run.start_time, run.end_time),
                             "state": run.state_type.value if run.state_type else "?"}
    return {"durasi": _detik(induk.start_time, induk.end_time), "kategori": per_kategori,
            "state": induk.state_type.value if induk.state_type else "?"}


def jalankan_kami(nama: str, panggil: Callable[[], Awaitable[Any]], url: str,
                  penghitung: Penghitung) -> dict[str, Any]:
    """One run of ours: wall time, the twin's and our client's request counts, server times."""
    twin0, klien0 = penghitung.jumlah, kelaikan_http.jumlah_permintaan(url)
    mulai = time.perf_counter()
    state = asyncio.run(panggil())
    dinding = time.perf_counter() - mulai
    hasil: dict[str, Any] = {
        "nama": nama, "dinding": dinding, "twin": penghitung.jumlah - twin0,
        "klien": kelaikan_http.jumlah_permintaan(url) - klien0,
    }
    laporan = state.result() if state.is_completed() else None
    if isinstance(laporan, LaporanKelaikan):  # the kelaikan flow returns the typed report
        laporan = laporan.model_dump(mode="json")
    hasil["laporan"] = laporan
    hasil["server"] = asyncio.run(_waktu_server(state.state_details.flow_run_id))
    print(f"[{datetime.now():%H:%M:%S}] {nama}: {dinding:.1f} s, {hasil['twin']} requests, "
          f"state {hasil['server']['state']}", file=sys.stderr, flush=True)
    return hasil


def temuan_kami(laporan: dict[str, Any] | None) -> dict[str, list[str]]:
    """check id -> evidence of our findings in ``laporan.json``."""
    hasil: dict[str, list[str]] = {}
    for kategori in (laporan or {}).get("categories", []):
        for t in kategori.get("findings", []):
            hasil.setdefault(t["check_id"], []).append(t.get("evidence", ""))
    return hasil


# --- wapiti -----------------------------------------------------------------------------------

def siapkan_wapiti(venv: Path, batas: float = 900) -> tuple[Path | None, str]:
    """The wapiti executable in its own venv (created when missing), or None and why."""
    wapiti = venv / "bin" / "wapiti"
    if wapiti.exists():
        return wapiti, "present"
    python3 = shutil.which("python3")
    if python3 is None:
        return None, "python3 not found to create the wapiti venv"
    venv.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([python3, "-m", "venv", str(venv)], check=True, timeout=120,
                       capture_output=True)
        pasang = subprocess.run([str(venv / "bin" / "pip"), "install", "wapiti3"],
                                timeout=batas, capture_output=True, text=True)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"creating the wapiti venv failed: {exc}"
    if pasang.returncode != 0 or not wapiti.exists():
        ekor = (pasang.stderr or pasang.stdout).strip().splitlines()[-1:] or ["?"]
        return None, f"pip install wapiti3 failed: {ekor[0][:200]}"
    return wapiti, "installed now"


def versi_wapiti(wapiti: Path) -> str:
    try:
        keluar = subprocess.run([str(wapiti), "--version"], capture_output=True, text=True,
                                timeout=60).stdout
    except subprocess.SubprocessError:
        return "?"
    return (keluar.strip().splitlines() or ["?"])[-1]


def jalankan_wapiti(wapiti: Path, url: str, kerja: Path, penghitung: Penghitung,
                    waktu_scan: float, waktu_serangan: float, akun: tuple[str, str] = AKUN,
                    login: str = "/masuk", logout: str = "/keluar",
                    halaman_akun: str | None = "/dasbor",
                    kecuali: tuple[str, ...] = ()) -> dict[str, Any]:
    """wapiti on ``url`` through the guard proxy, logged in with ``akun`` at ``login``
    (``logout`` and the ``kecuali`` paths, wildcards allowed, excluded); report, log and
    session in ``kerja``.

    ``halaman_akun`` is the page the login leads to: given to wapiti as a start URL, since
    its crawl starts from ``url`` only and does not queue the page its login landed on (on
    none of the bench's targets does a link lead there). The result's ``login`` is the
    evidence that wapiti was logged in, taken at the target (:func:`bukti_login`): wapiti's
    own "Login success" is no measure, it looks for English or French sign-out words
    ("log out", "déconnexion") on the page after login, and an Indonesian page says
    "Keluar"."""
    assert not set(MODUL_WAPITI) & MODUL_TERLARANG
    bagian = urlsplit(url)

    def alamat(path: str) -> str:
        return urlunsplit((bagian.scheme, bagian.netloc, path, "", ""))
    penjaga = Penjaga((bagian.hostname or "127.0.0.1", bagian.port or 80))
    threading.Thread(target=penjaga.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True).start()
    laporan = kerja / "wapiti.json"
    cmd = [str(wapiti), "-u", url, "--scope", "folder", "-m", ",".join(MODUL_WAPITI),
           "-p", f"http://127.0.0.1:{penjaga.server_address[1]}/",
           # wapiti instantiates every module, and log4shell resolves its DNS endpoint
           # then (dns.wapiti3.ovh by default) even when not selected: keep that local
           "--dns-endpoint", "127.0.0.1", "--external-endpoint", "http://127.0.0.1:9/",
           "--form-url", alamat(login), "--form-user", akun[0], "--form-password", akun[1],
           "-x", alamat(logout), *(a for path in kecuali for a in ("-x", alamat(path))),
           *(("-s", alamat(halaman_akun)) if halaman_akun else ()),
           "--max-scan-time", str(waktu_scan), "--max-attack-time", str(waktu_serangan),
           "-t", "10", "--flush-session", "--store-session", str(kerja / "sesi"),
           "--store-config", str(kerja / "konfigurasi"), "--no-bugreport",
           "-f", "json", "-o", str(laporan), "-v", "1"]
    # --max-scan-time bounds the crawl only; the modules then attack one after another, each
    # bounded by --max-attack-time: wapiti's own worst case, plus slack
    batas = waktu_scan + len(MODUL_WAPITI) * waktu_serangan + 120
    twin0 = penghitung.jumlah
    log = kerja / "wapiti.log"
    mulai = time.perf_counter()
    with log.open("wb") as keluaran:
        proses = subprocess.Popen(cmd, stdout=keluaran, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True,
                                  env={**os.environ, "HOME": str(kerja)})
        try:
            kode: int | None = proses.wait(timeout=batas)
        except subprocess.TimeoutExpired:
            os.killpg(proses.pid, signal.SIGKILL)
            proses.wait(timeout=30)
            kode = None
    dinding = time.perf_counter() - mulai
    penjaga.shutdown()
    penjaga.server_close()
    teks_log = log.read_text(errors="replace")
    data = json.loads(laporan.read_text()) if laporan.exists() else {}
    return {"dinding": dinding, "twin": penghitung.jumlah - twin0, "kode": kode,
            "batas": batas, "data": data, "ditolak": dict(penjaga.ditolak),
            "log": log, "cmd": cmd,
            "login": bukti_login(teks_log, jelajah_wapiti(kerja / "sesi"), penjaga.jawaban,
                                 login, halaman_akun),
            "batas_scan": "Max scan time was reached" in teks_log,
            "batas_modul": re.findall(r"Max attack time was reached for module (\w+)", teks_log),
            "modul_jalan": re.findall(r"Launching module (\w+)", teks_log)}


def jelajah_wapiti(folder_sesi: Path) -> list[tuple[str, str, int | None]]:
    """What wapiti's crawl stored (method, path?query, status of its answer), from its session
    database (``--store-session``): the resources its modules then attack."""
    hasil: list[tuple[str, str, int | None]] = []
    for db in sorted(folder_sesi.glob("*.db")):
        with sqlite3.connect(db) as koneksi:
            baris = koneksi.execute(
                "SELECT p.method, p.path, r.status_code FROM paths p LEFT JOIN responses r "
                "ON r.response_id = p.response_id WHERE NOT p.evil ORDER BY p.path_id").fetchall()
        for method, url, status in baris:
            bagian = urlsplit(url)
            hasil.append((method, urlunsplit(("", "", bagian.path or "/", bagian.query, "")),
                          status))
    return hasil


def bukti_login(teks_log: str, jelajah: list[tuple[str, str, int | None]],
                jawaban: list[tuple[str, str, int, str]], login: str,
                halaman_akun: str | None) -> dict[str, Any]:
    """Whether wapiti was logged in, from the target's side.

    ``masuk``: the crawl stored the page after login (``halaman_akun``, which sends a visitor
    without a session to the login page) with a 200; ``bertahan``: the last time wapiti
    asked for that page it still got a 200 (with the number of that request, of all wapiti's
    requests). Also counted: every answer of that page (200 or not) and every answer that sent
    wapiti to the login page (``Location`` on the login path), with the number of the first;
    and wapiti's own verdict."""
    pesan = re.search(r"Login (success|failed[^\n]*)", teks_log)
    nomor = [i for i, (method, path, _, _) in enumerate(jawaban)
             if method == "GET" and path == halaman_akun]
    halaman = [jawaban[i][2] for i in nomor]
    ke_login = [i for i, (_, _, status, lokasi) in enumerate(jawaban)
                if 300 <= status < 400 and urlsplit(lokasi).path == login]
    dijelajah = [status for method, path, status in jelajah
                 if method == "GET" and path == halaman_akun]
    return {"pesan_wapiti": pesan.group(0).strip() if pesan else None,
            "halaman": halaman_akun, "jelajah": dijelajah,
            "halaman_200": halaman.count(200), "halaman_lain": len(halaman) - halaman.count(200),
            "halaman_terakhir": halaman[-1] if halaman else None,
            "halaman_terakhir_ke": nomor[-1] + 1 if nomor else None,
            "ke_login": len(ke_login), "ke_login_pertama": ke_login[0] + 1 if ke_login else None,
            "permintaan": len(jawaban), "jelajah_jumlah": len(jelajah),
            "masuk": 200 in dijelajah, "bertahan": bool(halaman) and halaman[-1] == 200}


def temuan_wapiti(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Wapiti's vulnerabilities, anomalies and additionals as flat rows, mapped."""
    baris = []
    for jenis in ("vulnerabilities", "anomalies", "additionals"):
        for kategori, daftar in (data.get(jenis) or {}).items():
            for item in daftar or []:
                peta = PETA_WAPITI.get(kategori, ())
                if kategori == "Review Webserver Metafiles for Information Leakage":
                    path = urlsplit(item.get("path", "")).path
                    peta = next((ids for pola, ids in PETA_PATH_BUSTER
                                 if re.search(pola, path, re.I)), ("?",))
                baris.append({"jenis": jenis, "kategori": kategori, "peta": peta,
                              "method": item.get("method", ""), "path": item.get("path", ""),
                              "parameter": item.get("parameter", ""),
                              "info": (item.get("info") or "").replace("\n", " ")[:160],
                              "modul": item.get("module", "")})
    return baris


def sama_tempat(r: dict[str, Any], kami: dict[str, list[str]]) -> bool:
    """Whether our evidence for the mapped checks names wapiti's URL path (and parameter)."""
    path = urlsplit(r["path"]).path
    bukti = " ".join(b for cid in r["peta"] for b in kami.get(cid, []))
    if path not in ("", "/") and path not in bukti:
        return False
    return not r["parameter"] or re.search(rf"\b{re.escape(r['parameter'])}\b", bukti) is not None


# --- output -----------------------------------------------------------------------------------

def tabel(kepala: list[str], baris: list[list[Any]]) -> str:
    def sel(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.1f}"
        return str(v)
    keluar = ["| " + " | ".join(kepala) + " |", "|" + "|".join("---" for _ in kepala) + "|"]
    keluar += ["| " + " | ".join(sel(v) for v in b) + " |" for b in baris]
    return "\n".join(keluar)


def cetak(db: str, runs: list[dict[str, Any]], w: dict[str, Any] | None,
          alasan_tanpa_wapiti: str | None, versi: str) -> None:
    a, b, c = runs
    laju = kelaikan_http.LAJU_DEFAULT
    print(f"\nBenchmark uji kelaikan (security part), vulnerable twin {a['url']} (HTTP, test "
          f"account), database host {db}; {os.cpu_count()} cores, one run, shared machine "
          f"(load average {a['beban']:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)")
    print("\n1-3. Our flow on a real Prefect server (SQLite)\n")
    rijen = []
    for r in runs:
        verdict = (r["laporan"] or {}).get("verdict", "-")
        n = sum(len(v) for v in temuan_kami(r["laporan"]).values())
        rijen.append([r["nama"], r["dinding"], r["server"]["durasi"], r["twin"], r["klien"],
                      r["twin"] / laju, len(temuan_kami(r["laporan"])), n, verdict])
    print(tabel(["run", "wall s", "server s", "requests (twin)", "requests (our client)",
                 f"rate floor s (÷{laju:g}/s)", "check ids found", "findings", "verdict"],
                rijen))
    print(f"\n  ratio concurrent/sequential: cold {a['dinding'] / b['dinding']:.2f} "
          f"({a['dinding']:.1f} s / {b['dinding']:.1f} s), warm {c['dinding'] / b['dinding']:.2f}"
          f" ({c['dinding']:.1f} s / {b['dinding']:.1f} s)")
    print("\n  Per category (server start/end of each subflow run; start = offset from the "
          "parent run's start):\n")
    rijen = []
    for kid in KATEGORI_KEAMANAN:
        ka, kb = a["server"]["kategori"].get(kid, {}), b["server"]["kategori"].get(kid, {})
        kc = c["server"]["kategori"].get(kid, {})
        rijen.append([kid, ka.get("mulai"), ka.get("durasi"), kc.get("mulai"),
                      kc.get("durasi"), kb.get("mulai"), kb.get("durasi")])
    print(tabel(["category", "concurrent start", "concurrent s", "warm start", "warm s",
                 "sequential start", "sequential s"], rijen))
    kami = temuan_kami(a["laporan"])
    print("\n4. wapiti3 against the same twin\n")
    if w is None:
        print(f"  skipped: {alasan_tanpa_wapiti}")
        print(f"\nGoal: complete six-category test under {TUJUAN_DETIK:.0f} s: "
              f"{'MET' if a['dinding'] < TUJUAN_DETIK else 'NOT MET'} ({a['dinding']:.1f} s); "
              "at least everything wapiti finds: NOT MEASURED (wapiti did not run)")
        return
    rows = temuan_wapiti(w["data"])
    dari_wapiti: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if isinstance(r["peta"], tuple):
            for cid in r["peta"]:
                dari_wapiti.setdefault(cid, []).append(r)
    print(tabel(["scanner", "wall s", "requests (twin)", "exit", "our check ids found",
                 "their findings"], [
        ["lpa kelaikan (concurrent, cold)", a["dinding"], a["twin"], "-", len(kami),
         sum(len(v) for v in kami.values())],
        [f"wapiti {versi}", w["dinding"], w["twin"],
         "timeout" if w["kode"] is None else w["kode"],
         len({cid for cid in dari_wapiti if cid in CEK}), len(rows)],
    ]))
    print(f"\n  wapiti modules: {','.join(MODUL_WAPITI)}; scope folder; test account via "
          "login form; /keluar excluded")
    print(f"  guard proxy refused (off the twin's origin): {w['ditolak'] or 'nothing'}")
    b = w["login"]
    print(f"  logged in (at the twin): crawl stored {b['halaman']} with "
          f"{','.join(map(str, b['jelajah'])) or 'nothing'}; last asked at request "
          f"{b['halaman_terakhir_ke']} of {b['permintaan']}: {b['halaman_terakhir']}; sent to "
          f"the login page {b['ke_login']} times; wapiti's own word: {b['pesan_wapiti']}")
    print(f"  modules launched: {len(w['modul_jalan'])} of {len(MODUL_WAPITI)}; stopped by "
          f"--max-attack-time: {', '.join(w['batas_modul']) or 'none'}; --max-scan-time "
          f"reached: {'yes' if w['batas_scan'] else 'no'}")
    print("\n  Our check ids, side by side (yes = reported; wapiti column only where a "
          "wapiti module covers it):\n")
    tercakup = {cid for ids in PETA_WAPITI.values() if isinstance(ids, tuple) for cid in ids}
    tercakup |= {cid for _, ids in PETA_PATH_BUSTER for cid in ids}
    rijen = []
    for cid in CEK:
        kolom_w = "yes" if cid in dari_wapiti else ("no" if cid in tercakup else "")
        rijen.append([cid, "yes" if cid in kami else "no", kolom_w])
    print(tabel(["check id", "lpa", "wapiti"], rijen))
    print("\n  Wapiti's findings, mapped:\n")
    rijen = []
    for r in rows:
        peta = r["peta"]
        if peta == LUAR:
            arti = "outside the six categories"
        elif not peta:
            arti = "GAP: in scope, no check of ours"
        elif peta == ("?",):
            arti = "path found by buster, no check maps it (judge by hand)"
        elif not any(cid in kami for cid in peta):
            arti = "GAP: ours did not report " + ", ".join(peta)
        elif sama_tempat(r, kami):
            arti = "also ours, same URL: " + ", ".join(cid for cid in peta if cid in kami)
        else:
            arti = ("check also ours, this URL/parameter not in our evidence: "
                    + ", ".join(cid for cid in peta if cid in kami))
        r["arti"] = arti
        rijen.append([r["kategori"], r["method"], r["path"], r["parameter"] or "-", arti])
    print(tabel(["wapiti category", "method", "url", "parameter", "meaning"], rijen))
    celah = [r for r in rows if r["arti"].startswith("GAP")]
    lain_tempat = [r for r in rows if r["arti"].startswith("check also ours")]
    print(f"\n  gaps (wapiti found in the six categories, no check of ours reported it): "
          f"{len(celah)}")
    for r in celah:
        print(f"    - {r['kategori']} {r['method']} {r['path']} param={r['parameter'] or '-'}: "
              f"{r['info']}")
    print(f"  same check, other place (our check fired, but not on this URL/parameter): "
          f"{len(lain_tempat)}")
    for r in lain_tempat:
        print(f"    - {r['kategori']} {r['method']} {r['path']} param={r['parameter'] or '-'}: "
              f"{r['info']}")
    tepat = a["dinding"] < TUJUAN_DETIK
    print(f"\nGoal: complete six-category test under {TUJUAN_DETIK:.0f} s: "
          f"{'MET' if tepat else 'NOT MET'} ({a['dinding']:.1f} s); at least everything wapiti "
          f"finds in these categories: {'MET' if not celah else f'NOT MET ({len(celah)} gaps)'}"
          f" at check level, {len(lain_tempat)} places of a found check not in our evidence")


# --- main -------------------------------------------------------------------------------------

def pilih_db() -> tuple[str, int, str] | None:
    for host, port, nama in DB_KANDIDAT:
        try:
            with socket.create_connection((host, port), timeout=2):
                return host, port, nama
        except OSError:
            continue
    return None


def server_prefect(home: Path) -> tuple[server.Proses, str]:
    port = server.free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_UI_ENABLED": "false", "PREFECT_SERVER_UI_V2_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    proses = server.start_prefect_server(env, port, home / "server.log")
    try:
        server.wait_healthy(api, proses, timeout=180)
    except RuntimeError:
        proses.stop()
        raise
    return proses, api


def main() -> None:
    p = argparse.ArgumentParser(description="Benchmark uji kelaikan: lpa vs wapiti3")
    p.add_argument("--no-wapiti", action="store_true", help="skip part 4")
    p.add_argument("--wapiti-venv", type=Path,
                   default=Path.home() / ".cache" / "lpa-bench" / "wapiti-venv")
    p.add_argument("--wapiti-scan-time", type=float, default=420.0,
                   help="wapiti --max-scan-time, seconds")
    p.add_argument("--wapiti-attack-time", type=float, default=30.0,
                   help="wapiti --max-attack-time (per module), seconds")
    a = p.parse_args()
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    kerja = Path(tempfile.mkdtemp(prefix="lpa-bench-kelaikan-"))
    beban_awal = os.getloadavg()[0]
    db = pilih_db()
    wapiti, alasan = (None, "--no-wapiti") if a.no_wapiti else siapkan_wapiti(a.wapiti_venv)
    versi = versi_wapiti(wapiti) if wapiti else ""
    prefect, api = server_prefect(kerja / "prefect-home")
    try:
        with contoh_aplikasi.ContohAplikasi(aman=False, akun=AKUN) as app, \
                temporary_settings(updates={PREFECT_API_URL: api,
                                            PREFECT_HOME: kerja / "prefect-home"}):
            assert app.url is not None
            penghitung = pasang_penghitung(app)
            target = TargetUji(url=app.url, username=AKUN[0], password=AKUN[1],
                               db_host=db[0] if db else None, db_port=db[1] if db else None)
            runs = [
                jalankan_kami("concurrent (kelaikan, cold)",
                              lambda: kelaikan(target, stress=False, return_state=True),
                              app.url, penghitung),
                jalankan_kami("sequential (same subflows in turn)",
                              lambda: kelaikan_berurutan(target, return_state=True),
                              app.url, penghitung),
                jalankan_kami("concurrent (kelaikan, warm)",
                              lambda: kelaikan(target, stress=False, return_state=True),
                              app.url, penghitung),
            ]
            runs[0]["url"], runs[0]["beban"] = app.url, beban_awal
            for i, r in enumerate(runs):
                (kerja / f"laporan-{i + 1}.json").write_text(json.dumps(r["laporan"], indent=1))
            w = None
            if wapiti is not None:
                print(f"[{datetime.now():%H:%M:%S}] wapiti {versi} starts", file=sys.stderr,
                      flush=True)
                w = jalankan_wapiti(wapiti, app.url, kerja, penghitung, a.wapiti_scan_time,
                                    a.wapiti_attack_time)
                if not w["data"]:
                    alasan = (f"wapiti wrote no report (exit {w['kode']}); see "
                              f"{w['log']}")
                    w = None
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=15)
            EventsWorker.drain_all(timeout=15)
    finally:
        prefect.stop()
    cetak(f"{db[2]} {db[0]}:{db[1]}" if db else "none (dbms host checks not tested)", runs, w,
          alasan, versi)
    if w is None:
        shutil.rmtree(kerja, ignore_errors=True)
    else:
        print(f"\n  our laporan-N.json, wapiti's report and log kept in {kerja}")


if __name__ == "__main__":
    main()
