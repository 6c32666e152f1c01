"""Measured availability in service hours: the share of heartbeat slots that answered.

The catalog promises 90 % service availability in working hours. It is measured, not
assumed: a scheduled heartbeat records every few minutes whether the service answered.
Service hours (08:00-16:00 WIB on working days of the business calendar) are cut into slots
of the heartbeat's interval, aligned to the opening time. A slot is *up* when at least one
beat inside it answered; a slot with only failed beats, or with no beat at all (a gap: the
scheduler, the workers or the store were down), is *down*. Only slots that have ended count,
so a measurement taken at 08:02 does not count the 08:00 slot against the service.

The same arithmetic serves the production applications' HTTP probes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from domain.calendar import BusinessCalendar

INTERVAL_DETAK = timedelta(minutes=5)
"""The heartbeat's interval and the slot length of the measurement."""
JANJI_KETERSEDIAAN = 90.0
"""The catalog's promise: 90 % availability in service hours."""


@dataclass(frozen=True)
class Ketersediaan:
    slot_total: int
    slot_jawab: int
    target_persen: float = JANJI_KETERSEDIAAN

    @property
    def persen(self) -> float | None:
        """Availability in percent; None when no slot of service hours has ended yet."""
        if self.slot_total == 0:
            return None
        return 100 * self.slot_jawab / self.slot_total

    @property
    def memenuhi(self) -> bool | None:
        persen = self.persen
        return None if persen is None else persen >= self.target_persen


def slot_layanan(
    mulai: datetime, selesai: datetime, calendar: BusinessCalendar,
    panjang: timedelta = INTERVAL_DETAK,
) -> list[datetime]:
    """Start of every slot of service hours that lies wholly inside [mulai, selesai)."""
    if panjang <= timedelta(0):
        raise ValueError("Panjang slot harus lebih dari nol")
    lo, hi = mulai.astimezone(UTC), selesai.astimezone(UTC)
    slots: list[datetime] = []
    d = mulai.astimezone(calendar.tz).date() - timedelta(days=1)
    akhir = selesai.astimezone(calendar.tz).date()
    while d <= akhir:
        if calendar.is_business_day(d):
            buka = datetime.combine(d, calendar.open, calendar.tz).astimezone(UTC)
            tutup_jam = calendar.close or time(0)
            if tutup_jam == time(0):
                tutup = datetime.combine(d + timedelta(days=1), time(0), calendar.tz)
            else:
                tutup = datetime.combine(d, tutup_jam, calendar.tz)
            tutup = tutup.astimezone(UTC)
            s = buka
            while s + panjang <= tutup:
                if s >= lo and s + panjang <= hi:
                    slots.append(s)
                s += panjang
        d += timedelta(days=1)
    return slots


def hitung_ketersediaan(
    detak: Iterable[tuple[datetime, bool]], mulai: datetime, selesai: datetime,
    calendar: BusinessCalendar, panjang: timedelta = INTERVAL_DETAK,
    target_persen: float = JANJI_KETERSEDIAAN,
) -> Ketersediaan:
    """Availability over [mulai, selesai) from ``(at, answered)`` beats; gaps count as down."""
    slots = slot_layanan(mulai, selesai, calendar, panjang)
    naik = sorted(at.astimezone(UTC) for at, jawab in detak if jawab)
    jawab = 0
    for s in slots:
        i = bisect_left(naik, s)
        if i < len(naik) and naik[i] < s + panjang:
            jawab += 1
    return Ketersediaan(len(slots), jawab, target_persen)
