"""Starting and stopping the Prefect server and the deployment server on one machine."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import psutil

from klien.lingkungan import matikan_telemetri
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_dipakai(host: str, port: int) -> bool:
    """Whether something already listens on ``host:port`` (then a server we start there would
    die at once, while the other one answers our readiness checks in its place)."""
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


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


SINYAL_HENTI = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl-C, a service manager's stop, a closed terminal: each stops what a command started."""

_sela_tertutup = 0
_sinyal_tertunda = False


def _henti(_signum: int, _frame: object) -> None:
    global _sinyal_tertunda
    # Later signals are ignored: the cleanup that follows must run to its end, or the
    # processes it was stopping would be left behind. It is bounded (Proses.stop).
    for s in SINYAL_HENTI:
        signal.signal(s, signal.SIG_IGN)
    if _sela_tertutup:
        _sinyal_tertunda = True  # raised once the process just started is on record
        return
    raise KeyboardInterrupt


def henti_pada_sinyal() -> None:
    """SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread, once, so the
    command's ``finally`` stops everything it started (also when started in the background,
    where SIGINT would otherwise be ignored, and under a service manager's SIGTERM)."""
    for s in SINYAL_HENTI:
        signal.signal(s, _henti)


@contextmanager
def _tanpa_sela() -> Iterator[None]:
    """A stop signal arriving in here takes effect at its end (see Kelompok.mulai)."""
    global _sela_tertutup, _sinyal_tertunda
    _sela_tertutup += 1
    try:
        yield
    finally:
        _sela_tertutup -= 1
    if _sinyal_tertunda and not _sela_tertutup:
        _sinyal_tertunda = False
        raise KeyboardInterrupt


class Proses:
    """A child process with its log file, stopped politely (SIGINT, then SIGKILL), with
    every process it started, also those in sessions of their own (a Prefect runner's flow
    runs, Locust) that it leaves behind."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        self._file = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self._file,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def _keturunan(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.popen.pid).children(recursive=True)
        except psutil.Error:
            return []

    def stop(self, timeout: float = 20) -> None:
        # Taken before the stop: once this process is gone, its orphans are init's children.
        keturunan = self._keturunan()
        if self.alive():
            # A Prefect runner ignores one SIGTERM; SIGINT stops it cleanly.
            os.killpg(self.popen.pid, signal.SIGINT)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                keturunan += [p for p in self._keturunan() if p not in keturunan]
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self._file.close()
        hentikan_sisa(keturunan)


def proses_run(pid: int) -> list[psutil.Process]:
    """The flow-run processes (with what they started) under the deployment server ``pid``:
    its descendants but the multiprocessing fork server and resource tracker it keeps
    (deployments/serve.py), which hold no run. The runs are forks of the fork server and
    show its command line, so the two are told apart by their parent."""
    try:
        akar = psutil.Process(pid)
        semua = akar.children(recursive=True)
        anak = akar.children()
    except psutil.Error:
        return []
    pembantu = set()
    for p in anak:
        try:
            perintah = " ".join(p.cmdline())
        except psutil.Error:
            continue
        if "from multiprocessing.forkserver import main" in perintah or \
                "from multiprocessing.resource_tracker import main" in perintah:
            pembantu.add(p.pid)
    return [p for p in semua if p.pid not in pembantu]


def hentikan_sisa(proses: list[psutil.Process], timeout: float = 10) -> None:
    """Stop the processes of ``proses`` still running (SIGTERM, SIGKILL after ``timeout``),
    with what they started. psutil tells a reused PID from the process it recorded."""
    hidup = []
    for p in proses:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                hidup += [p, *p.children(recursive=True)]
        except psutil.Error:
            pass
    for p in hidup:
        with suppress(psutil.Error):
            p.terminate()
    _, tersisa = psutil.wait_procs(hidup, timeout=timeout)
    for p in tersisa:
        with suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(tersisa, timeout=5)


class Kelompok:
    """The processes one command starts, stopped together, newest first (``with``)."""

    def __init__(self) -> None:
        self.proses: list[Proses] = []

    def mulai(self, buat: Callable[..., Proses], *args: Any) -> Proses:
        """Start a process, ``buat(*args)``, and record it; a stop signal arriving meanwhile
        takes effect once it is recorded, so it is stopped with the rest."""
        with _tanpa_sela():
            proses = buat(*args)
            self.proses.append(proses)
        return proses

    def hentikan(self) -> None:
        # a stop signal now would cut the cleanup short: from here on it is ignored
        for s in SINYAL_HENTI:
            if signal.getsignal(s) is _henti:
                signal.signal(s, signal.SIG_IGN)
        while self.proses:
            self.proses.pop().stop()

    def __enter__(self) -> Kelompok:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.hentikan()


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


def start_portal(env: dict[str, str], host: str, port: int, log: Path) -> Proses:
    """The portal (uvicorn, ``portal.app:buat_app``); it reaches Prefect through ``env``'s
    ``PREFECT_API_URL`` like every process started here."""
    return Proses([sys.executable, "-m", "uvicorn", "--factory", "portal.app:buat_app",
                   "--host", host, "--port", str(port), "--no-server-header",
                   "--log-level", "warning"], env, log)


def wait_portal(url: str, proses: Proses, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proses.alive():
            raise RuntimeError(f"Portal berhenti; lihat {proses.log}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Portal tidak menjawab di {url}; lihat {proses.log}")


def nyalakan_portal(kelompok: Kelompok, env: dict[str, str], settings: Settings,
                    log_dir: Path, awalan: str = "", port: int | None = None) -> tuple[Proses, str]:
    """Start the portal in ``kelompok`` on ``settings.portal_host`` and ``port`` (default
    ``settings.portal_port``) and wait until it answers; (process, its address)."""
    port = port or settings.portal_port
    host = settings.portal_host
    url = f"http://{host}:{port}"
    env = dict(env)
    # mailed links point at this portal unless a public address was configured
    env.setdefault("LPA_PORTAL_URL", url)
    # the portal's klien/ reaches the Prefect server started with it, whatever the shell says
    env["LPA_PREFECT_API_URL"] = env["PREFECT_API_URL"]
    proses = kelompok.mulai(start_portal, env, host, port, log_dir / f"{awalan}portal.log")
    wait_portal(url, proses)
    return proses, url


def nyalakan(kelompok: Kelompok, env: dict[str, str], port: int,
             log_dir: Path, awalan: str = "") -> tuple[Proses, Proses]:
    """Start the Prefect server and the deployment server in ``kelompok`` and wait until the
    intake and ticket deployments are served (``lpa up`` and ``lpa demo``)."""
    api = env["PREFECT_API_URL"]
    prefect = kelompok.mulai(start_prefect_server, env, port,
                             log_dir / f"{awalan}prefect-server.log")
    wait_healthy(api, prefect)
    serve = kelompok.mulai(start_serve, env, log_dir / f"{awalan}serve.log")
    wait_deployments(api, ["intake/intake", "proses-tiket/proses-tiket"], serve)
    return prefect, serve
