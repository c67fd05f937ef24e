"""TransactWriteItems whose cost does not grow with the table.

Why: moto 5.2 backs up every table a transaction touches with ``copy.deepcopy(table)`` before it
starts, so each transaction costs O(items in the table) — 0.2 s per call once a table holds a few
hundred items, which turns a counter-in-a-transaction (gapless numbers, stock reservations) into a
crawl. Here the backup is item-level: the previous version of each item the transaction writes, plus
the length of the table's stream, restored if any part of the transaction fails. Semantics are moto's
(and AWS's): every condition is checked against the state before the transaction, one failure cancels
all, cancellation reasons (with ``ALL_OLD``) are reported per item, nothing reaches the stream.

Each API call is already atomic (``local_runtime.atomic``), so no other call sees a half-applied
transaction.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

_installed = False
MOTO_TRANSACT_WRITE_ITEMS: Any = None  # moto's own implementation, kept for side-by-side benchmarks


@dataclass
class _Backup:
    """The state of one item (None: absent) and of its table's stream before the transaction."""

    table: Any
    hash_key: Any
    range_key: Any
    item: Any
    stream_length: int | None

    def restore(self) -> None:
        items = self.table.items
        if self.range_key is not None:
            bucket = items[self.hash_key]
            if self.item is None:
                bucket.pop(self.range_key, None)
                if not bucket:
                    items.pop(self.hash_key, None)
            else:
                bucket[self.range_key] = self.item
        elif self.item is None:
            items.pop(self.hash_key, None)
        else:
            items[self.hash_key] = self.item
        shard = self.table.stream_shard
        if shard is not None and self.stream_length is not None:
            del shard.items[self.stream_length :]


def _key_of(table: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _backup(table: Any, key: dict[str, Any]) -> _Backup:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_key = DynamoType(key[table.hash_key_attr])
    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    current = table.get_item(hash_key, range_key)
    shard = table.stream_shard
    return _Backup(table, hash_key, range_key, copy.deepcopy(current), len(shard.items) if shard is not None else None)


def _write_one(backend: Any, op_type: str, op: dict[str, Any], targets: set, backups: list[_Backup]) -> None:
    """Check one entry's condition against the state before it, then apply it (backing the item up)."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import ConditionalCheckFailed, MultipleTransactionsException

    if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
        raise ValueError("Unsupported transaction operation")
    table_name = op["TableName"]
    table = backend.get_table(table_name)
    key = _key_of(table, op_type, op)
    target = (str(table_name), str(dict(sorted(key.items()))))
    if target in targets:
        raise MultipleTransactionsException()
    targets.add(target)

    condition = op.get("ConditionExpression")
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    current = backend.get_item(table_name, key)
    if condition is not None and not get_filter_expression(condition, names, values).expr(current):
        wants_old = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        old_item = current.to_json()["Attributes"] if wants_old and current else None
        failure = ConditionalCheckFailed(item=old_item)
        failure.old_item = old_item  # type: ignore[attr-defined]  # reported in the cancellation reasons
        raise failure

    if op_type == "ConditionCheck":
        return
    backups.append(_backup(table, key))
    expressions = {
        "condition_expression": condition,
        "expression_attribute_names": names,
        "expression_attribute_values": values,
    }
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], **expressions)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, **expressions)
    else:
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **expressions)


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's ``DynamoDBBackend.transact_write_items`` with item-level backups (see module doc)."""
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    backups: list[_Backup] = []
    targets: set[tuple[str, str]] = set()
    reasons: list[tuple[Any, Any, Any]] = []

    def rollback() -> None:
        for backup in reversed(backups):
            backup.restore()

    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        try:
            _write_one(self, *next(iter(entry.items())), targets, backups)
            reasons.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            rollback()
            raise
        except ConditionalCheckFailed as exc:
            reasons.append(("ConditionalCheckFailed", str(exc.message), getattr(exc, "old_item", None)))
        except Exception as exc:  # moto reports any other failure as that item's cancellation reason
            reasons.append((type(exc).__name__, str(exc), None))

    if any(code is not None for code, _, _ in reasons):
        rollback()
        raise TransactionCanceledException(reasons)


def install() -> None:
    """Replace moto's implementation (idempotent)."""
    global _installed, MOTO_TRANSACT_WRITE_ITEMS
    if _installed:
        return
    from moto.dynamodb.models import DynamoDBBackend

    MOTO_TRANSACT_WRITE_ITEMS = DynamoDBBackend.transact_write_items
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True
