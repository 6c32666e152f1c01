"""Shared fixtures: the store on SQLite and on the real PostgreSQL of this machine; the other
services some tests use (MariaDB, Redis, Debian's Chromium), each a session fixture that skips
with the reason where the service is absent (.ci/run starts them when they are installed)."""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bantu
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from settings import get_settings
from store import db

# Every flow run the tests start sends a heartbeat each 30 s (Prefect's minimum), and the
# zombie automation (deployments/otomasi.py) any served stack creates on the shared server
# marks a run Crashed 75 s after its last one: the same figures for every module.
os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "30")
os.environ.setdefault("LPA_BATAS_DETAK_RUN", "75")

LAMBAT = frozenset({"prefect_api", "stack", "chromium", "aplikasi"})
"""Fixtures whose tests are slow by nature (a Prefect server, a served stack, a browser, the
sample application behind a stack): their tests get the ``lambat`` mark without saying so.
Tests slow for another reason (``lpa`` in a subprocess, Locust) carry the mark themselves."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if LAMBAT & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.lambat)


@pytest.fixture
def pengaturan_uji(monkeypatch: pytest.MonkeyPatch) -> Iterator[bantu.Pengaturan]:
    """``pengaturan_uji(data_dir=..., database_url=...)`` sets ``LPA_*`` variables for this
    test and returns the settings they make; ``get_settings``' cache is cleared before, on
    every call and after (tests/bantu.py)."""
    get_settings.cache_clear()
    yield bantu.Pengaturan(monkeypatch)
    get_settings.cache_clear()


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


@dataclass(frozen=True)
class LayananLokal:
    """A database server of this machine as it describes itself."""

    host: str
    port: int
    versi: str
    """The server's own answer: ``SELECT VERSION()``, ``SHOW server_version`` or the
    ``redis_version`` of ``INFO server``. Tests compare what a check reports with this, never
    with a version written in the test."""
    tls: bool | None
    """Whether the server itself says it offers TLS on this port (``have_ssl``, ``SHOW ssl``;
    never on Redis's plain port); None where the server does not say."""


@pytest.fixture(scope="session")
def pg_layanan(pg_server: str) -> LayananLokal:
    """The PostgreSQL of :func:`pg_server` with the version it reports itself."""
    from sqlalchemy.engine import make_url

    eng = create_engine(pg_server, connect_args={"connect_timeout": 3})
    with eng.connect() as conn:
        versi = conn.execute(text("SHOW server_version")).scalar_one()
        tls = conn.execute(text("SHOW ssl")).scalar_one() == "on"
    eng.dispose()
    url = make_url(pg_server)
    return LayananLokal(url.host or "127.0.0.1", url.port or 5432, versi, tls)


MARIADB = ("127.0.0.1", 3306)
REDIS = ("127.0.0.1", 6379)


@pytest.fixture(scope="session")
def mariadb_server() -> LayananLokal:
    """MariaDB (or MySQL) on 127.0.0.1:3306 taking root without a password, or a visible skip."""
    host, port = MARIADB
    try:
        import pymysql
    except ImportError:
        pytest.skip("PyMySQL belum terpasang: pip install -e '.[test]'")
    try:
        conn = pymysql.connect(host=host, port=port, user="root", password="",
                               connect_timeout=3, read_timeout=5)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT VERSION()")
                (versi,) = cur.fetchone()
                cur.execute("SHOW GLOBAL VARIABLES LIKE 'have_ssl'")
                have_ssl = (cur.fetchone() or (None, None))[1]
        finally:
            conn.close()
    except (pymysql.MySQLError, OSError) as exc:
        pytest.skip(f"MariaDB tidak terjangkau di {host}:{port} (root tanpa kata sandi): {exc}")
    return LayananLokal(host, port, str(versi), None if have_ssl is None else have_ssl == "YES")


@pytest.fixture(scope="session")
def redis_server() -> LayananLokal:
    """Redis on 127.0.0.1:6379 answering ``INFO server`` without AUTH, or a visible skip."""
    host, port = REDIS
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            sock.settimeout(5)
            sock.sendall(b"INFO server\r\n")
            with sock.makefile("rb") as berkas:
                kepala = berkas.readline()
                isi = berkas.read(int(kepala[1:]) + 2) if kepala.startswith(b"$") else b""
    except OSError as exc:
        pytest.skip(f"Redis tidak terjangkau di {host}:{port}: {exc}")
    versi = re.search(rb"^redis_version:(\S+)", isi, re.M)
    if versi is None:
        pytest.skip(f"Redis di {host}:{port} tidak menjawab INFO server tanpa AUTH: "
                    f"{kepala[:80]!r}")
    return LayananLokal(host, port, versi.group(1).decode(), tls=False)


CHROMIUM = os.environ.get("LPA_TEST_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium (``.ci/run`` installs it when a test module names this fixture and it
    is missing), or a visible skip."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium tidak ada di {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


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
    def sehat() -> bool:
        assert server.poll() is None, "Prefect server stopped"
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        bantu.tunggu(sehat, 120, jeda=0.5)
    except AssertionError as exc:
        server.kill()
        log.close()
        pytest.fail(f"Prefect server did not start ({exc}): {(home / 'server.log').read_text()}")
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


# --- The served stack of the end-to-end modules (test_sop_*.py) -------------------------
# Module-scoped: each module gets its own stack, so the modules run in parallel workers.

@pytest.fixture(scope="module")
def stack(prefect_api: str, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from sop_bantu import buat_stack

    yield from buat_stack(prefect_api, tmp_path_factory)


@pytest.fixture(scope="module")
def aplikasi():  # noqa: ANN201
    from sop_bantu import buat_aplikasi

    yield from buat_aplikasi()
