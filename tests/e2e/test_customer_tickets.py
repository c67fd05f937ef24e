"""Support ticket events on the local bus reach the customer 360°: timeline and open tickets (the CRM reads
only the events, never the support table)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e


def _publish(runtime, event_type: str, data: dict) -> None:
    now = datetime.now(UTC)
    detail = {
        "metadata": {
            "event_id": str(uuid.uuid4()),
            "event_type": event_type,
            "version": 1,
            "occurred_at": now.isoformat().replace("+00:00", "Z"),
            "correlation_id": "e2e-tickets",
            "causation_id": "e2e-tickets",
        },
        "data": data,
    }
    entry = {
        "Source": "tandem.support",
        "DetailType": event_type,
        "Detail": json.dumps(detail),
        "EventBusName": runtime.physical_id("EventBus"),
        "Time": now,
    }
    assert runtime.client("events").put_events(Entries=[entry])["FailedEntryCount"] == 0


def _customer(http, token, email):
    status, page = http.get(f"/customers?email={email}", token=token)
    assert status == 200, page
    return page["items"][0] if page["items"] else None


def test_a_ticket_shows_on_the_customer_and_leaves_when_solved(runtime, http):
    email, ticket_id = f"ada.{uuid.uuid4().hex[:8]}@example.com", str(uuid.uuid4())
    ticket = {"ticket_id": ticket_id, "number": "T-000901", "requester_email": email}
    sales = http.token("sam", "sales")

    _publish(
        runtime,
        "TicketOpened",
        {**ticket, "subject": "Lid broken", "channel": "email", "priority": "normal", "excerpt": "The lid…"}
        | {"opened_at": datetime.now(UTC).isoformat()},
    )
    customer = eventually(lambda: _customer(http, sales, email))
    assert [t["number"] for t in customer["open_tickets"]] == ["T-000901"]

    _publish(
        runtime,
        "TicketStatusChanged",
        {**ticket, "from_status": "new", "to_status": "solved", "changed_at": datetime.now(UTC).isoformat()},
    )
    assert eventually(lambda: (c := _customer(http, sales, email)) and not c["open_tickets"])
    status, timeline = http.get(f"/customers/{customer['id']}/timeline", token=sales)
    assert status == 200
    assert [e["event_type"] for e in timeline["items"]] == ["TicketOpened", "TicketStatusChanged"]
    assert timeline["items"][0]["summary"] == "Ticket T-000901 opened by email: Lid broken"
