"""States a ticket goes through and the decisions officials can take."""

from __future__ import annotations

from enum import StrEnum


class StatusTiket(StrEnum):
    DIPROSES = "diproses"
    """Open: a step is running or waiting for an official."""
    DIKEMBALIKAN = "dikembalikan"
    """Returned to the requester for completion; the service clock is stopped."""
    DITUTUP = "ditutup"
    """Finished (approved to the end or rejected); the report exists, archiving is next."""
    DIARSIPKAN = "diarsipkan"
    """Written in the agenda book; can no longer change."""


class Keputusan(StrEnum):
    """An official's decision on a waiting step."""

    SETUJU = "setuju"
    TOLAK = "tolak"
    KEMBALIKAN = "kembalikan"


class HasilTiket(StrEnum):
    DISETUJUI = "disetujui"
    DITOLAK = "ditolak"
