"""Benchmark of the SOP flows on a real Prefect server: what orchestration costs a ticket,
and what waiting tickets cost the machine.

    .venv/bin/python bench/bench_sop.py            # (a), and (b) up to 1000 waiting
    .venv/bin/python bench/bench_sop.py --quick    # (a) with 1 ticket each, (b) with 1, 10, 50
    .venv/bin/python bench/bench_sop.py --part b --max-tickets 300

(a) **Overhead of one ticket through all seven steps with instant decisions.** A Prefect
    server (SQLite, fresh PREFECT_HOME in a temporary directory), the deployment server
    (deployments/serve.py, poll every 1 s) and a runner for two trivial flows
    (bench/primitif.py) are started. N requests are submitted one after the other
    (``operasi.submit``, as ``lpa submit``): VA requests (tests/fixtures/forms/va.json, target
    127.0.0.1:80, nothing listens there, so the feasibility test ends at once with "tidak
    dapat dijalankan"), then feasibility-test requests pointed at the sample application
    (``ContohAplikasi(aman=True)``). A scripted official decides each waiting step as soon as
    its code is issued (``operasi.decide``, the path of ``lpa decide``). From the store's step
    records: total (submit → archive step finished), the feasibility test (started →
    finished of ``uji_kelaikan``), the decisions' processing (decide called → step finished)
    and the remainder, the orchestration overhead. Baselines on the same server: a flow with
    no tasks run through ``run_deployment`` and one suspend/resume round trip.
(b) **Processes and memory held by waiting tickets.** Tickets are created through the
    intake deployment (REST ``create_flow_run`` with an idempotency key, as the portal does),
    at most ``--inflight`` not yet waiting at a time (the deployment server itself has no
    process limit: deployments/serve.py calls ``serve(limit=None)``), until 1, 100, 250, 500,
    1,000 (up to ``--max-tickets``) wait at their first decision (Kepala Dinas); creating
    stops after ``--budget-minutes`` and what was reached is measured. At each level, once
    the runs have settled: processes and RSS of the deployment server's tree, RSS of the
    Prefect server's tree, sizes of our store and of Prefect's database, how long ``lpa
    inbox`` takes, one decision's processing time, and CPU seconds spent per new ticket.

Every process started is stopped (SIGINT, then SIGKILL; lpa.server.Proses.stop), also on
Ctrl-C, SIGTERM or failure; every wait is bounded in count and time. The figures are wall
times on whatever machine runs this: compare them side by side in one run, not across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from klien import operasi  # noqa: E402
from lpa import server  # noqa: E402
from lpa.contoh_aplikasi import ContohAplikasi  # noqa: E402
from lpa.demo import kode_dari_surel, tunggu_arsip  # noqa: E402
from settings import Settings, get_settings  # noqa: E402
from store import db  # noqa: E402
from store.models import StepRecord, Ticket  # noqa: E402

FORMS = ROOT / "tests" / "fixtures" / "forms"
LAYANAN = ["intake/intake", "proses-tiket/proses-tiket"]
PRIMITIF = ["bench-kosong/bench-kosong", "bench-jeda/bench-jeda"]
KEPUTUSAN = ("disposisi_kadis", "disposisi_kabid", "perintah_prakom", "rekomendasi",
             "hosting_integrasi")
HOSTING = {"domain": "bench.babelprov.go.id", "hosting": "VM bench", "integrasi": "-"}
MB = 1024 * 1024
SKEMA_BELUM_ADA = "Run input schema not found"
PENOLAKAN_SKEMA: list[float] = []
"""When a decision was refused by that race (see ``pejabat``)."""


def log(msg: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ts(value: str | None) -> float:
    """Epoch seconds of an ISO timestamp from the store or the Prefect API (UTC if naive)."""
    if not value:
        raise ValueError("timestamp kosong")
    d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def tabel(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.2f}" if abs(v) < 100 else f"{v:.0f}"
        return str(v)
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


# --- processes ---------------------------------------------------------------------------

def cpu_pohon(pid: int) -> float:
    """CPU seconds used so far by ``pid``, its live descendants and the children it reaped
    (the runner waits for each flow-run process it starts, so theirs are counted too)."""
    try:
        root = psutil.Process(pid)
        t = root.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for p in root.children(recursive=True):
            try:
                c = p.cpu_times()
                total += c.user + c.system
            except psutil.NoSuchProcess:
                pass
        return total
    except psutil.NoSuchProcess:
        return 0.0


def pohon(pid: int) -> tuple[int, int]:
    """(processes, summed RSS in bytes) of ``pid`` and all its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    n = rss = 0
    for p in procs:
        try:
            rss += p.memory_info().rss
            n += 1
        except psutil.NoSuchProcess:
            pass
    return n, rss


def hentikan(proses: server.Proses) -> None:
    """Proses.stop (SIGINT to its group, SIGKILL after 20 s), then SIGKILL any descendant
    that outlived it (they were started by this benchmark, through that process)."""
    try:
        turunan = psutil.Process(proses.popen.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        turunan = []
    try:
        proses.stop(timeout=20)
    finally:
        for p in turunan:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    log(f"proses sisa {p.pid} ({' '.join(p.cmdline()[:4])}) dihentikan paksa")
                    p.kill()
            except psutil.NoSuchProcess:
                pass


def _sinyal_jadi_interupsi(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"sinyal {signum}")


# --- the Prefect REST API ----------------------------------------------------------------

class Api:
    """Plain REST calls, retried (at most 6 times, backing off up to ~30 s in all) on 503
    and 429, as Prefect's own client does: the server answers 503 when its SQLite database
    is busy. The retries are counted (``coba_ulang``)."""

    def __init__(self, url: str) -> None:
        self.c = httpx.Client(base_url=url, timeout=60)
        self.coba_ulang = 0

    def close(self) -> None:
        self.c.close()

    def _req(self, method: str, path: str, **kw: Any) -> Any:
        for attempt in range(7):
            r = self.c.request(method, path, **kw)
            if r.status_code not in (429, 503) or attempt == 6:
                r.raise_for_status()
                return r.json()
            self.coba_ulang += 1
            time.sleep(min(0.5 * 2 ** attempt, 10))
        raise AssertionError("unreachable")

    def deployment_id(self, name: str) -> str:
        return self._req("GET", f"/deployments/name/{name}")["id"]

    def run(self, run_id: Any) -> dict[str, Any]:
        return self._req("GET", f"/flow_runs/{run_id}")

    def create_run(self, deployment_id: str, parameters: dict[str, Any], key: str) -> str:
        # The idempotency key makes a retry after a 503 create nothing twice.
        return self._req("POST", f"/deployments/{deployment_id}/create_flow_run",
                         json={"parameters": parameters, "idempotency_key": key})["id"]

    def count(self, deployment_ids: list[str], types: list[str]) -> int:
        return int(self._req("POST", "/flow_runs/count", json={"flow_runs": {
            "deployment_id": {"any_": deployment_ids}, "state": {"type": {"any_": types}}}}))

    def last_completed(self, deployment_id: str) -> dict[str, Any] | None:
        runs = self._req("POST", "/flow_runs/filter", json={
            "flow_runs": {"deployment_id": {"any_": [deployment_id]},
                          "state": {"type": {"any_": ["COMPLETED"]}}},
            "sort": "END_TIME_DESC", "limit": 1})
        return runs[0] if runs else None

    def wait_state(self, run_id: Any, types: set[str], timeout: float = 180,
                   every: float = 0.1) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fr = self.run(run_id)
            kind = (fr.get("state") or {}).get("type")
            if kind in types:
                return fr
            if kind in {"FAILED", "CRASHED", "CANCELLED"}:
                raise RuntimeError(f"run {run_id} berakhir {kind}: {fr['state'].get('message')}")
            time.sleep(every)
        raise TimeoutError(f"run {run_id} tidak mencapai {types} dalam {timeout:.0f} s")


# --- one stack: Prefect server + deployment server (+ the trivial flows' runner) ---------

class Tumpukan:
    def __init__(self, base: Path, nama: str, primitif: bool) -> None:
        self.data = base / nama
        self.primitif = primitif
        self.proses: list[server.Proses] = []
        self._ts: Any = None
        self.startup: dict[str, float] = {}

    def __enter__(self) -> Tumpukan:
        try:
            self._mulai()
        except BaseException:
            self.tutup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.tutup()

    def _mulai(self) -> None:
        from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

        self.data.mkdir(parents=True)
        os.environ["LPA_DATA_DIR"] = str(self.data)
        os.environ["LPA_ROSTER_FILE"] = str(ROOT / "config" / "roster.yaml")
        for k in ("LPA_DATABASE_URL", "LPA_MUTU_BAKU_FAKTOR", "LPA_NOTIFIKASI"):
            os.environ.pop(k, None)
        get_settings.cache_clear()
        self.settings: Settings = get_settings()
        db.upgrade(self.settings.store_url)
        port = server.free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.env = server.prefect_env(self.settings, self.api_url, poll_seconds=1)
        self.home = Path(self.env["PREFECT_HOME"])
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("PREFECT_")})
        self._ts = temporary_settings(updates={PREFECT_API_URL: self.api_url,
                                               PREFECT_HOME: self.home})
        self._ts.__enter__()
        logs = self.data / "log"
        t = time.monotonic()
        self.prefect = self._tambah(server.start_prefect_server(self.env, port,
                                                                logs / "prefect-server.log"))
        server.wait_healthy(self.api_url, self.prefect, timeout=180)
        self.startup["server Prefect sehat"] = time.monotonic() - t
        t = time.monotonic()
        self.serve = self._tambah(server.start_serve(self.env, logs / "serve.log"))
        server.wait_deployments(self.api_url, [*LAYANAN, "sla-watch/sla-watch"], self.serve,
                                timeout=180)
        self.startup["deployment terdaftar"] = time.monotonic() - t
        if self.primitif:
            self.runner_primitif = self._tambah(server.Proses(
                [sys.executable, "-m", "bench.primitif"], self.env, logs / "primitif.log"))
            server.wait_deployments(self.api_url, PRIMITIF, self.runner_primitif, timeout=180)
        self.api = Api(self.api_url)

    def _tambah(self, p: server.Proses) -> server.Proses:
        self.proses.append(p)
        return p

    def tutup(self) -> None:
        while self.proses:
            p = self.proses.pop()
            try:
                hentikan(p)
            except BaseException as exc:  # noqa: BLE001 - go on stopping the others
                log(f"gagal menghentikan {p.popen.args}: {exc!r}")
        if getattr(self, "api", None):
            self.api.close()
        if self._ts is not None:
            self._ts.__exit__(None, None, None)
            self._ts = None
        db.dispose_all()


# --- a scripted official who decides as soon as the code is issued -----------------------

def pejabat(settings: Settings, nomor: str | None = None, timeout: float = 180,
            every: float = 0.2) -> tuple[str, str, int, float]:
    """Decide ``setuju`` on the ticket's open decision step once its code is issued (or on
    any ticket's, when ``nomor`` is None); returns (ticket, step code, step id, epoch of
    the decide call). Polls the store every ``every`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session_scope(settings.store_url) as s:
            q = (select(Ticket.number, StepRecord.id, StepRecord.code, StepRecord.assignee_nip)
                 .join(Ticket, StepRecord.ticket_id == Ticket.id)
                 .where(StepRecord.finished_at.is_(None), StepRecord.code.in_(KEPUTUSAN),
                        StepRecord.code_hash.is_not(None), Ticket.archived_at.is_(None))
                 .order_by(StepRecord.id).limit(1))
            if nomor is not None:
                q = q.where(Ticket.number == nomor)
            row = s.execute(q).first()
        if row is not None:
            found = kode_dari_surel(settings.outbox_dir, row.number)
            if found and row.assignee_nip:
                extra = HOSTING if row.code == "hosting_integrasi" else None
                t = time.time()
                try:
                    operasi.decide(settings, row.number, row.assignee_nip, found[0], "setuju",
                                   "Dilanjutkan (bench).", extra, wait=timeout)
                except operasi.GagalOperasi as exc:
                    # Prefect sets the run Suspended, then saves the input schema; a resume
                    # in between is refused ("Run input schema not found") and operasi
                    # reports it as a refusal. The step still waits: decide again.
                    if SKEMA_BELUM_ADA not in str(exc):
                        raise
                    PENOLAKAN_SKEMA.append(time.time())
                    log(f"{row.number} {row.code}: '{SKEMA_BELUM_ADA}', diputus ulang")
                    time.sleep(every)
                    continue
                return row.number, row.code, row.id, t
        time.sleep(every)
    raise TimeoutError(f"tidak ada keputusan menunggu untuk {nomor or 'tiket mana pun'}")


# --- (a) -----------------------------------------------------------------------------------

def ukur_primitif(st: Tumpukan, n: int) -> list[dict[str, float]]:
    from prefect.deployments import run_deployment
    from prefect.exceptions import NotPausedError
    from prefect.flow_runs import resume_flow_run

    hasil = []
    for i in range(n):
        t0 = time.time()
        run = run_deployment(PRIMITIF[0], timeout=0, as_subflow=False)
        fr = st.api.wait_state(run.id, {"COMPLETED"}, timeout=120)
        kosong = ts(fr["state"]["timestamp"]) - t0
        kosong_running = ts(fr["start_time"]) - t0

        t0 = time.time()
        run = run_deployment(PRIMITIF[1], timeout=0, as_subflow=False)
        fr = st.api.wait_state(run.id, {"PAUSED"}, timeout=120)
        suspend = ts(fr["state"]["timestamp"]) - t0
        t1 = time.time()
        deadline = time.monotonic() + 60
        while True:
            try:
                resume_flow_run(run.id, run_input={"ok": True})
                break
            except NotPausedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        fr = st.api.wait_state(run.id, {"COMPLETED"}, timeout=120)
        resume = ts(fr["state"]["timestamp"]) - t1
        hasil.append({"kosong": kosong, "kosong_sampai_running": kosong_running,
                      "jeda_sampai_suspended": suspend, "resume_sampai_selesai": resume})
        log(f"primitif {i + 1}/{n}: run kosong {kosong:.2f} s, suspend {suspend:.2f} s, "
            f"resume→selesai {resume:.2f} s")
    return hasil


def satu_tiket(st: Tumpukan, data: dict[str, Any], jenis: str) -> dict[str, Any]:
    settings = st.settings
    t0 = time.time()
    nomor = operasi.submit(settings, data, jenis, key=f"bench-a-{uuid.uuid4().hex}",
                           timeout=300)
    t_submit = time.time()
    kirim: dict[int, float] = {}
    for _ in range(3):  # Kepala Dinas, Kabid e-Gov, Pranata Komputer
        _, _, step_id, t = pejabat(settings, nomor)
        kirim[step_id] = t
    status = tunggu_arsip(settings, nomor, timeout=900)
    langkah = status["langkah"]
    # The step records carry their ids only through the store; match them by order.
    with db.session_scope(settings.store_url) as s:
        ids = s.scalars(select(StepRecord.id).join(Ticket, StepRecord.ticket_id == Ticket.id)
                        .where(Ticket.number == nomor).order_by(StepRecord.id)).all()
        run_id = s.scalar(select(StepRecord.flow_run_id)
                          .join(Ticket, StepRecord.ticket_id == Ticket.id)
                          .where(Ticket.number == nomor, StepRecord.code == "arsip"))
    per_langkah = []
    sebelum = t0
    for sid, lk in zip(ids, langkah, strict=True):
        mulai, selesai = ts(lk["mulai"]), ts(lk["selesai"])
        row = {"kode": lk["kode"], "jeda_sebelum": mulai - sebelum, "durasi": selesai - mulai}
        if sid in kirim:
            row["tunggu_pejabat"] = kirim[sid] - mulai
            row["diproses"] = selesai - kirim[sid]
        per_langkah.append(row)
        sebelum = selesai
    total = ts(langkah[-1]["selesai"]) - t0
    uji = next(r["durasi"] for r in per_langkah if r["kode"] == "uji_kelaikan")
    diproses = sum(r.get("diproses", 0.0) for r in per_langkah)
    tunggu = sum(r.get("tunggu_pejabat", 0.0) for r in per_langkah)
    return {"nomor": nomor, "hasil_uji": next(lk["catatan"] for lk in langkah
                                               if lk["kode"] == "uji_kelaikan"),
            "total": total, "submit_kembali": t_submit - t0, "uji": uji,
            "keputusan_diproses": diproses, "tunggu_pejabat": tunggu,
            "sisa": total - uji - diproses, "flow_run_id": run_id, "langkah": per_langkah}


def bagian_a(hasil: dict[str, Any], base: Path, n: int, n_primitif: int) -> None:
    """Fills ``hasil`` as it goes, so a failure keeps what was measured."""
    hasil["tiket"] = {}
    with Tumpukan(base, "a", primitif=True) as st:
        hasil["startup"] = st.startup
        log(f"(a) server siap: {st.startup}")
        hasil["primitif"] = ukur_primitif(st, n_primitif)
        va = json.loads((FORMS / "va.json").read_text(encoding="utf-8"))
        hasil["tiket"]["va"] = []
        for i in range(n):
            r = satu_tiket(st, va, "va")
            hasil["tiket"]["va"].append(r)
            log(f"(a) VA {i + 1}/{n} {r['nomor']}: total {r['total']:.1f} s, "
                f"uji {r['uji']:.1f} s, sisa {r['sisa']:.1f} s")
        with ContohAplikasi(aman=True) as app:
            uk = json.loads((FORMS / "uji_kelayakan.json").read_text(encoding="utf-8"))
            uk["url_aplikasi"] = app.url
            hasil["tiket"]["uji-kelayakan"] = []
            for i in range(n):
                r = satu_tiket(st, uk, "uji-kelayakan")
                hasil["tiket"]["uji-kelayakan"].append(r)
                log(f"(a) uji kelayakan {i + 1}/{n} {r['nomor']}: total {r['total']:.1f} s, "
                    f"uji {r['uji']:.1f} s, sisa {r['sisa']:.1f} s")
        # The primitives once more at the end: drift of the shared machine shows here.
        hasil["primitif"] += ukur_primitif(st, n_primitif)


def laporan_a(h: dict[str, Any]) -> str:
    p = h["primitif"]
    kosong = med([x["kosong"] for x in p])
    resume = med([x["resume_sampai_selesai"] for x in p])
    out = ["#### Primitives (same server, same poll interval 1 s; median of "
           f"{len(p)}, min–max)", ""]
    rows = []
    for key, label in (("kosong", "flow without tasks: create → Completed"),
                       ("kosong_sampai_running", "… of which create → Running "
                        "(pickup + process start)"),
                       ("jeda_sampai_suspended", "suspending flow: create → Suspended"),
                       ("resume_sampai_selesai", "suspend/resume: resume → Completed")):
        v = [x[key] for x in p]
        rows.append([label, med(v), f"{min(v):.2f}–{max(v):.2f}"])
    out += [tabel(["primitive", "s", "min–max"], rows), ""]
    out += ["#### One ticket, seven steps, instant decisions (per ticket)", ""]
    rows = []
    for varian, tiket in h.get("tiket", {}).items():
        for r in tiket:
            rows.append([varian, r["nomor"], r["total"], r["uji"], r["keputusan_diproses"],
                         r["sisa"], r["tunggu_pejabat"], r["sisa"] / kosong,
                         r["keputusan_diproses"] / 3 / resume])
    out += [tabel(["request", "ticket", "total s", "uji kelaikan s", "3 decisions processed s",
                   "remainder (overhead) s", "…of it: step start → decision sent s",
                   "remainder ÷ empty run", "decision ÷ resume round trip"], rows), ""]
    out += ["#### Where the time goes (median per step over the tickets of each request type)",
            ""]
    for varian, tiket in h.get("tiket", {}).items():
        if not tiket:
            continue
        kodes = [r["kode"] for r in tiket[0]["langkah"]]
        rows = []
        for i, kode in enumerate(kodes):
            lk = [t["langkah"][i] for t in tiket if len(t["langkah"]) > i]
            rows.append([kode, med([x["jeda_sebelum"] for x in lk]),
                         med([x["durasi"] for x in lk]),
                         med([x["tunggu_pejabat"] for x in lk]) if "tunggu_pejabat" in lk[0]
                         else "", med([x["diproses"] for x in lk]) if "diproses" in lk[0]
                         else ""])
        out += [f"{varian} ({len(tiket)} tickets):", "",
                tabel(["step", "gap before start s", "duration s",
                       "…start → decision sent s", "…decision sent → finished s"], rows), ""]
    return "\n".join(out)


# --- (b) -----------------------------------------------------------------------------------

def menunggu(settings: Settings) -> int:
    """Tickets waiting at a decision whose code has been issued."""
    with db.session_scope(settings.store_url) as s:
        return s.scalar(select(func.count(func.distinct(StepRecord.ticket_id)))
                        .where(StepRecord.finished_at.is_(None),
                               StepRecord.code.in_(KEPUTUSAN),
                               StepRecord.code_hash.is_not(None))) or 0


def ukuran(*paths: Path) -> int:
    return sum(p.stat().st_size for p in paths if p.exists())


def ukur_tingkat(st: Tumpukan, ids: dict[str, str], n: int, cache: dict[str, str],
                 sampel: int = 10) -> dict[str, Any]:
    kuras_s = kuras(st, ids, cache)
    serve, prefect, akar, jenis = [], [], [], []
    for _ in range(sampel):
        serve.append(pohon(st.serve.popen.pid))
        prefect.append(pohon(st.prefect.popen.pid))
        akar.append(psutil.Process(st.serve.popen.pid).memory_info().rss)
        jenis.append(anak_serve(st, ids, cache))
        time.sleep(1)
    t = time.perf_counter()
    inbox = operasi.inbox(st.settings)
    inbox_s = time.perf_counter() - t
    tenggat = st.api.last_completed(ids["tenggat"])
    store = Path(st.settings.store_url.removeprefix("sqlite:///"))
    pdb = st.home / "prefect.db"
    return {
        "menunggu": n, "inbox_item": len(inbox), "inbox_s": inbox_s,
        "serve_proses_min": min(c for c, _ in serve), "serve_proses_max": max(c for c, _ in serve),
        "serve_rss_mb": min(r for _, r in serve) / MB,
        "serve_akar_rss_mb": med([r / MB for r in akar]),
        "anak_tiket_max": max(j["intake"] + j["proses"] for j in jenis),
        "anak_tenggat_max": max(j["tenggat"] for j in jenis),
        "anak_lain_max": max(j["lain"] for j in jenis),
        "kuras_s": kuras_s,
        "prefect_proses": max(c for c, _ in prefect),
        "prefect_rss_mb": med([r / MB for _, r in prefect]),
        "store_mb": ukuran(store, Path(f"{store}-wal"), Path(f"{store}-shm")) / MB,
        "prefect_db_mb": ukuran(pdb, Path(f"{pdb}-wal"), Path(f"{pdb}-shm")) / MB,
        "outbox_mb": ukuran(st.settings.outbox_dir / "outbox.jsonl") / MB,
        "suspended": st.api.count([ids["proses"]], ["PAUSED"]),
        "tenggat_run_s": tenggat.get("total_run_time") if tenggat else None,
        "cpu_serve_s": cpu_pohon(st.serve.popen.pid),
        "cpu_prefect_s": cpu_pohon(st.prefect.popen.pid),
    }


def anak_serve(st: Tumpukan, ids: dict[str, str], cache: dict[str, str]) -> dict[str, int]:
    """The deployment server's live child processes by deployment (``intake``, ``proses``,
    ``tenggat``, ``lain``), from each flow-run process's PREFECT__FLOW_RUN_ID."""
    nama = {v: k for k, v in ids.items()}
    hitung = {"intake": 0, "proses": 0, "tenggat": 0, "lain": 0}
    try:
        anak = psutil.Process(st.serve.popen.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return hitung
    for p in anak:
        try:
            run_id = p.environ().get("PREFECT__FLOW_RUN_ID")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if run_id and run_id not in cache:
            try:
                cache[run_id] = st.api.run(run_id).get("deployment_id") or ""
            except httpx.HTTPError:
                cache[run_id] = ""
        hitung[nama.get(cache.get(run_id or "", ""), "lain")] += 1
    return hitung


def kuras(st: Tumpukan, ids: dict[str, str], cache: dict[str, str],
          timeout: float = 180) -> float:
    """Wait until no intake/proses-tiket process is left (a run's state is final some
    seconds before its process has exited); returns how long that took."""
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        h = anak_serve(st, ids, cache)
        if h["intake"] + h["proses"] == 0:
            break
        time.sleep(0.5)
    return time.monotonic() - t


def tenang(st: Tumpukan, ids: dict[str, str], timeout: float = 300) -> bool:
    """Wait until no intake/proses-tiket run is scheduled, pending or running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        aktif = st.api.count([ids["intake"], ids["proses"]],
                             ["SCHEDULED", "PENDING", "RUNNING", "CANCELLING"])
        if aktif == 0:
            return True
        time.sleep(1)
    return False


def bagian_b(hasil: dict[str, Any], base: Path, levels: list[int], inflight: int,
             budget_s: float) -> None:
    """Fills ``hasil`` as it goes, so a failure keeps what was measured."""
    hasil.update({"levels": levels, "inflight": inflight, "baris": [], "dibuat": 0})
    with Tumpukan(base, "b", primitif=False) as st:
        hasil["startup"] = st.startup
        log(f"(b) server siap: {st.startup}")
        ids = {"intake": st.api.deployment_id(LAYANAN[0]),
               "proses": st.api.deployment_id(LAYANAN[1]),
               "tenggat": st.api.deployment_id("sla-watch/sla-watch")}
        va = json.loads((FORMS / "va.json").read_text(encoding="utf-8"))
        params = {"jenis": "va", "permohonan": va}
        tag = uuid.uuid4().hex[:8]
        cache: dict[str, str] = {}
        time.sleep(5)
        baris = ukur_tingkat(st, ids, 0, cache)
        baris.update({"isi_s": 0.0, "detik_per_tiket": None})
        hasil["baris"].append(baris)
        log(f"(b) 0 menunggu: {baris}")
        dibuat = 0
        mulai_b = time.monotonic()
        habis = False
        for level in levels:
            t_lvl = time.monotonic()
            awal = menunggu(st.settings)
            while True:
                n = menunggu(st.settings)
                if n >= level:
                    break
                if time.monotonic() - mulai_b > budget_s:
                    habis = True
                    log(f"(b) anggaran waktu {budget_s:.0f} s habis pada {n} tiket menunggu")
                    break
                if dibuat < level and dibuat - n < inflight:
                    st.api.create_run(ids["intake"], params, f"bench-b-{tag}-{dibuat}")
                    dibuat += 1
                    hasil["dibuat"] = dibuat
                    hasil["coba_ulang_503"] = st.api.coba_ulang
                    continue
                gagal = st.api.count([ids["intake"], ids["proses"]], ["FAILED", "CRASHED"])
                if gagal:
                    raise RuntimeError(f"{gagal} run intake/proses-tiket gagal; lihat log")
                time.sleep(0.5)
            settled = tenang(st, ids)
            isi = time.monotonic() - t_lvl
            n = menunggu(st.settings)
            baris = ukur_tingkat(st, ids, n, cache)
            baris.update({"isi_s": isi, "tenang": settled,
                          "detik_per_tiket": isi / (n - awal) if n > awal else None})
            # One decision at this level: does resume → step finished change with the load?
            nomor, kode, step_id, t_kirim = pejabat(st.settings, timeout=120)
            with db.session_scope(st.settings.store_url) as s:
                selesai = s.get(StepRecord, step_id).finished_at
            baris["keputusan_diproses_s"] = selesai.replace(
                tzinfo=selesai.tzinfo or UTC).timestamp() - t_kirim
            tenang(st, ids, timeout=120)
            hasil["baris"].append(baris)
            log(f"(b) {n} menunggu: {baris}")
            if habis:
                break
        hasil["total_s"] = time.monotonic() - mulai_b
        hasil["coba_ulang_503"] = st.api.coba_ulang


def laporan_b(h: dict[str, Any]) -> str:
    rows = []
    sebelum = None
    for b in h["baris"]:
        cpu = ""
        if sebelum is not None and b["menunggu"] > sebelum["menunggu"]:
            baru = b["menunggu"] - sebelum["menunggu"]
            cpu = (f"{(b['cpu_serve_s'] - sebelum['cpu_serve_s']) / baru:.1f} + "
                   f"{(b['cpu_prefect_s'] - sebelum['cpu_prefect_s']) / baru:.1f}")
        sebelum = b
        rows.append([
            f"{b['menunggu']}" + ("" if b.get("tenang", True) else " (not settled)"),
            b["suspended"],
            f"{b['serve_proses_min']}–{b['serve_proses_max']}"
            if b["serve_proses_min"] != b["serve_proses_max"] else b["serve_proses_min"],
            f"{b['anak_tiket_max']} / {b['anak_tenggat_max']} / {b['anak_lain_max']}",
            b["kuras_s"], b["serve_akar_rss_mb"],
            b["serve_rss_mb"], b["prefect_proses"], b["prefect_rss_mb"], b["store_mb"],
            b["prefect_db_mb"], b["inbox_s"] * 1000,
            f"{b['keputusan_diproses_s']:.2f}" if "keputusan_diproses_s" in b else "",
            f"{b['tenggat_run_s']:.2f}" if b.get("tenggat_run_s") is not None else "",
            f"{b['isi_s']:.0f}" if b["isi_s"] else "",
            f"{b['detik_per_tiket']:.2f}" if b.get("detik_per_tiket") else "", cpu])
    return tabel(["tickets waiting", "Suspended runs (Prefect)",
                  "deployment-server processes (10 samples, 1 s apart)",
                  "…children: ticket runs / pengawas-tenggat / other (max)",
                  "wait for exiting ticket processes s", "deployment server RSS MB",
                  "deployment-server tree RSS MB (min)",
                  "Prefect-server processes", "Prefect-server RSS MB", "our store MB",
                  "Prefect DB MB", "lpa inbox ms", "one decision processed s",
                  "pengawas-tenggat run s", "time to fill level s", "s per new ticket",
                  "CPU s per new ticket (deployment server tree + Prefect server)"], rows)


# --- main ----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["a", "b", "all"], default="all")
    ap.add_argument("--quick", action="store_true",
                    help="(a) 1 ticket per request type, 1 primitive run; (b) 1, 10, 50")
    ap.add_argument("--tickets", type=int, default=3, help="(a) tickets per request type")
    ap.add_argument("--primitives", type=int, default=3,
                    help="(a) runs of each primitive, before and after the tickets")
    ap.add_argument("--max-tickets", type=int, default=1000, help="(b) largest level")
    ap.add_argument("--inflight", type=int, default=4,
                    help="(b) tickets created but not yet waiting, at most")
    ap.add_argument("--budget-minutes", type=float, default=17,
                    help="(b) stop creating tickets after this long; measure what was reached")
    ap.add_argument("--json", type=Path, help="write the raw figures here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args(argv)
    if args.quick:
        args.tickets, args.primitives = 1, 1
        levels = [1, 10, 50]
    else:
        levels = [1, 100, 250, 500, 1000]
    levels = sorted({min(x, args.max_tickets) for x in levels if x >= 1})

    signal.signal(signal.SIGTERM, _sinyal_jadi_interupsi)
    signal.signal(signal.SIGHUP, _sinyal_jadi_interupsi)
    base = Path(tempfile.mkdtemp(prefix="lpa-bench-"))
    log(f"data sementara: {base}")
    hasil: dict[str, Any] = {
        "tanggal": datetime.now(UTC).isoformat(timespec="seconds"),
        "mesin": f"{platform.platform()}, {psutil.cpu_count()} CPU, "
                 f"{psutil.virtual_memory().total // MB} MB RAM, Python "
                 f"{platform.python_version()}",
        "perintah": " ".join([".venv/bin/python", "bench/bench_sop.py", *sys.argv[1:]]),
    }
    ok = False
    t_all = time.monotonic()
    try:
        if args.part in ("a", "all"):
            t = time.monotonic()
            hasil["a"] = {}
            try:
                bagian_a(hasil["a"], base, args.tickets, args.primitives)
            finally:
                hasil["a"]["wall_s"] = time.monotonic() - t
        if args.part in ("b", "all"):
            t = time.monotonic()
            hasil["b"] = {}
            try:
                bagian_b(hasil["b"], base, levels, args.inflight, args.budget_minutes * 60)
            finally:
                hasil["b"]["wall_s"] = time.monotonic() - t
        ok = True
    except KeyboardInterrupt:
        log("dihentikan; semua proses sudah dihentikan")
    except Exception:  # noqa: BLE001 - the parts measured so far are still printed
        log("gagal:\n" + traceback.format_exc())
    finally:
        hasil["wall_s"] = time.monotonic() - t_all
        hasil["penolakan_skema"] = len(PENOLAKAN_SKEMA)
        if args.json:
            args.json.write_text(json.dumps(hasil, indent=2, default=str), encoding="utf-8")
        if ok and not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            log(f"data dan log disimpan di {base}")

    print(f"## SOP flows benchmark\n\n{hasil['perintah']}  \n{hasil['mesin']}  \n"
          f"{hasil['tanggal']}, wall time {hasil['wall_s']:.0f} s; decisions refused with "
          f"'{SKEMA_BELUM_ADA}' and sent again: {len(PENOLAKAN_SKEMA)}\n")
    if hasil.get("a", {}).get("primitif"):
        print(f"### (a) One ticket through seven steps ({hasil['a']['wall_s']:.0f} s)\n")
        print(laporan_a(hasil["a"]))
    if hasil.get("b", {}).get("baris"):
        b = hasil["b"]
        print(f"### (b) Waiting tickets ({b['wall_s']:.0f} s; created {b.get('dibuat')} "
              f"intake runs, at most {b['inflight']} in flight; "
              f"{b.get('coba_ulang_503', 0)} REST calls retried after 503/429)\n")
        print(laporan_b(b))
    return 0 if ok else 130


if __name__ == "__main__":
    sys.exit(main())
