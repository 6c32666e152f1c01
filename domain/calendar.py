"""The business calendar of the service desk: where mutu baku is counted.

Service hours are 08:00-16:00 WIB (Asia/Jakarta) on working days, Monday to Friday; national
public holidays and cuti bersama (the government's joint-leave days) are not working days.
Both come from the ``holidays`` package (Indonesia, categories ``public`` and
``government``); extra non-working dates, hours and weekdays are configurable, so tests can
compress time (e.g. every day, 00:00-24:00).

Rules, exact to the microsecond:

- Inputs must be timezone-aware; naive datetimes are refused. Results are in the calendar's
  zone (WIB).
- One working day ("hari kerja") is 8 business hours; ``5d`` is 40 hours.
- A start outside service hours counts from the next opening.
- A budget that ends exactly at closing time ends at closing time (due 16:00, not 08:00 on
  the next working day). A zero budget returns the start itself when it lies within
  [opening, closing] of a working day, else the next opening.
- ``business_time_between(start, end)`` is the business time inside [start, end], negative
  when ``end`` is before ``start``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")
HARI_KERJA = timedelta(hours=8)
_SATU_HARI = timedelta(days=1)
_PESAN_NAIF = "Waktu harus menyertakan zona waktu (contoh: 2026-11-30T09:00:00+07:00)"


@lru_cache(maxsize=64)
def _libur_nasional(tahun: int) -> dict[date, str]:
    """National holidays and cuti bersama of one year, with their Indonesian names."""
    data = holidays.country_holidays(
        "ID", years=tahun, categories=("public", "government"), language="id"
    )
    return dict(data.items())


def _wajib_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(_PESAN_NAIF)


@dataclass(frozen=True)
class BusinessCalendar:
    """Service hours on working days. ``close = time(0)`` means midnight (end of the day)."""

    tz: ZoneInfo = WIB
    open: time = time(8, 0)
    close: time = time(16, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    use_national_holidays: bool = True

    def __post_init__(self) -> None:
        if self.close != time(0) and self.close <= self.open:
            raise ValueError("Jam tutup layanan harus setelah jam buka")
        if not self.workdays:
            raise ValueError("Paling sedikit satu hari kerja dalam seminggu")

    # -- days ------------------------------------------------------------------------

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is not a working day although its weekday is, or None."""
        if d in self.extra_holidays:
            return "Libur tambahan"
        if self.use_national_holidays:
            return _libur_nasional(d.year).get(d)
        return None

    def is_business_day(self, d: date) -> bool:
        return d.weekday() in self.workdays and self.holiday_name(d) is None

    def _window(self, d: date) -> tuple[datetime, datetime]:
        start = datetime.combine(d, self.open, self.tz)
        end = datetime.combine(d + _SATU_HARI if self.close == time(0) else d, self.close,
                               self.tz)
        return start, end

    # -- moments ---------------------------------------------------------------------

    def next_opening(self, dt: datetime) -> datetime:
        """The first moment of service at or after ``dt`` (``dt`` itself when in service)."""
        _wajib_aware(dt)
        local = dt.astimezone(self.tz)
        d = local.date() - _SATU_HARI  # a midnight-closing window may start the day before
        while True:
            if self.is_business_day(d):
                o, c = self._window(d)
                if local < c:
                    return max(o, local)
            d += _SATU_HARI

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """``start`` plus ``duration`` of business time (see the module's rules)."""
        _wajib_aware(start)
        if duration < timedelta(0):
            raise ValueError("Durasi tidak boleh negatif")
        cur = start.astimezone(self.tz)
        remaining = duration
        d = cur.date() - _SATU_HARI
        while True:
            if self.is_business_day(d):
                o, c = self._window(d)
                if cur < c or (remaining == timedelta(0) and cur == c):
                    begin = max(cur, o)
                    available = c - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
                    cur = c
            d += _SATU_HARI

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time inside [start, end]; negative when ``end`` is before ``start``."""
        _wajib_aware(start)
        _wajib_aware(end)
        if end < start:
            return -self.business_time_between(end, start)
        lo_all, hi_all = start.astimezone(self.tz), end.astimezone(self.tz)
        total = timedelta(0)
        d = lo_all.date() - _SATU_HARI
        while d <= hi_all.date():
            if self.is_business_day(d):
                o, c = self._window(d)
                lo, hi = max(o, lo_all), min(c, hi_all)
                if hi > lo:
                    total += hi - lo
            d += _SATU_HARI
        return total


_BAWAAN = BusinessCalendar()


def add_business_time(start: datetime, duration: timedelta,
                      calendar: BusinessCalendar | None = None) -> datetime:
    """Due time of a budget of business time started at ``start`` (default calendar)."""
    return (calendar or _BAWAAN).add_business_time(start, duration)


def business_time_between(start: datetime, end: datetime,
                          calendar: BusinessCalendar | None = None) -> timedelta:
    """Business time that passed between two moments (default calendar)."""
    return (calendar or _BAWAAN).business_time_between(start, end)


_SATUAN = {
    "m": timedelta(minutes=1), "min": timedelta(minutes=1), "menit": timedelta(minutes=1),
    "h": timedelta(hours=1), "j": timedelta(hours=1), "jam": timedelta(hours=1),
    "d": HARI_KERJA, "hari": HARI_KERJA,
}
_BAGIAN = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(menit|min|jam|hari|m|h|j|d)\s*")


def parse_business_duration(text: str) -> timedelta:
    """``30m``, ``3h``, ``5d`` (1d = 8 business hours), ``1d4h``, ``3 jam``, ``5 hari``."""
    teks = text.strip().lower()
    total = timedelta(0)
    pos = 0
    while pos < len(teks):
        cocok = _BAGIAN.match(teks, pos)
        if not cocok:
            break
        total += float(cocok.group(1).replace(",", ".")) * _SATUAN[cocok.group(2)]
        pos = cocok.end()
    if not teks or pos != len(teks):
        raise ValueError(
            f"Durasi tidak dikenali: {text!r}. Gunakan misalnya 30m, 3h atau 5d "
            "(1d = 8 jam kerja)."
        )
    return total


def format_business_duration(duration: timedelta) -> str:
    """``1 hari kerja 2 jam 30 menit``: a business-time budget for people to read."""
    menit_total = round(duration.total_seconds() / 60)
    hari, sisa = divmod(menit_total, 8 * 60)
    jam, menit = divmod(sisa, 60)
    bagian = [f"{hari} hari kerja"] if hari else []
    bagian += [f"{jam} jam"] if jam else []
    bagian += [f"{menit} menit"] if menit or not bagian else []
    return " ".join(bagian)
