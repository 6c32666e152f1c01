"""Finding open steps past their due time (store side of the deadline watch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from prefect import task
from sqlalchemy import select

from lpa.settings import get_settings
from store import db, repo
from store.models import StepRecord, Ticket


@dataclass(frozen=True)
class LangkahTerlambat:
    nomor: str
    nama_aplikasi: str
    instansi: str
    step_id: int
    kode: str
    actor_role: str
    assignee_nip: str | None
    jatuh_tempo: datetime


@task(name="tandai-terlambat")
def tandai_terlambat(sekarang: datetime) -> list[LangkahTerlambat]:
    """Mark every open step past its due time as breached; return those marked just now.

    Marking and auditing happen in one transaction, so a restart never marks twice and
    each breach is escalated once.
    """
    baru: list[LangkahTerlambat] = []
    with db.session_scope(get_settings().store_url) as session:
        rows = session.execute(
            select(StepRecord, Ticket)
            .join(Ticket, StepRecord.ticket_id == Ticket.id)
            .where(StepRecord.finished_at.is_(None), StepRecord.breached.is_(False),
                   StepRecord.due_at.is_not(None), StepRecord.due_at < sekarang,
                   Ticket.archived_at.is_(None))
        ).all()
        for step, ticket in rows:
            if repo.mark_breached(session, step, sekarang):
                assert step.due_at is not None
                repo.audit(session, "langkah_terlambat", ticket=ticket, at=sekarang,
                           step_id=step.id, langkah=step.code,
                           jatuh_tempo=step.due_at.isoformat())
                baru.append(LangkahTerlambat(
                    ticket.number, ticket.application_name, ticket.agency, step.id, step.code,
                    step.actor_role, step.assignee_nip, step.due_at,
                ))
    return baru
