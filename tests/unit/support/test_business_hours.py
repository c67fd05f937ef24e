"""Business time: examples a support lead would check by hand, then properties over many instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.support.domain.business_hours import BusinessCalendar, add_business_time, business_time_between

BERLIN = ZoneInfo("Europe/Berlin")
DESK = BusinessCalendar.weekdays("Europe/Berlin", country="DE", subdivision="BE")
# split shifts and a Saturday morning, no holidays: the shapes a small shop really has
SPLIT = BusinessCalendar(
    "America/New_York",
    {
        **{d: ((time(8), time(12)), (time(13), time(17))) for d in range(5)},
        5: ((time(9), time(12)),),
    },
)
NIGHT_DESK = BusinessCalendar("Europe/Berlin", {d: ((time(0), time(6)),) for d in range(7)})


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_friday_afternoon_ticket_with_two_business_hours_is_due_monday_morning() -> None:
    assert add_business_time(berlin(2025, 3, 7, 16, 30), timedelta(hours=2), DESK) == berlin(2025, 3, 10, 10, 30)


def test_a_public_holiday_pushes_the_due_time_a_day() -> None:
    # Good Friday 2025 is 18 April in Germany: Thursday 16:30 + 2h lands on Tuesday after Easter Monday
    due = add_business_time(berlin(2025, 4, 17, 16, 30), timedelta(hours=2), DESK)
    assert due == berlin(2025, 4, 22, 10, 30)


def test_a_regional_holiday_counts_only_where_it_is_kept() -> None:
    bavaria = BusinessCalendar.weekdays("Europe/Berlin", country="DE", subdivision="BY")
    assert bavaria.is_closed(date(2025, 1, 6))  # Epiphany: Bavaria, not Berlin
    assert not DESK.is_closed(date(2025, 1, 6))


def test_extra_closing_days_close_the_desk() -> None:
    calendar = BusinessCalendar(
        "UTC", {d: ((time(9), time(17)),) for d in range(5)}, None, None, frozenset({date(2025, 3, 10)})
    )
    assert calendar.is_closed(date(2025, 3, 10))


def test_a_start_outside_hours_counts_from_the_next_opening() -> None:
    assert add_business_time(berlin(2025, 3, 8, 11, 0), timedelta(minutes=30), DESK) == berlin(2025, 3, 10, 9, 30)
    assert add_business_time(berlin(2025, 3, 10, 6, 0), timedelta(0), DESK) == berlin(2025, 3, 10, 9, 0)


def test_a_duration_that_ends_at_closing_time_ends_there() -> None:
    assert add_business_time(berlin(2025, 3, 7, 16, 0), timedelta(hours=1), DESK) == berlin(2025, 3, 7, 17, 0)


def test_the_lunch_break_of_a_split_shift_does_not_count() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2025, 3, 4, 11, 30, tzinfo=new_york)
    assert add_business_time(start, timedelta(hours=1), SPLIT) == datetime(2025, 3, 4, 13, 30, tzinfo=new_york)
    assert business_time_between(start, datetime(2025, 3, 4, 13, 30, tzinfo=new_york), SPLIT) == timedelta(hours=1)


def test_the_result_keeps_the_time_zone_it_was_given() -> None:
    start = datetime(2025, 3, 7, 15, 30, tzinfo=UTC)  # 16:30 in Berlin
    due = add_business_time(start, timedelta(hours=2), DESK)
    assert due.tzinfo is UTC and due == berlin(2025, 3, 10, 10, 30)


def test_business_time_between_is_negative_when_the_end_comes_first() -> None:
    assert business_time_between(berlin(2025, 3, 10, 12), berlin(2025, 3, 10, 10), DESK) == -timedelta(hours=2)


def test_a_shift_spanning_the_clock_change_is_as_long_as_it_really_is() -> None:
    # 30 March 2025, Berlin: 02:00 becomes 03:00, so the 00:00-06:00 shift lasts five hours that night
    night = business_time_between(berlin(2025, 3, 30, 0), berlin(2025, 3, 30, 6), NIGHT_DESK)
    assert night == timedelta(hours=5)
    autumn = business_time_between(berlin(2025, 10, 26, 0), berlin(2025, 10, 26, 6), NIGHT_DESK)
    assert autumn == timedelta(hours=7)


@pytest.mark.parametrize(
    ("time_zone", "hours", "message"),
    [
        ("Mars/Olympus", {0: ((time(9), time(17)),)}, "Mars"),
        ("UTC", {}, "at least one working shift"),
        ("UTC", {0: ((time(17), time(9)),)}, "close after it opens"),
        ("UTC", {0: ((time(9), time(13)), (time(12), time(17)))}, "must not overlap"),
        ("UTC", {7: ((time(9), time(17)),)}, "weekday"),
    ],
)
def test_a_calendar_that_cannot_work_is_refused(
    time_zone: str, hours: dict[int, tuple[tuple[time, time], ...]], message: str
) -> None:
    with pytest.raises(Exception, match=message):
        BusinessCalendar(time_zone, hours)


def test_naive_datetimes_and_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2025, 3, 7, 16, 30), timedelta(hours=1), DESK)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(berlin(2025, 3, 7, 16, 30), -timedelta(hours=1), DESK)


# ---- properties -------------------------------------------------------------------------------------------

CALENDARS = st.sampled_from([DESK, SPLIT, NIGHT_DESK])
instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
durations = st.integers(min_value=0, max_value=60 * 8 * 15).map(lambda minutes: timedelta(minutes=minutes))


@settings(max_examples=200, deadline=None)
@given(CALENDARS, instants, durations, durations)
def test_more_business_time_is_never_due_earlier(
    calendar: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    shorter, longer = sorted((a, b))
    assert add_business_time(start, shorter, calendar) <= add_business_time(start, longer, calendar)


@settings(max_examples=200, deadline=None)
@given(CALENDARS, instants, durations)
def test_adding_then_measuring_gives_the_duration_back(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    assert business_time_between(start, add_business_time(start, duration, calendar), calendar) == duration


@settings(max_examples=200, deadline=None)
@given(CALENDARS, instants, durations)
def test_a_due_time_is_always_within_working_hours(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = add_business_time(start, duration, calendar)
    assert calendar.is_open_at(due)
    assert due >= start


@settings(max_examples=200, deadline=None)
@given(instants, durations)
def test_a_due_time_never_falls_on_a_holiday_or_a_weekend(start: datetime, duration: timedelta) -> None:
    local = add_business_time(start, duration, DESK).astimezone(BERLIN)
    assert not DESK.is_closed(local.date())
    assert time(9) <= local.time() <= time(17)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
def test_every_working_day_in_berlin_is_eight_hours_long_dst_or_not(day: date) -> None:
    worked = business_time_between(
        berlin(day.year, day.month, day.day), berlin(day.year, day.month, day.day) + timedelta(days=1), DESK
    )
    assert worked == (timedelta(0) if DESK.is_closed(day) else timedelta(hours=8))


@settings(max_examples=200, deadline=None)
@given(CALENDARS, instants, instants, instants)
def test_business_time_adds_up_over_consecutive_stretches(
    calendar: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    whole = business_time_between(first, last, calendar)
    assert whole == business_time_between(first, middle, calendar) + business_time_between(middle, last, calendar)
    assert whole <= last - first
