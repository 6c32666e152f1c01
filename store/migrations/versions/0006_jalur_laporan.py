"""The report a step produced is a column, not text inside the step's note.

Adds ``step_record.report_path``: the working report (HTML) step 6 rendered; None on every
other step. Before this revision step 6 wrote ``"Laporan: <path>"`` as its note; the path
is copied out of such notes for tickets not yet archived (an archived ticket's rows are
frozen by the guards of 0001, and its agenda entry holds the archived report's path). The
notes themselves are left as they were.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_AWALAN = "Laporan: "


def upgrade() -> None:
    # plain ALTER TABLE on both databases: a batch (table copy) on SQLite would drop the
    # archive guards of 0001 on step_record
    op.add_column("step_record", sa.Column("report_path", sa.String(500), nullable=True))
    step = sa.table(
        "step_record", sa.column("id", sa.Integer()), sa.column("ticket_id", sa.Integer()),
        sa.column("code", sa.String()), sa.column("note", sa.Text()),
        sa.column("report_path", sa.String()),
    )
    ticket = sa.table("ticket", sa.column("id", sa.Integer()),
                      sa.column("archived_at", sa.DateTime()))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(step.c.id, step.c.note)
        .join(ticket, ticket.c.id == step.c.ticket_id)
        .where(step.c.code == "laporan", step.c.note.like(f"{_AWALAN}%"),
               ticket.c.archived_at.is_(None))
    ).all()
    for step_id, note in rows:
        bind.execute(sa.update(step).where(step.c.id == step_id)
                     .values(report_path=note[len(_AWALAN):].strip()[:500]))


def downgrade() -> None:
    op.drop_column("step_record", "report_path")
