"""The portal's requester side in the store: tracking links, attachments and API tokens
(tables of migration 0007).

Every token is random (``secrets.token_urlsafe(32)``) and stored only as its SHA-256: the
raw value exists only in the link, mail or API answer meant for the person or system.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base, Ticket


def sidik(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TokenApi(Base):
    """A per-agency API token (``Authorization: Bearer``), made by ``lpa token buat``."""

    __tablename__ = "token_api"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    instansi: Mapped[str] = mapped_column(String(200), index=True)
    keterangan: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class TautanLacak(Base):
    """A private tracking link (``/lacak/<token>``) of one ticket; a ticket may have several
    (each answer page and API answer makes one)."""

    __tablename__ = "tautan_lacak"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    sumber: Mapped[str] = mapped_column(String(20))
    """``portal`` (a form) or ``api``."""
    token_api_id: Mapped[int | None] = mapped_column(ForeignKey("token_api.id"))
    instansi_api: Mapped[str | None] = mapped_column(String(200), index=True)
    """The agency of the API token that opened the ticket: its tokens may read it."""
    created_at: Mapped[datetime]


class Lampiran(Base):
    """An attachment of a submission; the file is ``data_dir/lampiran/<sha256>``."""

    __tablename__ = "lampiran"
    __table_args__ = (UniqueConstraint("kunci", "jenis"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kunci: Mapped[str] = mapped_column(String(100), index=True)
    """The submission's idempotency key: attachments wait here until the ticket opens."""
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    jenis: Mapped[str] = mapped_column(String(40))
    nama_berkas: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    """The type recognised from the content, never the one the browser claimed."""
    ukuran: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


# --- API tokens --------------------------------------------------------------------------

def buat_token_api(session: Session, instansi: str, keterangan: str | None,
                   now: datetime) -> tuple[int, str]:
    """(id, raw token): the raw token is shown once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = TokenApi(token_hash=sidik(raw), instansi=instansi, keterangan=keterangan,
                     created_at=now)
    session.add(token)
    session.flush()
    return token.id, raw


def cabut_token_api(session: Session, token_id: int, now: datetime) -> TokenApi | None:
    token = session.get(TokenApi, token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = now
        session.flush()
    return token


def cari_token_api(session: Session, raw: str, now: datetime) -> TokenApi | None:
    """The live token with this raw value (its last use noted), or None."""
    if not raw:
        return None
    token = session.scalars(select(TokenApi).where(
        TokenApi.token_hash == sidik(raw))).one_or_none()
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = now
    return token


def daftar_token_api(session: Session) -> list[TokenApi]:
    return list(session.scalars(select(TokenApi).order_by(TokenApi.id)))


# --- tracking links ----------------------------------------------------------------------

def buat_tautan_lacak(session: Session, ticket_id: int, sumber: str, now: datetime,
                      token_api_id: int | None = None, instansi_api: str | None = None) -> str:
    """A new tracking link of the ticket; the raw token, for the page, the mail or the API."""
    raw = secrets.token_urlsafe(32)
    session.add(TautanLacak(token_hash=sidik(raw), ticket_id=ticket_id, sumber=sumber,
                            token_api_id=token_api_id, instansi_api=instansi_api,
                            created_at=now))
    session.flush()
    return raw


def tiket_dari_lacak(session: Session, raw: str) -> Ticket | None:
    if not raw or len(raw) > 100:
        return None
    return session.scalars(select(Ticket).join(TautanLacak, TautanLacak.ticket_id == Ticket.id)
                           .where(TautanLacak.token_hash == sidik(raw))).one_or_none()


def sudah_ada_tautan(session: Session, ticket_id: int) -> bool:
    return session.scalars(select(TautanLacak.id).where(
        TautanLacak.ticket_id == ticket_id).limit(1)).first() is not None


def terlihat_oleh_instansi(session: Session, ticket_id: int, instansi: str) -> bool:
    """Whether an API token of ``instansi`` opened this ticket."""
    return session.scalars(select(TautanLacak.id).where(
        TautanLacak.ticket_id == ticket_id,
        TautanLacak.instansi_api == instansi).limit(1)).first() is not None


# --- attachments -------------------------------------------------------------------------

def simpan_lampiran(session: Session, kunci: str, jenis: str, nama_berkas: str, mime: str,
                    ukuran: int, sha256: str, path: str, now: datetime) -> Lampiran:
    """Record an attachment of submission ``kunci``; a second upload of the same kind for the
    same submission replaces the first (the form was sent again with another file)."""
    ada = session.scalars(select(Lampiran).where(Lampiran.kunci == kunci,
                                                 Lampiran.jenis == jenis)).one_or_none()
    if ada is not None and ada.ticket_id is not None:
        return ada  # the ticket is open: its attachments stay as they were sent
    if ada is None:
        ada = Lampiran(kunci=kunci, jenis=jenis)
        session.add(ada)
    ada.nama_berkas, ada.mime, ada.ukuran, ada.sha256, ada.path, ada.created_at = (
        nama_berkas, mime, ukuran, sha256, path, now)
    session.flush()
    return ada


def ikat_lampiran(session: Session, kunci: str, ticket_id: int) -> None:
    session.execute(update(Lampiran).where(Lampiran.kunci == kunci,
                                           Lampiran.ticket_id.is_(None))
                    .values(ticket_id=ticket_id))


def lampiran_kunci(session: Session, kunci: str) -> list[Lampiran]:
    return list(session.scalars(select(Lampiran).where(Lampiran.kunci == kunci)
                                .order_by(Lampiran.id)))


def lampiran_tiket(session: Session, ticket_id: int) -> list[Lampiran]:
    return list(session.scalars(select(Lampiran).where(Lampiran.ticket_id == ticket_id)
                                .order_by(Lampiran.id)))


def lampiran_tiket_sesi(ticket: Ticket) -> list[Lampiran]:
    """The attachments of a ticket loaded in a session (the ticket's own session)."""
    from sqlalchemy.orm import object_session

    session = object_session(ticket)
    return lampiran_tiket(session, ticket.id) if session is not None else []
