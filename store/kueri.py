"""The store's named read queries (and the SLA watch's one compare-and-set), for the layers
above: no module outside ``store/`` builds a ``select`` (tests/test_lint.py). Each runs in
the caller's session. The units of work that write (open a ticket, start a step, archive)
are in :mod:`store.repo`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text, update
from sqlalchemy.orm import Session

from store.models import (
    AppProbe,
    AuditEvent,
    KelaikanRerun,
    ProductionApp,
    ServiceHeartbeat,
    SlaWarning,
    StepRecord,
    Ticket,
)


def menjawab(session: Session) -> bool:
    """Whether the store answers a query (the availability heartbeat)."""
    return session.execute(text("SELECT 1")).scalar_one() == 1


# --- tickets --------------------------------------------------------------------------------


def ticket_by_key(session: Session, key: str) -> Ticket | None:
    """The ticket an idempotency key opened, if any."""
    return session.scalars(select(Ticket).where(Ticket.idempotency_key == key)).one_or_none()


def unarchived_tickets(session: Session) -> list[tuple[str, int, datetime]]:
    """(number, id, opened) of every ticket not yet archived."""
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(Ticket.number, Ticket.id, Ticket.created_at)
        .where(Ticket.archived_at.is_(None)))]


# --- audit trail ----------------------------------------------------------------------------


def audit_events(session: Session, ticket_id: int, kind: str) -> list[AuditEvent]:
    """The ticket's audit events of one kind, oldest first."""
    return list(session.scalars(
        select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.kind == kind)
        .order_by(AuditEvent.id)))


def audit_event_with(session: Session, ticket_id: int, kind: str, key: str,
                     value: str) -> AuditEvent | None:
    """The ticket's first audit event of one kind whose detail holds ``key: value`` (e.g. the
    recovery that started run ``run_baru``), else None: one row read, not the kind's all."""
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.kind == kind,
               AuditEvent.detail[key].as_string() == value)
        .order_by(AuditEvent.id).limit(1)).one_or_none()


def count_audit_events(session: Session, ticket_id: int, kind: str) -> int:
    return len(session.scalars(select(AuditEvent.id).where(
        AuditEvent.ticket_id == ticket_id, AuditEvent.kind == kind)).all())


def audit_details(session: Session, kind: str,
                  ticket_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Ticket id → the details of its audit events of one kind, oldest first."""
    hasil: dict[int, list[dict[str, Any]]] = {}
    for ticket_id, detail in session.execute(
        select(AuditEvent.ticket_id, AuditEvent.detail)
        .where(AuditEvent.kind == kind, AuditEvent.ticket_id.in_(list(ticket_ids)))
        .order_by(AuditEvent.id)
    ):
        hasil.setdefault(ticket_id, []).append(detail)
    return hasil


# --- steps ----------------------------------------------------------------------------------


def step_run_ids(session: Session, ticket_ids: Iterable[int]) -> set[str]:
    """Every flow run recorded on the tickets' steps."""
    return set(session.scalars(
        select(StepRecord.flow_run_id)
        .where(StepRecord.ticket_id.in_(list(ticket_ids)), StepRecord.flow_run_id.is_not(None))
        .distinct()))


def tickets_past_intake(session: Session, ticket_ids: Iterable[int]) -> set[int]:
    """Those of the tickets with a step after step 1 (the intake's)."""
    return set(session.scalars(
        select(StepRecord.ticket_id)
        .where(StepRecord.ticket_id.in_(list(ticket_ids)), StepRecord.code != "pengajuan")))


def steps_in_period(session: Session, start: datetime,
                    end: datetime) -> list[tuple[StepRecord, Ticket]]:
    """Steps that ran (at least partly) in [start, end), with their tickets."""
    return [(s, t) for s, t in session.execute(
        select(StepRecord, Ticket).join(Ticket, StepRecord.ticket_id == Ticket.id)
        .where(StepRecord.started_at < end,
               or_(StepRecord.finished_at.is_(None), StepRecord.finished_at >= start)))]


def tested_in_period(session: Session, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """(number, agency) of the tickets whose feasibility test finished in [start, end),
    once each, by number."""
    rows = session.execute(
        select(Ticket.number, Ticket.agency).join(StepRecord, StepRecord.ticket_id == Ticket.id)
        .where(StepRecord.code == "uji_kelaikan", StepRecord.finished_at >= start,
               StepRecord.finished_at < end).order_by(Ticket.number))
    return list(dict.fromkeys((nomor, instansi) for nomor, instansi in rows))


def open_steps_due(session: Session) -> list[tuple[StepRecord, Ticket]]:
    """Unfinished steps with a running clock (a due time) of tickets not archived, in
    order of their start."""
    return [(s, t) for s, t in session.execute(
        select(StepRecord, Ticket)
        .join(Ticket, StepRecord.ticket_id == Ticket.id)
        .where(StepRecord.finished_at.is_(None), StepRecord.due_at.is_not(None),
               Ticket.archived_at.is_(None))
        .order_by(StepRecord.id))]


# --- SLA warnings ---------------------------------------------------------------------------


def sla_thresholds(session: Session, step_ids: Iterable[int]) -> dict[int, set[int]]:
    """Step id → the thresholds already claimed for it."""
    ada: dict[int, set[int]] = {}
    ids = list(step_ids)
    if not ids:
        return ada
    for step_id, ambang in session.execute(
        select(SlaWarning.step_id, SlaWarning.threshold).where(SlaWarning.step_id.in_(ids))
    ):
        ada.setdefault(step_id, set()).add(ambang)
    return ada


def failed_warnings(session: Session,
                    max_attempts: int) -> list[tuple[SlaWarning, StepRecord, Ticket]]:
    """Warnings to send whose send failed, tried fewer than ``max_attempts`` times."""
    return [(w, s, t) for w, s, t in session.execute(
        select(SlaWarning, StepRecord, Ticket)
        .join(StepRecord, SlaWarning.step_id == StepRecord.id)
        .join(Ticket, StepRecord.ticket_id == Ticket.id)
        .where(SlaWarning.notify.is_(True), SlaWarning.sent_at.is_(None),
               SlaWarning.error.is_not(None), SlaWarning.attempts < max_attempts))]


def claim_failed_warning(session: Session, warning: SlaWarning) -> bool:
    """Take a failed warning for one more attempt (error cleared), if no other watch took
    it since it was read (compare-and-set on its attempts)."""
    return session.execute(
        update(SlaWarning)
        .where(SlaWarning.id == warning.id, SlaWarning.attempts == warning.attempts,
               SlaWarning.error.is_not(None), SlaWarning.sent_at.is_(None))
        .values(attempts=SlaWarning.attempts + 1, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def mark_warning_sent(session: Session, warning_id: int, at: datetime,
                      error: str | None) -> None:
    """Record a warning's send: sent at ``at``, or failed with ``error`` (retried later)."""
    session.execute(update(SlaWarning).where(SlaWarning.id == warning_id)
                    .values(sent_at=None if error else at, error=error))


# --- production applications ----------------------------------------------------------------


def production_app(session: Session, ticket_id: int) -> ProductionApp | None:
    return session.scalars(select(ProductionApp).where(
        ProductionApp.ticket_id == ticket_id)).one_or_none()


def active_production_apps(session: Session,
                           limit: int | None = None) -> list[tuple[ProductionApp, Ticket]]:
    """Applications marked as in production and active, with their tickets, oldest first."""
    query = (select(ProductionApp, Ticket).join(Ticket, ProductionApp.ticket_id == Ticket.id)
             .where(ProductionApp.active.is_(True)).order_by(ProductionApp.id))
    if limit is not None:
        query = query.limit(limit)
    return [(app, ticket) for app, ticket in session.execute(query)]


def last_rerun(session: Session, production_id: int) -> KelaikanRerun | None:
    """The application's newest re-run that reached a verdict."""
    return session.scalars(
        select(KelaikanRerun).where(KelaikanRerun.production_id == production_id,
                                    KelaikanRerun.verdict.is_not(None))
        .order_by(KelaikanRerun.finished_at.desc(), KelaikanRerun.id.desc()).limit(1)
    ).one_or_none()


def heartbeats(session: Session, start: datetime, end: datetime) -> list[tuple[datetime, bool]]:
    """(at, answered) of the service's beats in [start, end)."""
    return [(at, ok) for at, ok in session.execute(
        select(ServiceHeartbeat.at, ServiceHeartbeat.answered)
        .where(ServiceHeartbeat.at >= start, ServiceHeartbeat.at < end))]


def app_probes(session: Session, start: datetime,
               end: datetime) -> dict[int, list[tuple[datetime, bool]]]:
    """Production app id → (at, ok) of its probes in [start, end)."""
    hasil: dict[int, list[tuple[datetime, bool]]] = {}
    for pid, at, ok in session.execute(
        select(AppProbe.production_id, AppProbe.at, AppProbe.ok)
        .where(AppProbe.at >= start, AppProbe.at < end)
    ):
        hasil.setdefault(pid, []).append((at, ok))
    return hasil
