"""The business calendar of the service desk: where mutu baku (service budgets) are counted.

Why a module of its own: every due time of the SOP is a budget of *business* time, and a due
time that silently lands on a Sunday, on Idul Fitri or on a cuti bersama day is a broken
promise to the applicant. All of that arithmetic lives here, pure and exact, so flows, the
store and reports agree to the microsecond.

The default calendar
    Service hours are 08:00-16:00 WIB (``Asia/Jakarta``) on working days, Monday to Friday.
    National public holidays AND cuti bersama (the government's joint-leave days) are not
    working days. Both come from the ``holidays`` package, Indonesia, categories ``public``
    and ``government`` (cuti bersama is only in ``government``; ``public`` alone would keep
    e.g. 2026-03-20 and 2026-12-24 as working days). Extra non-working dates, the hours and
    the working weekdays are configurable, so tests can compress time (e.g. every day,
    00:00-24:00).

The day window
    ``open`` and ``close`` are wall-clock ``time`` values in the calendar's zone.
    ``close = time(0)`` means midnight at the END of the day (24:00), so ``open=time(0),
    close=time(0)`` is the whole day; ``close=None`` is accepted as a synonym and stored as
    ``time(0)`` (so equal calendars stay equal and hash alike). Otherwise ``close`` must be
    after ``open``. A window belongs to the date it opens on.

Rules, exact to the microsecond (``timedelta`` arithmetic, no rounding):

- Inputs must be timezone-aware ``datetime`` values, in any zone; naive ones are refused
  with a ``ValueError`` in Bahasa Indonesia. Results are in the calendar's zone (WIB).
  Arithmetic is done on absolute instants (UTC), so zones with DST would also count real
  elapsed time; WIB has no DST anyway.
- One working day ("hari kerja") is 8 business hours whatever the calendar: ``5d`` = 40 h.
- A start outside service hours counts from the next opening.
- A negative budget is refused (``ValueError``).
- A budget that ends exactly at closing time ends at closing time (due 16:00, not 08:00 on
  the next working day): the due time is the EARLIEST moment by which the budget is used.
  A zero budget returns the start itself (in WIB) when it lies within [opening, closing] of
  a working day, else the next opening.
- ``business_time_between(start, end)`` is the business time inside [start, end];
  when ``end`` is before ``start`` it is ``-business_time_between(end, start)``.
- Laws (tested with hypothesis): ``business_time_between(s, add_business_time(s, d)) == d``;
  ``add(add(s, a), b) == add(s, a + b)``; the due time is monotonic in the budget, never
  before the start, and always inside a service window.

Cost: one loop step per calendar day (never per minute), with the holiday table of a year
built once and cached, so spans of years are cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")
HARI_KERJA = timedelta(hours=8)
"""One working day of budget ("1d", "1 hari"): 8 business hours, whatever the calendar."""

_NOL = timedelta(0)
_SATU_HARI = timedelta(days=1)
_TENGAH_MALAM = time(0)
_PESAN_NAIF = "Waktu harus menyertakan zona waktu (contoh: 2026-11-30T09:00:00+07:00)"


@lru_cache(maxsize=64)
def _libur_nasional(tahun: int) -> Mapping[date, str]:
    """National holidays and cuti bersama of one year, with their Indonesian names.

    Cached per year at module level (building the ``holidays`` table costs tens of ms), which
    keeps ``BusinessCalendar`` itself a plain frozen, hashable value. Read-only so a caller
    cannot poison the cache.
    """
    data = holidays.country_holidays(
        "ID", years=tahun, categories=("public", "government"), language="id"
    )
    return MappingProxyType(dict(data.items()))


def _wajib_aware(dt: datetime) -> datetime:
    """Refuse what is not an aware datetime: a naive time is ambiguous (WIB? UTC?)."""
    if not isinstance(dt, datetime):
        raise ValueError(f"Waktu harus berupa tanggal dan jam (datetime), bukan {dt!r}")
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(_PESAN_NAIF)
    return dt


def _wajib_timedelta(duration: timedelta) -> timedelta:
    if not isinstance(duration, timedelta):
        raise ValueError(f"Durasi harus berupa timedelta, bukan {duration!r}")
    if duration < _NOL:
        raise ValueError(f"Durasi tidak boleh negatif: {duration}")
    return duration


class PengaturanKalender(Protocol):
    """The calendar's part of the settings (``settings.Settings`` has these fields); named
    here so the calendar is built in domain/ and the settings import nothing of ours."""

    jam_buka: time
    jam_tutup: time
    hari_kerja: Iterable[int]
    libur_tambahan: Iterable[date]


@dataclass(frozen=True)
class BusinessCalendar:
    """Service hours on working days; see the module docstring for the exact rules.

    ``close = time(0)`` (or ``None``) means midnight at the end of the day. ``workdays`` are
    ``date.weekday()`` numbers (Monday = 0); any iterable is accepted and stored as a
    frozenset, like ``extra_holidays``, so the calendar stays hashable.
    """

    tz: tzinfo = WIB
    open: time = time(8, 0)
    close: time | None = time(16, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    use_national_holidays: bool = True

    def __post_init__(self) -> None:
        # Normalise (frozen, hence object.__setattr__) so that equal calendars compare and
        # hash equal, and a set passed by a caller cannot make the calendar unhashable.
        if self.close is None:
            object.__setattr__(self, "close", _TENGAH_MALAM)
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        if self.open.tzinfo is not None or self.close.tzinfo is not None:  # type: ignore[union-attr]
            raise ValueError("Jam buka dan jam tutup tidak boleh menyertakan zona waktu")
        if self.close != _TENGAH_MALAM and self.close <= self.open:  # type: ignore[operator]
            raise ValueError("Jam tutup layanan harus setelah jam buka (00:00 = tengah malam)")
        if not self.workdays:
            raise ValueError("Paling sedikit satu hari kerja dalam seminggu")
        if not all(isinstance(h, int) and 0 <= h <= 6 for h in self.workdays):
            raise ValueError("Hari kerja ditulis 0-6 (Senin = 0, Minggu = 6)")

    @classmethod
    def dari_pengaturan(cls, pengaturan: PengaturanKalender) -> BusinessCalendar:
        """The service's calendar as configured (hours, working weekdays, extra holidays)."""
        return cls(
            open=pengaturan.jam_buka,
            close=pengaturan.jam_tutup,
            workdays=frozenset(pengaturan.hari_kerja),
            extra_holidays=frozenset(pengaturan.libur_tambahan),
        )

    # -- days ------------------------------------------------------------------------

    def _tanggal(self, d: date) -> date:
        """A datetime given where a date is expected means its local date in our zone.

        Without this, ``datetime`` (a subclass of ``date``) would silently miss the holiday
        table, whose keys are plain dates.
        """
        if isinstance(d, datetime):
            return _wajib_aware(d).astimezone(self.tz).date()
        return d

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is a non-working day by the calendar rather than by weekday, or None.

        The Indonesian name from the ``holidays`` package (e.g. "Cuti Bersama Hari Raya
        Natal"; two holidays on one date come joined by "; "), or "Libur tambahan" for a
        configured extra date. Weekends are not named: they are simply not in ``workdays``.
        """
        d = self._tanggal(d)
        if d in self.extra_holidays:
            return "Libur tambahan"
        if self.use_national_holidays:
            return _libur_nasional(d.year).get(d)
        return None

    def is_business_day(self, d: date) -> bool:
        """A working weekday that is neither a holiday, a cuti bersama nor an extra date."""
        d = self._tanggal(d)
        return d.weekday() in self.workdays and self.holiday_name(d) is None

    def _window(self, d: date) -> tuple[datetime, datetime]:
        """Service window of the date ``d`` as absolute instants (UTC)."""
        start = datetime.combine(d, self.open, self.tz)
        if self.close == _TENGAH_MALAM:
            end = datetime.combine(d + _SATU_HARI, _TENGAH_MALAM, self.tz)
        else:
            end = datetime.combine(d, self.close, self.tz)  # type: ignore[arg-type]
        return start.astimezone(UTC), end.astimezone(UTC)

    def _days_from(self, moment: datetime) -> Iterable[tuple[datetime, datetime]]:
        """Windows of the business days from the day before ``moment``'s local date on.

        The day before matters only for midnight-closing windows, which end on the next
        date; for others it is harmlessly in the past.
        """
        d = moment.astimezone(self.tz).date() - _SATU_HARI
        while True:
            if self.is_business_day(d):
                yield self._window(d)
            d += _SATU_HARI

    # -- moments ---------------------------------------------------------------------

    def is_open(self, dt: datetime) -> bool:
        """Whether the desk is serving at ``dt``: inside [opening, closing) of a working day."""
        now = _wajib_aware(dt).astimezone(UTC)
        return self.next_opening(now) == now.astimezone(self.tz)

    def next_opening(self, dt: datetime) -> datetime:
        """The first moment of service at or after ``dt`` (``dt`` itself while serving).

        At exactly closing time the desk is closed: the answer is the next opening.
        """
        now = _wajib_aware(dt).astimezone(UTC)
        for opening, closing in self._days_from(now):
            if now < closing:
                return max(opening, now).astimezone(self.tz)
        raise AssertionError("unreachable: the day loop never ends")  # pragma: no cover

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """Due time of a budget of ``duration`` business time started at ``start``.

        The earliest moment by which ``duration`` of business time has elapsed since
        ``start`` (hence closing time rather than the next opening when it ends exactly
        there), in the calendar's zone.
        """
        cur = _wajib_aware(start).astimezone(UTC)
        remaining = _wajib_timedelta(duration)
        for opening, closing in self._days_from(cur):
            if cur < closing or (remaining == _NOL and cur == closing):
                begin = max(cur, opening)
                available = closing - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(self.tz)
                remaining -= available
                cur = closing
        raise AssertionError("unreachable: the day loop never ends")  # pragma: no cover

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time inside [start, end]; negative when ``end`` is before ``start``."""
        lo = _wajib_aware(start).astimezone(UTC)
        hi = _wajib_aware(end).astimezone(UTC)
        if hi < lo:
            return -self.business_time_between(end, start)
        total = _NOL
        for opening, closing in self._days_from(lo):
            if opening >= hi:
                break
            if closing > lo:
                total += min(closing, hi) - max(opening, lo)
        return total


_BAWAAN = BusinessCalendar()


def add_business_time(
    start: datetime, duration: timedelta, calendar: BusinessCalendar | None = None
) -> datetime:
    """Due time of a budget of business time started at ``start`` (None: default calendar)."""
    return (calendar or _BAWAAN).add_business_time(start, duration)


def business_time_between(
    start: datetime, end: datetime, calendar: BusinessCalendar | None = None
) -> timedelta:
    """Business time between two moments (None: default calendar); see the module rules."""
    return (calendar or _BAWAAN).business_time_between(start, end)


# -- durations written by people ----------------------------------------------------------

_SATUAN: dict[str, timedelta] = {
    "m": timedelta(minutes=1), "min": timedelta(minutes=1), "menit": timedelta(minutes=1),
    "h": timedelta(hours=1), "j": timedelta(hours=1), "jam": timedelta(hours=1),
    "jam kerja": timedelta(hours=1),
    "d": HARI_KERJA, "hari": HARI_KERJA, "hari kerja": HARI_KERJA,
}
# Longest unit first so "menit" is not read as "m" + "enit"; the whole text must be parts.
_UNIT = "|".join(sorted((re.escape(u).replace(r"\ ", r"\s+") for u in _SATUAN), key=len,
                        reverse=True))
_BAGIAN = re.compile(rf"(\d+(?:[.,]\d+)?)\s*({_UNIT})(?![a-z])")
_SELURUH = re.compile(rf"\s*(?:{_BAGIAN.pattern}\s*)+")
_MIKRO = Decimal(1)


def parse_business_duration(text: str) -> timedelta:
    """A business-time budget written by people: ``30m``, ``3h``, ``5d``, ``1d4h``, ``90m``.

    Also ``3 jam``, ``5 hari``, ``30 menit``, ``1,5 jam``, ``1 hari kerja 2 jam 30 menit``
    (what ``format_business_duration`` writes), any case and spacing. ``d``/``hari`` is a
    working day of 8 business hours, not 24 h: budgets in the SOP are in working days. A
    bare number is refused because its unit would be a guess.
    """
    teks = text.strip().lower() if isinstance(text, str) else ""
    if not teks or not _SELURUH.fullmatch(teks):
        raise ValueError(
            f"Durasi tidak dikenali: {text!r}. Gunakan misalnya 30m, 3h atau 5d "
            "(1d = 8 jam kerja)."
        )
    mikro = Decimal(0)
    for angka, satuan in _BAGIAN.findall(teks):
        unit = _SATUAN[re.sub(r"\s+", " ", satuan)]
        try:
            mikro += Decimal(angka.replace(",", ".")) * (unit // timedelta(microseconds=1))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
            raise ValueError(f"Durasi tidak dikenali: {text!r}") from exc
    return timedelta(microseconds=int(mikro.quantize(_MIKRO, rounding=ROUND_HALF_EVEN)))


def format_business_duration(duration: timedelta) -> str:
    """``1 hari kerja 2 jam 30 menit``: a business-time budget for people to read.

    Rounded to the nearest minute (half up), in working days of 8 h; ``0 menit`` for
    nothing, a leading ``-`` for a negative duration (e.g. time left when overdue).
    ``parse_business_duration`` reads the result back.
    """
    tanda = "-" if duration < _NOL else ""
    menit_penuh, sisa = divmod(abs(duration), timedelta(minutes=1))
    menit_total = menit_penuh + (1 if sisa * 2 >= timedelta(minutes=1) else 0)
    hari, menit_sisa = divmod(menit_total, HARI_KERJA // timedelta(minutes=1))
    jam, menit = divmod(menit_sisa, 60)
    bagian = [f"{hari} hari kerja"] if hari else []
    bagian += [f"{jam} jam"] if jam else []
    bagian += [f"{menit} menit"] if menit or not bagian else []
    if bagian == ["0 menit"]:
        tanda = ""
    return tanda + " ".join(bagian)
