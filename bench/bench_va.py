"""Benchmark of the vulnerability assessment (VA), side by side with ``nmap -sV -sC``.

Two hosts on loopback addresses, the weak services of tests/va_bantu.py:

* ``127.0.14.2`` (aplikasi): Debian's sshd allowing passwords with weak algorithms added
  (22), pyftpdlib with anonymous login (21), a static web page (8080);
* ``127.0.14.3`` (database): a TLS service offering TLS 1.0 with an expired self-signed
  certificate (993), redis-server without a password (6379).

Every service sits behind a counting TCP forwarder on its public address (the service itself
listens on 127.0.16.x), so the connections each tool opens to an open port are counted
exactly; probes of closed ports are answered by the kernel and counted from nmap's own report
(ports scanned per host, ``numservices``). Two runs:

1. **ours**: the ``va`` flow (discovery, the per-host subflows, the web checks through the
   feasibility test on 8080), on a real Prefect server, ``LPA_VA_PORT`` = the five ports
   and the default ``--top-ports 1000`` (``--top``), rate limit ``LPA_VA_MAX_RATE``;
2. **nmap -sV -sC** by hand on the same hosts and ports (default scripts: safe ones), XML.

Then the findings: ours as check ids per host:port; nmap's read from its script output with
:data:`PETA_NMAP` (the issue each script's output shows); both, only ours, only nmap's.

    .venv/bin/python -m bench.bench_va [--top] [--tanpa-web]

Wall times are for whatever machine runs this: compare the rows of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import va_bantu  # noqa: E402

from bench.bench_kelaikan import server_prefect  # noqa: E402

APP, DB = "127.0.14.2", "127.0.14.3"
BELAKANG = {APP: "127.0.16.2", DB: "127.0.16.3"}
"""Where each service really listens; the forwarder on the public address counts."""
LAYANAN = {(APP, 21), (APP, 22), (APP, 8080), (DB, 993), (DB, 6379)}
PORT = "21,22,993,6379,8080"


class Penerus:
    """A TCP forwarder (public address:port → backend address:port) that counts the
    connections it accepts; both directions copied by threads until either side closes."""

    def __init__(self, depan: tuple[str, int], belakang: tuple[str, int]) -> None:
        self.depan, self.belakang = depan, belakang
        self.jumlah = 0
        self._dengar = socket.create_server(depan)
        self._dengar.settimeout(0.2)
        self._berhenti = threading.Event()
        self._benang = threading.Thread(target=self._jalan, daemon=True)

    def _salin(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _layani(self, klien: socket.socket) -> None:
        try:
            server = socket.create_connection(self.belakang, timeout=5)
        except OSError:
            klien.close()
            return
        server.settimeout(None)
        klien.settimeout(None)
        t = threading.Thread(target=self._salin, args=(server, klien), daemon=True)
        t.start()
        self._salin(klien, server)
        t.join(timeout=30)
        klien.close()
        server.close()

    def _jalan(self) -> None:
        while not self._berhenti.is_set():
            try:
                klien, _ = self._dengar.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.jumlah += 1
            threading.Thread(target=self._layani, args=(klien,), daemon=True).start()

    def __enter__(self) -> Penerus:
        self._benang.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._berhenti.set()
        self._benang.join(timeout=5)
        self._dengar.close()


@contextmanager
def layanan_lemah(kerja: Path) -> Iterator[dict[tuple[str, int], Penerus]]:
    with ExitStack() as tumpuk:
        tumpuk.enter_context(va_bantu.sshd(BELAKANG[APP], kerja / "ssh", keras=False))
        tumpuk.enter_context(va_bantu.ftp(BELAKANG[APP], kerja / "ftp", anonim=True))
        tumpuk.enter_context(va_bantu.halaman_web(BELAKANG[APP], 8080, kerja / "web"))
        tumpuk.enter_context(va_bantu.tls(BELAKANG[DB], kerja / "tls", lemah=True))
        tumpuk.enter_context(va_bantu.redis(BELAKANG[DB], kerja / "redis", sandi=None))
        penerus = {(h, p): tumpuk.enter_context(Penerus((h, p), (BELAKANG[h], p)))
                   for h, p in sorted(LAYANAN)}
        yield penerus


def _hitung(penerus: dict[tuple[str, int], Penerus]) -> dict[tuple[str, int], int]:
    return {k: v.jumlah for k, v in penerus.items()}


def _selisih(a: dict, b: dict) -> dict:
    return {k: b[k] - a[k] for k in a}


# --- ours ----------------------------------------------------------------------------------

def jalankan_kami(web: bool) -> tuple[float, set[tuple[str, int, str]], object]:
    from domain.va.cakupan import CakupanVA
    from domain.va.laporan import KATEGORI_VA, LaporanVA
    from flows.va import va

    mulai = time.perf_counter()
    laporan = LaporanVA.model_validate(asyncio.run(va(
        CakupanVA(ip_aplikasi=APP, ip_database=DB, ip_jaringan="127.0.14.0/24"), web=web)))
    detik = time.perf_counter() - mulai
    temuan = {(t.host or "", t.port or 0, t.check_id.split(".", 1)[1])
              for k in laporan.categories if k.id == KATEGORI_VA for t in k.findings}
    return detik, temuan, laporan


# --- nmap -sV -sC ---------------------------------------------------------------------------

PETA_NMAP = (
    ("ftp-anon", r"Anonymous FTP login allowed", "ftp_anonim"),
    ("ssl-cert", r"__kedaluwarsa__", "tls_sertifikat_kedaluwarsa"),
    ("ssl-cert", r"__swatanda__", "tls_sertifikat_swatanda"),
    ("sslv2", r"SSLv2 supported", "tls_protokol_usang"),
    ("redis-info", r"Version", "tanpa_otentikasi"),
    ("ssh2-enum-algos", r"diffie-hellman-group1-sha1|3des-cbc|hmac-md5", "ssh_algoritma_lemah"),
    ("ssh-auth-methods", r"password", "ssh_kata_sandi"),
)
"""(script, what in its output shows the issue, our check id). ``ssl-cert``'s two rows are
read from its output and tables (not-after in the past; subject equal to issuer)."""
NAMA_LAYANAN_NMAP = {"ftp": "ftp_terbuka", "redis": "db_terjangkau"}
"""What nmap's service name alone says (an exposed cleartext FTP, a reachable data store)."""


def jalankan_nmap(kerja: Path, top: bool) -> tuple[float, set[tuple[str, int, str]], str, int]:
    keluar = kerja / "nmap-sC.xml"
    port = ["--top-ports", "1000"] if top else ["-p", PORT]
    argumen = ["nmap", "-sT", "-Pn", "-n", *port, "-sV", "-sC", "-oX", str(keluar), APP, DB]
    mulai = time.perf_counter()
    subprocess.run(argumen, check=True, capture_output=True, timeout=1800)
    detik = time.perf_counter() - mulai
    akar = ET.parse(keluar).getroot()
    temuan: set[tuple[str, int, str]] = set()
    sekarang = datetime.now(UTC)
    for h in akar.iter("host"):
        ip = h.find("address").get("addr")  # type: ignore[union-attr]
        for p in h.iter("port"):
            if p.find("state").get("state") != "open":  # type: ignore[union-attr]
                continue
            nomor = int(p.get("portid", "0"))
            s = p.find("service")
            nama = s.get("name", "") if s is not None else ""
            if nama in NAMA_LAYANAN_NMAP:
                temuan.add((ip, nomor, NAMA_LAYANAN_NMAP[nama]))
            for skrip in p.iter("script"):
                keluaran = skrip.get("output", "")
                for sid, pola, cid in PETA_NMAP:
                    if skrip.get("id") != sid:
                        continue
                    if pola == "__kedaluwarsa__":
                        m = re.search(r"Not valid after:\s*(\S+)", keluaran)
                        if m and datetime.fromisoformat(m.group(1)).replace(
                                tzinfo=UTC) < sekarang:
                            temuan.add((ip, nomor, cid))
                    elif pola == "__swatanda__":  # the script's tables, not its text
                        subj, issuer = (
                            [(e.get("key"), e.text) for e in skrip.iterfind(
                                f"table[@key='{k}']/elem")] for k in ("subject", "issuer"))
                        if subj and subj == issuer:
                            temuan.add((ip, nomor, cid))
                    elif re.search(pola, keluaran):
                        temuan.add((ip, nomor, cid))
    skrip = sorted({s.get("id", "") for s in akar.iter("script")})
    jumlah_port = int(akar.find("scaninfo").get("numservices", "0"))  # type: ignore[union-attr]
    return detik, temuan, ", ".join(skrip), jumlah_port


def _jumlah_port() -> int:
    """How many ports our discovery scans per host with the settings of this run."""
    from flows.va import opsi_dari_pengaturan
    from tasks.va.pindai import dengan_port_wajib

    jumlah = 0
    for bagian in (dengan_port_wajib(opsi_dari_pengaturan()).port or "").split(","):
        awal, _, akhir = bagian.partition("-")
        jumlah += int(akhir or awal) - int(awal) + 1
    return jumlah


def main() -> None:
    p = argparse.ArgumentParser(description="Benchmark VA: lpa va vs nmap -sV -sC")
    p.add_argument("--top", action="store_true", help="nmap's 1000 top ports, not the five")
    p.add_argument("--tanpa-web", action="store_true", help="without the web checks on 8080")
    a = p.parse_args()
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    from settings import get_settings

    kerja = Path(tempfile.mkdtemp(prefix="lpa-bench-va-"))
    os.environ["LPA_DATA_DIR"] = str(kerja / "data")
    os.environ["LPA_VA_MAX_RATE"] = os.environ.get("LPA_VA_MAX_RATE", "500")
    if not a.top:
        os.environ["LPA_VA_PORT"] = PORT
    get_settings.cache_clear()
    prefect, api = server_prefect(kerja / "prefect-home")
    try:
        with layanan_lemah(kerja) as penerus, \
                temporary_settings(updates={PREFECT_API_URL: api,
                                            PREFECT_HOME: kerja / "prefect-home"}):
            awal = _hitung(penerus)
            d_kami, kami, laporan = jalankan_kami(not a.tanpa_web)
            k_kami = _selisih(awal, _hitung(penerus))
            awal = _hitung(penerus)
            d_nmap, nmap, skrip, n_port = jalankan_nmap(kerja, a.top)
            k_nmap = _selisih(awal, _hitung(penerus))
    finally:
        prefect.stop()
    n_port_kami = _jumlah_port()
    print(f"\nVA benchmark, {datetime.now():%Y-%m-%d %H:%M}, load {os.getloadavg()[0]:.2f}, "
          f"ports per host {n_port_kami}, web checks {'off' if a.tanpa_web else 'on'}, "
          f"rate {os.environ['LPA_VA_MAX_RATE']}/s")
    print(f"{'':34}{'ours (lpa va)':>16}{'nmap -sV -sC':>16}")
    print(f"{'wall time, s':34}{d_kami:>16.1f}{d_nmap:>16.1f}")
    print(f"{'connections to open ports':34}{sum(k_kami.values()):>16}{sum(k_nmap.values()):>16}")
    for k in sorted(LAYANAN):
        print(f"{'  ' + k[0] + ':' + str(k[1]):34}{k_kami[k]:>16}{k_nmap[k]:>16}")
    print(f"{'ports probed per host (nmap)':34}{n_port_kami:>16}{n_port:>16}")
    print(f"{'findings (hosts and services)':34}{len(kami):>16}{len(nmap):>16}")
    web = sum(len(k.findings) for k in laporan.categories if k.id != "host_dan_layanan")
    print(f"{'findings (web checks on 8080)':34}{web:>16}{'-':>16}")
    print(f"nmap's scripts that answered: {skrip}")
    both, kami_saja, nmap_saja = kami & nmap, kami - nmap, nmap - kami

    def daftar(s: set[tuple[str, int, str]]) -> str:
        return "; ".join(f"{h}:{p} {c}" for h, p, c in sorted(s)) or "-"

    print(f"\nboth ({len(both)}): {daftar(both)}")
    print(f"only ours ({len(kami_saja)}): {daftar(kami_saja)}")
    print(f"only nmap's ({len(nmap_saja)}): {daftar(nmap_saja)}")
    print(f"verdict (ours): {laporan.verdict}; work folder {kerja}")


if __name__ == "__main__":
    main()
