"""Benchmark of the stress test: how much load our subflow drives, against references.

In one run, against the same fast static server on 127.0.0.1 (``bench.server_beban
--slots 0``, one process):

1. ``wrk`` (the physical reference of this machine: C, epoll, no per-request Python);
2. a plain ``locust`` command with the same locustfile on every core (``--processes -1``),
   and in one process (Locust's default);
3. our stress subflow (``kelaikan-uji-beban`` on a real Prefect server), same locustfile
   plan: one step of ``--users`` users without think time.

Requests/s are compared over the same window (the step after its warm-up) from Locust's own
``--csv`` stats history for both Locust runs; the subflow's own per-step figure is shown
too. Orchestration overhead = subflow wall time − load time (the plan's duration), split
into Locust start-up/shut-down and Prefect. While each Locust run lasts, the CPU of every
Locust process and of every core is sampled (psutil) to show whether all cores were used.

    .venv/bin/python -m bench.bench_stress [--users 40] [--detik 20] [--pemanasan 5] [--ulang 5]

Needs ``wrk`` (``apt-get install -y wrk``); without it that row is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from prefect.settings import PREFECT_API_URL, temporary_settings

from domain.beban import muat_skenario, rencana_beban
from tasks.stress import port_bebas, render_locustfile

ROOT = Path(__file__).resolve().parents[1]


class PengukurCPU(threading.Thread):
    """Samples, every second, the CPU of processes whose command line contains ``tanda``
    and of every core."""

    def __init__(self, tanda: str, lain: dict[str, int] | None = None) -> None:
        super().__init__(daemon=True)
        self.tanda = tanda
        self.lain = {nama: psutil.Process(pid) for nama, pid in (lain or {}).items()}
        self.sampel_lain: list[dict[str, float]] = []
        self.berhenti = threading.Event()
        self.proses: dict[int, psutil.Process] = {}
        self.sampel_proses: list[list[float]] = []
        self.sampel_core: list[list[float]] = []

    def run(self) -> None:
        psutil.cpu_percent(percpu=True)
        for p in self.lain.values():
            p.cpu_percent()
        while not self.berhenti.wait(1.0):
            self.sampel_lain.append({n: p.cpu_percent() for n, p in self.lain.items()})
            for p in psutil.process_iter(["pid", "cmdline"]):
                if p.pid not in self.proses and self.tanda in " ".join(p.info["cmdline"] or []):
                    self.proses[p.pid] = p
                    try:
                        p.cpu_percent()
                    except psutil.Error:
                        pass
            nilai = []
            for p in list(self.proses.values()):
                try:
                    nilai.append(p.cpu_percent())
                except psutil.Error:
                    self.proses.pop(p.pid, None)
            self.sampel_proses.append(sorted(nilai, reverse=True))
            self.sampel_core.append(psutil.cpu_percent(percpu=True))

    def hasil(self, buang_awal: int) -> dict[str, Any]:
        """Mean per process (busiest first) and per core, after ``buang_awal`` samples."""
        proses = [s for s in self.sampel_proses[buang_awal:] if s]
        core = self.sampel_core[buang_awal:]
        n = max((len(s) for s in proses), default=0)
        per_proses = [round(sum(s[i] for s in proses if len(s) > i) / len(proses), 1)
                      for i in range(n)] if proses else []
        per_core = [round(sum(c[i] for c in core) / len(core), 1)
                    for i in range(len(core[0]))] if core else []
        lain = {n: round(sum(s[n] for s in self.sampel_lain[buang_awal:])
                         / max(1, len(self.sampel_lain[buang_awal:])), 1) for n in self.lain}
        return {"proses": per_proses, "core": per_core, "lain": lain}

    def __enter__(self) -> PengukurCPU:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.berhenti.set()
        self.join()


def rps_dari_csv(path: Path, pemanasan: float, durasi: float) -> float:
    """Requests/s over [load start + warm-up, load start + duration] from Locust's
    ``_stats_history.csv`` (cumulative counts, one row a second)."""
    baris = [r for r in csv.DictReader(path.open()) if r["Name"] == "Aggregated"]
    titik = [(int(r["Timestamp"]), int(r["Total Request Count"])) for r in baris
             if int(r["User Count"]) > 0]
    if len(titik) < 2:
        return 0.0
    t0 = titik[0][0]
    jendela = [(t, n) for t, n in titik if t0 + pemanasan <= t <= t0 + durasi]
    if len(jendela) < 2:
        jendela = titik
    (ta, na), (tb, nb) = jendela[0], jendela[-1]
    return (nb - na) / (tb - ta) if tb > ta else 0.0


def jalankan_wrk(url: str, koneksi: int, detik: float) -> float | None:
    if shutil.which("wrk") is None:
        return None
    keluaran = subprocess.run(
        ["wrk", "-t", str(os.cpu_count() or 1), "-c", str(koneksi), "-d", f"{int(detik)}s",
         url + "/"], capture_output=True, text=True, check=True).stdout
    cocok = re.search(r"Requests/sec:\s+([\d.]+)", keluaran)
    return float(cocok.group(1)) if cocok else None


def jalankan_locust_polos(berkas: Path, url: str, kerja: Path, proses: int,
                          batas: float) -> tuple[Path, dict[str, Any], float]:
    """``locust -f FILE --headless`` as anyone would type it (plus a loopback master)."""
    prefix = kerja / f"polos{proses}"
    cmd = [sys.executable, "-m", "locust", "-f", str(berkas), "--headless", "--host", url,
           "--csv", str(prefix), "--loglevel", "WARNING"]
    if proses:
        port = str(port_bebas())
        cmd += ["--processes", str(proses), "--master-bind-host", "127.0.0.1",
                "--master-bind-port", port, "--master-port", port]
    mulai = time.monotonic()
    with PengukurCPU(str(berkas)) as cpu:
        subprocess.run(cmd, cwd=kerja, timeout=batas, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Path(f"{prefix}_stats_history.csv"), cpu.hasil(3), time.monotonic() - mulai


def server_prefect(home: Path) -> tuple[subprocess.Popen, str]:
    port = port_bebas()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_UI_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    proses = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host",
                               "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    batas = time.monotonic() + 120
    while time.monotonic() < batas:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return proses, api
        except httpx.HTTPError:
            time.sleep(0.5)
    proses.kill()
    raise RuntimeError("server Prefect tidak siap dalam 120 detik")


def jalankan_subflow(url: str, users: int, detik: float, pemanasan: float,
                     kerja: Path, pid_prefect: int) -> tuple[Any, float, dict[str, Any]]:
    from domain.forms import UjiBeban
    from domain.kelaikan import TargetUji
    from domain.opsi_beban import OpsiUjiBeban
    from flows.stress import ringkasan_dari, uji_beban_flow

    # users/day chosen so the target is users/2 and the one step (2 × target) holds `users`
    beban = UjiBeban(pengguna_per_hari=users * 15, jam_efektif_per_hari=1,
                     durasi_transaksi_menit=1,
                     skenario=json.dumps({"steps": [{"path": "/", "think_time": 0}]}))
    mulai = time.monotonic()
    with PengukurCPU(str(kerja), {"flow": os.getpid(), "server_prefect": pid_prefect}) as cpu:
        hasil = asyncio.run(uji_beban_flow(
            TargetUji(url=url), beban, OpsiUjiBeban(
                jumlah_langkah=1, durasi_langkah=detik, pemanasan=pemanasan, kerja=str(kerja))))
    return ringkasan_dari(hasil), time.monotonic() - mulai, cpu.hasil(3)


def _median(nilai: list[float]) -> float:
    urut = sorted(nilai)
    return urut[len(urut) // 2] if urut else 0.0


def main() -> None:
    p = argparse.ArgumentParser(description="Benchmark uji beban: subflow vs locust vs wrk")
    p.add_argument("--users", type=int, default=40, help="genap")
    p.add_argument("--detik", type=float, default=20.0)
    p.add_argument("--pemanasan", type=float, default=5.0)
    p.add_argument("--ulang", type=int, default=5, help="putaran bergantian; median dilaporkan")
    a = p.parse_args()
    a.users += a.users % 2
    kerja = Path(tempfile.mkdtemp(prefix="lpa-bench-beban-"))
    port = port_bebas()
    server = subprocess.Popen([sys.executable, "-m", "bench.server_beban", "--port", str(port),
                               "--slots", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and "siap" in server.stdout.readline()
    url = f"http://127.0.0.1:{port}"
    # started first and left idle, so every run below shares the machine with it alike
    prefect, api = server_prefect(kerja / "prefect-home")
    hasil: dict[str, list[Any]] = {k: [] for k in (
        "wrk", "polos_n", "polos_1", "sub", "sub_tahap", "dinding", "beban", "cpu_n", "cpu_s",
        "rasio")}
    ringkasan = None
    try:
        # the same locustfile for the plain runs: one step of `users`, no think time
        rencana = rencana_beban(a.users // 2, jumlah_langkah=1, durasi_langkah=a.detik,
                                pemanasan=a.pemanasan)
        skenario = muat_skenario({"steps": [{"path": "/", "think_time": 0}]})
        berkas = kerja / "locustfile.py"
        berkas.write_text(render_locustfile(rencana, skenario))
        batas = a.detik + 60
        with temporary_settings(updates={PREFECT_API_URL: api}):
            for putaran in range(a.ulang):
                hasil["wrk"].append(jalankan_wrk(url, a.users, a.detik - a.pemanasan))
                csv_1, _, _ = jalankan_locust_polos(berkas, url, kerja, 0, batas)
                hasil["polos_1"].append(rps_dari_csv(csv_1, a.pemanasan, a.detik))
                # plain and subflow back to back, in alternating order (ABBA): the ratio of
                # each pair sees the same neighbours on this shared machine
                for urutan in ((0, 1) if putaran % 2 == 0 else (1, 0)):
                    if urutan == 0:
                        csv_n, cpu_n, _ = jalankan_locust_polos(berkas, url, kerja, -1, batas)
                        hasil["polos_n"].append(rps_dari_csv(csv_n, a.pemanasan, a.detik))
                        hasil["cpu_n"].append(cpu_n)
                        continue
                    sub_kerja = kerja / f"subflow{putaran}"
                    ringkasan, dinding, cpu_s = jalankan_subflow(
                        url, a.users, a.detik, a.pemanasan, sub_kerja, prefect.pid)
                    hasil["sub"].append(rps_dari_csv(sub_kerja / "locust_stats_history.csv",
                                                     a.pemanasan, a.detik))
                    hasil["sub_tahap"].append(ringkasan.steps[0].rps if ringkasan else 0.0)
                    hasil["dinding"].append(dinding)
                    hasil["beban"].append(ringkasan.load_seconds or 0.0 if ringkasan else 0.0)
                    hasil["cpu_s"].append(cpu_s)
                hasil["rasio"].append(hasil["sub"][-1] / hasil["polos_n"][-1]
                                      if hasil["polos_n"][-1] else 0.0)
                print(f"putaran {putaran + 1}: wrk {hasil['wrk'][-1] or 0:.0f}, locust -1 "
                      f"{hasil['polos_n'][-1]:.0f}, locust 1 {hasil['polos_1'][-1]:.0f}, "
                      f"subflow {hasil['sub'][-1]:.0f} req/s "
                      f"(subflow/locust -1 {hasil['rasio'][-1]:.1%})", flush=True)
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=15)
            EventsWorker.drain_all(timeout=15)
    finally:
        server.terminate()
        prefect.terminate()
        prefect.wait(timeout=30)
    wrk = _median([w for w in hasil["wrk"] if w]) or None
    polos_n, polos_1, sub = (_median(hasil[k]) for k in ("polos_n", "polos_1", "sub"))
    dinding, beban = _median(hasil["dinding"]), _median(hasil["beban"])
    cpu_n, cpu_s = hasil["cpu_n"][-1], hasil["cpu_s"][-1]
    print(f"\nBenchmark uji beban: {a.users} pengguna tanpa jeda, {a.detik:g} s (pemanasan "
          f"{a.pemanasan:g} s), server statis 127.0.0.1, {os.cpu_count()} core, median dari "
          f"{a.ulang} putaran bergantian")
    print(f"  wrk -t{os.cpu_count()} -c{a.users}                : "
          + (f"{wrk:9.0f} req/s" if wrk else "  (wrk tidak terpasang)"))
    print(f"  locust --processes -1      : {polos_n:9.0f} req/s   CPU proses {cpu_n['proses']}"
          f"  core {cpu_n['core']}")
    print(f"  locust (1 proses)          : {polos_1:9.0f} req/s")
    print(f"  subflow lpa (csv Locust)   : {sub:9.0f} req/s   CPU proses {cpu_s['proses']}"
          f"  core {cpu_s['core']}")
    print(f"  subflow lpa (ukuran tahap) : {_median(hasil['sub_tahap']):9.0f} req/s   "
          f"workers {ringkasan.workers if ringkasan else '-'}")
    print(f"  CPU orkestrasi selama beban: proses flow {cpu_s['lain']['flow']} %, server "
          f"Prefect {cpu_s['lain']['server_prefect']} % (satu core = 100 %)")
    print(f"  rasio subflow / locust --processes -1 : {_median(hasil['rasio']):6.1%} (median "
          f"per putaran; {', '.join(f'{r:.0%}' for r in hasil['rasio'])})")
    if polos_1:
        print(f"  rasio subflow / locust 1 proses       : {sub / polos_1:6.1%}")
    if wrk:
        print(f"  rasio subflow / wrk                   : {sub / wrk:6.1%}")
        print(f"  rasio locust --processes -1 / wrk     : {polos_n / wrk:6.1%}")
    print(f"  dinding subflow {dinding:.1f} s − beban {a.detik:g} s = overhead "
          f"{dinding - a.detik:.1f} s (Locust hidup {beban:.1f} s: start/stop Locust "
          f"{beban - a.detik:.1f} s, Prefect {dinding - beban:.1f} s)")
    shutil.rmtree(kerja, ignore_errors=True)


if __name__ == "__main__":
    main()
