"""Business time: when the support desk is open, and how much of it passes between two instants.

A :class:`BusinessCalendar` is a time zone, working hours per weekday (split shifts allowed) and the days it
is closed: public holidays from the ``holidays`` package for the company's country (and subdivision), plus
any extra closing days. SLA targets are business durations, so a ticket filed on Friday at 16:30 with two
business hours to go is due on Monday at 10:30.

Days are walked in local wall time and every shift is turned into two aware instants before anything is
measured, so durations are real elapsed time: on the day clocks change, a 09:00-17:00 shift is still eight
hours, and a shift that spans the change (01:00-05:00) is one hour shorter or longer, as it is for the agent
working it. Results come back in the time zone of the instant they were given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

Shift = tuple[time, time]
"""Opening and closing wall time; a closing time of 00:00 means midnight at the end of the day."""

# A calendar that is (nearly) never open would make add_business_time walk forever: stop after ten years.
_MAX_DAYS_WALKED = 3660
_MIDNIGHT = time(0)
_MAX_DAYS_CACHED = 40_000  # a century of days: bounded, yet never full in practice


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """One year's public holidays, computed once per process. A frozen set, not the package's lazily
    filling dict, because the local runtime shares one process among many threads."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _check_shifts(weekday: int, shifts: tuple[Shift, ...]) -> None:
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    previous_close = _MIDNIGHT
    for number, (opens, closes) in enumerate(shifts):
        if opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError("shift times are wall times of the calendar's zone: give them without tzinfo")
        if closes != _MIDNIGHT and closes <= opens:
            raise ValueError(f"a shift must close after it opens (weekday {weekday}: {opens}-{closes})")
        if number and (opens < previous_close or previous_close == _MIDNIGHT):
            raise ValueError(f"shifts of weekday {weekday} must be in order and must not overlap")
        previous_close = closes


@dataclass(frozen=True)
class BusinessCalendar:
    """When the desk works. ``hours`` maps a weekday (0 = Monday) to its shifts; a missing day is closed."""

    time_zone: str
    hours: Mapping[int, tuple[Shift, ...]]
    country: str | None = None
    subdivision: str | None = None
    extra_closed_days: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    # each day's shifts as UTC instants, worked out once: the sla-check batch asks for the same days per ticket
    _shifts: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))  # refuses an unknown zone here
        for weekday, shifts in self.hours.items():
            _check_shifts(weekday, shifts)
        if not any(self.hours.values()):
            raise ValueError("a business calendar needs at least one working shift")
        if self.country is not None:
            _public_holidays(self.country, self.subdivision, 2000)  # an unknown country fails here, not later

    @classmethod
    def weekdays(
        cls,
        time_zone: str,
        opens: time = time(9),
        closes: time = time(17),
        country: str | None = None,
        subdivision: str | None = None,
    ) -> BusinessCalendar:
        """The usual desk: Monday to Friday, one shift, closed on the country's public holidays."""
        return cls(time_zone, {day: ((opens, closes),) for day in range(5)}, country, subdivision)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def is_closed(self, day: date) -> bool:
        """Closed all day: no shift on that weekday, a public holiday, or an extra closing day."""
        if not self.hours.get(day.weekday()) or day in self.extra_closed_days:
            return True
        return self.country is not None and day in _public_holidays(self.country, self.subdivision, day.year)

    def shifts_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The day's shifts as aware UTC instants, in order (none on a closed day)."""
        known = self._shifts.get(day)
        if known is None:
            known = (
                () if self.is_closed(day) else tuple(self._instants(day, shift) for shift in self.hours[day.weekday()])
            )
            if len(self._shifts) < _MAX_DAYS_CACHED:
                self._shifts[day] = known  # one dict item set: safe to share between threads
        return known

    def _instants(self, day: date, shift: Shift) -> tuple[datetime, datetime]:
        opens, closes = shift
        close_day = day + timedelta(days=1) if closes == _MIDNIGHT else day
        return (
            datetime.combine(day, opens, self._zone).astimezone(UTC),
            datetime.combine(close_day, closes, self._zone).astimezone(UTC),
        )

    def is_open_at(self, instant: datetime) -> bool:
        """Inside a shift; a shift's closing instant counts (a target due at 17:00 is due within hours)."""
        moment = _aware(instant).astimezone(UTC)
        local_day = moment.astimezone(self._zone).date()
        days = (local_day - timedelta(days=1), local_day)  # a shift closing at midnight belongs to the day before
        return any(opens <= moment <= closes for day in days for opens, closes in self.shifts_on(day))


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("business time needs aware datetimes (a naive one has no place on the calendar)")
    return instant


def _days_from(calendar: BusinessCalendar, instant: datetime) -> Iterator[date]:
    first = instant.astimezone(calendar.zone).date() - timedelta(days=1)  # a shift may run past midnight
    for offset in range(_MAX_DAYS_WALKED):
        yield first + timedelta(days=offset)
    raise ValueError(f"no business time within {_MAX_DAYS_WALKED} days: is the calendar ever open?")


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The instant ``duration`` of business time after ``start``.

    A start outside working hours counts from the next opening, so the result is always within hours: with
    a zero duration it is the first business instant at or after ``start``. A duration that ends exactly at
    a closing time ends there (Friday 16:00 plus one hour is Friday 17:00, not Monday 09:00).
    """
    if duration < timedelta(0):
        raise ValueError("a business duration cannot be negative")
    cursor = _aware(start).astimezone(UTC)
    remaining = duration
    for day in _days_from(calendar, cursor):
        for opens, closes in calendar.shifts_on(day):
            if closes < cursor:
                continue
            segment_start = max(opens, cursor)
            available = closes - segment_start
            if remaining <= available:
                return (segment_start + remaining).astimezone(start.tzinfo)
            remaining -= available
    raise AssertionError("unreachable: _days_from raises first")  # pragma: no cover


def business_time_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time from ``a`` to ``b``; negative when ``b`` comes first (how overdue a target is)."""
    start, end = _aware(a).astimezone(UTC), _aware(b).astimezone(UTC)
    if end < start:
        return -business_time_between(b, a, calendar)
    total = timedelta(0)
    last_day = end.astimezone(calendar.zone).date()
    for day in _days_from(calendar, start):
        if day > last_day:
            break
        for opens, closes in calendar.shifts_on(day):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
    return total


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hours(spec: str) -> dict[int, tuple[Shift, ...]]:
    """Working hours as the ``SupportHours`` parameter spells them: ``mon-fri 09:00-17:00``, several groups
    separated by ``;`` and split shifts by ``,`` (``mon-thu 08:00-12:00,13:00-17:00; fri 08:00-14:00``).
    A closing time of ``24:00`` or ``00:00`` is midnight. Anything else is refused (ValueError) with what."""
    hours: dict[int, tuple[Shift, ...]] = {}
    for group in filter(None, (part.strip() for part in spec.lower().split(";"))):
        days_text, _, shifts_text = group.partition(" ")
        first, _, last = days_text.partition("-")
        if first not in _DAY_NAMES or (last and last not in _DAY_NAMES):
            raise ValueError(f"unknown day in {group!r}: use mon, tue, wed, thu, fri, sat, sun or a range mon-fri")
        start, end = _DAY_NAMES.index(first), _DAY_NAMES.index(last or first)
        if end < start:
            raise ValueError(f"a day range runs forwards: {days_text!r}")
        shifts = tuple(_parse_shift(text.strip()) for text in shifts_text.split(",") if text.strip())
        if not shifts:
            raise ValueError(f"no working hours in {group!r}: e.g. 'mon-fri 09:00-17:00'")
        for weekday in range(start, end + 1):
            if weekday in hours:
                raise ValueError(f"{_DAY_NAMES[weekday]} is given twice")
            _check_shifts(weekday, shifts)
            hours[weekday] = shifts
    if not hours:
        raise ValueError("no working hours given: e.g. 'mon-fri 09:00-17:00'")
    return hours


def _parse_shift(text: str) -> Shift:
    opens, dash, closes = text.partition("-")
    if not dash:
        raise ValueError(f"a shift is opening-closing, e.g. 09:00-17:00, not {text!r}")
    return _wall_time(opens), _wall_time(closes)


def _wall_time(text: str) -> time:
    hour, colon, minute = text.strip().partition(":")
    if not (colon and hour.isdigit() and minute.isdigit() and len(minute) == 2 and len(hour) <= 2):
        raise ValueError(f"a time is HH:MM, not {text!r}")
    if (int(hour), int(minute)) == (24, 0):
        return _MIDNIGHT
    if int(hour) > 23 or int(minute) > 59:
        raise ValueError(f"no such time of day: {text!r}")
    return time(int(hour), int(minute))
