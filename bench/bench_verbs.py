"""How long the ``lpa`` verbs take a person, and how fast a ticket moves, against ``lpa up``.

    .venv/bin/python -m bench.bench_verbs [--n 5] [--va 2] [--before REF] [--env NAME=VALUE]

For each code tree measured (the working tree, and with ``--before REF`` also that commit,
exported with ``git archive`` to a temporary folder and run with the same venv through
``PYTHONPATH``), a new user's shell is built as in tests/test_rahasia.py (no ``PREFECT_*`` or
``LPA_*`` variable, an empty ``PREFECT_HOME`` and data dir in a temporary folder) and
``lpa up --port P`` is started on a free port, ``LPA_PREFECT_API_URL`` pointing at it. Then,
every verb run as its own process exactly as a person types it (``python -m lpa.cli``):

- ``lpa --help`` (the command's own start: imports), ``--n`` times;
- ``lpa submit`` of the VA form (tests/fixtures/forms/va.json, a new ``--key`` each time, so
  each opens a ticket), ``--n`` times; after each, the ticket is left to reach its first wait
  (Kepala Dinas) before the next verb, so runs in the background do not load the next one;
- ``lpa status`` (the list of open tickets), ``lpa status TICKET`` and ``lpa inbox``,
  ``--n`` times each;
- ``lpa decide`` of each of those tickets' Kepala Dinas step with the one-time code read from
  the development outbox (as tests/test_rahasia.py does); ``decide`` returns once the run has
  taken the decision;
- the **resumed run back at its next wait**: for each of those decisions, from the Prefect
  server's own state timestamps, the ticket run's resume (the state after Suspended) until
  Suspended again at the Kabid e-Gov's step; split into pickup (resume → Pending), process
  start (Pending → Running: a new process imports the flow module) and work (Running →
  Suspended); the intake runs the same way (create → Pending → Running → Completed);
- ``--va`` VA tickets **end to end with instant decisions**: ``lpa submit``, then each
  official decides with ``lpa decide`` as soon as the step's code is mailed, until the
  archive step is finished (the VA target, 127.0.0.1:80, does not answer, so the feasibility
  test ends at once, as in bench/bench_sop.py).

``--env NAME=VALUE`` adds a column of this tree run with that variable (for instance
``LPA_SERVE_FORKSERVER=false``: flow runs as new ``prefect.engine`` processes). The columns'
``lpa up`` run side by side and each measure is taken on every column in turn, so a drift
of the shared machine's load falls on all of them alike.

Medians (min–max) are printed in one table, the columns side by side, with the ratios to
the first. The
machine is shared: compare the columns of one run, not figures across runs. Every process
started is stopped at the end (SIGINT to ``lpa up``'s process group, which stops its
server, deployment server and flow-run processes; SIGKILL after 60 s).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
FORM_VA = ROOT / "tests" / "fixtures" / "forms" / "va.json"
_KODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
_KEPUTUSAN = ("disposisi_kadis", "disposisi_kabid", "perintah_prakom", "rekomendasi",
              "hosting_integrasi")


def log(msg: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _port_bebas() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ts(value: str) -> float:
    d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def _tunggu(cek: Callable[[], Any], timeout: float, apa: str, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        hasil = cek()
        if hasil:
            return hasil
        time.sleep(every)
    raise TimeoutError(f"{apa}: tidak terjadi dalam {timeout:.0f} s")


def ekspor(ref: str, tujuan: Path) -> Path:
    """The files of commit ``ref`` in ``tujuan`` (``git archive``: no worktree registered)."""
    tujuan.mkdir(parents=True)
    arsip = tujuan.with_suffix(".tar")
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(arsip), ref],
                   check=True)
    with tarfile.open(arsip) as tar:
        tar.extractall(tujuan, filter="data")
    arsip.unlink()
    return tujuan


class Layanan:
    """``lpa up`` of one code tree in a new user's shell, and the verbs run against it."""

    def __init__(self, pohon: Path, tmp: Path, tambahan: dict[str, str]) -> None:
        self.pohon = pohon
        self.tmp = tmp
        self.data = tmp / "var"
        port = _port_bebas()
        self.api = f"http://127.0.0.1:{port}/api"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PREFECT_", "LPA_")) and k != "DO_NOT_TRACK"}
        env.update({
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "LPA_DATA_DIR": str(self.data),
            "LPA_PREFECT_API_URL": self.api,
            # each column's portal on a port of its own (an older tree ignores it)
            "LPA_PORTAL_PORT": str(_port_bebas()),
            "PYTHONPATH": str(pohon),
            **tambahan,
        })
        (tmp / "prefect-home").mkdir(parents=True)
        self.env = env
        self.log_up = tmp / "up.log"
        self._log = open(self.log_up, "wb")  # noqa: SIM115 - closed in tutup()
        self.t_mulai = time.monotonic()
        self.up = subprocess.Popen([sys.executable, "-m", "lpa.cli", "up", "--port", str(port)],
                                   env=env, cwd=pohon, stdout=self._log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _tunggu(self._siap, 240, "lpa up siap", every=0.2)
        except BaseException:
            self.tutup()
            raise
        self.detik_up = time.monotonic() - self.t_mulai
        self.http = httpx.Client(base_url=self.api, timeout=30)

    def _siap(self) -> bool:
        if self.up.poll() is not None:
            raise RuntimeError("lpa up berhenti: " + self.log_up.read_text()[-3000:])
        return b"Siap menerima permohonan" in self.log_up.read_bytes()

    def tutup(self) -> None:
        if getattr(self, "http", None):
            self.http.close()
        if self.up.poll() is None:
            os.killpg(self.up.pid, signal.SIGINT)
            try:
                self.up.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.up.pid, signal.SIGKILL)
                self.up.wait()
        self._log.close()

    def lpa(self, *args: str, cek: bool = True) -> tuple[float, str]:
        """Run one verb as a person does; (wall seconds, stdout)."""
        t = time.monotonic()
        hasil = subprocess.run([sys.executable, "-m", "lpa.cli", *args], env=self.env,
                               cwd=self.pohon, capture_output=True, text=True, timeout=600)
        detik = time.monotonic() - t
        if cek and hasil.returncode != 0:
            raise RuntimeError(f"lpa {' '.join(args)}: keluar {hasil.returncode}\n"
                               f"{hasil.stdout}\n{hasil.stderr}")
        return detik, hasil.stdout

    # --- the store and the outbox, read directly (whatever the tree's code) ------------

    def _store(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        path = self.data / "lpa.db"
        if not path.exists():
            return []
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def langkah_menunggu(self, nomor: str) -> tuple[int, str, str, str] | None:
        """(step id, code, assignee NIP, run) of the ticket's decision step whose code is out."""
        rows = self._store(
            "SELECT s.id, s.code, s.assignee_nip, s.flow_run_id FROM step_record s "
            "JOIN ticket t ON s.ticket_id = t.id WHERE t.number = ? AND s.finished_at IS NULL "
            f"AND s.code IN ({','.join('?' * len(_KEPUTUSAN))}) AND s.code_hash IS NOT NULL "
            "ORDER BY s.id DESC LIMIT 1", nomor, *_KEPUTUSAN)
        return rows[0] if rows else None

    def diarsipkan(self, nomor: str) -> bool:
        return bool(self._store(
            "SELECT 1 FROM step_record s JOIN ticket t ON s.ticket_id = t.id "
            "WHERE t.number = ? AND s.code = 'arsip' AND s.finished_at IS NOT NULL", nomor))

    def kode(self, nomor: str) -> str | None:
        """The newest one-time code mailed for ``nomor`` (once the step shows its code as
        issued, the newest mail for the ticket is that step's: the mail goes out first)."""
        path = self.data / "outbox" / "outbox.jsonl"
        if not path.exists():
            return None
        for baris in reversed(path.read_text(encoding="utf-8").splitlines()):
            try:
                p = json.loads(baris)
            except ValueError:
                continue
            if p.get("tiket") == nomor and p.get("jenis") == "kode_keputusan":
                found = _KODE.search(p.get("isi", ""))
                if found:
                    return found.group(1)
        return None

    def menunggu(self, nomor: str, kode_langkah: str, timeout: float = 180) -> tuple[Any, ...]:
        """Wait until the ticket waits at ``kode_langkah``: code mailed, run Suspended."""
        def cek() -> tuple[Any, ...] | None:
            m = self.langkah_menunggu(nomor)
            if not m or m[1] != kode_langkah or not m[3]:
                return None
            state = self.http.get(f"/flow_runs/{m[3]}").json().get("state") or {}
            return m if state.get("type") == "PAUSED" else None
        return _tunggu(cek, timeout, f"{nomor} menunggu di {kode_langkah}")

    def states(self, run_id: str) -> list[dict[str, Any]]:
        r = self.http.get("/flow_run_states/", params={"flow_run_id": run_id})
        r.raise_for_status()
        return sorted(r.json(), key=lambda s: _ts(s["timestamp"]))


def _fase_resume(states: list[dict[str, Any]], sesudah: float) -> dict[str, float] | None:
    """Resume → Pending → Running → Suspended of the first resume after epoch ``sesudah``."""
    for i, s in enumerate(states):
        if s["type"] != "PAUSED" or i + 1 >= len(states):
            continue
        lanjut = states[i + 1]
        t_resume = _ts(lanjut["timestamp"])
        if t_resume < sesudah:
            continue
        t_pending = t_running = t_suspend = None
        for s2 in states[i + 1:]:
            t2 = _ts(s2["timestamp"])
            if s2["type"] == "PENDING" and t_pending is None:
                t_pending = t2
            elif s2["type"] == "RUNNING" and t_running is None:
                t_running = t2
            elif s2["type"] == "PAUSED" and t_running is not None:
                t_suspend = t2
                break
        if None in (t_pending, t_running, t_suspend):
            return None
        return {"resume_ke_tunggu": t_suspend - t_resume, "ambil": t_pending - t_resume,
                "mulai_proses": t_running - t_pending, "kerja": t_suspend - t_running}
    return None


def _fase_intake(states: list[dict[str, Any]]) -> dict[str, float] | None:
    waktu: dict[str, float] = {}
    for s in states:
        waktu.setdefault(s["type"], _ts(s["timestamp"]))
    if not {"SCHEDULED", "PENDING", "RUNNING", "COMPLETED"} <= waktu.keys():
        return None
    return {"intake_total": waktu["COMPLETED"] - waktu["SCHEDULED"],
            "intake_ambil": waktu["PENDING"] - waktu["SCHEDULED"],
            "intake_mulai_proses": waktu["RUNNING"] - waktu["PENDING"],
            "intake_kerja": waktu["COMPLETED"] - waktu["RUNNING"]}


class Kolom:
    """One column of the table: a code tree (and variables) with its own ``lpa up``."""

    def __init__(self, nama: str, pohon: Path, tmp: Path,
                 tambahan: dict[str, str] | None = None) -> None:
        self.nama, self.pohon, self.tmp, self.tambahan = nama, pohon, tmp, tambahan or {}
        self.hasil: dict[str, list[float]] = {}
        self.tiket: list[str] = []
        self.lay: Layanan | None = None

    def catat(self, kunci: str, nilai: float) -> None:
        self.hasil.setdefault(kunci, []).append(nilai)

    def mulai(self) -> None:
        log(f"[{self.nama}] lpa up dari {self.pohon}")
        self.lay = Layanan(self.pohon, self.tmp, self.tambahan)
        self.catat("up", self.lay.detik_up)
        log(f"[{self.nama}] siap dalam {self.lay.detik_up:.1f} s ({self.lay.api})")

    def submit(self, i: int) -> None:
        assert self.lay
        detik, out = self.lay.lpa("submit", str(FORM_VA), "--jenis", "va",
                                  "--key", f"bench-verbs-{i}-{uuid.uuid4().hex[:12]}")
        nomor = out.strip()
        self.catat("submit", detik)
        self.tiket.append(nomor)
        self.lay.menunggu(nomor, "disposisi_kadis")
        log(f"[{self.nama}] submit {nomor}: {detik:.2f} s")

    def baca(self, i: int) -> None:
        assert self.lay
        self.catat("help", self.lay.lpa("--help")[0])
        self.catat("status", self.lay.lpa("status")[0])
        self.catat("status_tiket", self.lay.lpa("status", self.tiket[i])[0])
        self.catat("inbox", self.lay.lpa("inbox")[0])

    def decide(self, i: int) -> None:
        assert self.lay
        nomor = self.tiket[i]
        _, _, nip, run_id = self.lay.menunggu(nomor, "disposisi_kadis")
        kode = self.lay.kode(nomor)
        assert kode, nomor
        t0 = time.time()
        detik, _ = self.lay.lpa("decide", nomor, "--nip", nip, "--code", kode,
                                "--decision", "setuju", "--note", "bench")
        self.catat("decide", detik)
        self.lay.menunggu(nomor, "disposisi_kabid")
        fase = _fase_resume(self.lay.states(run_id), t0)
        for k, v in (fase or {}).items():
            self.catat(k, v)
        log(f"[{self.nama}] decide {nomor}: {detik:.2f} s; "
            f"resume→tunggu {fase and round(fase['resume_ke_tunggu'], 2)} s")

    def intake(self) -> None:
        assert self.lay
        dep = self.lay.http.get("/deployments/name/intake/intake").json()["id"]
        runs = self.lay.http.post("/flow_runs/filter", json={
            "flow_runs": {"deployment_id": {"any_": [dep]}}, "limit": 200}).json()
        for run in runs:
            for k, v in (_fase_intake(self.lay.states(run["id"])) or {}).items():
                self.catat(k, v)

    def va(self, i: int) -> None:
        lay = self.lay
        assert lay
        t0 = time.monotonic()
        _, out = lay.lpa("submit", str(FORM_VA), "--jenis", "va",
                         "--key", f"bench-verbs-va-{i}-{uuid.uuid4().hex[:12]}")
        nomor = out.strip()
        diputus: set[int] = set()
        while not lay.diarsipkan(nomor):
            if time.monotonic() - t0 > 600:
                raise TimeoutError(f"{nomor} tidak diarsipkan dalam 600 s")
            m = lay.langkah_menunggu(nomor)
            kode = lay.kode(nomor) if m and m[0] not in diputus else None
            if m and kode:
                lay.lpa("decide", nomor, "--nip", m[2], "--code", kode,
                        "--decision", "setuju", "--note", "bench")
                diputus.add(m[0])
                continue
            time.sleep(0.05)
        self.catat("va_e2e", time.monotonic() - t0)
        log(f"[{self.nama}] VA {nomor} ujung ke ujung: {self.hasil['va_e2e'][-1]:.1f} s")

    def tutup(self) -> None:
        if self.lay is not None:
            self.lay.tutup()
            self.lay = None


def ukur(kolom: list[Kolom], n: int, va: int) -> None:
    """Every measure ``n`` times, the columns in turn each time (a shared machine's load
    drifts: each column gets its share of every moment)."""
    try:
        for k in kolom:
            k.mulai()
        for i in range(n):
            for k in kolom:
                k.submit(i)
        for i in range(n):
            for k in kolom:
                k.baca(i)
        for i in range(n):
            for k in kolom:
                k.decide(i)
        for k in kolom:
            k.intake()
        for i in range(va):
            for k in kolom:
                k.va(i)
    finally:
        for k in kolom:
            k.tutup()


BARIS = [
    ("up", "lpa up until ready (once)"),
    ("help", "lpa --help"),
    ("status", "lpa status (open tickets)"),
    ("status_tiket", "lpa status TICKET"),
    ("inbox", "lpa inbox"),
    ("submit", "lpa submit (VA form)"),
    ("intake_total", "… intake run: create → Completed"),
    ("intake_ambil", "…… create → Pending (pickup)"),
    ("intake_mulai_proses", "…… Pending → Running (process start)"),
    ("intake_kerja", "…… Running → Completed"),
    ("decide", "lpa decide (right code)"),
    ("resume_ke_tunggu", "resumed run back at its next wait"),
    ("ambil", "… resume → Pending (pickup)"),
    ("mulai_proses", "… Pending → Running (process start)"),
    ("kerja", "… Running → Suspended"),
    ("va_e2e", "VA ticket end to end, instant decisions"),
]


def _sel(nilai: list[float] | None) -> str:
    if not nilai:
        return "-"
    if len(nilai) == 1:
        return f"{nilai[0]:.2f}"
    return f"{statistics.median(nilai):.2f} ({min(nilai):.2f}–{max(nilai):.2f})"


def tabel(kolom: list[tuple[str, dict[str, list[float]]]]) -> str:
    judul = ["measure (s, median (min–max))", *(k for k, _ in kolom)]
    if len(kolom) >= 2:
        judul += [f"{k} ÷ {kolom[0][0]}" for k, _ in kolom[1:]]
    out = ["| " + " | ".join(judul) + " |", "|" + "|".join("---" for _ in judul) + "|"]
    for kunci, label in BARIS:
        sel = [_sel(h.get(kunci)) for _, h in kolom]
        a = kolom[0][1].get(kunci)
        for _, h in kolom[1:]:
            b = h.get(kunci)
            sel.append(f"{statistics.median(b) / statistics.median(a):.2f}"
                       if a and b and statistics.median(a) > 0 else "-")
        out.append("| " + " | ".join([label, *sel]) + " |")
    return "\n".join(out)


@contextmanager
def _sementara() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-verbs-") as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5, help="times each verb is run")
    parser.add_argument("--va", type=int, default=2, help="VA tickets end to end")
    parser.add_argument("--before", metavar="REF",
                        help="also measure commit REF (git archive), shown beside this tree")
    parser.add_argument("--env", metavar="NAME=VALUE", action="append", default=[],
                        help="also measure this tree with NAME=VALUE set (a column each), "
                             "e.g. LPA_SERVE_FORKSERVER=false")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    with _sementara() as tmp:
        kolom: list[Kolom] = []
        if args.before:
            pohon = ekspor(args.before, tmp / "pohon-sebelum")
            kolom.append(Kolom(f"before ({args.before})", pohon, tmp / "sebelum"))
        for i, pasangan in enumerate(args.env):
            nama, _, nilai = pasangan.partition("=")
            kolom.append(Kolom(f"this tree, {nama}={nilai}", ROOT, tmp / f"env-{i}",
                               {nama: nilai}))
        kolom.append(Kolom("this tree", ROOT, tmp / "sesudah"))
        ukur(kolom, args.n, args.va)
    hasil = [(k.nama, k.hasil) for k in kolom]
    if args.json:
        args.json.write_text(json.dumps(hasil, indent=2))
    print(f"bench_verbs: n={args.n}, va={args.va}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, {datetime.now().date()}")
    print(tabel(hasil))


if __name__ == "__main__":
    main()
