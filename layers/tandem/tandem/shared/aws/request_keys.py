"""Idempotency-Key records (``tandem.shared.request_keys``) on a context's own table: read at once, claimed in
the unit of work's transaction together with what the request creates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from tandem.shared import request_keys
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.request_keys import KeyRecord


class DynamoRequestKeys:
    def __init__(self, writes: OutboxUnitOfWork, read: Callable[[dict[str, str]], Mapping[str, object] | None]) -> None:
        self.writes = writes
        self.read = read

    def get(self, caller: str, key: str) -> KeyRecord | None:
        item = self.read(request_keys.record_key(caller, key))
        return request_keys.record_from_item(dict(item), caller, key) if item else None

    def claim(self, record: KeyRecord, *, now: datetime) -> None:
        # A live record cancels the transaction and comes back (ALL_OLD): the use case replays or refuses.
        condition, values = request_keys.claim_condition(now)
        self.writes.put(
            request_keys.record_item(record), label="idempotency", condition=condition, values=values, return_old=True
        )
