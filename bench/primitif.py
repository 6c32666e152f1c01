"""Trivial deployments for bench/bench_sop.py: the orchestration primitives a ticket is made of.

``bench-kosong``: a flow with no tasks (one flow-run process, start to finish).
``bench-jeda``: a flow that suspends once for input and finishes when resumed (one
suspend/resume round trip, the primitive behind every official's decision).

Served from their own process with the same settings as deployments/serve.py
(``python -m bench.primitif``, environment from ``lpa.server.prefect_env``).
"""

from __future__ import annotations

from prefect import flow, serve, suspend_flow_run
from prefect.input import RunInput


class Lanjut(RunInput):
    ok: bool = True


@flow(name="bench-kosong")
def kosong() -> str:
    return "ok"


@flow(name="bench-jeda")
async def jeda() -> str:
    masukan = await suspend_flow_run(wait_for_input=Lanjut, key="jeda", timeout=None)
    return "ok" if masukan.ok else "tidak"


def main() -> None:
    serve(kosong.to_deployment(name="bench-kosong"), jeda.to_deployment(name="bench-jeda"))


if __name__ == "__main__":
    main()
