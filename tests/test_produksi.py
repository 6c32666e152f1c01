"""Production on more than one machine, started on this one (README, "Production").

A Prefect server on the real PostgreSQL (its own database, ``pg_trgm`` created), protected
with an auth string; our store on PostgreSQL (another database); the process work pool
``lpa``; the deployments applied from ``prefect.yaml`` with ``prefect deploy --all``; two
workers ``w1`` and ``w2`` in the pool. Three tickets run through to the archive, the runs are
shown spread over both workers (the ``prefect.worker.submitted-flow-run`` events each worker
emits, naming the flow run), and one worker is stopped while every ticket waits at a
decision: every ticket still reaches the archive through the other worker.

Production exposure (docs/08-security.md): the server listens on loopback only, every API
path answers 401 without the auth string (but the two probes), the UI's open pages carry no
run data, and a worker started as an unprivileged user runs a deployment's pull step and flow
as that user, unable to change the checkout.

This test starts its own server and never touches the session ``prefect_api`` server.
"""

from __future__ import annotations

import base64
import contextvars
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bantu
import httpx
import prefect_rest as rest
import psutil
import pytest
import yaml
from sqlalchemy import create_engine, select, text
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from klien import operasi
from lpa import server
from lpa.demo import pejabat_memutus, tunggu_arsip
from settings import Settings, get_settings
from store import db
from store.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.lambat]  # a production stack

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
    server: server.Proses

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode()}

    def get(self, path: str) -> Any:
        r = rest.get(f"{self.api}{path}", headers=self.headers, timeout=10)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        r = rest.post(f"{self.api}{path}", json=body, headers=self.headers, timeout=10)
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
        settings = bantu.Pengaturan(mp)(**lpa_env, PREFECT_API_URL=api,
                                        PREFECT_API_AUTH_STRING=auth)
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
                      workers, logs, prefect)
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
    online: set[str] = set()

    def semua_online() -> bool:
        nonlocal online
        for name, proc in st.workers.items():
            assert proc.alive(), f"worker {name} stopped:\n{st.logs()}"
        rows = st.post(f"/work_pools/{POOL}/workers/filter", {})
        online = {w["name"] for w in rows if w["status"] == "ONLINE"}
        return online >= set(WORKERS)

    bantu.tunggu(semua_online, timeout, jeda=1,
                 pesan=lambda: f"workers online: {online}\n{st.logs()}")


def _wait(what: str, check: Any, timeout: float, st: Produksi) -> Any:
    return bantu.tunggu(check, timeout, jeda=1,
                        pesan=lambda: f"{what} within {timeout:.0f} s\n{st.logs()}")


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
        r = rest.get(page["next_page"], headers=st.headers, timeout=10)
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
    assert rest.get(f"{produksi.api}/health", timeout=10).status_code == 200  # probes stay open
    refused = rest.get(f"{produksi.api}/deployments/name/intake/intake", timeout=10)
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


# -- Production exposure (docs/08-security.md, "Production exposure") ----------------------

RUNBOOK = ROOT / "deployments" / "produksi.md"

OPEN_WITHOUT_CREDENTIAL = {
    # Prefect's auth middleware exempts exactly these (exact path, GET only) so that a load
    # balancer or service manager can probe the server; each answers a bare status.
    ("GET", "/health"): True,              # liveness: the JSON literal true
    ("GET", "/ready"): {"message": "OK"},  # readiness: the database is reachable
}
"""The only API requests answered without the auth string, with their whole answer."""


def _listening(proc: server.Proses) -> set[tuple[str, int]]:
    """(address, port) of every listening socket of a process and its children."""
    parent = psutil.Process(proc.popen.pid)
    found = set()
    for p in [parent, *parent.children(recursive=True)]:
        try:
            found |= {(c.laddr.ip, c.laddr.port) for c in p.net_connections(kind="inet")
                      if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            pass
    return found


def test_server_listens_on_loopback_only(produksi: Produksi) -> None:
    port = int(produksi.api.rsplit(":", 1)[1].split("/")[0])
    # started as the runbook's section 2 says: --host 127.0.0.1
    runbook = re.search(r"prefect server start --host (\S+) ", RUNBOOK.read_text("utf-8"))
    assert runbook and runbook.group(1) == "127.0.0.1"
    command = produksi.server.popen.args
    assert command[command.index("--host") + 1] == runbook.group(1), command
    listening = _listening(produksi.server)
    assert (runbook.group(1), port) in listening, listening
    assert {ip for ip, _ in listening} == {"127.0.0.1"}, listening
    # Any other local address is refused (bound to 0.0.0.0, 127.0.0.2 would answer).
    with pytest.raises(ConnectionRefusedError), socket.create_connection(
            ("127.0.0.2", port), timeout=5):
        pass


def _fill(path: str) -> str:
    """A path template with its parameters filled: a random UUID for ids, a dummy name else."""
    def value(name: str) -> str:
        return str(uuid.uuid4()) if "id" in name.split(":")[0].split("_") else "lpa-uji-dummy"

    return re.sub(r"\{([^}]+)\}", lambda m: value(m.group(1)), path)


def test_every_api_path_refuses_without_the_credential(produksi: Produksi) -> None:
    from fastapi.routing import APIRoute
    from prefect.server.api.server import API_ROUTERS

    schema = produksi.get("/openapi.json")
    paths: dict[str, set[str]] = {
        path.removeprefix("/api"): {m.upper() for m in ops} & {"GET", "POST", "PUT", "PATCH",
                                                              "DELETE"}
        for path, ops in schema["paths"].items()}
    # Routes hidden from the schema would escape this check: the installed server has none.
    routes = {re.sub(r"\{(\w+):\w+\}", r"{\1}", r.path)  # "{id:uuid}" is "{id}" there
              for router in API_ROUTERS for r in router.routes if isinstance(r, APIRoute)}
    assert routes <= set(paths), routes - set(paths)
    # FastAPI's own pages of the API app, and its static files
    paths.update({"/openapi.json": {"GET"}, "/docs": {"GET"}, "/redoc": {"GET"},
                  "/static/prefect-logo-mark-gradient.png": {"GET"}})
    assert len(paths) > 150, len(paths)

    wrong = "Basic " + base64.b64encode(b"lpa-admin:not-the-secret").decode()
    refused, opened = 0, {}
    with httpx.Client(base_url=produksi.api, timeout=10) as client:
        for path, methods in sorted(paths.items()):
            url = _fill(path)
            for n, method in enumerate(sorted(methods | {"GET", "POST"})):  # filters: POST
                # without the string on every method; a wrong one, or another scheme, once
                variants = [{}] + ([{"Authorization": wrong}, {"Authorization": "Bearer x"}]
                                   if n == 0 else [])
                for headers in variants:
                    r = client.request(method, url, headers=headers, json={})
                    if (method, path) in OPEN_WITHOUT_CREDENTIAL and r.status_code == 200:
                        opened[(method, path)] = r.json()
                        continue
                    assert r.status_code == 401, (method, path, headers, r.status_code,
                                                  r.text[:200])
                    assert r.json() == {"exception_message": "Unauthorized"}
                    refused += 1
    # exactly the allowed probes were open (with any header), and they say nothing but their
    # status; every other request was refused
    assert opened == OPEN_WITHOUT_CREDENTIAL
    assert refused == sum(len(m | {"GET", "POST"}) + 2 for m in paths.values()) \
        - 3 * len(OPEN_WITHOUT_CREDENTIAL)
    # the credential itself still works (the 401s are not a broken server)
    assert produksi.get("/version")


def _ws_refused(url: str, first: dict[str, Any] | None) -> str:
    """How a WebSocket of the API refuses a client: the handshake, or the close code."""
    try:
        with ws_connect(
                url, subprotocols=None if first is None else ["prefect"],
                open_timeout=10, close_timeout=5) as ws:
            if first is not None:
                ws.send(json.dumps(first))
            answer = ws.recv(timeout=10)
            return f"answered {answer!r}"
    except InvalidStatus as exc:
        return f"http {exc.response.status_code}"
    except ConnectionClosed as exc:
        return f"closed {exc.rcvd.code if exc.rcvd else None}"


def test_every_websocket_refuses_without_the_credential(produksi: Produksi) -> None:
    from fastapi.routing import APIWebSocketRoute
    from prefect.server.api.server import API_ROUTERS

    base = produksi.api.replace("http://", "ws://", 1)
    sockets = sorted(r.path for router in API_ROUTERS for r in router.routes
                     if isinstance(r, APIWebSocketRoute))
    # events in and out, logs out, task subscriptions, the worker channel
    assert len(sockets) >= 5, sockets
    for path in sockets:
        url = base + _fill(path)
        for first in (None, {"type": "auth"}, {"type": "auth", "token": "lpa-admin:wrong"},
                      {"type": "filter", "filter": {}}):
            how = _ws_refused(url, first)
            assert how in ("http 403", "closed 1002", "closed 1008"), (path, first, how)
    # with the credential, the same handshake is accepted
    assert _ws_refused(base + "/events/out", {"type": "auth", "token": produksi.auth}) == \
        "answered '{\"type\":\"auth_success\"}'"


def test_ui_pages_carry_no_run_data(produksi: Produksi) -> None:
    runs = produksi.post("/flow_runs/filter", {"limit": 50, "sort": "EXPECTED_START_TIME_DESC"})
    deployments = produksi.post("/deployments/filter", {"limit": 50})
    assert runs and deployments
    secret = produksi.auth.split(":", 1)[1]
    markers = {secret, produksi.prefect_db_url.rsplit("/", 1)[1]}
    markers |= {r["id"] for r in runs} | {r["name"] for r in runs}
    markers |= {d["id"] for d in deployments} | {d["flow_id"] for d in deployments}
    ui = produksi.api.removesuffix("/api")
    pages = ["/", "/dashboard", "/runs", "/flows", "/deployments", "/work-pools",
             "/variables", "/blocks", "/automations", "/events", "/settings",
             f"/runs/flow-run/{runs[0]['id']}", f"/deployments/deployment/{deployments[0]['id']}",
             "/ui-settings"]
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for page in pages:
        for headers in (browser, {}):
            r = rest.get(ui + page, headers=headers, timeout=10, follow_redirects=True)
            assert r.status_code in (200, 404), (page, r.status_code)
            leaked = sorted(m for m in markers if m in r.text)
            assert leaked == [], (page, leaked)
    settings = rest.get(f"{ui}/ui-settings", timeout=10).json()
    assert settings["auth"] == "BASIC"   # the UI asks the browser for the string
    assert settings["default_ui"] == "v1"  # PREFECT_SERVER_UI_V2_ENABLED=false took effect
    assert settings["flags"] == []


UNPRIVILEGED = "nobody"
"""Stands for the runbook's ``lpa`` user: a system user with no rights of its own."""
POOL_TANPA_ROOT = "lpa-tanpa-root"
FLOW_TANPA_ROOT = '''\
import json
import os
from pathlib import Path

from prefect import flow


@flow(name="catat-uid")
def catat_uid() -> None:
    home = Path.cwd()
    try:
        (home / "ditulis.txt").write_text("x")
        checkout_writable = True
    except PermissionError:
        checkout_writable = False
    status = Path("/proc/self/status").read_text()
    (home / "var" / "flow.json").write_text(json.dumps({
        "euid": os.geteuid(), "uid": os.getuid(), "egid": os.getegid(),
        "groups": os.getgroups(), "cwd": str(home), "checkout_writable": checkout_writable,
        "no_new_privs": [x.split()[1] for x in status.splitlines()
                         if x.startswith("NoNewPrivs:")],
    }))
'''


def _as_user(user: pwd.struct_passwd) -> list[str]:
    """The command prefix that runs as ``user`` the way the runbook's unit does."""
    return [shutil.which("setpriv") or "setpriv", f"--reuid={user.pw_uid}",
            f"--regid={user.pw_gid}", "--init-groups", "--no-new-privs", "--"]


def _python_for(user: pwd.struct_passwd, where: Path) -> str:
    """An interpreter with this venv's packages that ``user`` can start.

    This venv's own, if ``user`` may run it; else (a venv made from a Python under /root,
    which the runbook warns about) a throw-away venv from the system's Python of the same
    version that reads this venv's packages.
    """
    def starts(python: str) -> bool:
        # Through sh, as the worker starts its runs: setpriv's own exec still holds root's
        # capabilities, and reaches an interpreter (or a library) the user itself cannot.
        done = subprocess.run([*_as_user(user), "/bin/sh", "-c", 'exec "$0" -c "$1"', python,
                               "import prefect"], capture_output=True, timeout=120, cwd=where)
        return done.returncode == 0

    if starts(sys.executable):
        return sys.executable
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for system_python in (f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if not Path(system_python).exists():
            continue
        venv = where / "venv"
        subprocess.run([system_python, "-m", "venv", "--without-pip", str(venv)], check=True,
                       capture_output=True, timeout=120)
        site = venv / "lib" / version / "site-packages"
        (site / "lpa-venv.pth").write_text(
            f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
        if starts(str(venv / "bin" / "python")):
            return str(venv / "bin" / "python")
    pytest.skip(f"user {user.pw_name} can run neither {sys.executable} nor a system "
                f"{version} (the venv lies under a directory closed to it)")


def test_worker_runs_flows_as_an_unprivileged_user(produksi: Produksi) -> None:
    from prefect.workers.process import ProcessWorker

    if os.geteuid() != 0:
        pytest.skip("starting a worker as another user needs root")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    try:
        user = pwd.getpwnam(UNPRIVILEGED)
    except KeyError:
        pytest.skip(f"no user {UNPRIVILEGED}")
    assert user.pw_uid != 0

    # LPA_HOME as the runbook lays it out: the code owned by root, readable; only var/ the
    # user's. Under /tmp, not pytest's tmp_path (0700 root, closed to the user).
    home = Path(tempfile.mkdtemp(prefix="lpa-tanpa-root-"))
    home.chmod(0o755)
    (home / "uji_uid.py").write_text(FLOW_TANPA_ROOT, encoding="utf-8")
    var = home / "var"
    var.mkdir(mode=0o750)
    os.chown(var, user.pw_uid, user.pw_gid)
    python = _python_for(user, home)
    # the worker's environment file of the runbook: client settings only
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "HOME": str(var), "PREFECT_HOME": str(var / "prefect"), "LPA_HOME": str(home),
           "PREFECT_API_URL": produksi.api, "PREFECT_API_AUTH_STRING": produksi.auth,
           "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
           "PREFECT_FLOWS_HEARTBEAT_FREQUENCY":
               os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "30")}
    worker = None
    deployment_id = None
    try:
        produksi.post("/work_pools/", {
            "name": POOL_TANPA_ROOT, "type": "process",
            "base_job_template": ProcessWorker.get_default_base_job_template()})
        flow_id = produksi.post("/flows/", {"name": "catat-uid"})["id"]
        # The pull steps of our deployments, and a shell step as anyone holding the auth
        # string could add: it runs on the worker, as the worker's user.
        deployment_id = produksi.post("/deployments/", {
            "name": "tanpa-root", "flow_id": flow_id, "entrypoint": "uji_uid.py:catat_uid",
            "work_pool_name": POOL_TANPA_ROOT, "pull_steps": [
                {"prefect.deployments.steps.set_working_directory": {
                    "directory": "{{ $LPA_HOME }}"}},
                {"prefect.deployments.steps.run_shell_script": {
                    "script": "sh -c 'id -u > var/tarik.uid'"}}]})["id"]
        worker = server.Proses(
            [*_as_user(user), python, "-m", "prefect", "worker", "start",
             "--pool", POOL_TANPA_ROOT, "--name", "tanpa-root", "--limit", "1"],
            env, produksi.log_dir / "worker-tanpa-root.log")
        run = produksi.post(f"/deployments/{deployment_id}/create_flow_run", {})

        def finished() -> dict[str, Any] | None:
            assert worker.alive(), produksi.logs()
            state = produksi.get(f"/flow_runs/{run['id']}")["state"]
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

        state = _wait("the unprivileged worker's run finished", finished, 180, produksi)
        assert state["type"] == "COMPLETED", (state, produksi.logs())
        # the worker itself, and the run's process, ran as the user
        assert psutil.Process(worker.popen.pid).uids().effective == user.pw_uid
        seen = json.loads((var / "flow.json").read_text())
        assert seen["euid"] == seen["uid"] == user.pw_uid != 0, seen
        assert seen["egid"] == user.pw_gid and 0 not in seen["groups"], seen
        assert seen["cwd"] == str(home)
        assert seen["checkout_writable"] is False  # the code is not the worker's to change
        assert seen["no_new_privs"] == ["1"]       # NoNewPrivileges=yes of the unit
        assert (var / "tarik.uid").read_text().strip() == str(user.pw_uid)  # the shell step
        assert (var / "flow.json").stat().st_uid == user.pw_uid
    finally:
        if worker is not None:
            worker.stop()
        with httpx.Client(base_url=produksi.api, headers=produksi.headers, timeout=10) as c:
            if deployment_id:
                c.delete(f"/deployments/{deployment_id}")
            c.delete(f"/work_pools/{POOL_TANPA_ROOT}")
        shutil.rmtree(home, ignore_errors=True)
