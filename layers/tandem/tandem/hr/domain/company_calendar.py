"""The company calendar for leave and payroll: weekdays minus the public holidays of the employee's country.

Holidays come from the ``holidays`` package (as the support desk's business hours do), one frozen set per
country, subdivision and year, computed once per process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY = 5


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes the ``holidays`` package has a calendar for."""
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=256)
def public_holidays(country: str, year: int, subdivision: str | None = None) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def days(start: date, end: date) -> Iterator[date]:
    """Every date from ``start`` to ``end``, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def is_working_day(day: date, country: str, subdivision: str | None = None) -> bool:
    return day.weekday() < SATURDAY and day not in public_holidays(country, day.year, subdivision)


def working_days(start: date, end: date, country: str, subdivision: str | None = None) -> list[date]:
    """The working days from ``start`` to ``end`` (both included); empty when ``end`` is before ``start``."""
    return [day for day in days(start, end) if is_working_day(day, country, subdivision)]
