"""Encryption of the few secrets the store must keep (the test account of a request).

The key comes from ``LPA_KUNCI_ENKRIPSI`` or, on a single machine, from a key file created
once in the data directory with owner-only permissions.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import delete
from sqlalchemy.orm import Session

from store.models import SecretDeposit, StoredTestAccount

DEPOSIT_TTL = timedelta(days=1)
"""An unclaimed deposit (its intake run never came) is removed after this long."""


class TitipanTidakAda(LookupError):
    """The deposit a flow run refers to is unknown, already claimed or expired."""


def fernet(key: str | None, key_file: os.PathLike[str] | str) -> Fernet:
    if key:
        return Fernet(key.encode())
    path = os.fspath(key_file)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
    with open(path, "rb") as f:
        return Fernet(f.read().strip())


def save_credential(session: Session, box: Fernet, ticket_id: int, username: str,
                    password: str, at: datetime) -> None:
    session.merge(StoredTestAccount(
        ticket_id=ticket_id, username=username,
        password_encrypted=box.encrypt(password.encode()).decode(), created_at=at,
    ))
    session.flush()


def load_credential(session: Session, box: Fernet, ticket_id: int) -> tuple[str, str] | None:
    row = session.get(StoredTestAccount, ticket_id)
    if row is None:
        return None
    return row.username, box.decrypt(row.password_encrypted.encode()).decode()


def delete_credential(session: Session, ticket_id: int) -> None:
    row = session.get(StoredTestAccount, ticket_id)
    if row is not None:
        session.delete(row)
        session.flush()


def titipkan(session: Session, box: Fernet, password: str, at: datetime) -> str:
    """Deposit a password encrypted before any flow run exists; return its reference.

    Expired unclaimed deposits are removed on the way.
    """
    session.execute(delete(SecretDeposit).where(SecretDeposit.created_at < at - DEPOSIT_TTL,
                                                SecretDeposit.claimed_by.is_(None)))
    ref = "titipan-" + os.urandom(16).hex()
    session.add(SecretDeposit(ref=ref, password_encrypted=box.encrypt(password.encode()).decode(),
                              created_at=at))
    session.flush()
    return ref


def klaim_titipan(session: Session, ref: str, ticket_id: int, username: str,
                  at: datetime) -> None:
    """Move a deposited password to the ticket's test account (still encrypted) and delete
    the deposit; raises :class:`TitipanTidakAda` when there is none to claim."""
    row = session.get(SecretDeposit, ref, with_for_update=True)
    if row is None or row.claimed_by is not None:
        raise TitipanTidakAda(ref)
    session.merge(StoredTestAccount(ticket_id=ticket_id, username=username,
                                    password_encrypted=row.password_encrypted, created_at=at))
    session.delete(row)
    session.flush()


def buang_titipan(session: Session, ref: str) -> None:
    """Remove an unclaimed deposit (its submission turned out to be a repeat)."""
    session.execute(delete(SecretDeposit).where(SecretDeposit.ref == ref,
                                                SecretDeposit.claimed_by.is_(None)))
