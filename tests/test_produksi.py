"""Production on more than one machine, started on this one (README, "Production").

A Prefect server on the real PostgreSQL (its own database, ``pg_trgm`` created), protected
with an auth string; our store on PostgreSQL (another database); the process work pool
``lpa``; the deployments applied from ``prefect.yaml`` with ``prefect deploy --all``; two
workers ``w1`` and ``w2`` in the pool. Three tickets run through to the archive, the runs are
shown spread over both workers (the ``prefect.worker.submitted-flow-run`` events each worker
emits, naming the flow run), and one worker is stopped while every ticket waits at a
decision: every ticket still reaches the archive through the other worker.

This test starts its own server and never touches the session ``prefect_api`` server.
"""

from __future__ import annotations

import base64
import contextvars
import json
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, select, text

from lpa import operasi, server
from lpa.demo import pejabat_memutus, tunggu_arsip
from lpa.settings import Settings, get_settings
from store import db
from store.models import Ticket

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
"""The checkout: LPA_HOME of the workers (a fresh clone in CI, never a fixed path)."""
FORMS = ROOT / "tests" / "fixtures" / "forms"
POOL = "lpa"  # the pool prefect.yaml names
WORKERS = ("w1", "w2")
TICKETS = 3
SOP_LANGKAH = ["pengajuan", "disposisi_kadis", "disposisi_kabid", "perintah_prakom",
               "uji_kelaikan", "laporan", "arsip"]


def _pg_url(admin_url: str, name: str, driver: str) -> str:
    base = admin_url.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgresql+{driver}://{base}/{name}"


def _admin(admin_url: str, *statements: str, database: str | None = None) -> None:
    url = admin_url if database is None else _pg_url(admin_url, database, "psycopg")
    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        eng.dispose()


def _prefect(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """One Prefect CLI command, bounded in time; its output, or a failure showing it."""
    done = subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{output}"
    return output


@dataclass
class Produksi:
    settings: Settings
    env: dict[str, str]
    api: str
    auth: str
    prefect_db_url: str
    workers: dict[str, server.Proses]
    log_dir: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode()}

    def get(self, path: str) -> Any:
        r = httpx.get(f"{self.api}{path}", headers=self.headers, timeout=10)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        r = httpx.post(f"{self.api}{path}", json=body, headers=self.headers, timeout=10)
        r.raise_for_status()
        return r.json()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.log_dir.glob("*.log")))


@pytest.fixture(scope="module")
def produksi(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Produksi]:
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    data = tmp_path_factory.mktemp("produksi")
    logs = data / "log"
    suffix = uuid.uuid4().hex[:10]
    prefect_db, store_db = f"lpa_test_prefect_{suffix}", f"lpa_test_store_{suffix}"
    _admin(pg_server, f'CREATE DATABASE "{prefect_db}"', f'CREATE DATABASE "{store_db}"')
    procs: list[server.Proses] = []
    mp = pytest.MonkeyPatch()
    try:
        # Prefect's full-text search needs pg_trgm; created up front, as the README says.
        _admin(pg_server, "CREATE EXTENSION IF NOT EXISTS pg_trgm", database=prefect_db)
        store_url = _pg_url(pg_server, store_db, "psycopg")
        port = server.free_port()
        api = f"http://127.0.0.1:{port}/api"
        auth = f"lpa-admin:{secrets.token_urlsafe(16)}"
        lpa_env = {
            "LPA_DATA_DIR": str(data),
            "LPA_DATABASE_URL": store_url,
            "LPA_ROSTER_FILE": str(ROOT / "config" / "roster.yaml"),
            "LPA_PREFECT_API_URL": api,
        }
        for key, value in lpa_env.items():
            mp.setenv(key, value)
        mp.setenv("PREFECT_API_URL", api)
        mp.setenv("PREFECT_API_AUTH_STRING", auth)
        get_settings.cache_clear()
        settings = get_settings()
        db.upgrade(settings.store_url)  # what every lpa process does on start
        env = server.prefect_env(settings, api)
        env.update(lpa_env)
        env.update({
            "LPA_HOME": str(ROOT),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": _pg_url(pg_server, prefect_db, "asyncpg"),
            "PREFECT_SERVER_API_AUTH_STRING": auth,
            "PREFECT_API_AUTH_STRING": auth,
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
        })
        prefect = server.start_prefect_server(env, port, logs / "prefect-server.log")
        procs.append(prefect)
        server.wait_healthy(api, prefect, timeout=180)
        _prefect(env, "work-pool", "create", POOL, "--type", "process")
        workers = {}
        for name in WORKERS:
            # --limit 2: a busy worker leaves further runs to the other one
            workers[name] = server.Proses(
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL,
                 "--name", name, "--limit", "2"], env, logs / f"worker-{name}.log")
            procs.append(workers[name])
        # Deployed without LPA_HOME, so the pull step keeps "{{ $LPA_HOME }}" and each worker
        # resolves it to its own checkout (set, it would be fixed to the deploying machine's).
        deploy_env = {k: v for k, v in env.items() if k != "LPA_HOME"}
        _prefect(deploy_env, "deploy", "--all", timeout=300)
        # the runbook's next step: the automation that marks dead runs Crashed
        otomasi = subprocess.run([sys.executable, "-m", "deployments.otomasi"], env=deploy_env,
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert otomasi.returncode == 0, otomasi.stdout + otomasi.stderr
        st = Produksi(settings, env, api, auth, _pg_url(pg_server, prefect_db, "psycopg"),
                      workers, logs)
        _wait_workers_online(st)
        with temporary_settings(updates={PREFECT_API_URL: api, PREFECT_API_AUTH_STRING: auth}):
            yield st
    finally:
        for proc in reversed(procs):
            proc.stop()
        mp.undo()
        get_settings.cache_clear()
        db.dispose_all()
        _admin(pg_server, f'DROP DATABASE IF EXISTS "{prefect_db}" WITH (FORCE)',
               f'DROP DATABASE IF EXISTS "{store_db}" WITH (FORCE)')


def _wait_workers_online(st: Produksi, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    online: set[str] = set()
    while time.monotonic() < deadline:
        for name, proc in st.workers.items():
            assert proc.alive(), f"worker {name} stopped:\n{st.logs()}"
        rows = st.post(f"/work_pools/{POOL}/workers/filter", {})
        online = {w["name"] for w in rows if w["status"] == "ONLINE"}
        if online >= set(WORKERS):
            return
        time.sleep(1)
    raise AssertionError(f"workers online: {online}\n{st.logs()}")


def _wait(what: str, check: Any, timeout: float, st: Produksi) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"{what} within {timeout:.0f} s\n{st.logs()}")


def _submit_as_portal(st: Produksi, keys: list[str]) -> list[str]:
    """The portal's call (README): create_flow_run of intake with its own request key."""
    deployment = st.get("/deployments/name/intake/intake")
    form = json.loads((FORMS / "va.json").read_text(encoding="utf-8"))
    run_ids = []
    for n, key in enumerate(keys):
        body = {"idempotency_key": key, "parameters": {
            "jenis": "va", "permohonan": {**form, "nama_aplikasi": f"Aplikasi Produksi {n}"}}}
        run_ids.append(st.post(f"/deployments/{deployment['id']}/create_flow_run", body)["id"])
    return run_ids


def _tickets(st: Produksi, keys: list[str]) -> list[str] | None:
    with db.session_scope(st.settings.store_url) as session:
        found = {key: number for key, number in session.execute(
            select(Ticket.idempotency_key, Ticket.number)
            .where(Ticket.idempotency_key.in_(keys)))}
    return [found[k] for k in keys] if len(found) == len(keys) else None


def _ticket_runs(st: Produksi, nomor: str) -> set[str]:
    """The flow runs of a ticket's steps 2-7, as our store recorded them."""
    return {s["flow_run_id"] for s in _steps(st, nomor) if s["flow_run_id"]}


def _steps(st: Produksi, nomor: str) -> list[dict[str, Any]]:
    from store import repo

    with db.session_scope(st.settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        return [{"code": s.code, "flow_run_id": s.flow_run_id, "finished": s.finished_at,
                 "decision": s.decision} for s in ticket.steps]


def _all_suspended_at(st: Produksi, tickets: list[str], code: str) -> bool:
    waiting = {m.tiket: m for m in operasi.inbox(st.settings)
               if m.langkah == code and m.kode_terbit}
    if set(tickets) - set(waiting):
        return False
    states = [st.get(f"/flow_runs/{waiting[t].flow_run_id}")["state"] for t in tickets]
    return all(s["type"] == "PAUSED" and s["name"] == "Suspended" for s in states)


def _submissions(st: Produksi) -> list[tuple[datetime, str, str]]:
    """(when, worker, flow run id) of every flow run a worker took, from the server's events."""
    body: dict[str, Any] = {"filter": {"event": {"name": ["prefect.worker.submitted-flow-run"]}},
                            "limit": 50}
    page = st.post("/events/filter", body)
    out = []
    for _ in range(100):  # bounded paging
        for event in page["events"]:
            runs = [r["prefect.resource.id"].removeprefix("prefect.flow-run.")
                    for r in event["related"] if r.get("prefect.resource.role") == "flow-run"]
            for run in runs:
                out.append((datetime.fromisoformat(event["occurred"]),
                            event["resource"]["prefect.resource.name"], run))
        if not page.get("next_page"):
            break
        r = httpx.get(page["next_page"], headers=st.headers, timeout=10)
        r.raise_for_status()
        page = r.json()
    return out


def _decide_all(st: Produksi, tickets: list[str], times: int) -> list[list[str]]:
    """Scripted officials for every ticket at once: each reads its code from the outbox."""
    def one(nomor: str) -> list[str]:
        return [pejabat_memutus(st.settings, nomor, timeout=240) for _ in range(times)]

    # Each thread gets a copy of this context, so it talks to this module's Prefect server.
    with ThreadPoolExecutor(max_workers=len(tickets)) as pool:
        futures = [pool.submit(contextvars.copy_context().run, one, nomor) for nomor in tickets]
        return [f.result() for f in futures]


def test_the_zombie_automation_is_installed(produksi: Produksi) -> None:
    from prefect.client.orchestration import get_client

    from deployments.otomasi import NAMA

    with get_client(sync_client=True) as client:
        [otomasi] = client.read_automations_by_name(NAMA)
    assert otomasi.enabled
    assert otomasi.actions[0].type == "change-flow-run-state"


def test_server_refuses_calls_without_the_auth_string(produksi: Produksi) -> None:
    assert httpx.get(f"{produksi.api}/health", timeout=10).status_code == 200  # probes stay open
    refused = httpx.get(f"{produksi.api}/deployments/name/intake/intake", timeout=10)
    assert refused.status_code == 401
    intake = produksi.get("/deployments/name/intake/intake")
    assert intake["work_pool_name"] == POOL
    # Each worker resolves LPA_HOME itself when it pulls the flow: the same code everywhere.
    assert intake["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {
        "directory": "{{ $LPA_HOME }}"}}]
    # Prefect's own data is in its PostgreSQL database, with pg_trgm.
    eng = create_engine(produksi.prefect_db_url)
    try:
        with eng.connect() as conn:
            assert conn.execute(text(
                "select count(*) from pg_extension where extname = 'pg_trgm'")).scalar() == 1
            names = set(conn.execute(text("select name from deployment")).scalars())
        declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
        assert names == {d["name"] for d in declared["deployments"]}  # all of prefect.yaml
    finally:
        eng.dispose()


def test_two_workers_share_tickets_and_one_stopping_loses_nothing(produksi: Produksi) -> None:
    st = produksi
    keys = [f"portal-produksi-{uuid.uuid4().hex[:8]}-{n}" for n in range(TICKETS)]
    intake_runs = _submit_as_portal(st, keys)
    # The portal retries a request: the same key returns the same run.
    assert _submit_as_portal(st, keys[:1]) == intake_runs[:1]
    tickets = _wait("every intake opened its ticket", lambda: _tickets(st, keys), 240, st)
    assert len(set(tickets)) == TICKETS

    assert _decide_all(st, tickets, 1) == [["disposisi_kadis"]] * TICKETS
    _wait("every ticket suspended at disposisi_kabid",
          lambda: _all_suspended_at(st, tickets, "disposisi_kabid"), 240, st)

    # w1 stops (SIGINT, as Ctrl-C or a service manager would) while every ticket waits.
    st.workers["w1"].stop()
    assert not st.workers["w1"].alive()
    stopped = datetime.now(UTC)

    decided = _decide_all(st, tickets, 2)
    assert decided == [["disposisi_kabid", "perintah_prakom"]] * TICKETS
    for nomor in tickets:
        status = tunggu_arsip(st.settings, nomor, timeout=300)
        assert status["status"] == "diarsipkan", status
        assert status["nomor_agenda"].startswith("AGD-")
        # The store has every step, each started, due and finished.
        assert [s["kode"] for s in status["langkah"]] == SOP_LANGKAH
        for step in status["langkah"]:
            assert step["mulai"] and step["jatuh_tempo"] and step["selesai"], step
        assert [s["keputusan"] for s in status["langkah"][1:4]] == ["setuju"] * 3
        assert (st.settings.laporan_dir / nomor / "laporan.html").exists()

    ticket_runs = {nomor: _ticket_runs(st, nomor) for nomor in tickets}
    ours = set(intake_runs).union(*ticket_runs.values())

    def every_run_seen() -> list[tuple[datetime, str, str]] | None:
        subs = [s for s in _submissions(st) if s[2] in ours]
        seen = {run for _, _, run in subs}
        # each proses-tiket run is resumed twice after the stop: both takes must be recorded
        after = [s for s in subs if s[0] > stopped]
        resumed = all(sum(1 for s in after if s[2] in runs) >= 2
                      for runs in ticket_runs.values())
        return subs if seen >= ours and resumed else None

    subs = _wait("the workers' submissions recorded as events", every_run_seen, 60, st)
    before = {worker for when, worker, _ in subs if when <= stopped}
    after = {worker for when, worker, _ in subs if when > stopped}
    # The runs were spread over both workers while both were up...
    assert before == {"w1", "w2"}, subs
    # ...and after w1 stopped, the other worker took every resumed run.
    assert after == {"w2"}, subs
    took_over = {run for when, worker, run in subs if when > stopped}
    assert all(runs & took_over for runs in ticket_runs.values())
    assert st.workers["w2"].alive()
    # Each ticket run finished; none was left crashed or waiting.
    for runs in ticket_runs.values():
        for run in runs:
            assert st.get(f"/flow_runs/{run}")["state"]["type"] == "COMPLETED"
