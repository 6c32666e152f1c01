"""The portal's requester side: tracking links, attachments, API tokens.

Three tables (store/portal_pemohon.py); every token in them is stored only as its SHA-256:

- ``tautan_lacak``: a private tracking link of a ticket (``/lacak/<token>``), with where it
  was made (portal form or API token, and that token's agency);
- ``lampiran``: an attachment uploaded with a form (PDF, DOCX, ODT), its file under the data
  dir named by its SHA-256, bound to the submission's key and, once opened, to the ticket;
- ``token_api``: a per-agency API token (``lpa token buat``), revocable.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "token_api",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("instansi", sa.String(200), nullable=False, index=True),
        sa.Column("keterangan", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "tautan_lacak",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False,
                  index=True),
        sa.Column("sumber", sa.String(20), nullable=False),
        sa.Column("token_api_id", sa.Integer(), sa.ForeignKey("token_api.id"), nullable=True),
        sa.Column("instansi_api", sa.String(200), nullable=True, index=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "lampiran",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kunci", sa.String(100), nullable=False, index=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=True,
                  index=True),
        sa.Column("jenis", sa.String(40), nullable=False),
        sa.Column("nama_berkas", sa.String(255), nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("ukuran", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kunci", "jenis"),
    )


def downgrade() -> None:
    for tabel in ("lampiran", "tautan_lacak", "token_api"):
        op.drop_table(tabel)
