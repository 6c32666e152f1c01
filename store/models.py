"""The store's tables (SQLAlchemy 2.0 typed ORM). Schema changes go through Alembic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Ticket(Base):
    """One service request, from intake to the agenda book."""

    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int]
    request_type: Mapped[str] = mapped_column(String(20), index=True)
    application_name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200), index=True)
    form: Mapped[dict[str, Any]]
    """The validated form, secrets removed (the test account's password is never stored here)."""
    state: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]

    steps: Mapped[list[StepRecord]] = relationship(
        back_populates="ticket", order_by="StepRecord.id"
    )
    dispositions: Mapped[list[Disposition]] = relationship(
        back_populates="ticket", order_by="Disposition.id"
    )
    agenda_entry: Mapped[AgendaEntry | None] = relationship(back_populates="ticket")


class StepRecord(Base):
    """One SOP step of one ticket, timed against its mutu baku."""

    __tablename__ = "step_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    step_no: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    actor_role: Mapped[str] = mapped_column(String(40))
    assignee_nip: Mapped[str | None] = mapped_column(String(18))
    assignee_name: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    """None while the clock is stopped (waiting on the requester)."""
    finished_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    breached: Mapped[bool] = mapped_column(default=False)
    breached_at: Mapped[datetime | None]
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    code_hash: Mapped[str | None] = mapped_column(String(200))
    """Hash of the one-time decision code issued to the assignee; never the code itself."""
    report_path: Mapped[str | None] = mapped_column(String(500))
    """The working report (HTML) this step rendered: step 6 only, None elsewhere (0006)."""

    ticket: Mapped[Ticket] = relationship(back_populates="steps")


class Disposition(Base):
    """A disposisi: an official's decision and instruction on a ticket."""

    __tablename__ = "disposition"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step_record.id"))
    from_role: Mapped[str] = mapped_column(String(40))
    from_nip: Mapped[str] = mapped_column(String(18))
    to_role: Mapped[str | None] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(20))
    instruction: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime]

    ticket: Mapped[Ticket] = relationship(back_populates="dispositions")


class AuditEvent(Base):
    """Append-only: the database itself refuses UPDATE and DELETE (see the migration)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    actor: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]]
    # The hash chain (store/chain.py), filled in by store.repo.audit.
    chain_seq: Mapped[int] = mapped_column(unique=True)
    chain_prev: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    chain_content: Mapped[str] = mapped_column(Text)


class AgendaEntry(Base):
    """The agenda-book entry ("buku agenda") that archives a ticket; immutable."""

    __tablename__ = "agenda_entry"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(32), unique=True)
    archived_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    report_path: Mapped[str | None] = mapped_column(String(500))
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the report file at archive time (None when there was no file)."""
    # The hash chain (store/chain.py), filled in by store.repo.archive_ticket; the content
    # includes the archived ticket's number, outcome, state and times.
    chain_seq: Mapped[int] = mapped_column(unique=True)
    chain_prev: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    chain_content: Mapped[str] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="agenda_entry")


class ChainHead(Base):
    """The last link of each hash chain (``audit_event``, ``agenda_entry``).

    One row per chain, created by migration 0005; it only ever advances by one (a trigger
    refuses anything else), so rows deleted at the end of a chain or a truncated table are
    detected. Writers lock it until commit, so concurrent writers cannot fork a chain.
    """

    __tablename__ = "chain_head"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


class Counter(Base):
    """Yearly sequences (ticket numbers, agenda numbers), advanced atomically."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int]


class StoredTestAccount(Base):
    """The test account of a feasibility-test request, encrypted; deleted at archive time."""

    __tablename__ = "test_credential"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    password_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class SecretDeposit(Base):
    """A test account's password deposited before the intake run exists (encrypted).

    Flow runs carry only ``ref``; the intake moves the password to :class:`StoredTestAccount`
    and deletes the deposit. Unclaimed deposits expire (:data:`store.secrets.DEPOSIT_TTL`).
    """

    __tablename__ = "secret_deposit"

    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))


class SlaWarning(Base):
    """One SLA threshold (50, 75 or 100 % of a step's business-time budget) reached by a step.

    The unique (step_id, threshold) pair is the claim: whoever inserts it sends the warning,
    so a restart or a second watch never sends it twice. ``notify`` is False when a higher
    threshold was reached in the same pass (only the highest one is sent).
    """

    __tablename__ = "sla_warning"
    __table_args__ = (UniqueConstraint("step_id", "threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step_record.id"), index=True)
    threshold: Mapped[int]
    reached_at: Mapped[datetime]
    """When the watch saw the threshold passed (not the exact crossing moment)."""
    notify: Mapped[bool] = mapped_column(default=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ServiceHeartbeat(Base):
    """One beat of the availability heartbeat: did the service answer at ``at``?"""

    __tablename__ = "service_heartbeat"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    prefect_ok: Mapped[bool]
    store_ok: Mapped[bool]
    serving_ok: Mapped[bool]
    answered: Mapped[bool]
    """All three answered: the beat counts as up."""
    detail: Mapped[dict[str, Any]]


class ProductionApp(Base):
    """An application that passed its feasibility test and is marked as in production."""

    __tablename__ = "production_app"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    marked_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)


class AppProbe(Base):
    """One bounded HTTP check of a production application (by the heartbeat)."""

    __tablename__ = "app_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("production_app.id"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    ok: Mapped[bool]
    status_code: Mapped[int | None]
    latency_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class KelaikanRerun(Base):
    """A re-run of the security part of the feasibility test against a production app."""

    __tablename__ = "kelaikan_rerun"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("production_app.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    verdict: Mapped[str | None] = mapped_column(String(30))
    check_ids: Mapped[list[str]] = mapped_column(JSON)
    """check_id of every finding of this run (sorted, unique)."""
    new_check_ids: Mapped[list[str]] = mapped_column(JSON)
    """Findings not present in the previous run (or in the ticket's own test)."""
    error: Mapped[str | None] = mapped_column(Text)


# The portal's tables are declared beside their queries (migrations 0007 and 0008); imported
# here so that Base.metadata holds every table (Alembic's comparison, the schema docs).
from store import portal_pejabat, portal_pemohon  # noqa: E402, F401
