"""The portal's staff side: decision links, portal authorisations, sign-in links, sessions.

Four tables (store/portal_pejabat.py); every token in them is stored only as its SHA-256:

- ``tautan_keputusan``: a personal one-time decision link, bound to ticket, step and NIP;
- ``otorisasi_portal``: the portal's one-time, short-lived authorisation to decide a step
  without the mailed code (the run checks it: tasks/keputusan.py);
- ``tautan_masuk``: a one-time sign-in link mailed to a roster address;
- ``sesi_staf``: a signed-in staff member's server-side session.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _waktu(nama: str, nullable: bool = False) -> sa.Column:
    return sa.Column(nama, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tautan_keputusan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  index=True),
        sa.Column("step_id", sa.Integer(), sa.ForeignKey("step_record.id"), nullable=False,
                  index=True),
        sa.Column("nip", sa.String(18), nullable=False),
        _waktu("created_at"), _waktu("expires_at"), _waktu("used_at", True),
    )
    op.create_table(
        "otorisasi_portal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rahasia_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  index=True),
        sa.Column("step_id", sa.Integer(), sa.ForeignKey("step_record.id"), nullable=False,
                  index=True),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        _waktu("created_at"), _waktu("expires_at"), _waktu("used_at", True),
    )
    op.create_table(
        "tautan_masuk",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("nip", sa.String(18), nullable=False, index=True),
        _waktu("created_at"), _waktu("expires_at"), _waktu("used_at", True),
    )
    op.create_table(
        "sesi_staf",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sesi_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("nip", sa.String(18), nullable=False, index=True),
        sa.Column("nama", sa.String(200), nullable=False),
        _waktu("created_at"), _waktu("last_seen_at"), _waktu("expires_at"),
        _waktu("ended_at", True),
    )


def downgrade() -> None:
    for tabel in ("sesi_staf", "tautan_masuk", "otorisasi_portal", "tautan_keputusan"):
        op.drop_table(tabel)
