"""The portal's staff side in the store: decision links, portal authorisations, sign-in
links and staff sessions (tables of migration 0008).

Every token here is random (``secrets.token_urlsafe(32)``) and stored only as its SHA-256:
the raw value exists in the URL, mail or cookie meant for the person, never in a row, a log
or a flow run's input. The rules on when a link is dead live in ``domain/tautan.py``.

- ``tautan_keputusan``: the personal decision link mailed beside a step's one-time code,
  bound to ticket, step and the official's NIP. Used once.
- ``otorisasi_portal``: what the portal writes after it verified a link or a session, and
  hands to the run in place of the code (``kode = "portal:<secret>"``); one-time, short-lived,
  bound to ticket, step and NIP (tasks/keputusan.py accepts it).
- ``tautan_masuk``: the one-time sign-in link mailed to a roster address.
- ``sesi_staf``: a signed-in staff member's server-side session (idle and absolute expiry).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ForeignKey, String, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base

SIMPAN_KEDALUWARSA = timedelta(days=1)
"""Sign-in links and sessions are deleted this long after they ended (the audit trail keeps
who signed in and out)."""

SENTUH_SESI = timedelta(seconds=60)
"""A session's idle clock restarts at most this often (its idle limit is minutes)."""

AWALAN_OTORISASI = "portal:"
"""How a run input's ``kode`` says it is a portal authorisation, not a mailed code (codes are
eight characters from an alphabet without ':')."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_baru() -> str:
    return secrets.token_urlsafe(32)


class TautanKeputusan(Base):
    """A personal one-time decision link (``/keputusan/<token>``)."""

    __tablename__ = "tautan_keputusan"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step_record.id"), index=True)
    nip: Mapped[str] = mapped_column(String(18))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OtorisasiPortal(Base):
    """The portal's one-time authorisation to decide (ticket, step, NIP) without the code."""

    __tablename__ = "otorisasi_portal"

    id: Mapped[int] = mapped_column(primary_key=True)
    rahasia_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step_record.id"), index=True)
    nip: Mapped[str] = mapped_column(String(18))
    via: Mapped[str] = mapped_column(String(20))
    """``tautan`` (a decision link) or ``sesi`` (a signed-in session)."""
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    """When the run first accepted it (it may be checked again on a re-run, never reused
    for another step: the step it decided is finished)."""


class TautanMasuk(Base):
    """A one-time sign-in link mailed to a roster address."""

    __tablename__ = "tautan_masuk"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SesiStaf(Base):
    """A signed-in staff member's session; the cookie holds the raw id."""

    __tablename__ = "sesi_staf"

    id: Mapped[int] = mapped_column(primary_key=True)
    sesi_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    nama: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    """The absolute end, however active the session is."""
    ended_at: Mapped[datetime | None]


_Baris = TypeVar("_Baris", TautanKeputusan, OtorisasiPortal, TautanMasuk, SesiStaf)


def _menurut_token(session: Session, tabel: type[_Baris], kolom_hash: Mapped[str],
                   raw: str | None) -> _Baris | None:
    """The row of ``tabel`` whose stored hash is that of token ``raw``; None for no token."""
    if not raw:
        return None
    return session.scalars(select(tabel).where(kolom_hash == hash_token(raw))).one_or_none()


# --- decision links -----------------------------------------------------------------------

def buat_tautan_keputusan(session: Session, ticket_id: int, step_id: int, nip: str,
                          berlaku: timedelta, now: datetime) -> str:
    """Store a new decision link for (ticket, step, NIP); the raw token, for the mail."""
    raw = token_baru()
    session.add(TautanKeputusan(token_hash=hash_token(raw), ticket_id=ticket_id,
                                step_id=step_id, nip=nip, created_at=now,
                                expires_at=now + berlaku))
    session.flush()
    return raw


def cari_tautan_keputusan(session: Session, raw: str) -> TautanKeputusan | None:
    return _menurut_token(session, TautanKeputusan, TautanKeputusan.token_hash, raw)


def pakai_tautan_keputusan(session: Session, tautan_id: int, now: datetime) -> bool:
    """Mark the link used; False when it already was (compare-and-set: one winner)."""
    hasil = session.execute(update(TautanKeputusan)
                            .where(TautanKeputusan.id == tautan_id,
                                   TautanKeputusan.used_at.is_(None))
                            .values(used_at=now))
    return hasil.rowcount == 1


def lepas_tautan_keputusan(session: Session, tautan_id: int) -> None:
    """Give a link back when the attempt it carried was not recorded for a reason the
    official can fix (an empty note is refused before this; a busy run, a timeout)."""
    session.execute(update(TautanKeputusan).where(TautanKeputusan.id == tautan_id)
                    .values(used_at=None))


# --- portal authorisations ----------------------------------------------------------------

def buat_otorisasi(session: Session, ticket_id: int, step_id: int, nip: str, via: str,
                   berlaku: timedelta, now: datetime) -> str:
    """A new authorisation; the value to put in the run input's ``kode``."""
    raw = token_baru()
    session.add(OtorisasiPortal(rahasia_hash=hash_token(raw), ticket_id=ticket_id,
                                step_id=step_id, nip=nip, via=via, created_at=now,
                                expires_at=now + berlaku))
    session.flush()
    return AWALAN_OTORISASI + raw


def adalah_otorisasi(kode: str) -> bool:
    return kode.startswith(AWALAN_OTORISASI)


def cari_otorisasi(session: Session, kode: str) -> OtorisasiPortal | None:
    if not adalah_otorisasi(kode):
        return None
    return _menurut_token(session, OtorisasiPortal, OtorisasiPortal.rahasia_hash,
                          kode[len(AWALAN_OTORISASI):])


# --- sign-in links and sessions ---------------------------------------------------------

def buat_tautan_masuk(session: Session, nip: str, berlaku: timedelta, now: datetime) -> str:
    session.execute(delete(TautanMasuk).where(
        TautanMasuk.expires_at < now - SIMPAN_KEDALUWARSA))
    raw = token_baru()
    session.add(TautanMasuk(token_hash=hash_token(raw), nip=nip, created_at=now,
                            expires_at=now + berlaku))
    session.flush()
    return raw


def pakai_tautan_masuk(session: Session, raw: str, now: datetime) -> tuple[str | None, str]:
    """(NIP, "") when the sign-in link is good (it is used up now), else (None, why)."""
    tautan = _menurut_token(session, TautanMasuk, TautanMasuk.token_hash, raw)
    if tautan is None:
        return None, "tidak_dikenal"
    if tautan.used_at is not None:
        return None, "sudah_dipakai"
    if now >= tautan.expires_at:
        return None, "kedaluwarsa"
    hasil = session.execute(update(TautanMasuk)
                            .where(TautanMasuk.id == tautan.id, TautanMasuk.used_at.is_(None))
                            .values(used_at=now))
    if hasil.rowcount != 1:
        return None, "sudah_dipakai"
    return tautan.nip, ""


def buat_sesi(session: Session, nip: str, nama: str, absolut: timedelta,
              now: datetime) -> str:
    session.execute(delete(SesiStaf).where(or_(
        SesiStaf.expires_at < now - SIMPAN_KEDALUWARSA,
        SesiStaf.ended_at < now - SIMPAN_KEDALUWARSA)))
    raw = token_baru()
    session.add(SesiStaf(sesi_hash=hash_token(raw), nip=nip, nama=nama, created_at=now,
                         last_seen_at=now, expires_at=now + absolut))
    session.flush()
    return raw


def baca_sesi(session: Session, raw: str, idle: timedelta, now: datetime) -> SesiStaf | None:
    """The live session of cookie value ``raw`` (its idle clock restarted), else None."""
    sesi = _menurut_token(session, SesiStaf, SesiStaf.sesi_hash, raw)
    if sesi is None or sesi.ended_at is not None or now >= sesi.expires_at \
            or now >= sesi.last_seen_at + idle:
        return None
    if now - sesi.last_seen_at >= SENTUH_SESI:  # not a write on every page view
        sesi.last_seen_at = now
    return sesi


def akhiri_sesi(session: Session, raw: str, now: datetime) -> SesiStaf | None:
    sesi = _menurut_token(session, SesiStaf, SesiStaf.sesi_hash, raw)
    if sesi is not None and sesi.ended_at is None:
        sesi.ended_at = now
    return sesi
