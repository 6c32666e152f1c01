"""When a ticket's run died and must be started again (pure rules; tasks/pemulihan acts).

A ticket's run (``proses-tiket``) re-reads the ticket from the store and goes on from where
the store says it is, so a dead run is recovered by starting a new one. Only deaths the
operator did not choose are recovered: a Crashed run (its process was killed, or a zombie
marked Crashed by the heartbeat automation), and a run Cancelled by its own runner shutting
down (``serve`` or a worker stopped while the run was executing). A run an operator cancelled
stays cancelled; ``lpa lanjutkan`` starts it again on purpose.
"""

from __future__ import annotations

PESAN_RUNNER_BERHENTI = "Runner is shutting down."
"""The state message Prefect's runner gives the runs it cancels when it stops."""

MAKS_PEMULIHAN = 3
"""Automatic recoveries per ticket; a run that keeps dying needs a person, not a loop."""


def mati_tanpa_sengaja(state_type: str | None, state_message: str | None) -> bool:
    """Whether a ticket run in this state died without anyone meaning it to."""
    if state_type == "CRASHED":
        return True
    return state_type == "CANCELLED" and (state_message or "").strip() == PESAN_RUNNER_BERHENTI


def kunci_run_tiket(nomor: str) -> str:
    """The idempotency key of a ticket's first run (the intake's, and a lost one's)."""
    return f"proses-{nomor}"


def kunci_pemulihan(run_lama: str) -> str:
    """The idempotency key of the run that replaces ``run_lama``: one replacement, ever."""
    return f"pulih-{run_lama}"
