"""SLA thresholds of an open step: how much of its business-time budget is used.

The catalog promises each SOP step within its mutu baku. The watch warns the actor at
50 % and 75 % of the step's budget and escalates at 100 % (the breach). The budget is the
business time between the step's start and its stored due time, so a later change of the
calendar or of the budget factor never moves a threshold of a step already running.
While a ticket is returned to the requester the clock is stopped (no due time): no
threshold is ever reached then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.calendar import BusinessCalendar

AMBANG: tuple[int, ...] = (50, 75, 100)
"""Warning thresholds, percent of the budget; 100 is the breach."""
AMBANG_PELANGGARAN = 100


def anggaran(mulai: datetime, jatuh_tempo: datetime, calendar: BusinessCalendar) -> timedelta:
    """The step's budget: business time from its start to its due time."""
    return calendar.business_time_between(mulai, jatuh_tempo)


def persen_terpakai(
    mulai: datetime, jatuh_tempo: datetime | None, sekarang: datetime,
    calendar: BusinessCalendar,
) -> float | None:
    """Share of the budget used at ``sekarang``, in percent; None while the clock is stopped."""
    if jatuh_tempo is None:
        return None
    budget = anggaran(mulai, jatuh_tempo, calendar)
    if budget <= timedelta(0):
        return 100.0 if sekarang >= jatuh_tempo else 0.0
    return 100 * (calendar.business_time_between(mulai, sekarang) / budget)


def ambang_tercapai(
    mulai: datetime, jatuh_tempo: datetime | None, sekarang: datetime,
    calendar: BusinessCalendar,
) -> tuple[int, ...]:
    """The thresholds reached at ``sekarang``, lowest first; () while the clock is stopped.

    Exact (integer microseconds, no float): ``t`` is reached when ``used * 100 >= budget * t``.
    100 % is reached exactly when ``sekarang >= jatuh_tempo``, as in ``repo.mark_breached``.
    """
    if jatuh_tempo is None:
        return ()
    if sekarang >= jatuh_tempo:
        return AMBANG
    budget = anggaran(mulai, jatuh_tempo, calendar) // timedelta(microseconds=1)
    used = calendar.business_time_between(mulai, sekarang) // timedelta(microseconds=1)
    return tuple(t for t in AMBANG if t < AMBANG_PELANGGARAN and used * 100 >= budget * t)


def saat_ambang(
    mulai: datetime, jatuh_tempo: datetime, ambang: int, calendar: BusinessCalendar,
) -> datetime:
    """The moment a threshold is crossed (for the warning's text)."""
    if ambang >= AMBANG_PELANGGARAN:
        return jatuh_tempo
    return calendar.add_business_time(mulai, anggaran(mulai, jatuh_tempo, calendar) * ambang / 100)
