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
* customer of a ticket:    PK=TICKET#<ticket id>, SK=CUSTOMER_LINK -> customer_id, email
* a ticket's summary:      PK=CUSTOMER#<id>, SK=TICKET#<ticket id> (number, subject, status, status_at,
                           opened_at); kept when solved/closed/merged, so that a late event cannot revive it,
                           and left out of ``open_tickets`` then. Written only if ``status_at`` is still what
                           was read (another event of the ticket in between: ``TransactionConflict``, retried)

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
from tandem.crm.customers.domain.model import (
    OPEN_TICKET_STATUSES,
    Customer,
    CustomerRef,
    TicketChange,
    TicketSummary,
    TimelineEntry,
)
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, is_time_and_id
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.errors import ConditionFailed, TransactionConflict
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LINK_SK = "CUSTOMER_LINK"
SUBJECT = "SUBJECT"  # link kind: a token ``sub`` -> the customer of its latest recorded order
OPEN_TICKETS_MAX = 100  # shown on a customer record; more open tickets than that is not a 360° view any more


def customer_key(customer_id: UUID) -> dict[str, str]:
    return {"PK": f"CUSTOMER#{customer_id}", "SK": "CUSTOMER"}


def link_key(kind: str, value: str) -> dict[str, str]:
    return {"PK": f"{kind}#{value}", "SK": LINK_SK}


def ticket_key(customer_id: UUID, ticket_id: str) -> dict[str, str]:
    return {"PK": f"CUSTOMER#{customer_id}", "SK": f"TICKET#{ticket_id}"}


def ticket_item(customer_id: UUID, ticket: TicketSummary) -> dict[str, Any]:
    return {
        **ticket_key(customer_id, ticket.ticket_id),
        "type": "customer_ticket",
        "ticket_id": ticket.ticket_id,
        "number": ticket.number,
        "status": ticket.status,
        "status_at": iso(ticket.status_at),
        "subject": ticket.subject,
        "opened_at": iso(ticket.opened_at) if ticket.opened_at else None,
    }


def ticket_from_item(item: dict[str, Any]) -> TicketSummary:
    opened_at = item.get("opened_at")
    return TicketSummary(
        ticket_id=item["ticket_id"],
        number=item["number"],
        status=item["status"],
        status_at=datetime.fromisoformat(item["status_at"]),
        subject=item.get("subject"),
        opened_at=datetime.fromisoformat(opened_at) if opened_at else None,
    )


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
        "ticket_id": entry.ticket_id,
        "ticket_number": entry.ticket_number,
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
        ticket_id=item.get("ticket_id"),
        ticket_number=item.get("ticket_number"),
    )


def customer_from_item(item: dict[str, Any], open_tickets: tuple[TicketSummary, ...] = ()) -> Customer:
    return Customer(
        id=UUID(item["id"]),
        email=item["email"],
        name=item.get("name"),
        created_at=datetime.fromisoformat(item["created_at"]),
        subjects=frozenset(str(s) for s in item.get("subjects") or ()),
        open_tickets=open_tickets,
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
            if failed.label == "ticket":  # another event of this ticket was recorded since we read it
                raise TransactionConflict() from failed
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
        if activity.ticket:
            self._change_ticket(customer.id, activity.ticket)
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

    def _change_ticket(self, customer_id: UUID, change: TicketChange) -> None:
        """The ticket's summary after ``change``, written only if nobody wrote it since it was read."""
        key = ticket_key(customer_id, change.ticket_id)
        item = self._get(key)
        current = ticket_from_item(item) if item else None
        summary = TicketSummary.after(current, change)
        if summary == current:
            return  # an older status than the one recorded: nothing to change
        if current is None:
            condition, values = "attribute_not_exists(PK)", None
        else:
            condition, values = "status_at = :read", {":read": iso(current.status_at)}
        self.uow.put(ticket_item(customer_id, summary), label="ticket", condition=condition, values=values)

    def _open_tickets(self, customer_id: UUID) -> tuple[TicketSummary, ...]:
        request: dict[str, Any] = {
            "TableName": self.uow.table_name,
            "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :tickets)",
            "FilterExpression": "#status IN (" + ", ".join(f":s{i}" for i in range(len(OPEN_TICKET_STATUSES))) + ")",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":pk": {"S": f"CUSTOMER#{customer_id}"},
                ":tickets": {"S": "TICKET#"},
                **{f":s{i}": {"S": status} for i, status in enumerate(sorted(OPEN_TICKET_STATUSES))},
            },
        }
        found: list[TicketSummary] = []
        while len(found) < OPEN_TICKETS_MAX:
            with storage_errors("Query"):
                response = self.uow.client.query(**request)
            found += [ticket_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        # Oldest first, as the timeline; a ticket whose TicketOpened has not arrived yet sorts by its status.
        found.sort(key=lambda t: (t.opened_at or t.status_at, t.number))
        return tuple(found[:OPEN_TICKETS_MAX])

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with storage_errors("GetItem"):
            response = self.uow.client.get_item(
                TableName=self.uow.table_name, Key=to_attributes(key), ConsistentRead=True
            )
        return from_attributes(response.get("Item"))

    def get(self, customer_id: UUID) -> Customer | None:
        item = self._get(customer_key(customer_id))
        return customer_from_item(item, self._open_tickets(customer_id)) if item else None

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
