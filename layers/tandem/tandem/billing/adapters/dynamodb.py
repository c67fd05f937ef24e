"""Billing table access: the unit of work and its repositories.

Access patterns (single table, ``BillingTable``):
* invoice by id:              PK=INVOICE#<id>, SK=INVOICE
* invoices newest first:      GSI1PK=INVOICE, GSI1SK=<issued_at ISO>#<id> (status as a filter)
* open invoices by due date:  GSI2PK=INVOICE#OPEN, GSI2SK=<due date>#<id> (sparse: issued/partially paid)
* a customer's invoices:      PK=OWNER#<token sub>, SK=INVOICE#<issued_at ISO>#<id> (invoice_id), written with
                              the invoice; newest first, then one BatchGetItem of the invoices
* the order's invoice and its
  payments before the invoice: PK=ORDER#<order_id>, SK=ORDER (invoice_id = one invoice per order, version)
* number series counter:      PK=COUNTER#<INV|CN>#<year>, SK=COUNTER, last = last number taken
* credit note by id:          PK=CREDITNOTE#<id>, SK=CREDITNOTE
* payment by id:              PK=PAYMENT#<id>, SK=PAYMENT
* refund by id:               PK=REFUND#<id>, SK=REFUND; every refund: GSI1PK=REFUND, GSI1SK=<created_at>#<id>
* payment held for finance:   PK=PAYMENT#<id> with hold_reason/status; all held: GSI1PK=PAYMENT#HELD,
                              GSI1SK=<received_at>#<id> (unmatched, applied or refunded; status as a filter)
* provider event seen once:   PK=PAYMENTEVENT#<provider event id>, SK=PAYMENTEVENT (payment_id)
* confirmation sent marker:   PK=INVOICE#<id>, SK=CONFIRMATION (message_id; ``adapters.markers``)
* reminder of a day:          PK=REMINDER#<invoice id>#<yyyy-mm-dd>, SK=REMINDER (``adapters.markers``)
* Idempotency-Key of a caller: PK=IDEMKEY#<sha256(sub + key)>, SK=IDEMKEY (tandem.shared.request_keys;
  TTL attribute ``expires_at``)
* issuing an invoice reads the order record and the number counter in ONE consistent BatchGetItem and
  writes invoice, counter, order claim and outbox items in ONE TransactWriteItems.

Reads go to the table at once (strongly consistent); writes wait for the unit of work's ``commit``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.billing.adapters import items
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice, InvoiceStatus, OrderAccount, OrderClosure, Payment
from tandem.billing.domain.refunds import PaymentStatus, Refund, RefundStatus, UnmatchedPayment
from tandem.billing.domain.rules import DocumentKind
from tandem.shared.aws.cursor import decode_cursor, encode_cursor
from tandem.shared.aws.dynamo import batch_get, from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.aws.request_keys import DynamoRequestKeys
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on BillingTable, with the billing repositories (a new one per use case call)."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.invoices = DynamoInvoices(self)
        self.credit_notes = DynamoCreditNotes(self)
        self.orders = DynamoOrderAccounts(self)
        self.numbers = DynamoNumberSeries(self)
        self.payments = DynamoPayments(self)
        self.held_payments = DynamoHeldPayments(self)
        self.refunds = DynamoRefunds(self)
        self.request_keys = DynamoRequestKeys(self, self.get)

    def get(self, key: dict[str, str]) -> dict[str, Any] | None:
        """One item, strongly consistent (plain values), or None."""
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
        return from_attributes(response.get("Item"))

    def query(self, request: dict[str, Any]) -> dict[str, Any]:
        with storage_errors("Query"):
            return dict(self.client.query(TableName=self.table_name, **request))


class _Repository:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow


class DynamoInvoices(_Repository):
    def get(self, invoice_id: UUID) -> Invoice | None:
        item = self.uow.get(items.invoice_key(invoice_id))
        return items.invoice_from_item(item) if item else None

    def newest_first(self, *, status: InvoiceStatus | None, limit: int, cursor: str | None) -> Page[Invoice]:
        values: dict[str, Any] = {":pk": items.ALL_INVOICES}
        request: dict[str, Any] = {
            "IndexName": "GSI1",
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI1PK = :pk",
        }
        if status:
            request["FilterExpression"] = "#status = :status"
            request["ExpressionAttributeNames"] = {"#status": "status"}
            values[":status"] = status.value
        request["ExpressionAttributeValues"] = to_attributes(values)
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, items.is_issued_invoice_cursor)
        response = self.uow.query(request)
        invoices = [items.invoice_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(invoices, encode_cursor(response.get("LastEvaluatedKey")))

    def open_due_before(self, day: date) -> list[Invoice]:
        request: dict[str, Any] = {
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK < :day",
            "ExpressionAttributeValues": to_attributes({":pk": items.OPEN_INVOICES, ":day": day.isoformat()}),
        }
        found: list[Invoice] = []
        while True:
            response = self.uow.query(request)
            found += [items.invoice_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
            if not response.get("LastEvaluatedKey"):
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def owned_by(
        self, customer_sub: str, *, status: InvoiceStatus | None, limit: int, cursor: str | None
    ) -> Page[Invoice]:
        request: dict[str, Any] = {
            "Limit": limit,
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :invoices)",
            "ExpressionAttributeValues": to_attributes(
                {":pk": items.owner_partition(customer_sub), ":invoices": "INVOICE#"}
            ),
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, items.is_owner_cursor(customer_sub))
        response = self.uow.query(request)
        ids = [str((from_attributes(i) or {}).get("invoice_id")) for i in response.get("Items", [])]
        found = (
            batch_get(self.uow.client, self.uow.table_name, [items.invoice_key(UUID(i)) for i in ids]) if ids else []
        )
        by_id = {str(i["id"]): items.invoice_from_item(i) for i in found if i.get("type") == "invoice"}
        invoices = [by_id[i] for i in ids if i in by_id and status in (None, by_id[i].status)]
        return Page(invoices, encode_cursor(response.get("LastEvaluatedKey")))

    def add(self, invoice: Invoice) -> None:
        self.uow.put(items.invoice_item(invoice), label="invoice", condition="attribute_not_exists(PK)")
        if invoice.customer_sub:  # its owner's index entry, in the same transaction
            entry = {**items.owner_key(invoice), "type": "owner_invoice", "invoice_id": str(invoice.id)}
            self.uow.put(entry, label="owner_invoice", condition="attribute_not_exists(PK)")

    def save(self, invoice: Invoice, *, expected_version: int) -> None:
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
        self.uow.update(
            items.invoice_key(invoice.id),
            update,
            label="invoice",
            condition="version = :expected",
            names=names,
            values=values,
        )
        invoice.version = expected_version + 1


class DynamoCreditNotes(_Repository):
    def get(self, credit_note_id: UUID) -> CreditNote | None:
        item = self.uow.get(items.credit_note_key(credit_note_id))
        return items.credit_note_from_item(item) if item else None

    def add(self, note: CreditNote) -> None:
        self.uow.put(items.credit_note_item(note), label="credit_note", condition="attribute_not_exists(PK)")


class DynamoOrderAccounts(_Repository):
    def get(self, order_id: str) -> OrderAccount | None:
        return items.account_from_item(order_id, self.uow.get(items.order_key(order_id)))

    def get_with_counter(self, order_id: str, kind: DocumentKind, year: int) -> tuple[OrderAccount | None, int]:
        """The order's record and the series' counter, in one strongly consistent BatchGetItem."""
        order_key, counter_key = items.order_key(order_id), items.counter_key(kind.value, year)
        found = {
            (i["PK"], i["SK"]): i for i in batch_get(self.uow.client, self.uow.table_name, [order_key, counter_key])
        }
        counter = found.get((counter_key["PK"], counter_key["SK"]))
        return (
            items.account_from_item(order_id, found.get((order_key["PK"], order_key["SK"]))),
            int(counter["last"]) if counter else 0,
        )

    def claim_invoice(self, invoice: Invoice, account: OrderAccount | None) -> None:
        if invoice.order_id is None:
            return
        # The order's claim: one invoice per order, and no payment slipped in since we read the order.
        condition = (
            "attribute_not_exists(PK)" if account is None else "attribute_not_exists(invoice_id) AND version = :seen"
        )
        values: dict[str, Any] = {
            ":invoice": str(invoice.id),
            ":number": invoice.number,
            ":one": 1,
            ":zero": 0,
            ":type": "order",
        }
        if account is not None:
            values[":seen"] = account.version
        self.uow.update(
            items.order_key(invoice.order_id),
            "SET invoice_id = :invoice, invoice_number = :number, #type = :type, "
            "version = if_not_exists(version, :zero) + :one",
            label="order",
            condition=condition,
            names={"#type": "type"},
            values=values,
        )

    def add_payment(self, payment: Payment, account: OrderAccount | None) -> None:
        """Keep the payment for the order's invoice; on an order that ended, mark it owed back at once."""
        entry = {"payment_id": str(payment.id), "amount": payment.amount}
        condition = (
            "attribute_not_exists(PK)" if account is None else "attribute_not_exists(invoice_id) AND version = :seen"
        )
        values: dict[str, Any] = {":entry": [entry], ":empty": [], ":one": 1, ":zero": 0, ":type": "order"}
        if account is not None:
            values[":seen"] = account.version
        refund_clause = ""
        if account is not None and account.closed is not None:
            refund_clause, values[":owed"] = (
                ", refund_due = list_append(if_not_exists(refund_due, :empty), :owed)",
                [str(payment.id)],
            )
        self.uow.update(
            items.order_key(str(payment.order_id)),
            "SET payments = list_append(if_not_exists(payments, :empty), :entry), #type = :type, "
            "version = if_not_exists(version, :zero) + :one" + refund_clause,
            label="order",
            condition=condition,
            names={"#type": "type"},
            values=values,
        )

    def place(self, order_id: str, *, customer_email: str, gross_total: Decimal) -> None:
        """Remember a placed order (OrderPlaced): what was already recorded about it stays."""
        self.uow.update(
            items.order_key(order_id),
            "SET customer_email = if_not_exists(customer_email, :email), gross_total = :gross, #type = :type, "
            "version = if_not_exists(version, :zero) + :one",
            label="order",
            names={"#type": "type"},
            values={":email": customer_email, ":gross": gross_total, ":type": "order", ":zero": 0, ":one": 1},
        )

    def close(
        self,
        account: OrderAccount | None,
        order_id: str,
        *,
        closure: OrderClosure,
        customer_email: str | None,
        owed_back: tuple[UUID, ...],
    ) -> None:
        """The order ended before its invoice: its payments ``owed_back`` are marked owed back, and so will
        every later one be. Unless it got an invoice or a payment since ``account`` was read."""
        owed = [str(pid) for pid in owed_back]
        condition = (
            "attribute_not_exists(PK)" if account is None else "attribute_not_exists(invoice_id) AND version = :seen"
        )
        values: dict[str, Any] = {
            ":closed": closure.value,
            ":email": customer_email or "",
            ":ids": owed,
            ":empty": [],
            ":type": "order",
            ":zero": 0,
            ":one": 1,
        }
        if account is not None:
            values[":seen"] = account.version
        self.uow.update(
            items.order_key(order_id),
            "SET closed = :closed, customer_email = if_not_exists(customer_email, :email), #type = :type, "
            "refund_due = list_append(if_not_exists(refund_due, :empty), :ids), "
            "version = if_not_exists(version, :zero) + :one",
            label="order",
            condition=condition,
            names={"#type": "type"},
            values=values,
        )


class DynamoNumberSeries(_Repository):
    def last(self, kind: DocumentKind, year: int) -> int:
        item = self.uow.get(items.counter_key(kind.value, year))
        return int(item["last"]) if item else 0

    def take(self, kind: DocumentKind, year: int, *, seen: int) -> None:
        condition = "attribute_not_exists(#last)" if seen == 0 else "#last = :seen"
        values: dict[str, Any] = {":next": seen + 1, ":type": "counter"}
        if seen:
            values[":seen"] = seen
        self.uow.update(
            items.counter_key(kind.value, year),
            "SET #last = :next, #type = :type",
            label="counter",
            condition=condition,
            names={"#last": "last", "#type": "type"},
            values=values,
        )


class DynamoPayments(_Repository):
    def add(self, payment: Payment) -> None:
        _claim_provider_event(self.uow, payment.provider_event_id, payment.id)
        self.uow.put(items.payment_item(payment), label="payment", condition="attribute_not_exists(PK)")


class DynamoRefunds(_Repository):
    def get(self, refund_id: UUID) -> Refund | None:
        item = self.uow.get(items.refund_key(refund_id))
        return items.refund_from_item(item) if item else None

    def add(self, refund: Refund) -> None:
        self.uow.put(items.refund_item(refund), label="refund", condition="attribute_not_exists(PK)")

    def save(self, refund: Refund, *, expected_version: int) -> None:
        """Write what changes (paid, when, reference) under ``expected_version``."""
        _save_state(self.uow, items.refund_key(refund.id), items.refund_state(refund), expected_version, "refund")
        refund.version = expected_version + 1

    def newest_first(self, *, status: RefundStatus | None, limit: int, cursor: str | None) -> Page[Refund]:
        page = _newest_first(self.uow, items.ALL_REFUNDS, "REFUND#", status, limit, cursor)
        return Page([items.refund_from_item(i) for i in page.items], page.cursor)


class DynamoHeldPayments(_Repository):
    def get(self, payment_id: UUID) -> UnmatchedPayment | None:
        item = self.uow.get(items.payment_key(payment_id))
        return items.held_payment_from_item(item) if item else None

    def add(self, payment: UnmatchedPayment) -> None:
        """The held payment and its provider event (first: a repeated event fails as ``payment_event``)."""
        _claim_provider_event(self.uow, payment.provider_event_id, payment.id)
        self.uow.put(items.held_payment_item(payment), label="payment", condition="attribute_not_exists(PK)")

    def save(self, payment: UnmatchedPayment, *, expected_version: int) -> None:
        _save_state(self.uow, items.payment_key(payment.id), items.held_state(payment), expected_version, "payment")
        payment.version = expected_version + 1

    def newest_first(self, *, status: PaymentStatus | None, limit: int, cursor: str | None) -> Page[UnmatchedPayment]:
        page = _newest_first(self.uow, items.HELD_PAYMENTS, "PAYMENT#", status, limit, cursor)
        return Page([p for i in page.items if (p := items.held_payment_from_item(i))], page.cursor)


def _claim_provider_event(uow: DynamoUnitOfWork, provider_event_id: str, payment_id: UUID) -> None:
    uow.put(
        {**items.payment_event_key(provider_event_id), "type": "payment_event", "payment_id": str(payment_id)},
        label="payment_event",
        condition="attribute_not_exists(PK)",
        return_old=True,
    )


def _save_state(
    uow: DynamoUnitOfWork, key: dict[str, str], state: dict[str, str | None], expected_version: int, label: str
) -> None:
    names = {f"#{k}": k for k in state}
    values: dict[str, object] = {f":{k}": v for k, v in state.items() if v is not None}
    values |= {":next": expected_version + 1, ":expected": expected_version}
    assignments = [f"#{k} = :{k}" for k, v in state.items() if v is not None] + ["version = :next"]
    removed = [f"#{k}" for k, v in state.items() if v is None]
    update = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removed) if removed else "")
    uow.update(key, update, label=label, condition="version = :expected", names=names, values=values)


def _newest_first(
    uow: DynamoUnitOfWork, partition: str, prefix: str, status: StrEnum | None, limit: int, cursor: str | None
) -> Page[dict[str, object]]:
    """One page of a GSI1 partition, newest first, optionally of one ``status`` (a filter)."""
    values: dict[str, Any] = {":pk": partition}
    request: dict[str, Any] = {
        "IndexName": "GSI1",
        "Limit": limit,
        "ScanIndexForward": False,
        "KeyConditionExpression": "GSI1PK = :pk",
    }
    if status is not None:
        request["FilterExpression"] = "#status = :status"
        request["ExpressionAttributeNames"] = {"#status": "status"}
        values[":status"] = status.value
    request["ExpressionAttributeValues"] = to_attributes(values)
    if cursor:
        request["ExclusiveStartKey"] = decode_cursor(cursor, items.listing_cursor(partition, prefix))
    response = uow.query(request)
    found = [from_attributes(i) or {} for i in response.get("Items", [])]
    return Page(found, encode_cursor(response.get("LastEvaluatedKey")))
