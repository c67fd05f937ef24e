"""Ledger table access: journal entries, per-account balance items and the newest-first journal.

Access patterns (single table, ``LedgerTable``):
* entry by id:             PK=ENTRY#<id>, SK=ENTRY (id = uuid5 of the source event id; put only if new)
* journal newest first:    GSI1PK=JOURNAL, GSI1SK=<posted_at ISO>#<id>, ScanIndexForward=False
* account balances:        PK=BALANCE, SK=ACCOUNT#<code>: running debit/credit totals, ``ADD``-ed in the
                           transaction that writes the entry; the trial balance is one Query of PK=BALANCE
* balances of a period:    PK=BALANCE#<YYYY-MM>, SK=ACCOUNT#<code>: the same, for entries posted in the period
* receivables items:       PK=RECEIVABLE, SK=INVOICE#<invoice id> | PARTY#<email>: running debit/credit of the
                           entry lines on 1200, with the party (and the invoice's number and dates once seen)
* VAT by rate of a period: PK=VAT#<YYYY-MM>, SK=RATE#<rate>#<category>: running taxable base and VAT
* closed periods:          PK=PERIOD, SK=<YYYY-MM> (closed_at, closed_by); every posting checks, in its
                           transaction, that the item of its posting period does not exist
* outbox:                  PK=OUTBOX#<event id> (tandem.shared.aws.outbox)

Writes are collected by ``DynamoUnitOfWork`` and land in one ``TransactWriteItems`` at commit;
its ``journal`` repository reads at once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.ledger.domain.errors import BalanceCurrencyMismatch, EntryAlreadyPosted, PeriodClosedMeanwhile
from tandem.ledger.domain.model import (
    RECEIVABLES,
    ClosedPeriod,
    Document,
    DocumentType,
    JournalEntry,
    JournalLine,
    OpenItem,
    Period,
    VatAmount,
)
from tandem.ledger.domain.reports import OpenItemBalance, VatRateTotal
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, newest_first_in
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

JOURNAL_INDEX = "GSI1"
BALANCE_PK = "BALANCE"
RECEIVABLE_PK = "RECEIVABLE"
PERIOD_PK = "PERIOD"
# Page tokens name one entry of the JOURNAL partition of GSI1, exactly as ``entry_item`` writes it.
_ISSUED_JOURNAL_CURSOR = newest_first_in("GSI1", "JOURNAL", sort_key="ENTRY", id_prefix="ENTRY#")


def entry_key(entry_id: UUID) -> dict[str, str]:
    return {"PK": f"ENTRY#{entry_id}", "SK": "ENTRY"}


def balance_key(code: str, period: Period | None = None) -> dict[str, str]:
    return {"PK": f"{BALANCE_PK}#{period}" if period else BALANCE_PK, "SK": f"ACCOUNT#{code}"}


def period_key(period: Period) -> dict[str, str]:
    return {"PK": PERIOD_PK, "SK": str(period)}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


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
        "posting_date": entry.posting_date.isoformat() if entry.posting_date else None,
        "party": entry.party,
        "document": None
        if entry.document is None
        else {
            "type": entry.document.type.value,
            "id": entry.document.id,
            "number": entry.document.number,
            "date": entry.document.date.isoformat(),
        },
        "open_item": None
        if entry.open_item is None
        else {"invoice_id": entry.open_item.invoice_id, "party": entry.open_item.party},
        "vat": [
            {"tax_category": v.tax_category, "tax_rate": v.tax_rate, "taxable": v.taxable, "tax": v.tax}
            for v in entry.vat
        ],
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
        document=_document_from(item.get("document")),
        party=item.get("party"),
        posting_date=_day(item.get("posting_date")),
        open_item=OpenItem(item["open_item"].get("invoice_id"), item["open_item"].get("party"))
        if item.get("open_item")
        else None,
        vat=tuple(
            VatAmount(v["tax_category"], Decimal(v["tax_rate"]), Decimal(v["taxable"]), Decimal(v["tax"]))
            for v in item.get("vat") or ()
        ),
    )


def _document_from(raw: dict[str, Any] | None) -> Document | None:
    if not raw:
        return None
    return Document(DocumentType(raw["type"]), raw["id"], date.fromisoformat(raw["date"]), raw.get("number"))


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on LedgerTable; it owns the journal repository."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.journal = DynamoJournalRepository(self)
        self.periods = DynamoPeriodRepository(self)

    def commit(self) -> None:
        try:
            with storage_errors("TransactWriteItems"):  # ClientErrors are already translated by the outbox
                super().commit()
        except ConditionFailed as failed:
            if failed.label.startswith("entry:"):
                raise EntryAlreadyPosted(UUID(failed.label.removeprefix("entry:"))) from failed
            if failed.label.startswith("open-period:"):
                raise PeriodClosedMeanwhile(details={"period": failed.label.removeprefix("open-period:")}) from failed
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
        period = entry.period
        # Its posting period must still be open when the entry lands (a close since the read cancels it).
        self.uow.condition_check(period_key(period), "attribute_not_exists(PK)", label=f"open-period:{period}")
        for code, (debit, credit) in sorted(entry.account_totals().items()):
            for scope in (None, period):  # overall (the trial balance) and the period's (the VAT report)
                # ADD creates the item on first use; the currency guard keeps one currency per balance.
                self.uow.update(
                    balance_key(code, scope),
                    "ADD debit_total :debit, credit_total :credit "
                    "SET #type = :type, account = :code, currency = :currency",
                    label=f"balance:{code}",
                    condition="attribute_not_exists(currency) OR currency = :currency",
                    names={"#type": "type"},
                    values={
                        ":debit": debit,
                        ":credit": credit,
                        ":type": "account_balance" if scope is None else "period_balance",
                        ":code": code,
                        ":currency": entry.currency,
                    },
                )
        self._add_open_item(entry)
        self._add_vat(entry, period)

    def _add_open_item(self, entry: JournalEntry) -> None:
        item = entry.open_item
        debit, credit = entry.account_totals().get(RECEIVABLES, (Decimal(0), Decimal(0)))
        if item is None or not (debit or credit):
            return
        sets = ["#type = :type"]
        values: dict[str, Any] = {":debit": debit, ":credit": credit, ":type": "open_item"}
        known = {
            "party": item.party,
            "invoice_id": item.invoice_id,
            "number": item.number,
            "issue_date": item.issue_date.isoformat() if item.issue_date else None,
            "due_date": item.due_date.isoformat() if item.due_date else None,
        }
        names = {"#type": "type"}
        for name, value in known.items():
            if value is not None:  # events arrive in any order: whichever knows a field first sets it
                sets.append(f"#{name} = if_not_exists(#{name}, :{name})")  # names: "number" is a reserved word
                names[f"#{name}"], values[f":{name}"] = name, value
        self.uow.update(
            {"PK": RECEIVABLE_PK, "SK": item.key},
            f"ADD debit_total :debit, credit_total :credit SET {', '.join(sets)}",
            label="open-item",
            names=names,
            values=values,
        )

    def _add_vat(self, entry: JournalEntry, period: Period) -> None:
        grouped: dict[tuple[Decimal, str], tuple[Decimal, Decimal]] = {}
        for vat in entry.vat:
            taxable, tax = grouped.get((vat.tax_rate, vat.tax_category), (Decimal(0), Decimal(0)))
            grouped[(vat.tax_rate, vat.tax_category)] = (taxable + vat.taxable, tax + vat.tax)
        for (rate, category), (taxable, tax) in sorted(grouped.items()):
            self.uow.update(
                {"PK": f"VAT#{period}", "SK": f"RATE#{rate.normalize()}#{category}"},
                "ADD taxable_total :taxable, tax_total :tax "
                "SET #type = :type, tax_rate = :rate, tax_category = :category",
                label="vat",
                names={"#type": "type"},
                values={
                    ":taxable": taxable,
                    ":tax": tax,
                    ":type": "vat_total",
                    ":rate": rate,
                    ":category": category,
                },
            )

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """``{code: (debit total, credit total)}`` of every account that has postings (one Query)."""
        return self._totals(BALANCE_PK)

    def period_totals(self, period: Period) -> dict[str, tuple[Decimal, Decimal]]:
        return self._totals(f"{BALANCE_PK}#{period}")

    def _totals(self, pk: str) -> dict[str, tuple[Decimal, Decimal]]:
        return {
            item["account"]: (Decimal(item.get("debit_total", 0)), Decimal(item.get("credit_total", 0)))
            for item in query_partition(self.uow, pk)
        }

    def open_items(self) -> list[OpenItemBalance]:
        """Every receivables item; settled ones too (at zero), which the report leaves out."""
        return [
            OpenItemBalance(
                party=item.get("party"),
                invoice_id=item.get("invoice_id"),
                number=item.get("number"),
                issue_date=_day(item.get("issue_date")),
                due_date=_day(item.get("due_date")),
                debit=Decimal(item.get("debit_total", 0)),
                credit=Decimal(item.get("credit_total", 0)),
            )
            for item in query_partition(self.uow, RECEIVABLE_PK)
        ]

    def vat_totals(self, period: Period) -> list[VatRateTotal]:
        return [
            VatRateTotal(
                item["tax_category"],
                Decimal(item["tax_rate"]),
                Decimal(item.get("taxable_total", 0)),
                Decimal(item.get("tax_total", 0)),
            )
            for item in query_partition(self.uow, f"VAT#{period}")
        ]

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


class DynamoPeriodRepository:
    """Closed periods: ``close`` goes into the unit of work's transaction, reads go to the table at once."""

    def __init__(self, uow: OutboxUnitOfWork) -> None:
        self.uow = uow

    def closed(self) -> frozenset[Period]:
        return frozenset(Period.parse(item["SK"]) for item in query_partition(self.uow, PERIOD_PK))

    def get(self, period: Period) -> ClosedPeriod | None:
        with storage_errors("GetItem"):
            response = self.uow.client.get_item(
                TableName=self.uow.table_name, Key=to_attributes(period_key(period)), ConsistentRead=True
            )
        item = from_attributes(response.get("Item"))
        if not item:
            return None
        return ClosedPeriod(period, datetime.fromisoformat(item["closed_at"]), item["closed_by"])

    def close(self, closing: ClosedPeriod) -> None:
        self.uow.put(
            {
                **period_key(closing.period),
                "type": "closed_period",
                "closed_at": iso(closing.closed_at),
                "closed_by": closing.closed_by,
            },
            label="period",
            condition="attribute_not_exists(PK)",
        )


def query_partition(uow: OutboxUnitOfWork, pk: str) -> list[dict[str, Any]]:
    """Every item of partition ``pk`` (strongly consistent), following pages."""
    request: dict[str, Any] = {
        "TableName": uow.table_name,
        "ConsistentRead": True,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
    }
    items: list[dict[str, Any]] = []
    while True:
        with storage_errors("Query"):
            response = uow.client.query(**request)
        items.extend(from_attributes(raw) or {} for raw in response.get("Items", []))
        if not response.get("LastEvaluatedKey"):
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
