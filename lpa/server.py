"""Starting and stopping the Prefect server and the deployment server on one machine."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from lpa.lingkungan import matikan_telemetri
from lpa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefect_env(settings: Settings, api_url: str, *, poll_seconds: float = 2) -> dict[str, str]:
    """The environment every Prefect process we start shares.

    The V1 UI and disabled analytics keep a government install from calling out; the
    start-up limit is raised because a first start on SQLite takes over 20 s here.
    """
    env = dict(os.environ)
    env.update({
        "PREFECT_HOME": str((settings.data_dir / "prefect").resolve()),
        "PREFECT_API_URL": api_url,
        "PREFECT_UI_URL": api_url.removesuffix("/api"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_V2_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_RUNNER_POLL_FREQUENCY": str(int(poll_seconds)),
        "LPA_DATA_DIR": str(settings.data_dir.resolve()),
    })
    matikan_telemetri(env)
    if settings.database_url:
        env["LPA_DATABASE_URL"] = settings.database_url
    return env


class Proses:
    """A child process with its log file, stopped politely (SIGINT, then SIGKILL)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        self._file = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self._file,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            # A Prefect runner ignores one SIGTERM; SIGINT stops it cleanly.
            os.killpg(self.popen.pid, signal.SIGINT)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self._file.close()


def start_prefect_server(env: dict[str, str], port: int, log: Path) -> Proses:
    return Proses([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                   "--port", str(port)], env, log)


def wait_healthy(api_url: str, proses: Proses, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proses.alive():
            raise RuntimeError(f"Server Prefect berhenti saat dinyalakan; lihat {proses.log}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Server Prefect tidak siap dalam {timeout:.0f} detik; lihat {proses.log}")


def start_serve(env: dict[str, str], log: Path) -> Proses:
    return Proses([sys.executable, "-m", "deployments.serve"], env, log)


def wait_deployments(api_url: str, names: list[str], proses: Proses, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    pending = list(names)
    while pending and time.monotonic() < deadline:
        if not proses.alive():
            raise RuntimeError(f"Penyaji deployment berhenti; lihat {proses.log}")
        try:
            r = httpx.get(f"{api_url}/deployments/name/{pending[0]}", timeout=2)
            if r.status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    if pending:
        raise RuntimeError(f"Deployment {pending} tidak muncul; lihat {proses.log}")
