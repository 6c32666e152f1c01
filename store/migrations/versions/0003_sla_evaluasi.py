"""SLA warnings, availability heartbeat, production applications, their probes and re-runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_warning",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("step_id", sa.Integer(), sa.ForeignKey("step_record.id"), nullable=False,
                  index=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("reached_at", UTCDateTime(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("step_id", "threshold"),
    )
    op.create_table(
        "service_heartbeat",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("prefect_ok", sa.Boolean(), nullable=False),
        sa.Column("store_ok", sa.Boolean(), nullable=False),
        sa.Column("serving_ok", sa.Boolean(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "production_app",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  unique=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "app_probe",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("production_id", sa.Integer(), sa.ForeignKey("production_app.id"),
                  nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_table(
        "kelaikan_rerun",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("production_id", sa.Integer(), sa.ForeignKey("production_app.id"),
                  nullable=False, index=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("verdict", sa.String(30), nullable=True),
        sa.Column("check_ids", sa.JSON(), nullable=False),
        sa.Column("new_check_ids", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for table in ("kelaikan_rerun", "app_probe", "production_app", "service_heartbeat",
                  "sla_warning"):
        op.drop_table(table)
