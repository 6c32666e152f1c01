"""Initial schema: tickets, step records, dispositions, audit events, agenda book, counters.

The database itself guards what must never change: audit events are append-only, agenda
entries are immutable, and an archived ticket (with its steps and dispositions) is frozen.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_PESAN_AUDIT = "audit_event hanya boleh ditambah, tidak diubah atau dihapus"
_PESAN_AGENDA = "buku agenda tidak boleh diubah atau dihapus"
_PESAN_ARSIP = "tiket sudah diarsipkan dan tidak dapat diubah"


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("request_type", sa.String(20), nullable=False, index=True),
        sa.Column("application_name", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False, index=True),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("flow_run_id", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "step_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  index=True),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("actor_role", sa.String(40), nullable=False),
        sa.Column("assignee_nip", sa.String(18), nullable=True),
        sa.Column("assignee_name", sa.String(200), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("breached", sa.Boolean(), nullable=False),
        sa.Column("breached_at", UTCDateTime(), nullable=True),
        sa.Column("flow_run_id", sa.String(64), nullable=True),
        sa.Column("code_hash", sa.String(200), nullable=True),
    )
    op.create_table(
        "disposition",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  index=True),
        sa.Column("step_id", sa.Integer(), sa.ForeignKey("step_record.id"), nullable=False),
        sa.Column("from_role", sa.String(40), nullable=False),
        sa.Column("from_nip", sa.String(18), nullable=False),
        sa.Column("to_role", sa.String(40), nullable=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=True,
                  index=True),
        sa.Column("kind", sa.String(60), nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "agenda_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("archived_at", UTCDateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("report_path", sa.String(500), nullable=True),
        sa.UniqueConstraint("year", "seq"),
    )
    op.create_table(
        "counter",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _guards_postgresql()
    else:
        _guards_sqlite()


def _guards_sqlite() -> None:
    for operation in ("UPDATE", "DELETE"):
        low = operation.lower()
        op.execute(
            f"CREATE TRIGGER audit_event_no_{low} BEFORE {operation} ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{_PESAN_AUDIT}'); END"
        )
        op.execute(
            f"CREATE TRIGGER agenda_entry_no_{low} BEFORE {operation} ON agenda_entry "
            f"BEGIN SELECT RAISE(ABORT, '{_PESAN_AGENDA}'); END"
        )
        op.execute(
            f"CREATE TRIGGER ticket_archived_no_{low} BEFORE {operation} ON ticket "
            f"WHEN OLD.archived_at IS NOT NULL "
            f"BEGIN SELECT RAISE(ABORT, '{_PESAN_ARSIP}'); END"
        )
        for child in ("step_record", "disposition"):
            op.execute(
                f"CREATE TRIGGER {child}_archived_no_{low} BEFORE {operation} ON {child} "
                f"WHEN (SELECT archived_at FROM ticket WHERE id = OLD.ticket_id) IS NOT NULL "
                f"BEGIN SELECT RAISE(ABORT, '{_PESAN_ARSIP}'); END"
            )


def _guards_postgresql() -> None:
    op.execute(
        "CREATE FUNCTION lpa_forbid() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$"
    )
    op.execute(
        "CREATE FUNCTION lpa_forbid_if_archived() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF EXISTS (SELECT 1 FROM ticket WHERE id = OLD.ticket_id "
        "AND archived_at IS NOT NULL) THEN RAISE EXCEPTION '%', TG_ARGV[0]; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid('{_PESAN_AUDIT}')"
    )
    op.execute(
        "CREATE TRIGGER agenda_entry_immutable BEFORE UPDATE OR DELETE ON agenda_entry "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid('{_PESAN_AGENDA}')"
    )
    op.execute(
        "CREATE TRIGGER ticket_archived_frozen BEFORE UPDATE OR DELETE ON ticket "
        "FOR EACH ROW WHEN (OLD.archived_at IS NOT NULL) "
        f"EXECUTE FUNCTION lpa_forbid('{_PESAN_ARSIP}')"
    )
    for child in ("step_record", "disposition"):
        op.execute(
            f"CREATE TRIGGER {child}_archived_frozen BEFORE UPDATE OR DELETE ON {child} "
            f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid_if_archived('{_PESAN_ARSIP}')"
        )


def downgrade() -> None:
    for table in ("counter", "agenda_entry", "audit_event", "disposition", "step_record",
                  "ticket"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS lpa_forbid_if_archived()")
        op.execute("DROP FUNCTION IF EXISTS lpa_forbid()")
