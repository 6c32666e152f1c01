"""Shared fixtures: the store on SQLite and on the real PostgreSQL of this machine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from store import db

# Every flow run the tests start sends a heartbeat each 30 s (Prefect's minimum), and the
# zombie automation (deployments/otomasi.py) any served stack creates on the shared server
# marks a run Crashed 75 s after its last one: the same figures for every module.
os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "30")
os.environ.setdefault("LPA_BATAS_DETAK_RUN", "75")

PG_ADMIN_URL = os.environ.get(
    "LPA_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a reachable PostgreSQL, or a visible skip saying why not."""
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL tidak terjangkau di {PG_ADMIN_URL}: {exc.orig}")
    return PG_ADMIN_URL


def _create_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"lpa_test_{uuid.uuid4().hex[:12]}"
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_database(admin_url: str, name: str) -> None:
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated store: once on a SQLite file, once on a new PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lpa.db'}"
        db.upgrade(url)
        yield url
        db.dispose_all()
        return
    admin = request.getfixturevalue("pg_server")
    name, url = _create_pg_database(admin)
    try:
        db.upgrade(url)
        yield url
    finally:
        db.dispose_all()
        _drop_pg_database(admin, name)


# --- A real Prefect server for the tests that orchestrate -------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``prefect server start`` on 127.0.0.1 (SQLite), one per test session.

    The test process and every subprocess it starts talk to it (PREFECT_API_URL is set in
    the environment and in Prefect's settings context).
    """
    import subprocess
    import sys
    import time

    import httpx
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_V2_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.close()
            pytest.fail(f"Prefect server did not start: {(home / 'server.log').read_text()}")
        time.sleep(0.5)
    saved = {k: os.environ.get(k) for k in ("PREFECT_API_URL", "PREFECT_HOME")}
    os.environ["PREFECT_API_URL"] = url
    os.environ["PREFECT_HOME"] = str(home)
    try:
        with temporary_settings(updates={PREFECT_API_URL: url, PREFECT_HOME: home}):
            yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
