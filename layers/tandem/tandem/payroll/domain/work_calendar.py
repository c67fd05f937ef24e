"""The calendar of a pay period: working days and payment days.

Working days are the weekdays of the month minus the public holidays of the employee's country (and
subdivision, where holidays differ by region) from the ``holidays`` package, computed once per country,
subdivision and year per process. Payment days are the working days between hire and termination (both
inclusive) minus approved unpaid leave, which may be half days, so they are a ``Decimal``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays

from tandem.payroll.domain.errors import InvalidEmployeeSnapshot, InvalidPayrollPeriod

_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True, order=True)
class PayPeriod:
    """One calendar month, ``2026-12``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, today: date) -> PayPeriod:
        """``YYYY-MM`` no later than next month (pay can be prepared ahead, never a year ahead by a typo)."""
        match = _PERIOD.fullmatch(text)
        if match is None or not 2000 <= int(match.group(1)) <= 2999:
            raise InvalidPayrollPeriod(details={"field": "period", "problem": "a month as YYYY-MM, e.g. 2026-12"})
        period = cls(int(match.group(1)), int(match.group(2)))
        if period > cls.of(today).next():
            raise InvalidPayrollPeriod(
                f"The period {period} lies beyond next month", details={"field": "period", "problem": "too far ahead"}
            )
        return period

    @classmethod
    def of(cls, day: date) -> PayPeriod:
        return cls(day.year, day.month)

    def next(self) -> PayPeriod:
        return PayPeriod(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """One year's public holidays, computed once per process (a frozen set, safe to share between threads).
    An unknown country or subdivision raises ``InvalidEmployeeSnapshot``: nobody is paid by a guessed calendar."""
    try:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
    except NotImplementedError as exc:
        raise InvalidEmployeeSnapshot(
            f"No public holiday calendar for {country!r}{'/' + subdivision if subdivision else ''}",
            details={"field": "country", "problem": "unknown country or subdivision"},
        ) from exc


@lru_cache(maxsize=4096)
def working_days(period: PayPeriod, country: str, subdivision: str | None = None) -> tuple[date, ...]:
    """The period's weekdays that are not public holidays where the employee works, in order."""
    closed = public_holidays(country, subdivision, period.year)
    day, last, days = period.first_day, period.last_day, []
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


@dataclass(frozen=True, slots=True)
class UnpaidLeaveDay:
    """A day of approved unpaid leave; ``fraction`` is 1 or 0.5 (a half day)."""

    day: date
    fraction: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if self.fraction not in (Decimal(1), _HALF):
            raise InvalidEmployeeSnapshot(details={"field": "unpaid_leave", "problem": "a day or a half day"})


def employed_working_days(days: Iterable[date], hire_date: date, termination_date: date | None) -> list[date]:
    """The working days between hire and termination, both inclusive."""
    return [d for d in days if hire_date <= d and (termination_date is None or d <= termination_date)]


def payment_days(
    days: Iterable[date], hire_date: date, termination_date: date | None, unpaid_leave: Iterable[UnpaidLeaveDay]
) -> Decimal:
    """Working days employed minus unpaid leave on those days (leave on a weekend or holiday costs nothing;
    two half days on one date count as one day at most)."""
    employed = set(employed_working_days(days, hire_date, termination_date))
    leave: dict[date, Decimal] = {}
    for item in unpaid_leave:
        if item.day in employed:
            leave[item.day] = min(Decimal(1), leave.get(item.day, Decimal(0)) + item.fraction)
    return Decimal(len(employed)) - sum(leave.values(), Decimal(0))
