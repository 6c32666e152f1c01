"""Where a ticket stands and what comes next, derived only from its step records.

The ticket flow re-runs from the top each time an official resumes it (that is how a
suspended Prefect run continues), so it never remembers where it was: it asks this module,
which reads the store's records. The same records always give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.sop import LANGKAH_KELENGKAPAN, JenisLangkah, JenisLayanan, LangkahSOP, rencana_langkah
from domain.tiket import Keputusan


@dataclass(frozen=True)
class CatatanLangkah:
    """What the flow needs to know of one stored step record."""

    id: int
    kode: str
    selesai: bool
    keputusan: str | None


class JenisAksi(StrEnum):
    MULAI = "mulai"
    """Start this step (a new record)."""
    LANJUTKAN = "lanjutkan"
    """The step's record is open: wait on it (human) or run it again (automated)."""
    SELESAI = "selesai"
    """Every step is done: the ticket is archived."""


@dataclass(frozen=True)
class Aksi:
    jenis: JenisAksi
    langkah: LangkahSOP | None = None
    catatan_id: int | None = None


_AKHIR = (JenisLangkah.LAPORAN, JenisLangkah.ARSIP)
"""The kinds of step a refused ticket still goes through."""


def ditolak(catatan: list[CatatanLangkah]) -> bool:
    return any(c.keputusan == Keputusan.TOLAK for c in catatan)


def aksi_berikutnya(jenis: JenisLayanan, catatan: list[CatatanLangkah]) -> Aksi:
    """The next thing to do for a ticket of ``jenis`` whose records are ``catatan``.

    - A rejection (``tolak``) at any step skips straight to the report and the archive.
    - A return (``kembalikan``) inserts a completion wait for the requester, then the same
      step starts again.
    """
    rekaman = sorted(catatan, key=lambda c: c.id)
    sudah_ditolak = ditolak(rekaman)
    for langkah in rencana_langkah(jenis):
        if sudah_ditolak and langkah.jenis not in _AKHIR and not _pernah(rekaman, langkah):
            continue
        milik = [c for c in rekaman if c.kode == langkah.kode]
        if not milik:
            return Aksi(JenisAksi.MULAI, langkah)
        terakhir = milik[-1]
        if not terakhir.selesai:
            return Aksi(JenisAksi.LANJUTKAN, langkah, terakhir.id)
        if terakhir.keputusan == Keputusan.KEMBALIKAN:
            lengkap = [c for c in rekaman
                       if c.kode == LANGKAH_KELENGKAPAN.kode and c.id > terakhir.id]
            if not lengkap:
                return Aksi(JenisAksi.MULAI, LANGKAH_KELENGKAPAN)
            if not lengkap[-1].selesai:
                return Aksi(JenisAksi.LANJUTKAN, LANGKAH_KELENGKAPAN, lengkap[-1].id)
            return Aksi(JenisAksi.MULAI, langkah)
    return Aksi(JenisAksi.SELESAI)


def _pernah(rekaman: list[CatatanLangkah], langkah: LangkahSOP) -> bool:
    return any(c.kode == langkah.kode for c in rekaman)
