"""Serve every deployment of lpa from one process (one machine; `lpa up` runs this).

Runs started from these deployments execute in subprocesses of this one. A ticket that
waits for an official is Suspended on the server and holds no process here.
For several machines, use the work pool and workers declared in prefect.yaml instead.

Schedules are in Asia/Jakarta; prefect.yaml declares the same ones.
"""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from deployments.otomasi import pastikan_otomasi_zombie
from flows.detak import detak_layanan
from flows.evaluasi import evaluasi
from flows.intake import intake
from flows.layanan import proses_tiket
from flows.sla_watch import sla_watch

ZONA = "Asia/Jakarta"
SLA_WATCH_CRON = "*/2 * * * *"
"""Every two minutes: the shortest mutu baku (15 min) still gets its 50 % warning in time."""
DETAK_CRON = "*/5 * * * *"
"""Every five minutes: the slot length of the availability measurement."""
EVALUASI_CRON = "0 7 1 * *"
"""The 1st of each month, 07:00 WIB: the previous month."""


def deployments() -> list:
    return [
        intake.to_deployment(name="intake", tags=["lpa"], enforce_parameter_schema=True),
        proses_tiket.to_deployment(name="proses-tiket", tags=["lpa"]),
        sla_watch.to_deployment(
            name="sla-watch", schedule=Cron(SLA_WATCH_CRON, timezone=ZONA),
            concurrency_limit=1, tags=["lpa"]),
        detak_layanan.to_deployment(
            name="detak-layanan", schedule=Cron(DETAK_CRON, timezone=ZONA), tags=["lpa"]),
        evaluasi.to_deployment(
            name="evaluasi", schedule=Cron(EVALUASI_CRON, timezone=ZONA),
            concurrency_limit=1, tags=["lpa"]),
    ]


def main(limit: int | None = None) -> None:
    pastikan_otomasi_zombie()
    serve(*deployments(), limit=limit)


if __name__ == "__main__":
    main()
