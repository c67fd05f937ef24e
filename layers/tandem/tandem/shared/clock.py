"""Time and identity in one place, so tests can pin them and nothing uses naive datetimes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Template parameter BusinessTimeZone: the zone documents are dated in (issue and due dates, the numbering
# year, reminder days, journal posting dates). Instants stay UTC everywhere; only days follow the zone.
DEFAULT_BUSINESS_TIME_ZONE = "Europe/Paris"


def utcnow() -> datetime:
    """Timezone-aware current time in UTC."""
    return datetime.now(UTC)


def new_id() -> UUID:
    """A random (version 4) UUID: unguessable, so ids can be shown to the public."""
    return uuid4()


def iso(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601 (always microseconds), so strings sort like the instants."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not allowed; use timezone-aware UTC")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def business_zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name`` (empty: ``DEFAULT_BUSINESS_TIME_ZONE``). An unknown name fails at once
    (ValueError): a function must not date documents in a zone nobody chose. The zone database comes
    from the ``tzdata`` package when the system has none (Lambda images may not)."""
    try:
        return ZoneInfo(name or DEFAULT_BUSINESS_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r} (BUSINESS_TIME_ZONE)") from error


def epoch_seconds(moment: datetime) -> int:
    """Whole epoch seconds, the format DynamoDB TTL attributes need."""
    return int(moment.timestamp())


@dataclass(frozen=True, slots=True)
class Clock:
    """The time, new ids and pauses a use case needs, as one collaborator (tests pass a fixed one).

    ``zone`` is the business time zone: the day of an instant (``day_of``, ``today``) is taken in it, so a
    document issued at 23:30 UTC on 31 December is dated 1 January in Paris. UTC unless given.
    """

    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], UUID] = new_id
    sleep: Callable[[float], Any] = time.sleep
    zone: tzinfo = UTC

    def local(self, moment: datetime) -> datetime:
        """``moment`` (timezone-aware) in the business time zone."""
        if moment.tzinfo is None:
            raise ValueError("naive datetimes are not allowed; use timezone-aware UTC")
        return moment.astimezone(self.zone)

    def day_of(self, moment: datetime) -> date:
        """The business day ``moment`` falls on."""
        return self.local(moment).date()

    def today(self) -> date:
        """Today in the business time zone."""
        return self.day_of(self.now())
