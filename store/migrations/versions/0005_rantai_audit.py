"""Hash chains over the audit events and the agenda book (store/chain.py).

Adds ``chain_seq``, ``chain_prev``, ``chain_hash`` and ``chain_content`` to ``audit_event``
and ``agenda_entry`` (and ``report_sha256`` to ``agenda_entry``), the ``chain_head`` table,
and chains the rows already there, in id order (an existing agenda entry has no report
hash). The append-only guards of 0001 are lifted only inside this migration's transaction
and come back, joined by:

- ``chain_head`` may only advance by one, and never be deleted (both databases);
- on PostgreSQL, TRUNCATE of ``audit_event``, ``agenda_entry`` and ``chain_head`` is refused
  (a statement trigger; only the owner can disable it, and the service runs as another role:
  deployments/produksi.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from store import chain
from store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_PESAN_AUDIT = "audit_event hanya boleh ditambah, tidak diubah atau dihapus"
_PESAN_AGENDA = "buku agenda tidak boleh diubah atau dihapus"
_PESAN_KEPALA = "kepala rantai hanya boleh maju satu langkah, tidak diubah atau dihapus"
_CHAINED = ("audit_event", "agenda_entry")

# The tables as this revision reads them, with the store's own column types, so the values
# are exactly those the verifier later reads back.
_audit = sa.table(
    "audit_event", sa.column("id", sa.Integer()), sa.column("at", UTCDateTime()),
    sa.column("ticket_id", sa.Integer()), sa.column("kind", sa.String()),
    sa.column("actor", sa.String()), sa.column("detail", sa.JSON()),
)
_agenda = sa.table(
    "agenda_entry", sa.column("id", sa.Integer()), sa.column("ticket_id", sa.Integer()),
    sa.column("year", sa.Integer()), sa.column("seq", sa.Integer()),
    sa.column("number", sa.String()), sa.column("archived_at", UTCDateTime()),
    sa.column("summary", sa.Text()), sa.column("report_path", sa.String()),
    sa.column("report_sha256", sa.String()),
)
_ticket = sa.table(
    "ticket", sa.column("id", sa.Integer()), sa.column("number", sa.String()),
    sa.column("request_type", sa.String()), sa.column("application_name", sa.String()),
    sa.column("agency", sa.String()), sa.column("outcome", sa.String()),
    sa.column("state", sa.String()), sa.column("closed_at", UTCDateTime()),
    sa.column("archived_at", UTCDateTime()),
)
_head = sa.table("chain_head", sa.column("name", sa.String()), sa.column("seq", sa.Integer()),
                 sa.column("hash", sa.String()))


def _chain_columns() -> list[sa.Column]:
    return [
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("chain_prev", sa.String(64), nullable=True),
        sa.Column("chain_hash", sa.String(64), nullable=True),
        sa.Column("chain_content", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    _drop_guards(postgresql)
    op.create_table(
        "chain_head",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    for column in _chain_columns():
        op.add_column("audit_event", column)
    op.add_column("agenda_entry", sa.Column("report_sha256", sa.String(64), nullable=True))
    for column in _chain_columns():
        op.add_column("agenda_entry", column)
    _chain_existing_rows(bind)
    for table in _CHAINED:
        with op.batch_alter_table(table) as batch:
            for name in ("chain_seq", "chain_prev", "chain_hash", "chain_content"):
                batch.alter_column(name, existing_type=_type(name), nullable=False)
            batch.create_unique_constraint(f"uq_{table}_chain_seq", ["chain_seq"])
    if postgresql:
        _guards_postgresql()
    else:
        _guards_sqlite()


def _type(name: str) -> sa.types.TypeEngine:
    return {"chain_seq": sa.Integer(), "chain_content": sa.Text()}.get(name, sa.String(64))


def _chain_existing_rows(bind: sa.Connection) -> None:
    heads = {}
    prev, seq = chain.GENESIS, 0
    for row in bind.execute(sa.select(_audit).order_by(_audit.c.id)).mappings().all():
        seq += 1
        content = chain.audit_content(seq, row)
        digest = chain.link_hash(prev, content)
        bind.execute(sa.text(
            "UPDATE audit_event SET chain_seq = :seq, chain_prev = :prev, chain_hash = :hash, "
            "chain_content = :content WHERE id = :id"),
            {"seq": seq, "prev": prev, "hash": digest, "content": content, "id": row["id"]})
        prev = digest
    heads["audit_event"] = (seq, prev)
    prev, seq = chain.GENESIS, 0
    rows = bind.execute(
        sa.select(_agenda, *(_ticket.c[f].label(f"ticket_{f}") for f in chain.TICKET_FIELDS))
        .join(_ticket, _ticket.c.id == _agenda.c.ticket_id)
        .order_by(_agenda.c.id)
    ).mappings().all()
    for row in rows:
        seq += 1
        content = chain.agenda_content(
            seq, row, {f: row[f"ticket_{f}"] for f in chain.TICKET_FIELDS})
        digest = chain.link_hash(prev, content)
        bind.execute(sa.text(
            "UPDATE agenda_entry SET chain_seq = :seq, chain_prev = :prev, chain_hash = :hash, "
            "chain_content = :content WHERE id = :id"),
            {"seq": seq, "prev": prev, "hash": digest, "content": content, "id": row["id"]})
        prev = digest
    heads["agenda_entry"] = (seq, prev)
    op.bulk_insert(_head, [{"name": name, "seq": s, "hash": h} for name, (s, h) in heads.items()])


def _drop_guards(postgresql: bool) -> None:
    if postgresql:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS agenda_entry_immutable ON agenda_entry")
        return
    for operation in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{operation}")
        op.execute(f"DROP TRIGGER IF EXISTS agenda_entry_no_{operation}")


def _guards_sqlite() -> None:
    # Same names and messages as 0001 (the batch rebuild of SQLite tables drops triggers).
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
        "CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head "
        f"BEGIN SELECT RAISE(ABORT, '{_PESAN_KEPALA}'); END"
    )
    op.execute(
        "CREATE TRIGGER chain_head_advance_only BEFORE UPDATE ON chain_head "
        "WHEN NEW.name IS NOT OLD.name OR NEW.seq IS NOT OLD.seq + 1 "
        f"BEGIN SELECT RAISE(ABORT, '{_PESAN_KEPALA}'); END"
    )


def _guards_postgresql() -> None:
    # lpa_forbid() comes from 0001.
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid('{_PESAN_AUDIT}')"
    )
    op.execute(
        "CREATE TRIGGER agenda_entry_immutable BEFORE UPDATE OR DELETE ON agenda_entry "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid('{_PESAN_AGENDA}')"
    )
    op.execute(
        "CREATE FUNCTION lpa_chain_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP = 'DELETE' OR NEW.name IS DISTINCT FROM OLD.name "
        "OR NEW.seq IS DISTINCT FROM OLD.seq + 1 THEN RAISE EXCEPTION '%', TG_ARGV[0]; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER chain_head_advance_only BEFORE UPDATE OR DELETE ON chain_head "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_chain_head_advance('{_PESAN_KEPALA}')"
    )
    for table, pesan in (("audit_event", _PESAN_AUDIT), ("agenda_entry", _PESAN_AGENDA),
                         ("chain_head", _PESAN_KEPALA)):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION lpa_forbid('{pesan}')"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        for table in ("audit_event", "agenda_entry", "chain_head"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS chain_head_advance_only ON chain_head")
        op.execute("DROP FUNCTION IF EXISTS lpa_chain_head_advance()")
    else:
        op.execute("DROP TRIGGER IF EXISTS chain_head_no_delete")
        op.execute("DROP TRIGGER IF EXISTS chain_head_advance_only")
    _drop_guards(postgresql)
    for table in _CHAINED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_chain_seq", type_="unique")
            for name in ("chain_seq", "chain_prev", "chain_hash", "chain_content"):
                batch.drop_column(name)
            if table == "agenda_entry":
                batch.drop_column("report_sha256")
    op.drop_table("chain_head")
    if postgresql:
        _guards_postgresql_0001()
    else:
        _guards_sqlite_0001()


def _guards_sqlite_0001() -> None:
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


def _guards_postgresql_0001() -> None:
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid('{_PESAN_AUDIT}')"
    )
    op.execute(
        "CREATE TRIGGER agenda_entry_immutable BEFORE UPDATE OR DELETE ON agenda_entry "
        f"FOR EACH ROW EXECUTE FUNCTION lpa_forbid('{_PESAN_AGENDA}')"
    )
