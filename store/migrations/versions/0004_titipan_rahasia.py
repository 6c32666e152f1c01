"""Secrets deposited before any flow run exists (the test account of a feasibility form).

A client (``lpa submit``, the portal) validates the form, deposits the password here
encrypted and sends the intake run a reference; the intake moves it to the ticket.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secret_deposit",
        sa.Column("ref", sa.String(64), primary_key=True),
        sa.Column("password_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("claimed_by", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("secret_deposit")
