"""Customers on the CRM table: customers, their timelines and the order/invoice links that find them.

Access patterns (single table, ``CrmTable``, shared with the leads context):
* customer by id:          PK=CUSTOMER#<id>, SK=CUSTOMER (id = uuid5 of the lower-cased email)
* timeline, oldest first:  PK=CUSTOMER#<id>, SK begins_with EVENT#, SK=EVENT#<occurred_at ISO>#<event id>
                           (put only if new: a redelivered event adds nothing)
* customer of an order:    PK=ORDER#<order id>, SK=CUSTOMER_LINK -> customer_id, email
* customer of an invoice:  PK=INVOICE#<invoice id>, SK=CUSTOMER_LINK -> customer_id, email
* a subject's customer:    PK=SUBJECT#<token sub>, SK=CUSTOMER_LINK -> customer_id, email (the latest recorded
                           order's; ``GET /customers/me``); the customer item's ``subjects`` (a string set)
                           holds every sub that ordered under its email

Writes are collected by ``DynamoUnitOfWork`` and land in one ``TransactWriteItems`` at commit;
its ``customers`` repository reads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.crm.customers.domain.commands import RecordActivity
from tandem.crm.customers.domain.errors import DuplicateActivity
from tandem.crm.customers.domain.model import Customer, CustomerRef, TimelineEntry
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, is_time_and_id
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LINK_SK = "CUSTOMER_LINK"
SUBJECT = "SUBJECT"  # link kind: a token ``sub`` -> the customer of its latest recorded order


def customer_key(customer_id: UUID) -> dict[str, str]:
    return {"PK": f"CUSTOMER#{customer_id}", "SK": "CUSTOMER"}


def link_key(kind: str, value: str) -> dict[str, str]:
    return {"PK": f"{kind}#{value}", "SK": LINK_SK}


def entry_item(customer_id: UUID, entry: TimelineEntry) -> dict[str, Any]:
    occurred = iso(entry.occurred_at)
    return {
        "PK": f"CUSTOMER#{customer_id}",
        "SK": f"EVENT#{occurred}#{entry.event_id}",
        "type": "timeline_entry",
        "event_id": str(entry.event_id),
        "occurred_at": occurred,
        "event_type": entry.event_type,
        "summary": entry.summary,
        "order_id": entry.order_id,
        "invoice_id": entry.invoice_id,
        "amount": entry.amount,
        "currency": entry.currency,
    }


def entry_from_item(item: dict[str, Any]) -> TimelineEntry:
    amount = item.get("amount")
    return TimelineEntry(
        event_id=UUID(item["event_id"]),
        occurred_at=datetime.fromisoformat(item["occurred_at"]),
        event_type=item["event_type"],
        summary=item["summary"],
        order_id=item.get("order_id"),
        invoice_id=item.get("invoice_id"),
        amount=Decimal(amount) if amount is not None else None,
        currency=item.get("currency"),
    )


def customer_from_item(item: dict[str, Any]) -> Customer:
    return Customer(
        id=UUID(item["id"]),
        email=item["email"],
        name=item.get("name"),
        created_at=datetime.fromisoformat(item["created_at"]),
        subjects=frozenset(str(s) for s in item.get("subjects") or ()),
    )


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on CrmTable; it owns the customers repository."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.customers = DynamoCustomerRepository(self)

    def commit(self) -> None:
        try:
            with storage_errors("TransactWriteItems"):
                super().commit()
        except ConditionFailed as failed:
            if failed.label == "timeline":
                raise DuplicateActivity() from failed
            raise


def _issued_timeline_cursor(customer_id: UUID) -> Callable[[dict[str, str]], bool]:
    """Only keys of THIS customer's timeline entries: ``PK=CUSTOMER#<id>``, ``SK=EVENT#<time>#<event id>``."""

    def issued(plain: dict[str, str]) -> bool:
        prefix, _, rest = plain.get("SK", "").partition("#")
        return (
            set(plain) == {"PK", "SK"}
            and plain["PK"] == f"CUSTOMER#{customer_id}"
            and prefix == "EVENT"
            and is_time_and_id(rest)
        )

    return issued


class DynamoCustomerRepository:
    """Customers, timelines and links: ``add_activity`` goes into the unit of work's transaction
    (one per event: the customer upsert, the timeline entry only if new, the links), reads go to the
    table at once."""

    def __init__(self, uow: OutboxUnitOfWork) -> None:
        self.uow = uow

    def add_activity(self, customer: CustomerRef, activity: RecordActivity) -> None:
        entry = activity.entry
        update = (
            "SET #type = :type, id = :id, email = if_not_exists(email, :email), "
            "created_at = if_not_exists(created_at, :at)"
        )
        values: dict[str, Any] = {
            ":type": "customer",
            ":id": str(customer.id),
            ":email": customer.email,
            ":at": iso(entry.occurred_at),
        }
        if activity.customer_name:  # only OrderPlaced and InvoiceIssued carry a name; the latest one wins
            update += ", #name = :name"
            values[":name"] = activity.customer_name
        names = {"#type": "type", **({"#name": "name"} if activity.customer_name else {})}
        links = list(activity.links)
        if activity.customer_sub:  # the owner the event names: may read this record (``Viewer``)
            update += " ADD subjects :subjects"
            values[":subjects"] = {activity.customer_sub}
            links.append((SUBJECT, activity.customer_sub))
        self.uow.update(customer_key(customer.id), update, label="customer", names=names, values=values)
        self.uow.put(entry_item(customer.id, entry), label="timeline", condition="attribute_not_exists(PK)")
        for kind, value in links:
            self.uow.put(
                {
                    **link_key(kind, value),
                    "type": "customer_link",
                    "customer_id": str(customer.id),
                    "email": customer.email,
                },
                label=f"link:{kind}",
            )

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with storage_errors("GetItem"):
            response = self.uow.client.get_item(
                TableName=self.uow.table_name, Key=to_attributes(key), ConsistentRead=True
            )
        return from_attributes(response.get("Item"))

    def get(self, customer_id: UUID) -> Customer | None:
        item = self._get(customer_key(customer_id))
        return customer_from_item(item) if item else None

    def owner_of(self, links: tuple[tuple[str, str], ...]) -> CustomerRef | None:
        """The customer an earlier event tied to one of ``links`` (order first, then invoice)."""
        for kind, value in links:
            item = self._get(link_key(kind, value))
            if item:
                return CustomerRef(id=UUID(item["customer_id"]), email=item["email"])
        return None

    def of_subject(self, subject: str) -> CustomerRef | None:
        """The customer a token ``sub`` last ordered as (its ``SUBJECT`` link), or None."""
        return self.owner_of(((SUBJECT, subject),))

    def timeline(self, customer: Customer, limit: int, cursor: str | None) -> Page[TimelineEntry]:
        request: dict[str, Any] = {
            "TableName": self.uow.table_name,
            "Limit": limit,
            "ScanIndexForward": True,
            "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :events)",
            "ExpressionAttributeValues": {":pk": {"S": f"CUSTOMER#{customer.id}"}, ":events": {"S": "EVENT#"}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _issued_timeline_cursor(customer.id))
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        entries = [entry_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
        return Page(items=entries, cursor=encode_cursor(response.get("LastEvaluatedKey")))
