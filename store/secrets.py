"""Encryption of the few secrets the store must keep (the test account of a request).

The key comes from ``LPA_KUNCI_ENKRIPSI`` or, on a single machine, from a key file created
once in the data directory with owner-only permissions.
"""

from __future__ import annotations

import os
from datetime import datetime

from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from store.models import StoredTestAccount


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
