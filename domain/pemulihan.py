"""When a ticket's run died and must be started again (pure rules; tasks/pemulihan acts).

A ticket's run (``proses-tiket``) re-reads the ticket from the store and goes on from where
the store says it is, so a dead run is recovered by starting a new one. Only deaths the
operator did not choose are recovered: a Crashed run (its process was killed, or a zombie
marked Crashed by the heartbeat automation), a run Cancelled by its own runner shutting
down (``serve`` or a worker stopped while the run was executing), and a run Completed while
its ticket is still open (a run completes only after the archive, so an open ticket's
Completed run was forced into that state by hand: the store, not the run's state, says
where the ticket is). A run an operator cancelled stays cancelled, and a Failed run (our
own code gave up on it) is left for a person; ``lpa lanjutkan`` starts either on purpose.
"""

from __future__ import annotations

from datetime import UTC, datetime

PESAN_RUNNER_BERHENTI = "Runner is shutting down."
"""The state message Prefect's runner gives the runs it cancels when it stops."""

MAKS_PEMULIHAN = 3
"""Automatic recoveries per ticket; a run that keeps dying needs a person, not a loop."""


def mati_tanpa_sengaja(state_type: str | None, state_message: str | None) -> bool:
    """Whether the run of a ticket still open, in this state, died without anyone meaning it to.

    Only asked of runs whose ticket is not archived: for those, Completed is a dead end too.
    """
    if state_type in ("CRASHED", "COMPLETED"):
        return True
    return state_type == "CANCELLED" and (state_message or "").strip() == PESAN_RUNNER_BERHENTI


def dipulihkan_otomatis(state_type: str | None, state_message: str | None,
                        pemulihan: int) -> bool:
    """Whether the SLA watch starts an open ticket again whose run ended in this state."""
    return mati_tanpa_sengaja(state_type, state_message) and pemulihan < MAKS_PEMULIHAN


def pesan_run_berhenti(run: str, state_type: str | None, state_name: str | None,
                       state_message: str | None, pemulihan: int, nomor: str) -> str:
    """What a person deciding on a ticket whose run has ended is told (and it is true)."""
    keadaan = state_name or state_type or "?"
    if dipulihkan_otomatis(state_type, state_message, pemulihan):
        return (f"Run {run} berhenti ({keadaan}); pengawas SLA akan melanjutkan tiket dengan "
                f"run baru dalam beberapa menit (atau operator: lpa lanjutkan {nomor}). "
                "Kode Anda tetap berlaku; coba lagi nanti.")
    if mati_tanpa_sengaja(state_type, state_message):
        sebab = f"sudah {pemulihan} kali dipulihkan otomatis"
    elif state_type == "CANCELLED":
        sebab = "dibatalkan operator"
    else:
        sebab = "run gagal"
    return (f"Run {run} berhenti ({keadaan}) dan tidak dilanjutkan otomatis ({sebab}); "
            f"operator perlu menjalankan: lpa lanjutkan {nomor}. Kode Anda tetap berlaku; "
            "coba lagi setelah itu.")


PROSES_TIKET = "proses-tiket/proses-tiket"
"""The deployment whose run carries one ticket (flows/layanan.py): started by the intake,
started again by the recovery (tasks/pemulihan.py)."""


def kunci_run_tiket(nomor: str, dibuka: datetime) -> str:
    """The idempotency key of a ticket's first run (the intake's, and a lost one's).

    With the moment the ticket was opened, as the store holds it: a number alone is not
    unique on a Prefect server that outlives a store (a store restored or started afresh
    numbers from 1 again), and the server would answer a new ticket with an old ticket's
    finished run, so the new one would never start.
    """
    if dibuka.tzinfo is not None:  # PostgreSQL answers in its session's zone, SQLite naive UTC
        dibuka = dibuka.astimezone(UTC).replace(tzinfo=None)
    return f"proses-{nomor}-{dibuka:%Y%m%d%H%M%S%f}"


def kunci_pemulihan(run_lama: str) -> str:
    """The idempotency key of the run that replaces ``run_lama``: one replacement, ever."""
    return f"pulih-{run_lama}"
