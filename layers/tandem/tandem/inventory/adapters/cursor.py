"""Which page tokens the inventory listings accept: a GSI1 key of the very partition being listed.

The codec itself is ``tandem.shared.aws.cursor``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def issued_in(partition: str) -> Callable[[dict[str, Any]], bool]:
    """Tokens we issued for a query of GSI1 partition ``partition``."""
    return lambda plain: set(plain) == _KEYS and plain["GSI1PK"] == partition
