"""Names of the feasibility test's runs: after the ticket when a ticket's step 5 runs them.

An operator looks for a ticket's runs by its number (``LPA-2026-000001 · struktur``); a test
run on its own (``lpa kelaikan``) is named after its target (``struktur · https://…``).
The ticket travels as a context variable, set by step 5 around the whole test and copied
into every subflow's task, so the category subflows need no extra parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

TIKET_UJI: ContextVar[str | None] = ContextVar("lpa_tiket_uji", default=None)


@contextmanager
def untuk_tiket(nomor: str) -> Iterator[None]:
    """Name every feasibility run started inside after ticket ``nomor``."""
    token = TIKET_UJI.set(nomor)
    try:
        yield
    finally:
        TIKET_UJI.reset(token)


def _url(target: Any) -> str:
    if isinstance(target, dict):
        return str(target.get("url", "?"))
    return str(getattr(target, "url", "?"))


def nama_run(bagian: str) -> Callable[[], str]:
    """A ``flow_run_name`` callable for the run of ``bagian`` (``struktur``, ``kelaikan``…)."""

    def nama() -> str:
        nomor = TIKET_UJI.get()
        if nomor:
            return f"{nomor} · {bagian}"
        from prefect.runtime import flow_run

        return f"{bagian} · {_url(flow_run.parameters.get('target'))}"

    return nama


def nama_run_tiket() -> str:
    """The ``flow_run_name`` of a ticket's run: the ticket and the step it is at.

    Prefect names a run again each time its process starts, also when a suspended run is
    resumed; a fixed template would drop the step from the name whenever a refused decision
    sends the run back to waiting. This reads the step from the store instead:
    ``LPA-2026-000001 · langkah 2 disposisi_kadis`` (the newest open step, else the newest
    step), the bare number if the store cannot say.
    """
    from prefect.runtime import flow_run

    nomor = str(flow_run.parameters.get("nomor_tiket") or "")
    try:
        from domain.sop import langkah
        from tasks.tiket import baca_tiket

        semua = baca_tiket(nomor).langkah
        terbuka = [s for s in semua if s.finished_at is None]
        kini = (terbuka or list(semua))[-1]
        return f"{nomor} · langkah {langkah(kini.kode).nomor} {kini.kode}"
    except Exception:  # noqa: BLE001 - a name must never stop the ticket's run
        return nomor or "proses-tiket"
