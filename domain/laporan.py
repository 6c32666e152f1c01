"""What a ticket report (SOP step 6, "Laporan") says: plain data, filled from the store.

The templates in ``templates/`` format it; nothing else decides what goes into a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class BarisLangkah:
    """One step of the ticket as it happened."""

    nomor: int
    kode: str
    aktivitas: str
    pelaksana: str
    """The post (label), e.g. "Kepala Dinas Kominfo"."""
    petugas: str | None
    """Name and NIP of the person assigned, when one was."""
    mulai: datetime
    jatuh_tempo: datetime | None
    """None while the clock was stopped (waiting on the requester)."""
    selesai: datetime | None
    terlambat: bool
    keputusan: str | None
    catatan: str | None


@dataclass(frozen=True)
class BarisDisposisi:
    waktu: datetime
    dari: str
    nip: str
    keputusan: str
    instruksi: str | None
    kepada: str | None


@dataclass(frozen=True)
class LaporanTiket:
    nomor: str
    jenis: str
    """Label of the request type, e.g. "Uji Kelayakan Aplikasi"."""
    nama_aplikasi: str
    instansi: str
    status: str
    hasil: str | None
    dibuat: datetime
    ditutup: datetime | None
    formulir: dict[str, Any]
    """The validated form as stored (secrets already removed)."""
    langkah: list[BarisLangkah]
    disposisi: list[BarisDisposisi]
    dibuat_pada: datetime
    """When this report was produced."""
    kelaikan: dict[str, Any] | None = None
    """The feasibility-test result (``laporan.json`` shape) for uji-kelayakan / VA tickets."""
    catatan_tindak_lanjut: list[str] = field(default_factory=list)
