"""Units of work on the store. Each function runs inside the caller's session/transaction,
so a caller that wraps several of them in one ``session_scope`` gets all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer, selectinload

from domain.calendar import WIB, BusinessCalendar, add_business_time
from domain.nomor import nomor_agenda, nomor_tiket
from domain.sop import JenisLayanan, LangkahSOP, langkah
from domain.tiket import HasilTiket, StatusTiket
from store import chain, kueri
from store.models import AgendaEntry, AuditEvent, Counter, Disposition, StepRecord, Ticket


class StoreError(Exception):
    """A refused store operation; the message is for people (Bahasa Indonesia)."""


def _now() -> datetime:
    return datetime.now(UTC)


def next_value(session: Session, name: str, year: int) -> int:
    """Advance the yearly sequence ``name`` atomically and return the new value."""
    bump = (
        update(Counter)
        .where(Counter.name == name, Counter.year == year)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is not None:
        return value
    try:
        with session.begin_nested():
            session.add(Counter(name=name, year=year, value=1))
        return 1
    except IntegrityError:
        # Another transaction created this year's counter first; take the next value.
        return session.execute(bump).scalar_one()


def audit(
    session: Session,
    kind: str,
    *,
    ticket: Ticket | None = None,
    actor: str | None = None,
    at: datetime | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append an audit event as the next link of the audit chain (store/chain.py).

    The chain's head stays locked until the caller's transaction ends.
    """
    values = {
        "at": at or _now(),
        "ticket_id": ticket.id if ticket is not None else None,
        "kind": kind,
        "actor": actor,
        "detail": detail,
    }
    link = chain.next_link(session, chain.AUDIT, lambda seq: chain.audit_content(seq, values))
    event = AuditEvent(**values, **link.columns())
    session.add(event)
    session.flush()
    chain.advance_head(session, chain.AUDIT, link)
    return event


def find_ticket(session: Session, number: str) -> Ticket | None:
    return session.scalars(
        select(Ticket)
        .where(Ticket.number == number.strip().upper())
        .options(selectinload(Ticket.steps), selectinload(Ticket.dispositions))
    ).one_or_none()


def get_ticket(session: Session, number: str) -> Ticket:
    ticket = find_ticket(session, number)
    if ticket is None:
        raise StoreError(f"Tiket {number} tidak ditemukan")
    return ticket


def _open_tickets_query(
    columns: tuple[Any, ...],
    *,
    agency: str | None,
    request_type: str | None,
    assignee_nip: str | None,
    step_code: str | None,
    late_at: datetime | None,
) -> Any:
    """``select(*columns)`` of the tickets not yet archived joined to the step each is at:
    its newest unfinished step (none for the moment between two steps), filtered."""
    current = (
        select(StepRecord.ticket_id, func.max(StepRecord.id).label("step_id"))
        .where(StepRecord.finished_at.is_(None))
        .group_by(StepRecord.ticket_id)
        .subquery()
    )
    query = (
        select(*columns)
        .select_from(Ticket)
        .outerjoin(current, current.c.ticket_id == Ticket.id)
        .outerjoin(StepRecord, StepRecord.id == current.c.step_id)
        .where(Ticket.archived_at.is_(None))
    )
    if agency:
        query = query.where(func.lower(Ticket.agency).contains(agency.strip().lower(),
                                                               autoescape=True))
    if request_type:
        query = query.where(Ticket.request_type == request_type)
    if assignee_nip:
        query = query.where(StepRecord.assignee_nip == assignee_nip)
    if step_code:
        query = query.where(StepRecord.code == step_code)
    if late_at is not None:
        query = query.where(_late(late_at))
    return query


def _late(at: datetime) -> Any:
    """The step is late at ``at``: breached, or due by then."""
    return or_(StepRecord.breached.is_(True), StepRecord.due_at <= at)


def open_tickets(
    session: Session,
    *,
    agency: str | None = None,
    request_type: str | None = None,
    assignee_nip: str | None = None,
    step_code: str | None = None,
    late_at: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[tuple[Ticket, StepRecord | None]]:
    """Tickets not yet archived, each with the step it is at: its newest unfinished step
    (None for the moment between two steps). Due first, a stopped clock last.

    ``agency`` matches part of the agency's name, case aside; ``assignee_nip`` the open
    step's assignee (18 digits); ``step_code`` the open step's code; ``late_at`` keeps only
    steps breached or due by then. ``limit``/``offset`` page the list in the query.
    """
    query = _open_tickets_query(
        # the form (JSON, up to a 200 KB requirements document) is not shown in these lists
        (Ticket, StepRecord), agency=agency, request_type=request_type,
        assignee_nip=assignee_nip, step_code=step_code, late_at=late_at,
    ).options(defer(Ticket.form))
    query = query.order_by(StepRecord.due_at.is_(None), StepRecord.due_at, Ticket.number)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [(ticket, step) for ticket, step in session.execute(query).all()]


def count_open_tickets(
    session: Session,
    now: datetime,
    *,
    agency: str | None = None,
    request_type: str | None = None,
    assignee_nip: str | None = None,
    step_code: str | None = None,
    late_only: bool = False,
) -> tuple[int, int]:
    """(open tickets, of which late at ``now``) under the filters of :func:`open_tickets`;
    one query, whatever the number of tickets."""
    late = func.coalesce(func.sum(case((_late(now), 1), else_=0)), 0)
    query = _open_tickets_query(
        (func.count(Ticket.id), late), agency=agency, request_type=request_type,
        assignee_nip=assignee_nip, step_code=step_code, late_at=now if late_only else None,
    )
    total, late_count = session.execute(query).one()
    return int(total), int(late_count)


def waiting_steps(
    session: Session, codes: set[str], assignee_nip: str | None = None,
) -> list[tuple[StepRecord, Ticket]]:
    """Unfinished steps ``codes`` (those that wait for a person) of tickets not archived."""
    query = (
        select(StepRecord, Ticket)
        .join(Ticket, StepRecord.ticket_id == Ticket.id)
        .where(StepRecord.finished_at.is_(None), Ticket.archived_at.is_(None),
               StepRecord.code.in_(codes))
    )
    if assignee_nip:
        query = query.where(StepRecord.assignee_nip == assignee_nip)
    return [(step, ticket) for step, ticket in session.execute(query).all()]


def open_ticket(
    session: Session,
    *,
    request_type: JenisLayanan,
    form: dict[str, Any],
    application_name: str,
    agency: str,
    received_at: datetime,
    calendar: BusinessCalendar,
    idempotency_key: str | None = None,
    opened_at: datetime | None = None,
    budget_factor: float = 1.0,
) -> tuple[Ticket, bool]:
    """Open a ticket and record SOP step 1 against its mutu baku, in one transaction.

    Returns ``(ticket, created)``. The same ``idempotency_key`` returns the ticket opened
    the first time instead of a second one.
    """
    if idempotency_key:
        existing = kueri.ticket_by_key(session, idempotency_key)
        if existing is not None:
            return existing, False
    opened_at = opened_at or _now()
    year = opened_at.astimezone(WIB).year
    try:
        with session.begin_nested():
            ticket = Ticket(
                number=nomor_tiket(year, next_value(session, "tiket", year)),
                year=year,
                request_type=request_type.value,
                application_name=application_name,
                agency=agency,
                form=form,
                state=StatusTiket.DIPROSES.value,
                idempotency_key=idempotency_key or None,
                created_at=opened_at,
                updated_at=opened_at,
            )
            session.add(ticket)
            session.flush()
            step = start_step(session, ticket, langkah("pengajuan"), received_at, calendar,
                              budget_factor=budget_factor)
            finish_step(session, step, opened_at, note="Tiket dibuka")
            audit(
                session, "tiket_dibuka", ticket=ticket, at=opened_at,
                nomor=ticket.number, jenis=request_type.value, instansi=agency,
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        # A concurrent submission with the same key won the race: answer with its ticket.
        existing = kueri.ticket_by_key(session, idempotency_key)
        if existing is None:
            raise
        return existing, False
    return ticket, True


def start_step(
    session: Session,
    ticket: Ticket,
    sop_step: LangkahSOP,
    started_at: datetime,
    calendar: BusinessCalendar,
    *,
    assignee_nip: str | None = None,
    assignee_name: str | None = None,
    flow_run_id: str | None = None,
    clock_stopped: bool = False,
    budget_factor: float = 1.0,
) -> StepRecord:
    """Record the start of an SOP step with its due time (None while the clock is stopped).

    ``budget_factor`` scales the mutu baku; only tests compress time with it.
    """
    _refuse_if_archived(ticket)
    step = StepRecord(
        ticket_id=ticket.id,
        step_no=sop_step.nomor,
        code=sop_step.kode,
        actor_role=sop_step.pelaksana.value,
        assignee_nip=assignee_nip,
        assignee_name=assignee_name,
        started_at=started_at,
        due_at=None if clock_stopped else add_business_time(
            started_at, sop_step.mutu_baku * budget_factor, calendar),
        breached=False,
        flow_run_id=flow_run_id,
    )
    session.add(step)
    ticket.updated_at = started_at
    session.flush()
    return step


def finish_step(
    session: Session,
    step: StepRecord,
    finished_at: datetime,
    *,
    decision: str | None = None,
    note: str | None = None,
) -> StepRecord:
    if step.finished_at is not None:
        raise StoreError(f"Langkah {step.code} sudah selesai pada {step.finished_at.isoformat()}")
    step.finished_at = finished_at
    step.decision = decision
    step.note = note
    if step.due_at is not None and finished_at > step.due_at and not step.breached:
        step.breached = True
        step.breached_at = step.due_at
    session.flush()
    return step


def mark_breached(session: Session, step: StepRecord, at: datetime) -> bool:
    """Record that an open step passed its due time; True the first time only."""
    if step.breached or step.due_at is None or at < step.due_at:
        return False
    step.breached = True
    step.breached_at = at
    session.flush()
    return True


def record_disposition(
    session: Session,
    step: StepRecord,
    *,
    from_nip: str,
    decision: str,
    instruction: str | None,
    to_role: str | None,
    decided_at: datetime,
) -> Disposition:
    disposition = Disposition(
        ticket_id=step.ticket_id,
        step_id=step.id,
        from_role=step.actor_role,
        from_nip=from_nip,
        to_role=to_role,
        decision=decision,
        instruction=instruction,
        decided_at=decided_at,
    )
    session.add(disposition)
    session.flush()
    return disposition


def set_state(session: Session, ticket: Ticket, state: StatusTiket, at: datetime) -> None:
    _refuse_if_archived(ticket)
    ticket.state = state.value
    ticket.updated_at = at
    session.flush()


def close_ticket(session: Session, ticket: Ticket, outcome: HasilTiket, at: datetime) -> None:
    _refuse_if_archived(ticket)
    ticket.state = StatusTiket.DITUTUP.value
    ticket.outcome = outcome.value
    ticket.closed_at = at
    ticket.updated_at = at
    session.flush()


def archive_ticket(
    session: Session,
    ticket: Ticket,
    *,
    at: datetime,
    summary: str,
    report_path: str | None = None,
    report_sha256: str | None = None,
    report: Callable[[str, datetime], tuple[str, str | None]] | None = None,
) -> AgendaEntry:
    """Write the agenda-book entry; from then on the database refuses changes to the ticket.

    The entry is the next link of the agenda chain; its content vouches for the ticket's
    outcome and the report's hash, so a later rewrite of either is detected
    (``lpa audit verifikasi``). Locks: the agenda chain's head, then the audit chain's.

    ``report``, when given, makes the final report once the agenda number is known and
    before the entry is written: called with (agenda number, ``at``) while the ticket reads
    as archived, it returns (path, SHA-256), which the entry stores in place of
    ``report_path``/``report_sha256``. Whatever it raises undoes the caller's whole unit of
    work: no agenda number used, nothing stored.
    """
    _refuse_if_archived(ticket)
    if ticket.state != StatusTiket.DITUTUP.value:
        raise StoreError(
            f"Tiket {ticket.number} belum ditutup (status {ticket.state}); "
            "hanya tiket yang sudah dilaporkan yang dapat diarsipkan"
        )
    year = at.astimezone(WIB).year
    seq = next_value(session, "agenda", year)
    ticket.state = StatusTiket.DIARSIPKAN.value
    ticket.archived_at = at
    ticket.updated_at = at
    session.flush()
    number = nomor_agenda(year, seq)
    if report is not None:
        report_path, report_sha256 = report(number, at)
    values = {
        "ticket_id": ticket.id,
        "year": year,
        "seq": seq,
        "number": number,
        "archived_at": at,
        "summary": summary,
        "report_path": report_path,
        "report_sha256": report_sha256,
    }
    archived = {f: getattr(ticket, f) for f in chain.TICKET_FIELDS}
    link = chain.next_link(session, chain.AGENDA,
                           lambda n: chain.agenda_content(n, values, archived))
    entry = AgendaEntry(**values, **link.columns())
    session.add(entry)
    session.flush()
    chain.advance_head(session, chain.AGENDA, link)
    audit(session, "tiket_diarsipkan", ticket=ticket, at=at, nomor_agenda=entry.number)
    return entry


def _refuse_if_archived(ticket: Ticket) -> None:
    if ticket.archived_at is not None:
        raise StoreError(f"Tiket {ticket.number} sudah diarsipkan dan tidak dapat diubah")


def get_step(session: Session, ticket: Ticket, step_id: int) -> StepRecord:
    """Step record ``step_id`` of ``ticket``; a refusal naming both when it is not one of
    the ticket's steps (never a step of another ticket by a wrong id)."""
    step = session.get(StepRecord, step_id)
    if step is None or step.ticket_id != ticket.id:
        raise StoreError(f"Langkah {step_id} bukan langkah tiket {ticket.number}")
    return step
