"""Which page tokens the order listings accept: the key of one order in the very partition being listed.

A customer cannot page into someone else's orders, and a forged key never reaches DynamoDB (where it
would be a ValidationException, a 500). The codec itself is ``tandem.shared.aws.cursor``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tandem.shared.aws.cursor import is_time_and_id


def issued_order_cursor(index: str, partition: str) -> Callable[[dict[str, Any]], bool]:
    def issued(plain: dict[str, Any]) -> bool:
        order_id = plain.get("PK", "").removeprefix("ORDER#")
        return set(plain) == {"PK", "SK", f"{index}PK", f"{index}SK"} and plain[f"{index}PK"] == partition \
            and plain["SK"] == "ORDER" and plain["PK"].startswith("ORDER#") \
            and is_time_and_id(plain[f"{index}SK"], order_id)
    return issued
