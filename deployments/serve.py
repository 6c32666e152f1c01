"""Serve every deployment of lpa from one process (one machine; `lpa up` runs this).

Runs started from these deployments execute in subprocesses of this one. A ticket that
waits for an official is Suspended on the server and holds no process here.
For several machines, use the work pool and workers declared in prefect.yaml instead.
"""

from __future__ import annotations

from prefect import serve

from flows.intake import intake
from flows.layanan import proses_tiket
from flows.tenggat import pengawas_tenggat

TENGGAT_INTERVAL_DETIK = 60


def deployments() -> list:
    return [
        intake.to_deployment(name="intake", tags=["lpa"]),
        proses_tiket.to_deployment(name="proses-tiket", tags=["lpa"]),
        pengawas_tenggat.to_deployment(
            name="pengawas-tenggat", interval=TENGGAT_INTERVAL_DETIK, tags=["lpa"]
        ),
    ]


def main(limit: int | None = None) -> None:
    serve(*deployments(), limit=limit)


if __name__ == "__main__":
    main()
