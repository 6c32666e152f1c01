"""The business calendar: laws (hypothesis) and worked examples across weekends, holidays,
cuti bersama and year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    HARI_KERJA,
    WIB,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    format_business_duration,
    parse_business_duration,
)

CAL = BusinessCalendar()
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(WIB)
)
budgets = st.timedeltas(min_value=timedelta(0), max_value=30 * HARI_KERJA)
positive = st.timedeltas(min_value=timedelta(microseconds=1), max_value=10 * HARI_KERJA)


def in_service(dt: datetime) -> bool:
    local = dt.astimezone(WIB)
    return CAL.is_business_day(local.date()) and time(8) <= local.time() <= time(16) \
        and (local.time() != time(16) or local.microsecond == 0)


@settings(max_examples=300, deadline=None)
@given(moments, budgets)
def test_round_trip(start: datetime, budget: timedelta) -> None:
    assert business_time_between(start, add_business_time(start, budget)) == budget


@settings(max_examples=300, deadline=None)
@given(moments, budgets)
def test_result_is_in_service_and_not_before_start(start: datetime, budget: timedelta) -> None:
    due = add_business_time(start, budget)
    assert due >= start
    assert due.tzinfo == WIB
    assert in_service(due)


@settings(max_examples=300, deadline=None)
@given(moments, positive, positive)
def test_additivity(start: datetime, a: timedelta, b: timedelta) -> None:
    assert add_business_time(add_business_time(start, a), b) == add_business_time(start, a + b)


@settings(max_examples=200, deadline=None)
@given(moments, budgets, budgets)
def test_monotonic_in_duration(start: datetime, a: timedelta, b: timedelta) -> None:
    lo, hi = sorted((a, b))
    assert add_business_time(start, lo) <= add_business_time(start, hi)


@settings(max_examples=200, deadline=None)
@given(moments, moments)
def test_between_is_bounded_and_antisymmetric(a: datetime, b: datetime) -> None:
    lo, hi = sorted((a, b))
    between = business_time_between(lo, hi)
    assert timedelta(0) <= between <= hi - lo
    assert business_time_between(hi, lo) == -between


@pytest.mark.parametrize(
    ("start", "budget", "due"),
    [
        # Friday 15:30 + 1 h: 30 min on Friday, the other 30 on Monday morning.
        (datetime(2026, 11, 27, 15, 30), timedelta(hours=1), datetime(2026, 11, 30, 8, 30)),
        # Before opening: counted from 08:00.
        (datetime(2026, 11, 30, 7, 0), timedelta(minutes=30), datetime(2026, 11, 30, 8, 30)),
        # Saturday: counted from Monday 08:00.
        (datetime(2026, 11, 28, 10, 0), timedelta(hours=3), datetime(2026, 11, 30, 11, 0)),
        # 15:45 + 30 min: 15 min today, 15 min the next working day.
        (datetime(2026, 12, 1, 15, 45), timedelta(minutes=30), datetime(2026, 12, 2, 8, 15)),
        # Ending exactly at closing stays at closing.
        (datetime(2026, 12, 1, 15, 0), timedelta(hours=1), datetime(2026, 12, 1, 16, 0)),
        # 5 working days from Monday 08:00 end on Friday 16:00.
        (datetime(2026, 11, 30, 8, 0), parse_business_duration("5d"),
         datetime(2026, 12, 4, 16, 0)),
        # Idul Fitri 2026: 18 Mar cuti bersama (Nyepi), 19 Nyepi, 20 cuti bersama, 21-22
        # Idul Fitri (weekend), 23-24 cuti bersama: from Tuesday 17 Mar 15:00 + 2 h,
        # one hour on the 17th, the next on Wednesday 25 Mar.
        (datetime(2026, 3, 17, 15, 0), timedelta(hours=2), datetime(2026, 3, 25, 9, 0)),
        # Christmas 2026: 24 Dec cuti bersama, 25 Dec Christmas, then the weekend.
        (datetime(2026, 12, 23, 15, 30), timedelta(hours=1), datetime(2026, 12, 28, 8, 30)),
        # Year end: 31 Dec 2026 (Thursday) 15:00 + 2 h; 1 Jan 2027 (Friday) is New Year's
        # Day, then the weekend: the second hour is on Monday 4 Jan 2027.
        (datetime(2026, 12, 31, 15, 0), timedelta(hours=2), datetime(2027, 1, 4, 9, 0)),
        # 17 August 2026 is a Monday and Independence Day.
        (datetime(2026, 8, 14, 15, 0), timedelta(hours=2), datetime(2026, 8, 18, 9, 0)),
    ],
)
def test_worked_examples(start: datetime, budget: timedelta, due: datetime) -> None:
    start, due = start.replace(tzinfo=WIB), due.replace(tzinfo=WIB)
    assert add_business_time(start, budget) == due
    if start.time() >= time(8) and CAL.is_business_day(start.date()):
        assert business_time_between(start, due) == budget


def test_holidays_come_from_the_national_calendar_with_cuti_bersama() -> None:
    assert CAL.holiday_name(date(2026, 8, 17))
    assert CAL.holiday_name(date(2026, 12, 24))  # cuti bersama Natal
    assert CAL.holiday_name(date(2026, 3, 20))  # cuti bersama Idul Fitri
    assert not CAL.is_business_day(date(2027, 1, 1))
    assert CAL.is_business_day(date(2026, 11, 30))


def test_extra_holiday_is_skipped() -> None:
    cal = BusinessCalendar(extra_holidays=frozenset({date(2026, 11, 30)}))
    assert cal.holiday_name(date(2026, 11, 30)) == "Libur tambahan"
    start = datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    assert add_business_time(start, timedelta(hours=2), cal) == datetime(
        2026, 12, 1, 9, 0, tzinfo=WIB)


def test_compressed_calendar_counts_wall_time() -> None:
    cal = BusinessCalendar(open=time(0), close=time(0), workdays=frozenset(range(7)),
                           use_national_holidays=False)
    start = datetime(2026, 12, 31, 23, 30, tzinfo=WIB)
    assert add_business_time(start, timedelta(hours=3), cal) == start + timedelta(hours=3)
    assert business_time_between(start, start + timedelta(days=2), cal) == timedelta(days=2)


def test_input_in_utc_is_converted() -> None:
    due = add_business_time(datetime(2026, 11, 30, 1, 0, tzinfo=UTC), timedelta(minutes=30))
    assert due == datetime(2026, 11, 30, 8, 30, tzinfo=WIB)
    assert due.utcoffset() == timedelta(hours=7)


def test_next_opening() -> None:
    assert CAL.next_opening(datetime(2026, 11, 28, 10, tzinfo=WIB)) == datetime(
        2026, 11, 30, 8, tzinfo=WIB)
    inside = datetime(2026, 11, 30, 10, tzinfo=WIB)
    assert CAL.next_opening(inside) == inside


def test_zero_budget() -> None:
    closing = datetime(2026, 11, 30, 16, 0, tzinfo=WIB)
    assert add_business_time(closing, timedelta(0)) == closing
    evening = datetime(2026, 11, 30, 18, 0, tzinfo=WIB)
    assert add_business_time(evening, timedelta(0)) == datetime(2026, 12, 1, 8, tzinfo=WIB)


def test_naive_and_negative_are_refused() -> None:
    with pytest.raises(ValueError, match="zona waktu"):
        add_business_time(datetime(2026, 11, 30, 9, 0), timedelta(hours=1))
    with pytest.raises(ValueError, match="zona waktu"):
        business_time_between(datetime(2026, 11, 30, 9, 0, tzinfo=WIB), datetime(2026, 12, 1))
    with pytest.raises(ValueError, match="negatif"):
        add_business_time(datetime(2026, 11, 30, 9, 0, tzinfo=WIB), timedelta(hours=-1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m", timedelta(minutes=30)), ("3h", timedelta(hours=3)), ("5d", 5 * HARI_KERJA),
     ("1d4h", timedelta(hours=12)), ("90m", timedelta(minutes=90)),
     ("3 jam", timedelta(hours=3)), ("5 hari", 40 * timedelta(hours=1)),
     ("30 menit", timedelta(minutes=30)), ("1,5h", timedelta(minutes=90)),
     (" 2H ", timedelta(hours=2))],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_business_duration(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "5", "5x", "3h lalu", "-1h"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="Durasi tidak dikenali"):
        parse_business_duration(text)


def test_format_duration() -> None:
    assert format_business_duration(timedelta(minutes=30)) == "30 menit"
    assert format_business_duration(5 * HARI_KERJA) == "5 hari kerja"
    assert format_business_duration(timedelta(hours=10, minutes=30)) == \
        "1 hari kerja 2 jam 30 menit"
    assert format_business_duration(timedelta(0)) == "0 menit"
