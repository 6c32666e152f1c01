"""The portal under concurrent users, over HTTP on loopback, with Locust (issue 12).

    .venv/bin/python -m bench.bench_portal [--pengguna 50] [--detik 30] [--tiket 1000]
        [--operator 5] [--pengaju 2] [--pekerja 1,2]

Everything runs on 127.0.0.1 in a temporary folder: a Prefect server (``prefect server
start``), the portal as ``lpa up`` starts it (uvicorn, ``portal.app:buat_app``) with
``--workers`` 1, then 2, and Locust as a subprocess (``python -m locust --headless``, the users
of bench/locust_portal.py; bounded users and time). Three measures for each worker count:

- **browsing**: ``--pengguna`` concurrent requesters (1–3 s between pages) reading the landing
  page, the three forms and tracking pages of open tickets (target p95 < 200 ms);
- **operators**: ``--operator`` signed-in officers reloading ``/operator`` (1–2 s between)
  while ``--tiket`` tickets are open; the store is filled directly through store/ functions
  (bench/bench_operator.py's seeding), not by running the flows (target p95 < 300 ms);
- **submission**: ``--pengaju`` requesters each opening the VA form and sending it with its
  attachment (2–4 s between), on a store of its own beside a served stack (the deployments of
  ``lpa up``, so each submission starts a real intake run and its ticket run): the POST
  returns once the intake has opened the ticket (target p95 < 1 s).

The stores are apart so that the served SLA watch never meets the thousand seeded tickets
(their runs do not exist). The figures are the portal's as Locust sees them: requests,
failures, median and p95 in ms, requests per second; and the portal's memory, the resident
set of uvicorn with its worker processes, peak during the measure. One table, the worker
counts side by side. The machine is shared (2 cores): compare the columns of one run.
Every process started is stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from lpa import server  # noqa: E402
from settings import Settings  # noqa: E402

LOCUSTFILE = ROOT / "bench" / "locust_portal.py"
TARGET_MS = {"browsing": 200, "operators": 300, "submission": 1000}
BAGIAN = tuple(TARGET_MS)


def log(msg: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@dataclass
class Hasil:
    """One measure: Locust's rows (name → figures) and the portal's peak memory."""

    baris: dict[str, dict[str, float]] = field(default_factory=dict)
    rss_mb: float = 0.0


class PemantauRSS:
    """The resident set of a process and its children, sampled every 0.25 s; the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.puncak = 0
        self._henti = threading.Event()
        self._thread = threading.Thread(target=self._jalan, daemon=True)

    def _ukur(self) -> int:
        try:
            akar = psutil.Process(self.pid)
            return sum(p.memory_info().rss for p in [akar, *akar.children(recursive=True)])
        except psutil.Error:
            return 0

    def _jalan(self) -> None:
        while not self._henti.is_set():
            self.puncak = max(self.puncak, self._ukur())
            self._henti.wait(0.25)

    def __enter__(self) -> PemantauRSS:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._henti.set()
        self._thread.join()


@contextmanager
def portal(settings: Settings, env: dict[str, str], pekerja: int,
           log_dir: Path) -> Iterator[tuple[server.Proses, str]]:
    """The portal as ``lpa up`` starts it (lpa/server.py), with ``--workers``."""
    port = server.free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**env, "LPA_PORTAL_URL": url}
    with server.Kelompok() as kelompok:
        proses = kelompok.mulai(server.Proses, [
            sys.executable, "-m", "uvicorn", "--factory", "portal.app:buat_app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(pekerja),
            "--no-server-header", "--log-level", "warning"], env,
            log_dir / f"portal-{pekerja}-{port}.log")
        server.wait_portal(url, proses)
        yield proses, url


def locust(url: str, pengguna_kelas: str, jumlah: int, detik: int, data: Path,
           kerja: Path) -> dict[str, dict[str, float]]:
    """Run Locust headless against ``url``; its stats rows by request name."""
    from tasks.stress import lingkungan_locust

    kerja.mkdir(parents=True, exist_ok=True)
    env = lingkungan_locust(kerja / "hasil.json", None, None)
    env["BENCH_PORTAL_DATA"] = str(data)
    csv_awalan = kerja / "locust"
    perintah = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), pengguna_kelas,
                "--headless", "-u", str(jumlah), "-r", str(max(1, jumlah // 5)),
                "-t", f"{detik}s", "--host", url, "--csv", str(csv_awalan),
                "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
                "--exit-code-on-error", "0"]
    with open(kerja / "locust.log", "w") as keluaran:
        subprocess.run(perintah, cwd=kerja, env=env, stdout=keluaran,
                       stderr=subprocess.STDOUT, timeout=detik + 120, check=True)
    baris = {}
    with open(f"{csv_awalan}_stats.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            baris[r["Name"]] = {
                "n": float(r["Request Count"]), "gagal": float(r["Failure Count"]),
                "median": float(r["50%"] or 0), "p95": float(r["95%"] or 0),
                "rps": float(r["Requests/s"] or 0)}
    return baris


def isi_tiket(settings: Settings, jumlah: int) -> dict[str, object]:
    """``jumlah`` open tickets (bench_operator's seeding), tracking links for 50 of them,
    and a signed-in service-desk officer; what the Locust users need."""
    from portal_staf_bantu import PETUGAS

    from bench.bench_operator import _isi
    from portal.sesi import COOKIE_SESI
    from store import db
    from store import portal_pejabat as pj
    from store import portal_pemohon as pp
    from store.models import Ticket

    _isi(settings, jumlah)
    sekarang = datetime.now(UTC)
    with db.session_scope(settings.store_url) as s:
        from sqlalchemy import select

        tiket = list(s.scalars(select(Ticket).order_by(Ticket.id).limit(50)))
        lacak = [pp.buat_tautan_lacak(s, t.id, "portal", sekarang) for t in tiket]
        sesi = pj.buat_sesi(s, PETUGAS[0], PETUGAS[1], timedelta(hours=8), sekarang)
    # a ticket the operators' first page shows (the list is paged, soonest due first)
    from portal.rute_operator import tiket_tersaring

    contoh = tiket_tersaring(settings, {"instansi": "", "jenis": "", "langkah": "",
                                        "terlambat": False}).tiket[0].tiket
    return {"lacak": lacak, "sesi": sesi, "cookie_sesi": COOKIE_SESI, "tiket_contoh": contoh}


def form_va() -> list[tuple[str, str]]:
    from portal_bantu import contoh, isian_browser

    return isian_browser("va", contoh("va") | {"nama_aplikasi": "Aplikasi Uji Beban Portal"})


def run_intake(api: str, sejak: datetime) -> dict[str, float]:
    """The intake runs created since ``sejak``, create → Completed, from the Prefect server's
    own timestamps: how much of a submission's answer is the run it waits for."""
    import httpx

    jawab = httpx.post(f"{api}/flow_runs/filter", timeout=30, json={
        "flow_runs": {"start_time": {"after_": sejak.isoformat()},
                      "state": {"type": {"any_": ["COMPLETED"]}}},
        "deployments": {"name": {"any_": ["intake"]}}, "limit": 200})
    jawab.raise_for_status()
    waktu = sorted(
        (datetime.fromisoformat(r["end_time"]) - datetime.fromisoformat(r["created"]))
        .total_seconds() * 1000 for r in jawab.json() if r.get("end_time"))
    if not waktu:
        return {"n": 0, "gagal": 0, "median": 0, "p95": 0, "rps": 0}
    return {"n": len(waktu), "gagal": 0, "median": waktu[len(waktu) // 2],
            "p95": waktu[min(len(waktu) - 1, int(0.95 * len(waktu)))], "rps": 0}


def tunggu_tenang(serve: server.Proses, batas: float = 120) -> None:
    """Until the served stack runs no flow (the tickets sent wait for the Kepala Dinas)."""
    akhir = time.monotonic() + batas
    while server.proses_run(serve.popen.pid) and time.monotonic() < akhir:
        time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pengguna", type=int, default=50)
    parser.add_argument("--operator", type=int, default=5)
    parser.add_argument("--pengaju", type=int, default=2)
    parser.add_argument("--tiket", type=int, default=1000)
    parser.add_argument("--detik", type=int, default=30)
    parser.add_argument("--pekerja", default="1,2")
    parser.add_argument("--bagian", default=",".join(BAGIAN),
                        help="the measures to take, of " + ", ".join(BAGIAN))
    args = parser.parse_args()
    pekerja = [int(p) for p in args.pekerja.split(",")]
    args.bagian = [b for b in BAGIAN if b in args.bagian.split(",")]
    args.beban = os.getloadavg()[0]

    from portal_staf_bantu import pengaturan

    from klien.lingkungan import matikan_telemetri

    matikan_telemetri(os.environ)
    hasil: dict[tuple[str, int], Hasil] = {}
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        akar = Path(tmp)
        # the store with the open tickets, and the one the submissions go to
        for nama in ("ramai", "kirim"):
            (akar / nama).mkdir()
        ramai = pengaturan(akar / "ramai")
        kirim = pengaturan(akar / "kirim", portal_batas_kirim="100000/minute")
        t0 = time.perf_counter()
        data = isi_tiket(ramai, args.tiket) | {"form_va": form_va()}
        log(f"{args.tiket} open tickets seeded in {time.perf_counter() - t0:.1f} s")
        berkas_data = akar / "data.json"
        berkas_data.write_text(json.dumps(data), encoding="utf-8")

        port = server.free_port()
        api = f"http://127.0.0.1:{port}/api"
        with server.Kelompok() as kelompok:
            env_kirim = server.prefect_env(kirim, api)
            env_kirim.update({"LPA_ROSTER_FILE": str(kirim.roster_file),
                              "LPA_PORTAL_BATAS_KIRIM": "100000/minute"})
            if "submission" in args.bagian:
                log("starting the Prefect server and the deployments (lpa up's)")
                _, serve = server.nyalakan(kelompok, env_kirim, port, akar / "log")
            env_ramai = server.prefect_env(ramai, api) | {
                "LPA_ROSTER_FILE": str(ramai.roster_file)}
            for n in pekerja:
                with portal(ramai, env_ramai, n, akar / "log") as (proses, url):
                    for nama, kelas, jumlah in (("browsing", "Penjelajah", args.pengguna),
                                                ("operators", "Operator", args.operator)):
                        if nama not in args.bagian:
                            continue
                        log(f"{nama}: {jumlah} users, {args.detik} s, {n} worker(s)")
                        with PemantauRSS(proses.popen.pid) as rss:
                            baris = locust(url, kelas, jumlah, args.detik, berkas_data,
                                           akar / f"{nama}-{n}")
                        hasil[nama, n] = Hasil(baris, rss.puncak / 2**20)
                if "submission" not in args.bagian:
                    continue
                with portal(kirim, env_kirim, n, akar / "log") as (proses, url):
                    log(f"submission: {args.pengaju} users, {args.detik} s, {n} worker(s)")
                    sejak = datetime.now(UTC)
                    with PemantauRSS(proses.popen.pid) as rss:
                        baris = locust(url, "Pengaju", args.pengaju, args.detik, berkas_data,
                                       akar / f"submission-{n}")
                    hasil["submission", n] = Hasil(baris, rss.puncak / 2**20)
                    baris["… its intake run"] = run_intake(api, sejak)
                    tunggu_tenang(serve)
    cetak(hasil, pekerja, args)


def cetak(hasil: dict[tuple[str, int], Hasil], pekerja: list[int],
          args: argparse.Namespace) -> None:
    siapa = {"browsing": f"{args.pengguna} browsing users",
             "operators": f"{args.operator} operators with {args.tiket} open tickets",
             "submission": f"{args.pengaju} submitting users"}
    print(f"\nPortal under Locust on 127.0.0.1, {args.detik} s a measure: "
          f"{', '.join(siapa[b] for b in args.bagian)}; the machine's load average "
          f"{args.beban:.1f} at the start. n requests, fail failures, med/p95 ms, rps requests per "
          f"second; ok: p95 under the target and no failure.\n")
    lebar = 36
    kolom = "".join(f" | {f'{n} worker(s)':^{lebar}}" for n in pekerja)
    print(f"{'measure':<32} {'target':>6}{kolom}")
    sub = "".join(f" | {'n':>6} {'fail':>4} {'med':>6} {'p95':>6} {'rps':>6} {'ok':>3}"
                  for _ in pekerja)
    print(f"{'':<32} {'p95 ms':>6}{sub}")
    for nama in args.bagian:
        semua = sorted({b for n in pekerja for b in hasil[nama, n].baris} - {"Aggregated"})
        for b in [*semua, "Aggregated"]:
            sel = ""
            for n in pekerja:
                r = hasil[nama, n].baris.get(b)
                if r is None:
                    sel += f" | {'-':>{lebar}}"
                    continue
                ok = "yes" if r["p95"] < TARGET_MS[nama] and not r["gagal"] else "no"
                sel += (f" | {r['n']:6.0f} {r['gagal']:4.0f} {r['median']:6.0f} "
                        f"{r['p95']:6.0f} {r['rps']:6.1f} {ok:>3}")
            label = f"{nama}: " + (b if b != "Aggregated" else "all")
            print(f"{label:<32} {TARGET_MS[nama]:>6}{sel}")
    for nama in args.bagian:
        sel = "".join(f" | {f'{hasil[nama, n].rss_mb:.0f} MB':>{lebar}}" for n in pekerja)
        print(f"{'portal RSS peak, ' + nama:<32} {'':>6}{sel}")
    if len(pekerja) > 1:
        a, b = pekerja[0], pekerja[-1]
        rasio = []
        for nama in args.bagian:
            p95_a = hasil[nama, a].baris["Aggregated"]["p95"]
            p95_b = hasil[nama, b].baris["Aggregated"]["p95"]
            rasio.append(f"{nama} {p95_b / max(1.0, p95_a):.2f}")
        print(f"\np95 with {b} workers / with {a}: " + ", ".join(rasio))


if __name__ == "__main__":
    main()
