"""Readable yearly numbers: ticket numbers and agenda-book numbers.

Numbers restart at 1 each year; the year is the one in WIB at the moment the number is
given. Allocation itself (atomic, gap-free per year) is the store's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX_TIKET = "LPA"
_PREFIX_AGENDA = "AGD"
_POLA = re.compile(r"^(?P<prefix>[A-Z]{3})-(?P<tahun>\d{4})-(?P<urut>\d{6,})$")


@dataclass(frozen=True, order=True)
class NomorTahunan:
    prefix: str
    tahun: int
    urut: int

    def __str__(self) -> str:
        return f"{self.prefix}-{self.tahun:04d}-{self.urut:06d}"


def nomor_tiket(tahun: int, urut: int) -> str:
    """``LPA-2026-000123``."""
    return str(NomorTahunan(_PREFIX_TIKET, tahun, urut))


def nomor_agenda(tahun: int, urut: int) -> str:
    """``AGD-2026-000045``: the agenda-book number of an archived ticket."""
    return str(NomorTahunan(_PREFIX_AGENDA, tahun, urut))


def urai_nomor(teks: str) -> NomorTahunan:
    """Parse a ticket or agenda number; an Indonesian error names the expected shape."""
    cocok = _POLA.match(teks.strip().upper())
    if not cocok or cocok["prefix"] not in (_PREFIX_TIKET, _PREFIX_AGENDA):
        raise ValueError(
            f"Nomor {teks!r} tidak dikenali: bentuknya LPA-TAHUN-NOMOR, misalnya LPA-2026-000123"
        )
    return NomorTahunan(cocok["prefix"], int(cocok["tahun"]), int(cocok["urut"]))
