"""Serve every deployment of lpa from one process (one machine; `lpa up` runs this).

Runs started from these deployments execute in subprocesses of this one. A ticket that
waits for an official is Suspended on the server and holds no process here.
For several machines, use the work pool and workers declared in prefect.yaml instead.

Schedules are in Asia/Jakarta; prefect.yaml declares the same ones.

How fast a run starts (bench/bench_verbs.py). Served as plain deployments, each flow run
is a new interpreter (``python -m prefect.engine``) that imports Prefect and the flow's
module again: seconds of CPU before its first line, on every intake, every resumed
decision and every SLA-watch pass. Here the runner is given the flow objects instead, and
starts each run from one of them as a fork of a multiprocessing fork server that imported
the flows once, when ``lpa up`` started (``LPA_SERVE_FORKSERVER=false`` goes back to
``prefect.engine`` processes). The fork server holds no run and only imports: no thread,
connection or event loop is inherited. It and its runs are this process's descendants and
stop with it. The runner looks for runs to start every ``LPA_SERVE_POLL_DETIK`` seconds.
A change to the flows' code takes effect when ``lpa up`` is restarted.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any

from prefect import serve
from prefect.schedules import Cron

from deployments.otomasi import pastikan_otomasi_zombie
from flows.detak import detak_layanan
from flows.evaluasi import evaluasi
from flows.intake import intake
from flows.layanan import proses_tiket
from flows.sla_watch import sla_watch
from settings import get_settings

ZONA = "Asia/Jakarta"
SLA_WATCH_CRON = "*/2 * * * *"
"""Every two minutes: the shortest mutu baku (15 min) still gets its 50 % warning in time."""
DETAK_CRON = "*/5 * * * *"
"""Every five minutes: the slot length of the availability measurement."""
EVALUASI_CRON = "0 7 1 * *"
"""The 1st of each month, 07:00 WIB: the previous month."""
PRAMUAT = ("deployments.otomasi", "flows.kelaikan", "flows.stress", "flows.tindak_lanjut",
           "holidays.countries", "prefect.flow_engine", "prefect.runner", "prefect.schedules",
           "prefect.task_engine", "prefect.utilities.visualization",
           "sqlalchemy.dialects.sqlite", "anyio._core._sockets", "anyio._core._streams",
           "email.policy", "rich._emoji_codes", "sqlite3")
"""What the fork server imports once besides the served flows' modules: the rest of what
this module imports (each run executes it again, as multiprocessing does with a main
module), what step 5 imports when it runs, and what a run imports on first use (measured
with ``PYTHONPROFILEIMPORTTIME=1 lpa up``: the runs' imports land in ``serve.log``); the
calendar's ``holidays`` loads every country's module on its first look-up. A name that
is no longer there is skipped by the fork server (an ImportError is ignored)."""


def _layanan() -> list[tuple[Any, dict[str, Any]]]:
    """Each served flow and its deployment's options."""
    return [
        (intake, dict(name="intake", tags=["lpa"], enforce_parameter_schema=True)),
        (proses_tiket, dict(name="proses-tiket", tags=["lpa"])),
        (sla_watch, dict(name="sla-watch", schedule=Cron(SLA_WATCH_CRON, timezone=ZONA),
                         concurrency_limit=1, tags=["lpa"])),
        (detak_layanan, dict(name="detak-layanan", schedule=Cron(DETAK_CRON, timezone=ZONA),
                             tags=["lpa"])),
        (evaluasi, dict(name="evaluasi", schedule=Cron(EVALUASI_CRON, timezone=ZONA),
                        concurrency_limit=1, tags=["lpa"])),
    ]


def deployments() -> list:
    return [flow.to_deployment(**opsi) for flow, opsi in _layanan()]


class _ForkserverUntukRun:
    """``multiprocessing`` as Prefect's flow engine sees it, with the one change that its
    ``get_context("spawn")`` (where the runner starts a flow run) is the fork server."""

    def __init__(self, konteks: Any) -> None:
        self._konteks = konteks

    def get_context(self, method: str | None = None) -> Any:
        return self._konteks if method == "spawn" else multiprocessing.get_context(method)

    def __getattr__(self, nama: str) -> Any:
        return getattr(multiprocessing, nama)


def pakai_forkserver() -> None:
    """Start the fork server now (it imports :data:`PRAMUAT` while the runner starts) and
    let the flow engine start this process's runs from it."""
    import prefect.flow_engine as mesin

    konteks = multiprocessing.get_context("forkserver")
    konteks.set_forkserver_preload(
        sorted({flow.fn.__module__ for flow, _ in _layanan()} | set(PRAMUAT)))
    from multiprocessing import forkserver

    forkserver.ensure_running()
    mesin.multiprocessing = _ForkserverUntukRun(konteks)  # type: ignore[assignment]


def main(limit: int | None = None) -> None:
    settings = get_settings()
    pastikan_otomasi_zombie()
    if not settings.serve_forkserver:
        serve(*deployments(), limit=limit, query_seconds=settings.serve_poll_detik)
        return
    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    pakai_forkserver()
    # serve() as Prefect writes it, with the flows handed over (Runner.add_flow): the
    # runner then starts their runs from the flow objects, in the fork server's forks
    runner = Runner(pause_on_shutdown=True, limit=limit,
                    query_seconds=settings.serve_poll_detik)
    for flow, opsi in _layanan():
        runner.add_flow(flow, **opsi)
    print(f"Menyajikan {len(_layanan())} deployment; run dimulai dari fork server.",
          flush=True)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal) as exc:
        print(f"{type(exc).__name__}: berhenti.", flush=True)


if __name__ == "__main__":
    main()
