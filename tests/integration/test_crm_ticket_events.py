"""CrmOnTicketEventFunction: support ticket events on the customer timeline and open tickets, under moto.

The CRM learns of tickets only through the events (it never reads the support table): the same
customer record as the commerce events (ada@example.com), idempotent per event id, in any order.
"""

from __future__ import annotations

import copy
import uuid

import pytest
from tandem.crm.customers.domain.errors import CustomerNotYetKnown

CONSUMER = "CrmOnTicketEventFunction"
ADA = str(uuid.uuid5(uuid.NAMESPACE_URL, "tandem:customer:ada@example.com"))
TICKET = "3f6c1a52-8d4e-4b7a-9c21-5e0d7f8a9b10"


def _timeline_items(stack) -> list[dict]:
    return [item for item in stack.items() if item.get("type") == "timeline_entry"]


def _open_tickets(api, sample) -> list[dict]:
    status, body = api(sample("crm_api/get_customer"))
    assert status == 200, body
    return body["open_tickets"]


def _record(stack, sample, *names: str) -> None:
    for name in names:
        assert stack.call(CONSUMER, sample(f"crm_on_ticket_event/{name}"))["customer_id"] == ADA


def test_a_ticket_and_its_messages_appear_on_the_timeline(stack, api, sample):
    _record(stack, sample, "ticket_opened", "ticket_message_received", "ticket_replied", "ticket_status_changed")

    status, body = api(sample("crm_api/get_customer_timeline"))

    assert status == 200
    assert [(e["event_type"], e["summary"]) for e in body["items"]] == [
        ("TicketOpened", "Ticket T-000123 opened by email: Order 1042 arrived damaged"),
        ("TicketMessageReceived", "Message on ticket T-000123: Here is a photo of the damage."),
        ("TicketReplied", "Support replied on ticket T-000123: Sorry to hear that: a replacement is on its way."),
        ("TicketStatusChanged", "Ticket T-000123 is now pending (was new)"),
    ]
    assert {(e["ticket_id"], e["ticket_number"]) for e in body["items"]} == {(TICKET, "T-000123")}
    assert all(e["order_id"] is None and e["amount"] is None for e in body["items"])


def test_an_open_ticket_shows_on_the_customer_until_it_is_solved(stack, api, sample):
    _record(stack, sample, "ticket_opened")
    [ticket] = _open_tickets(api, sample)
    assert ticket == {
        "ticket_id": TICKET,
        "number": "T-000123",
        "subject": "Order 1042 arrived damaged",
        "status": "new",
        "opened_at": "2026-12-07T09:30:00Z",
    }

    _record(stack, sample, "ticket_status_changed")
    assert [t["status"] for t in _open_tickets(api, sample)] == ["pending"]

    _record(stack, sample, "ticket_solved")
    assert _open_tickets(api, sample) == []


def test_a_merged_ticket_leaves_the_open_tickets(stack, api, sample):
    _record(stack, sample, "ticket_opened", "second_ticket_opened")
    assert [t["number"] for t in _open_tickets(api, sample)] == ["T-000123", "T-000124"]

    _record(stack, sample, "ticket_merged")

    assert [t["number"] for t in _open_tickets(api, sample)] == ["T-000123"]


def test_events_out_of_order_end_in_the_latest_status(stack, api, sample):
    # Solved before the TicketOpened arrives: the late opening does not make it open again.
    _record(stack, sample, "ticket_status_changed")
    [early] = _open_tickets(api, sample)
    assert early["status"] == "pending" and early["subject"] is None and early["opened_at"] is None

    _record(stack, sample, "ticket_solved", "ticket_opened")

    assert _open_tickets(api, sample) == []
    [summary] = [item for item in stack.items() if item.get("type") == "customer_ticket"]
    assert summary["status"] == "solved" and summary["subject"] == "Order 1042 arrived damaged"


def test_the_same_event_twice_is_recorded_once(stack, sample, dynamodb):
    event = sample("crm_on_ticket_event/ticket_opened")
    assert stack.call(CONSUMER, event)["recorded"] is True
    table = stack.physical["IdempotencyTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:  # past the idempotency record: the timeline's own check
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})

    assert stack.call(CONSUMER, event)["recorded"] is False
    assert len(_timeline_items(stack)) == 1


def test_a_message_without_requester_email_waits_for_the_ticket_link(stack, sample, dynamodb):
    message = sample("crm_on_ticket_event/ticket_message_received")
    del message["detail"]["data"]["requester_email"]  # as published before the field existed

    with pytest.raises(CustomerNotYetKnown):
        stack.call(CONSUMER, message)
    assert dynamodb.scan(TableName=stack.physical["IdempotencyTable"])["Items"] == []

    _record(stack, sample, "ticket_opened")
    assert stack.call(CONSUMER, message) == {"customer_id": ADA, "recorded": True}  # Lambda's retry


def test_a_stranger_s_ticket_creates_their_customer_record(stack, api, sample):
    event = copy.deepcopy(sample("crm_on_ticket_event/ticket_opened"))
    event["detail"]["data"]["requester_email"] = "Grace@Example.com"

    result = stack.call(CONSUMER, event)

    grace = str(uuid.uuid5(uuid.NAMESPACE_URL, "tandem:customer:grace@example.com"))
    assert result == {"customer_id": grace, "recorded": True}
    get = sample("crm_api/get_customer")
    get["pathParameters"]["id"] = grace
    get["path"] = get["path"].replace(ADA, grace)
    status, body = api(get)
    assert status == 200 and body["name"] is None and [t["number"] for t in body["open_tickets"]] == ["T-000123"]


def test_commerce_and_support_meet_on_one_record(stack, api, sample):
    stack.call("CrmOnCommerceEventFunction", sample("crm_on_commerce_event/order_placed"))
    _record(stack, sample, "ticket_opened")

    status, body = api(sample("crm_api/get_customer_timeline"))

    assert status == 200 and [e["event_type"] for e in body["items"]] == ["OrderPlaced", "TicketOpened"]
    assert [t["number"] for t in _open_tickets(api, sample)] == ["T-000123"]


def test_a_satisfaction_rating_appears_on_the_timeline_once(stack, api, sample):
    _record(stack, sample, "ticket_opened", "csat_recorded", "csat_recorded")  # the second: a redelivery

    status, body = api(sample("crm_api/get_customer_timeline"))

    assert status == 200
    assert [(e["event_type"], e["summary"]) for e in body["items"]] == [
        ("TicketOpened", "Ticket T-000123 opened by email: Order 1042 arrived damaged"),
        ("CsatRecorded", "Ticket T-000123 rated 5 of 5 by the customer"),
    ]
