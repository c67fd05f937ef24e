"""Time and identity in one place, so tests can pin them and nothing uses naive datetimes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4


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


def epoch_seconds(moment: datetime) -> int:
    """Whole epoch seconds, the format DynamoDB TTL attributes need."""
    return int(moment.timestamp())


@dataclass(frozen=True, slots=True)
class Clock:
    """The time, new ids and pauses a use case needs, as one collaborator (tests pass a fixed one)."""

    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], UUID] = new_id
    sleep: Callable[[float], Any] = time.sleep
