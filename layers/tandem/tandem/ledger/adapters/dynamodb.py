"""Ledger table access: journal entries, per-account balance items and the newest-first journal.

Access patterns (single table, ``LedgerTable``):
* entry by id:             PK=ENTRY#<id>, SK=ENTRY (id = uuid5 of the source event id; put only if new)
* journal newest first:    GSI1PK=JOURNAL, GSI1SK=<posted_at ISO>#<id>, ScanIndexForward=False
* account balances:        PK=BALANCE, SK=ACCOUNT#<code>: running debit/credit totals, ``ADD``-ed in the
                           transaction that writes the entry; the trial balance is one Query of PK=BALANCE
* outbox:                  PK=OUTBOX#<event id> (tandem.shared.aws.outbox)

Writes are collected by ``DynamoUnitOfWork`` and land in one ``TransactWriteItems`` at commit;
its ``journal`` repository reads at once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.ledger.domain.errors import BalanceCurrencyMismatch, EntryAlreadyPosted
from tandem.ledger.domain.model import JournalEntry, JournalLine
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, newest_first_in
from tandem.shared.aws.dynamo import from_attributes, storage_errors
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

JOURNAL_INDEX = "GSI1"
BALANCE_PK = "BALANCE"
# Page tokens name one entry of the JOURNAL partition of GSI1, exactly as ``entry_item`` writes it.
_ISSUED_JOURNAL_CURSOR = newest_first_in("GSI1", "JOURNAL", sort_key="ENTRY", id_prefix="ENTRY#")


def entry_key(entry_id: UUID) -> dict[str, str]:
    return {"PK": f"ENTRY#{entry_id}", "SK": "ENTRY"}


def balance_key(code: str) -> dict[str, str]:
    return {"PK": BALANCE_PK, "SK": f"ACCOUNT#{code}"}


def entry_item(entry: JournalEntry) -> dict[str, Any]:
    posted = iso(entry.posted_at)
    return {
        **entry_key(entry.id),
        "type": "journal_entry",
        "GSI1PK": "JOURNAL",
        "GSI1SK": f"{posted}#{entry.id}",
        "id": str(entry.id),
        "posted_at": posted,
        "source_event_id": str(entry.source_event_id),
        "source_event_type": entry.source_event_type,
        "currency": entry.currency,
        "lines": [{"account": line.account, "debit": line.debit, "credit": line.credit} for line in entry.lines],
    }


def entry_from_item(item: dict[str, Any]) -> JournalEntry:
    return JournalEntry(
        id=UUID(item["id"]),
        posted_at=datetime.fromisoformat(item["posted_at"]),
        source_event_id=UUID(item["source_event_id"]),
        source_event_type=item["source_event_type"],
        currency=item["currency"],
        lines=tuple(
            JournalLine(line["account"], Decimal(line["debit"]), Decimal(line["credit"])) for line in item["lines"]
        ),
    )


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on LedgerTable; it owns the journal repository."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.journal = DynamoJournalRepository(self)

    def commit(self) -> None:
        try:
            with storage_errors("TransactWriteItems"):  # ClientErrors are already translated by the outbox
                super().commit()
        except ConditionFailed as failed:
            if failed.label.startswith("entry:"):
                raise EntryAlreadyPosted(UUID(failed.label.removeprefix("entry:"))) from failed
            if failed.label.startswith("balance:"):
                raise BalanceCurrencyMismatch(details={"account": failed.label.removeprefix("balance:")}) from failed
            raise


class DynamoJournalRepository:
    """Entries and balances: ``add`` goes into the unit of work's transaction, reads go to the table at once."""

    def __init__(self, uow: OutboxUnitOfWork) -> None:
        self.uow = uow

    def add(self, entry: JournalEntry) -> None:
        # The labels carry what commit needs to name the failed condition.
        self.uow.put(entry_item(entry), label=f"entry:{entry.id}", condition="attribute_not_exists(PK)")
        for code, (debit, credit) in sorted(entry.account_totals().items()):
            # ADD creates the item on first use; the currency guard keeps one currency per balance.
            self.uow.update(
                balance_key(code),
                "ADD debit_total :debit, credit_total :credit SET #type = :type, account = :code, currency = :currency",
                label=f"balance:{code}",
                condition="attribute_not_exists(currency) OR currency = :currency",
                names={"#type": "type"},
                values={
                    ":debit": debit,
                    ":credit": credit,
                    ":type": "account_balance",
                    ":code": code,
                    ":currency": entry.currency,
                },
            )

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """``{code: (debit total, credit total)}`` of every account that has postings (one Query)."""
        request: dict[str, Any] = {
            "TableName": self.uow.table_name,
            "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": BALANCE_PK}},
        }
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        while True:  # one page in practice (a handful of accounts); follow pages anyway
            with storage_errors("Query"):
                response = self.uow.client.query(**request)
            for raw in response.get("Items", []):
                item = from_attributes(raw) or {}
                totals[item["account"]] = (Decimal(item.get("debit_total", 0)), Decimal(item.get("credit_total", 0)))
            if not response.get("LastEvaluatedKey"):
                return totals
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def list_newest(self, limit: int, cursor: str | None) -> Page[JournalEntry]:
        request: dict[str, Any] = {
            "TableName": self.uow.table_name,
            "IndexName": JOURNAL_INDEX,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "JOURNAL"}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _ISSUED_JOURNAL_CURSOR)
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        entries = [entry_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
        return Page(items=entries, cursor=encode_cursor(response.get("LastEvaluatedKey")))
