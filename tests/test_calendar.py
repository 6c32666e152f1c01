"""The business calendar: laws (hypothesis) and worked examples across weekends, holidays,
cuti bersama and year ends.

The worked examples were checked by hand against ``holidays`` 0.109 (Indonesia, categories
public + government, language id); the dates they rely on are asserted by name in
``test_the_holiday_data_the_examples_rely_on`` so a data change fails loudly there first.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
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
# Compressed calendars as other modules' tests use them.
SEPANJANG_HARI = BusinessCalendar(open=time(0), close=time(0), workdays=frozenset(range(7)),
                                  use_national_holidays=False)
JAM_PENDEK = BusinessCalendar(open=time(9), close=time(9, 10), workdays=frozenset(range(7)),
                              use_national_holidays=False)
MALAM = BusinessCalendar(open=time(20), close=None,  # 20:00-24:00, closing at midnight
                         extra_holidays=frozenset({date(2026, 12, 31)}))
CALENDARS = [CAL, SEPANJANG_HARI, JAM_PENDEK, MALAM]


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)  # type: ignore[misc]


# -- strategies -------------------------------------------------------------------------------

ZONES = [WIB, UTC, ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura"),
         ZoneInfo("Europe/Amsterdam")]
# Random instants rarely hit a boundary, so half of the starts sit exactly on (or a
# microsecond beside) opening, closing and midnight, where the off-by-one bugs live.
BATAS = [time(0), time(7, 59, 59, 999999), time(8), time(9), time(9, 10), time(12),
         time(15, 59, 59, 999999), time(16), time(16, 0, 0, 1), time(20),
         time(23, 59, 59, 999999)]
# No imaginary (DST-gap) times: Python compares those unequal to every other zone (PEP 495).
random_moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31),
                              timezones=st.sampled_from(ZONES), allow_imaginary=False)
boundary_moments = st.builds(
    lambda d, t: datetime.combine(d, t, WIB),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    st.sampled_from(BATAS),
)
moments = st.one_of(random_moments, boundary_moments)
# Up to ~30 working days, exact microseconds as well as round quarter hours that make the
# due time land exactly on closing time.
budgets = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=30 * HARI_KERJA),
    st.integers(min_value=0, max_value=30 * 32).map(lambda q: q * timedelta(minutes=15)),
)
positive = budgets.filter(lambda d: d > timedelta(0))
calendars = st.sampled_from(CALENDARS)


def elapsed(a: datetime, b: datetime) -> timedelta:
    """Real time from a to b. (Python subtracts two datetimes of the SAME zone as wall time,
    which is one hour off across a DST change in Amsterdam.)"""
    return b.astimezone(UTC) - a.astimezone(UTC)


def in_service(cal: BusinessCalendar, dt: datetime) -> bool:
    """Inside [open, close] of some business day; an independent re-statement of the window."""
    local = dt.astimezone(cal.tz)
    for d in (local.date() - timedelta(days=1), local.date()):
        if not cal.is_business_day(d):
            continue
        opening = datetime.combine(d, cal.open, cal.tz)
        closing = (datetime.combine(d + timedelta(days=1), time(0), cal.tz)
                   if cal.close == time(0) else datetime.combine(d, cal.close, cal.tz))
        if opening <= local <= closing:
            return True
    return False


# -- laws -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(calendars, moments, budgets)
def test_round_trip(cal: BusinessCalendar, start: datetime, budget: timedelta) -> None:
    due = add_business_time(start, budget, cal)
    assert business_time_between(start, due, cal) == budget


@settings(max_examples=300, deadline=None)
@given(calendars, moments, budgets)
def test_due_is_in_service_in_wib_and_not_before_start(
    cal: BusinessCalendar, start: datetime, budget: timedelta
) -> None:
    due = add_business_time(start, budget, cal)
    assert due >= start
    assert due.tzinfo is WIB and due.utcoffset() == timedelta(hours=7)
    assert in_service(cal, due)


@settings(max_examples=200, deadline=None)
@given(calendars, moments, positive)
def test_due_is_the_earliest_such_moment(
    cal: BusinessCalendar, start: datetime, budget: timedelta
) -> None:
    # Why "16:00, not next day 08:00": a microsecond earlier the budget is not yet used up.
    due = add_business_time(start, budget, cal)
    assert business_time_between(start, due - timedelta(microseconds=1), cal) < budget


@settings(max_examples=300, deadline=None)
@given(calendars, moments, positive, positive)
def test_additivity(cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta) -> None:
    assert add_business_time(add_business_time(start, a, cal), b, cal) == add_business_time(
        start, a + b, cal)


@settings(max_examples=200, deadline=None)
@given(calendars, moments, budgets, budgets)
def test_monotonic_in_duration(
    cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    lo, hi = sorted((a, b))
    assert add_business_time(start, lo, cal) <= add_business_time(start, hi, cal)


@settings(max_examples=200, deadline=None)
@given(calendars, moments, moments)
def test_between_is_bounded_and_antisymmetric(
    cal: BusinessCalendar, a: datetime, b: datetime
) -> None:
    lo, hi = sorted((a, b))
    between = business_time_between(lo, hi, cal)
    assert timedelta(0) <= between <= elapsed(lo, hi)
    assert business_time_between(hi, lo, cal) == -between


@settings(max_examples=100, deadline=None)
@given(calendars, moments, moments, moments)
def test_between_adds_up_over_a_split(
    cal: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    assert business_time_between(a, c, cal) == (
        business_time_between(a, b, cal) + business_time_between(b, c, cal))


@settings(max_examples=100, deadline=None)
@given(moments, budgets)
def test_whole_day_calendar_is_wall_time(start: datetime, budget: timedelta) -> None:
    due = add_business_time(start, budget, SEPANJANG_HARI)
    assert elapsed(start, due) == budget
    assert business_time_between(start, due, SEPANJANG_HARI) == elapsed(start, due)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=40 * 8 * 60))
def test_format_is_read_back_by_parse(minutes: int) -> None:
    td = timedelta(minutes=minutes)
    assert parse_business_duration(format_business_duration(td)) == td


# -- worked examples --------------------------------------------------------------------------


def test_the_holiday_data_the_examples_rely_on() -> None:
    assert CAL.holiday_name(date(2026, 3, 18)) == "Cuti Bersama Hari Suci Nyepi"
    assert CAL.holiday_name(date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert CAL.holiday_name(date(2026, 3, 20)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert CAL.holiday_name(date(2026, 3, 21)) == "Hari Raya Idul Fitri"
    assert CAL.holiday_name(date(2026, 3, 23)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert CAL.holiday_name(date(2026, 3, 24)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert CAL.holiday_name(date(2026, 3, 25)) is None
    assert CAL.holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert CAL.holiday_name(date(2026, 12, 24)) == "Cuti Bersama Hari Raya Natal"
    assert CAL.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert CAL.holiday_name(date(2027, 1, 1)) == "Tahun Baru Masehi"
    # No cuti bersama around New Year 2027: 31 Dec 2026 and 4 Jan 2027 are working days.
    assert CAL.is_business_day(date(2026, 12, 31))
    assert CAL.is_business_day(date(2027, 1, 4))
    assert CAL.is_business_day(date(2026, 11, 30))
    # A weekend is not a business day, but it is not a "holiday" either.
    assert not CAL.is_business_day(date(2026, 11, 28))
    assert CAL.holiday_name(date(2026, 11, 28)) is None


def test_cuti_bersama_comes_from_the_government_category() -> None:
    # Why the calendar asks for ("public", "government"): the public category alone does not
    # know the joint-leave days, and would keep the office "open" on them.
    public = holidays.country_holidays("ID", years=2026, categories=("public",))
    for cuti in (date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24), date(2026, 12, 24)):
        assert cuti not in public
        assert not CAL.is_business_day(cuti)


@pytest.mark.parametrize(
    ("start", "budget", "due"),
    [
        # Friday 15:30 + 1 h: 30 min on Friday, the other 30 on Monday morning.
        (wib(2026, 11, 27, 15, 30), timedelta(hours=1), wib(2026, 11, 30, 8, 30)),
        # 07:00 is before opening: counted from 08:00.
        (wib(2026, 11, 30, 7, 0), timedelta(minutes=30), wib(2026, 11, 30, 8, 30)),
        # Saturday: counted from Monday 08:00.
        (wib(2026, 11, 28, 10, 0), timedelta(hours=3), wib(2026, 11, 30, 11, 0)),
        # 15:45 + 30 min: 15 min today, 15 min the next working day.
        (wib(2026, 12, 1, 15, 45), timedelta(minutes=30), wib(2026, 12, 2, 8, 15)),
        # Ending exactly at closing stays at closing, not 08:00 the next day.
        (wib(2026, 12, 1, 15, 0), timedelta(hours=1), wib(2026, 12, 1, 16, 0)),
        # A whole working day from 08:00 ends at 16:00 the same day.
        (wib(2026, 12, 1, 8, 0), HARI_KERJA, wib(2026, 12, 1, 16, 0)),
        # "5d" from Monday 08:00 (30 Nov-4 Dec 2026 has no holiday) ends Friday 16:00.
        (wib(2026, 11, 30, 8, 0), parse_business_duration("5d"), wib(2026, 12, 4, 16, 0)),
        # Nyepi + Idul Fitri 2026: 18 Mar cuti bersama Nyepi, 19 Nyepi, 20 cuti bersama,
        # 21-22 Idul Fitri (a weekend too), 23-24 cuti bersama. From Tuesday 17 Mar 15:00
        # + 2 h: one hour on the 17th, the next on Wednesday 25 Mar 08:00-09:00.
        (wib(2026, 3, 17, 15, 0), timedelta(hours=2), wib(2026, 3, 25, 9, 0)),
        # Starting on the first closed day (18 Mar) counts from 25 Mar 08:00.
        (wib(2026, 3, 18, 10, 0), timedelta(hours=1), wib(2026, 3, 25, 9, 0)),
        # Starting on Idul Fitri itself (19 Mar = Nyepi) likewise.
        (wib(2026, 3, 19, 9, 0), timedelta(0), wib(2026, 3, 25, 8, 0)),
        # Christmas 2026: 24 Dec (Thu) cuti bersama, 25 Dec (Fri) Christmas, 26-27 weekend.
        (wib(2026, 12, 23, 15, 30), timedelta(hours=1), wib(2026, 12, 28, 8, 30)),
        # Year end: 31 Dec 2026 (Thu) 15:00 + 2 h. 1 Jan 2027 (Fri) is New Year's Day, then
        # the weekend (no cuti bersama in between): the second hour is Monday 4 Jan 2027.
        (wib(2026, 12, 31, 15, 0), timedelta(hours=2), wib(2027, 1, 4, 9, 0)),
        # 17 August 2026 is a Monday, Independence Day: Friday 14 Aug 15:00 + 2 h.
        (wib(2026, 8, 14, 15, 0), timedelta(hours=2), wib(2026, 8, 18, 9, 0)),
        # Idul Fitri 2027 (dates marked "perkiraan", estimated): 8 Mar Nyepi, 9 cuti
        # bersama, 10-11 Idul Fitri, 12 cuti bersama, 13-14 weekend, 15 cuti bersama.
        (wib(2027, 3, 5, 15, 0), timedelta(hours=2), wib(2027, 3, 16, 9, 0)),
    ],
)
def test_worked_examples(start: datetime, budget: timedelta, due: datetime) -> None:
    assert add_business_time(start, budget) == due
    assert business_time_between(start, due) == budget


def test_business_time_over_idul_fitri_2026() -> None:
    # 16-17 Mar (Mon, Tue) and 25-27 Mar (Wed-Fri) are the only working days of those two
    # weeks: 5 days of 8 hours.
    assert business_time_between(wib(2026, 3, 16, 0, 0), wib(2026, 3, 28, 0, 0)) == 5 * HARI_KERJA


def test_five_day_budget_is_forty_business_hours() -> None:
    assert parse_business_duration("5d") == timedelta(hours=40)
    # Over a week with a holiday the same budget takes one more day: Monday 17 Aug 2026 is
    # off, so 5d from Friday 14 Aug 08:00 is Fri + Tue-Thu + Fri 21 Aug.
    assert add_business_time(wib(2026, 8, 14, 8, 0), parse_business_duration("5d")) == wib(
        2026, 8, 21, 16, 0)


def test_long_spans_are_counted_against_the_holiday_table() -> None:
    # Five years in one call (the day loop must be cheap) and an independent count.
    start, end = wib(2024, 1, 1, 0, 0), wib(2029, 1, 1, 0, 0)
    table = holidays.country_holidays("ID", years=range(2024, 2029),
                                      categories=("public", "government"))
    days = sum(
        1 for n in range((end.date() - start.date()).days)
        if (d := start.date() + timedelta(days=n)).weekday() < 5 and d not in table
    )
    assert business_time_between(start, end) == days * HARI_KERJA


def test_extra_holiday_is_skipped() -> None:
    cal = BusinessCalendar(extra_holidays=frozenset({date(2026, 11, 30)}))
    assert cal.holiday_name(date(2026, 11, 30)) == "Libur tambahan"
    assert not cal.is_business_day(date(2026, 11, 30))
    # Friday 15:00 + 2 h: 1 h on Friday, Monday 30 Nov is off, 1 h on Tuesday.
    assert add_business_time(wib(2026, 11, 27, 15, 0), timedelta(hours=2), cal) == wib(
        2026, 12, 1, 9, 0)


def test_compressed_calendar_counts_wall_time() -> None:
    # Every day, 00:00-24:00, no holidays: across a weekend, New Year and midnight.
    start = wib(2026, 12, 31, 23, 30)
    assert add_business_time(start, timedelta(hours=3), SEPANJANG_HARI) == wib(2027, 1, 1, 2, 30)
    assert business_time_between(start, start + timedelta(days=2), SEPANJANG_HARI) == \
        timedelta(days=2)
    assert SEPANJANG_HARI.is_open(wib(2027, 1, 2, 0, 0))


def test_short_hours_calendar() -> None:
    # 10 minutes a day: 25 minutes from 09:00 on day one end at 09:05 on day three.
    assert add_business_time(wib(2026, 11, 28, 9, 0), timedelta(minutes=25), JAM_PENDEK) == wib(
        2026, 11, 30, 9, 5)


def test_midnight_closing_calendar() -> None:
    # 20:00-24:00 on weekdays: Friday 23:00 + 2 h is Monday 21:00; ending at midnight stays
    # at midnight (the closing of Monday's window, dated Tuesday).
    assert add_business_time(wib(2026, 11, 27, 23, 0), timedelta(hours=2), MALAM) == wib(
        2026, 11, 30, 21, 0)
    assert add_business_time(wib(2026, 11, 30, 23, 0), timedelta(hours=1), MALAM) == wib(
        2026, 12, 1, 0, 0)
    assert MALAM == BusinessCalendar(open=time(20), close=time(0),
                                     extra_holidays=frozenset({date(2026, 12, 31)}))


def test_input_in_other_zones_is_converted() -> None:
    # 01:00 UTC is 08:00 WIB, the opening.
    due = add_business_time(datetime(2026, 11, 30, 1, 0, tzinfo=UTC), timedelta(minutes=30))
    assert due == wib(2026, 11, 30, 8, 30)
    assert due.tzinfo is WIB and due.utcoffset() == timedelta(hours=7)
    # Sunday 20:00 UTC is already Monday 03:00 WIB: the day is judged in WIB.
    assert add_business_time(datetime(2026, 11, 29, 20, 0, tzinfo=UTC), timedelta(hours=1)) == \
        wib(2026, 11, 30, 9, 0)
    # 16:30 WITA (Makassar, UTC+8) is 15:30 WIB: half an hour left today.
    wita = datetime(2026, 11, 30, 16, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    assert add_business_time(wita, timedelta(hours=1)) == wib(2026, 12, 1, 8, 30)


def test_next_opening_and_is_open() -> None:
    assert CAL.next_opening(wib(2026, 11, 28, 10)) == wib(2026, 11, 30, 8)
    inside = wib(2026, 11, 30, 10)
    assert CAL.next_opening(inside) == inside
    assert CAL.is_open(inside)
    assert CAL.next_opening(wib(2026, 11, 30, 16)) == wib(2026, 12, 1, 8)  # closed at 16:00
    assert not CAL.is_open(wib(2026, 11, 30, 16))
    assert CAL.next_opening(wib(2026, 12, 23, 17)) == wib(2026, 12, 28, 8)  # Christmas


def test_zero_budget() -> None:
    closing = wib(2026, 11, 30, 16, 0)
    assert add_business_time(closing, timedelta(0)) == closing
    opening = wib(2026, 11, 30, 8, 0)
    assert add_business_time(opening, timedelta(0)) == opening
    evening = wib(2026, 11, 30, 18, 0)
    assert add_business_time(evening, timedelta(0)) == wib(2026, 12, 1, 8)


def test_naive_negative_and_bad_inputs_are_refused() -> None:
    pesan = r"Waktu harus menyertakan zona waktu \(contoh: 2026-11-30T09:00:00\+07:00\)"
    with pytest.raises(ValueError, match=pesan):
        add_business_time(datetime(2026, 11, 30, 9, 0), timedelta(hours=1))
    with pytest.raises(ValueError, match=pesan):
        business_time_between(wib(2026, 11, 30, 9, 0), datetime(2026, 12, 1))
    with pytest.raises(ValueError, match=pesan):
        CAL.next_opening(datetime(2026, 11, 30, 9, 0))
    with pytest.raises(ValueError, match="tidak boleh negatif"):
        add_business_time(wib(2026, 11, 30, 9, 0), timedelta(hours=-1))
    with pytest.raises(ValueError, match="datetime"):
        add_business_time(date(2026, 11, 30), timedelta(hours=1))  # type: ignore[arg-type]


def test_calendar_is_a_frozen_hashable_value() -> None:
    cal = BusinessCalendar(workdays={0, 1, 2}, extra_holidays={date(2026, 1, 2)})  # type: ignore[arg-type]
    assert isinstance(cal.workdays, frozenset) and isinstance(cal.extra_holidays, frozenset)
    assert hash(cal) == hash(BusinessCalendar(workdays=frozenset({0, 1, 2}),
                                              extra_holidays=frozenset({date(2026, 1, 2)})))
    assert hash(CAL) == hash(BusinessCalendar()) and CAL == BusinessCalendar()
    with pytest.raises(dataclasses.FrozenInstanceError):
        CAL.open = time(7)  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [{"open": time(16), "close": time(8)}, {"open": time(8), "close": time(8)},
     {"workdays": frozenset()}, {"workdays": frozenset({7})}],
)
def test_inconsistent_calendars_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(**kwargs)  # type: ignore[arg-type]


# -- durations written by people --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m", timedelta(minutes=30)), ("3h", timedelta(hours=3)), ("5d", timedelta(hours=40)),
     ("1d4h", timedelta(hours=12)), ("90m", timedelta(minutes=90)),
     ("1d 4h 30m", timedelta(hours=12, minutes=30)), ("3 jam", timedelta(hours=3)),
     ("5 hari", timedelta(hours=40)), ("30 menit", timedelta(minutes=30)),
     ("1,5h", timedelta(minutes=90)), ("0.5d", timedelta(hours=4)), (" 2H ", timedelta(hours=2)),
     ("3 JAM", timedelta(hours=3)), ("45min", timedelta(minutes=45)),
     ("1 hari kerja 2 jam 30 menit", timedelta(hours=10, minutes=30)), ("0m", timedelta(0))],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_business_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "  ", "abc", "5", "5x", "3h lalu", "-1h", "h", "1..5h", "3 jamm", "1d4"]
)
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"Durasi tidak dikenali: .*Gunakan misalnya 30m, 3h"):
        parse_business_duration(text)


def test_format_duration() -> None:
    assert format_business_duration(timedelta(minutes=30)) == "30 menit"
    assert format_business_duration(5 * HARI_KERJA) == "5 hari kerja"
    assert format_business_duration(timedelta(hours=10, minutes=30)) == \
        "1 hari kerja 2 jam 30 menit"
    assert format_business_duration(timedelta(0)) == "0 menit"
    assert format_business_duration(timedelta(seconds=29)) == "0 menit"
    assert format_business_duration(timedelta(seconds=30)) == "1 menit"  # rounded half up
    assert format_business_duration(-timedelta(minutes=90)) == "-1 jam 30 menit"


def test_calendar_from_the_settings() -> None:
    # Built in domain/ from the settings' fields (the settings import nothing of ours).
    from settings import Settings

    pengaturan = Settings(jam_buka=time(7, 30), jam_tutup=time(15, 0), hari_kerja={0, 1, 2, 3},
                          libur_tambahan={date(2026, 12, 2)})
    cal = BusinessCalendar.dari_pengaturan(pengaturan)
    assert cal == BusinessCalendar(open=time(7, 30), close=time(15, 0),
                                   workdays=frozenset({0, 1, 2, 3}),
                                   extra_holidays=frozenset({date(2026, 12, 2)}))
    assert BusinessCalendar.dari_pengaturan(Settings()) == BusinessCalendar()
