"""Billing table access.

Access patterns (single table, ``BillingTable``):
* invoice by id:              PK=INVOICE#<id>, SK=INVOICE
* invoices newest first:      GSI1PK=INVOICE, GSI1SK=<issued_at ISO>#<id> (status as a filter)
* open invoices by due date:  GSI2PK=INVOICE#OPEN, GSI2SK=<due date>#<id> (sparse: issued/partially paid)
* the order's invoice and its
  payments before the invoice: PK=ORDER#<order_id>, SK=ORDER (invoice_id = one invoice per order, version)
* number series counter:      PK=COUNTER#<INV|CN>#<year>, SK=COUNTER, last = last number taken
* credit note by id:          PK=CREDITNOTE#<id>, SK=CREDITNOTE
* payment by id:              PK=PAYMENT#<id>, SK=PAYMENT
* provider event seen once:   PK=PAYMENTEVENT#<provider event id>, SK=PAYMENTEVENT (payment_id)
* confirmation sent marker:   PK=INVOICE#<id>, SK=CONFIRMATION (message_id)
* reminder of a day:          PK=REMINDER#<invoice id>#<yyyy-mm-dd>, SK=REMINDER
* Idempotency-Key of a caller: PK=IDEMKEY#<sha256(sub + key)>, SK=IDEMKEY (tandem.shared.request_keys;
  TTL attribute ``expires_at``)
* issuing an invoice reads the order record and the number counter in ONE consistent BatchGetItem and
  writes invoice, counter, order claim and outbox items in ONE TransactWriteItems.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.billing.adapters import items
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice, Payment
from tandem.billing.domain.rules import DocumentKind
from tandem.billing.ports import InvoicePage, OrderAccount
from tandem.shared import request_keys
from tandem.shared.aws.cursor import decode_cursor, encode_cursor
from tandem.shared.aws.dynamo import batch_get, from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.request_keys import KeyRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoBillingUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on BillingTable, speaking in invoices, credit notes and payments."""

    def take_number(self, kind: DocumentKind, year: int, *, seen: int) -> None:
        condition = "attribute_not_exists(#last)" if seen == 0 else "#last = :seen"
        values: dict[str, Any] = {":next": seen + 1, ":type": "counter"}
        if seen:
            values[":seen"] = seen
        self.update(items.counter_key(kind.value, year), "SET #last = :next, #type = :type", label="counter",
                    condition=condition, names={"#last": "last", "#type": "type"}, values=values)

    def add_invoice(self, invoice: Invoice, *, account: OrderAccount | None) -> None:
        self.put(items.invoice_item(invoice), label="invoice", condition="attribute_not_exists(PK)")
        if invoice.order_id is None:
            return
        # The order's claim: one invoice per order, and no payment slipped in since we read the order.
        condition = "attribute_not_exists(PK)" if account is None else \
            "attribute_not_exists(invoice_id) AND version = :seen"
        values: dict[str, Any] = {":invoice": str(invoice.id), ":number": invoice.number, ":one": 1,
                                  ":zero": 0, ":type": "order"}
        if account is not None:
            values[":seen"] = account.version
        self.update(items.order_key(invoice.order_id),
                    "SET invoice_id = :invoice, invoice_number = :number, #type = :type, "
                    "version = if_not_exists(version, :zero) + :one", label="order", condition=condition,
                    names={"#type": "type"}, values=values)

    def save_invoice(self, invoice: Invoice, *, expected_version: int) -> None:
        """Write the settlement (status, payments, credits) only: what the invoice says never changes."""
        settlement = items.settlement(invoice)
        values = {f":{k}": v for k, v in settlement.items()}
        names = {"#status": "status"}
        assignments = ["#status = :status"] + [f"{k} = :{k}" for k in settlement if k != "status"]
        index = items.open_index(invoice)
        if index:
            assignments += ["GSI2PK = :gsi2pk", "GSI2SK = :gsi2sk"]
            values |= {":gsi2pk": index["GSI2PK"], ":gsi2sk": index["GSI2SK"]}
        assignments.append("version = :next")
        values |= {":next": expected_version + 1, ":expected": expected_version}
        update = "SET " + ", ".join(assignments) + ("" if index else " REMOVE GSI2PK, GSI2SK")
        self.update(items.invoice_key(invoice.id), update, label="invoice", condition="version = :expected",
                    names=names, values=values)
        invoice.version = expected_version + 1

    def add_credit_note(self, note: CreditNote) -> None:
        self.put(items.credit_note_item(note), label="credit_note", condition="attribute_not_exists(PK)")

    def add_payment(self, payment: Payment) -> None:
        self.put({**items.payment_event_key(payment.provider_event_id), "type": "payment_event",
                  "payment_id": str(payment.id)}, label="payment_event", condition="attribute_not_exists(PK)",
                 return_old=True)
        self.put({"PK": f"PAYMENT#{payment.id}", "SK": "PAYMENT", "type": "payment", "id": str(payment.id),
                  "provider_event_id": payment.provider_event_id, "amount": payment.amount,
                  "currency": payment.currency, "applied": payment.applied, "unapplied": payment.unapplied,
                  "order_id": payment.order_id, "invoice_id": str(payment.invoice_id) if payment.invoice_id else None,
                  "received_at": iso(payment.received_at)}, label="payment", condition="attribute_not_exists(PK)")

    def add_order_payment(self, payment: Payment, *, account: OrderAccount | None) -> None:
        """Keep a payment for the order's future invoice, unless the order has been invoiced meanwhile."""
        entry = {"payment_id": str(payment.id), "amount": payment.amount}
        condition = "attribute_not_exists(PK)" if account is None else \
            "attribute_not_exists(invoice_id) AND version = :seen"
        values: dict[str, Any] = {":entry": [entry], ":empty": [], ":one": 1, ":zero": 0, ":type": "order"}
        if account is not None:
            values[":seen"] = account.version
        self.update(items.order_key(str(payment.order_id)),
                    "SET payments = list_append(if_not_exists(payments, :empty), :entry), #type = :type, "
                    "version = if_not_exists(version, :zero) + :one", label="order", condition=condition,
                    names={"#type": "type"}, values=values)


    def mark_refund_due(self, account: OrderAccount, payment_ids: tuple[UUID, ...]) -> None:
        """Mark the order's payments for refund, unless it got an invoice or another payment meanwhile."""
        self.update(items.order_key(account.order_id),
                    "SET refund_due = list_append(if_not_exists(refund_due, :empty), :ids), version = version + :one",
                    label="order", condition="attribute_not_exists(invoice_id) AND version = :seen",
                    values={":ids": [str(i) for i in payment_ids], ":empty": [], ":one": 1, ":seen": account.version})

    def claim_key(self, record: KeyRecord, *, now: datetime) -> None:
        # A live record cancels the transaction and comes back (ALL_OLD): the caller replays or refuses.
        condition, values = request_keys.claim_condition(now)
        self.put(request_keys.record_item(record), label="idempotency", condition=condition, values=values,
                 return_old=True)


class DynamoBillingReader:
    """Reads for the billing use cases (strongly consistent where a decision depends on them)."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self.table_name = table_name
        self.client = client

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
        return from_attributes(response.get("Item"))

    def invoice(self, invoice_id: UUID) -> Invoice | None:
        item = self._get(items.invoice_key(invoice_id))
        return items.invoice_from_item(item) if item else None

    def credit_note(self, credit_note_id: UUID) -> CreditNote | None:
        item = self._get(items.credit_note_key(credit_note_id))
        return items.credit_note_from_item(item) if item else None

    def order_account(self, order_id: str) -> OrderAccount | None:
        return _account(order_id, self._get(items.order_key(order_id)))

    def counter(self, kind: DocumentKind, year: int) -> int:
        item = self._get(items.counter_key(kind.value, year))
        return int(item["last"]) if item else 0

    def issue_state(self, order_id: str, kind: DocumentKind, year: int) -> tuple[OrderAccount | None, int]:
        """The order's record and the series' counter, in one strongly consistent BatchGetItem."""
        order_key, counter_key = items.order_key(order_id), items.counter_key(kind.value, year)
        found = {(i["PK"], i["SK"]): i for i in batch_get(self.client, self.table_name, [order_key, counter_key])}
        counter = found.get((counter_key["PK"], counter_key["SK"]))
        return (_account(order_id, found.get((order_key["PK"], order_key["SK"]))),
                int(counter["last"]) if counter else 0)

    def key_record(self, caller: str, key: str) -> KeyRecord | None:
        item = self._get(request_keys.record_key(caller, key))
        return request_keys.record_from_item(item, caller, key) if item else None

    def list_invoices(self, *, status: str | None, limit: int, cursor: str | None) -> InvoicePage:
        request: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": "GSI1", "Limit": limit, "ScanIndexForward": False,
            "KeyConditionExpression": "GSI1PK = :pk", "ExpressionAttributeValues": to_attributes({":pk": "INVOICE"}),
        }
        if status:
            request["FilterExpression"] = "#status = :status"
            request["ExpressionAttributeNames"] = {"#status": "status"}
            request["ExpressionAttributeValues"] = to_attributes({":pk": "INVOICE", ":status": status})
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _issued_invoice_cursor)
        with storage_errors("Query"):
            response = self.client.query(**request)
        invoices = [items.invoice_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return InvoicePage(invoices, encode_cursor(response.get("LastEvaluatedKey")))

    def open_invoices_due_before(self, day: date) -> list[Invoice]:
        request: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK < :day",
            "ExpressionAttributeValues": to_attributes({":pk": items.OPEN_INVOICES, ":day": day.isoformat()}),
        }
        found: list[Invoice] = []
        while True:
            with storage_errors("Query"):
                response = self.client.query(**request)
            found += [items.invoice_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
            if not response.get("LastEvaluatedKey"):
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _account(order_id: str, item: dict[str, Any] | None) -> OrderAccount | None:
    if item is None:
        return None
    payments = tuple((UUID(p["payment_id"]), Decimal(p["amount"])) for p in item.get("payments") or [])
    invoice_id = UUID(item["invoice_id"]) if item.get("invoice_id") else None
    refund_due = tuple(UUID(str(i)) for i in item.get("refund_due") or [])
    return OrderAccount(order_id, invoice_id, payments, int(item.get("version", 0)), refund_due)


_CURSOR_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def _issued_invoice_cursor(plain: dict[str, Any]) -> bool:
    """The four key attributes of an invoice in the INVOICE partition of GSI1."""
    return set(plain) == _CURSOR_KEYS and plain["GSI1PK"] == "INVOICE" and plain["PK"].startswith("INVOICE#")
