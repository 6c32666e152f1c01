"""Scope of the stress test (uji beban): Locust only ever talks to the target's origin.

Two real HTTP servers on 127.0.0.1: the target, whose ``/`` redirects to the other one (and
whose ``/dalam`` redirects within itself), and the other, which counts every connection and
request it receives. Whatever the scenario (the built-in browse through ``lpa stress``, or a
requester's own locustfile using HttpUser, FastHttpUser and raw libraries), the other server
must receive nothing, and the result must say how many redirects were not followed and how
many requests were refused.

Also: Locust's own telemetry (OpenTelemetry, opt-in through ``--otel`` or
``LOCUST_ENABLE_OPENTELEMETRY``, or a ``~/.locust.conf``) is off in every Locust subprocess
we start. Locust is never imported here (gevent): it runs as a subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bantu
import pytest
from pydantic import SecretStr

from domain.forms import UjiBeban
from domain.kelaikan import TargetUji
from tasks.stress import Distribusi, lingkungan_locust, perintah_locust

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.lambat  # Locust in a subprocess


@dataclass
class Catatan:
    """What one server received."""

    koneksi: int = 0
    jalur: Counter[str] = field(default_factory=Counter)
    kunci: threading.Lock = field(default_factory=threading.Lock)

    def tambah(self, jalur: str) -> None:
        with self.kunci:
            self.jalur[jalur] += 1

    @property
    def permintaan(self) -> int:
        with self.kunci:
            return sum(self.jalur.values())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    catatan: Catatan
    tujuan_luar: str = ""

    def verify_request(self, request, client_address) -> bool:  # noqa: ANN001
        with self.catatan.kunci:
            self.catatan.koneksi += 1
        return True


class _Penangan(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def _jawab(self, status: int, lokasi: str | None = None) -> None:
        badan = b"<html><body>ok</body></html>"
        self.send_response(status)
        if lokasi:
            self.send_header("Location", lokasi)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(badan)))
        self.end_headers()
        self.wfile.write(badan)

    def _tangani(self) -> None:
        panjang = int(self.headers.get("Content-Length") or 0)
        if panjang:
            self.rfile.read(min(panjang, 65536))
        jalur = self.path.split("?", 1)[0]
        self.server.catatan.tambah(jalur)
        if not self.server.tujuan_luar:  # the other server: answers everything
            self._jawab(200)
        elif jalur == "/":
            self._jawab(302, self.server.tujuan_luar)
        elif jalur == "/dalam":
            self._jawab(302, "/halaman")
        else:
            self._jawab(200)

    do_GET = do_POST = do_HEAD = _tangani  # noqa: N815


@contextlib.contextmanager
def _server(tujuan_luar: str = "") -> Iterator[tuple[str, Catatan]]:
    server = _Server(("127.0.0.1", 0), _Penangan)
    server.catatan = Catatan()
    server.tujuan_luar = tujuan_luar
    with bantu.dilayani(server):
        yield f"http://127.0.0.1:{server.server_address[1]}", server.catatan


@contextlib.contextmanager
def dua_server() -> Iterator[tuple[str, Catatan, str, Catatan]]:
    """(target URL, what the target received, other URL, what the other received)."""
    with _server() as (lain, catatan_lain), \
            _server(tujuan_luar=f"{lain}/tujuan") as (target, catatan_target):
        yield target, catatan_target, lain, catatan_lain


def _nama_statistik(kerja: Path) -> dict[str, tuple[int, int]]:
    """Locust's per-name statistics: name -> (requests, failures)."""
    with open(kerja / "locust_stats.csv", newline="", encoding="utf-8") as f:
        return {b["Name"]: (int(b["Request Count"]), int(b["Failure Count"]))
                for b in csv.DictReader(f)}


def test_lpa_stress_built_in_scenario_never_leaves_the_origin(tmp_path: Path) -> None:
    """``lpa stress`` with the built-in browse (FastHttpUser), a master and one worker
    process: the off-origin redirect of ``/`` is answered but not followed, ``/dalam`` is
    followed within the target, and the result counts what was not followed."""
    out = tmp_path / "hasil"
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api",
           "LPA_DATA_DIR": str(tmp_path)}
    with dua_server() as (url, target, lain, luar):
        proses = subprocess.run(
            # 150 users a day, 1 h, 2 min: target 10, one step of 20 users, each of whom
            # asks one of the two pages at once
            [sys.executable, "-m", "lpa.cli", "stress", "--url", url, "--pengguna-per-hari",
             "150", "--jam-efektif", "1", "--durasi-transaksi", "2", "--path", "/",
             "--path", "/dalam", "--out", str(out), "--jumlah-langkah", "1",
             "--durasi-langkah", "3", "--pemanasan", "1", "--processes", "1"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=150)
    assert luar.koneksi == 0 and luar.permintaan == 0, (lain, dict(luar.jalur))
    assert proses.returncode in (0, 1), proses.stdout + proses.stderr
    assert target.jalur["/"] > 0 and target.jalur["/halaman"] > 0, dict(target.jalur)
    data = json.loads((out / "uji_beban.json").read_text())
    luar_cakupan = data["beban"]["off_scope"]
    assert luar_cakupan["redirects_not_followed"] > 0, luar_cakupan
    assert luar_cakupan["requests_refused"] == 0
    assert f"{lain}/tujuan" in luar_cakupan["examples"]
    assert "tidak diikuti" in proses.stdout


def test_a_requesters_locustfile_stays_inside_the_origin(tmp_path: Path) -> None:
    """A requester's locustfile that follows the redirect, asks the other server by its
    absolute URL through both Locust clients, and tries requests, urllib and a raw socket:
    nothing reaches the other server; Locust records the refused requests as failures
    under one clear name."""
    from domain.opsi_beban import OpsiUjiBeban
    from flows.stress import laksanakan_uji_beban

    kerja = tmp_path / "kerja"
    with dua_server() as (url, target, lain, luar):
        port_lain = int(lain.rsplit(":", 1)[1])
        lf = tmp_path / "pemohon.py"
        lf.write_text(f'''
import socket
import urllib.request

import requests
from locust import FastHttpUser, HttpUser, constant, task

LAIN = "{lain}"


def _coba(fungsi):
    try:
        fungsi()
    except Exception:  # noqa: BLE001 - refused, as it must be
        pass


class Biasa(HttpUser):
    wait_time = constant(0.2)

    @task
    def jelajah(self):
        self.client.get("/", name="awal")
        self.client.get("/dalam", name="dalam")
        self.client.get(LAIN + "/mutlak", name="mutlak")
        with self.client.get(LAIN + "/tangkap", catch_response=True) as r:
            r.success()
        _coba(lambda: requests.get(LAIN + "/requests", timeout=2))
        _coba(lambda: urllib.request.urlopen(LAIN + "/urllib", timeout=2).read())
        _coba(lambda: socket.create_connection(("127.0.0.1", {port_lain}), timeout=2).close())


class Cepat(FastHttpUser):
    wait_time = constant(0.2)

    @task
    def jelajah(self):
        self.client.get("/", name="awal-cepat")
        self.client.get("/dalam", name="dalam-cepat")
        self.client.get(LAIN + "/mutlak-cepat", name="mutlak-cepat")
        self.client.request("POST", "/", data="a=1", name="kirim-cepat")
''')
        beban = UjiBeban(pengguna_per_hari=60, jam_efektif_per_hari=1,
                         durasi_transaksi_menit=2)
        hasil = asyncio.run(laksanakan_uji_beban(
            TargetUji(url=url), beban, OpsiUjiBeban(
                locustfile=str(lf), jumlah_langkah=1, durasi_langkah=3.0, pemanasan=1.0,
                processes=0, kerja=str(kerja)), prefect=False))
    assert luar.koneksi == 0 and luar.permintaan == 0, dict(luar.jalur)
    from tasks.stress import NAMA_DITOLAK

    assert hasil.beban is not None, hasil.reason
    luar_cakupan = hasil.beban["off_scope"]
    assert luar_cakupan["redirects_not_followed"] > 0, luar_cakupan
    assert luar_cakupan["requests_refused"] > 0, luar_cakupan
    assert target.jalur["/halaman"] > 0, dict(target.jalur)  # same-origin redirects followed
    statistik = _nama_statistik(kerja)
    for nama in ("awal", "dalam", "awal-cepat", "dalam-cepat", "kirim-cepat"):
        assert statistik[nama][0] > 0 and statistik[nama][1] == 0, (nama, statistik)
    assert statistik[NAMA_DITOLAK][0] == statistik[NAMA_DITOLAK][1] > 0, statistik
    assert not any(n.startswith("mutlak") for n in statistik), statistik
    gagal = (kerja / "locust_failures.csv").read_text(encoding="utf-8")
    assert "di luar cakupan uji" in gagal
    assert any("tidak diikuti" in c for c in hasil.beban["notes"])
    assert any("ditolak" in c for c in hasil.beban["notes"])


def test_locust_runs_with_telemetry_off_and_no_ambient_configuration(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Locust 2.47's only telemetry is OpenTelemetry, switched on by ``--otel``,
    ``LOCUST_ENABLE_OPENTELEMETRY`` or a config file: none of them reaches our subprocess,
    the OpenTelemetry SDK is disabled outright, and neither proxies nor ~/.locust.conf
    of the calling environment apply."""
    for nama, nilai in {
        "LOCUST_ENABLE_OPENTELEMETRY": "true", "LOCUST_HOST": "http://lain.example",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://kolektor.example:4318",
        "OTEL_TRACES_EXPORTER": "otlp", "HTTP_PROXY": "http://proksi.example:3128",
        "https_proxy": "http://proksi.example:3128", "ALL_PROXY": "socks5://proksi:1080",
    }.items():
        monkeypatch.setenv(nama, nilai)
    kerja = tmp_path / "kerja"
    env = lingkungan_locust(kerja / "langkah.json", "penguji", SecretStr("rahasia"))
    assert env["OTEL_SDK_DISABLED"] == "true"
    for jenis in ("TRACES", "METRICS", "LOGS"):
        assert env[f"OTEL_{jenis}_EXPORTER"] == "none"
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in env
    assert not [k for k in env if k.startswith("LOCUST_")]
    assert not [k for k in env if k.lower().endswith("_proxy")]
    assert env["HOME"] == str(kerja)  # ~/.locust.conf is the work folder's, i.e. none
    cmd = perintah_locust([kerja / "locustfile.py"], "http://127.0.0.1:8080/",
                          Distribusi(processes=0), kerja / "locust")
    assert "--otel" not in cmd and not any("otel" in c.lower() for c in cmd)
