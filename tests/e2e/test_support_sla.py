"""SLAs over the fast clock: a ticket nobody answers raises TicketSlaWarning and then TicketSlaBreached when the
``sla-check`` function runs at the runtime's (1000x) time, is escalated to high, and its view shows the target
breached. Business code reads the wall clock, not the runtime's, so the check is given the runtime's instant as
its ``scheduled_time`` (what EventBridge Scheduler's ``<aws.scheduler.scheduled-time>`` would carry). 8 business
hours of first response on the suite's around-the-clock calendar are ~29 s of runtime uptime at CLOCK_SPEED."""

from __future__ import annotations

import uuid

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e

SUPPORT = "support@tandem.example"


def _sla_events(http, ticket_id: str) -> dict[str, dict]:
    _, body = http.get("/_local/events?limit=100000")
    found = {}
    for event in body["events"]:
        data = event["detail"]["data"]
        if event["detail-type"].startswith("TicketSla") and data.get("ticket_id") == ticket_id:
            found[event["detail-type"]] = data
    return found


def _checked_until_breached(http, runtime, ticket_id: str) -> dict[str, dict]:
    event = {"schedule": "sla-check", "scheduled_time": runtime.clock.now().isoformat()}
    result = runtime.invoke("SupportSlaCheckFunction", event)
    assert not result.errored, result.payload
    found = _sla_events(http, ticket_id)  # through the outbox and the relay: a later poll sees what is late
    return found if "TicketSlaBreached" in found else {}


def test_an_unanswered_ticket_is_warned_then_breached_and_escalated(http, runtime):
    agent = http.token("agent-sla", "support")
    customer = f"sla.{uuid.uuid4().hex[:8]}@example.com"
    raw = (
        f"From: {customer}\r\nTo: {SUPPORT}\r\nSubject: Nobody answers\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mail.example.com>\r\nDate: Mon, 07 Dec 2026 09:30:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHello?\r\n"
    ).encode()
    status, body = http.request("POST", "/_local/inbound-email", raw=raw, headers={"content-type": "message/rfc822"})
    assert status == 202, body

    def ticket_of_customer():
        _, page = http.get("/tickets?limit=100", token=agent)
        return [t for t in page["items"] if t["requester_email"] == customer]

    [summary] = eventually(ticket_of_customer)
    status, view = http.get(f"/tickets/{summary['id']}", token=agent)
    assert status == 200 and view["priority"] == "normal"
    first = next(t for t in view["sla"] if t["target"] == "first_response")
    assert first["goal_minutes"] == 480 and not first["breached"] and first["remaining_minutes"] > 0

    found = eventually(lambda: _checked_until_breached(http, runtime, summary["id"]), timeout=120, interval=1.0)
    breach = found["TicketSlaBreached"]
    assert breach["target"] == "first_response" and (breach["priority"], breach["escalated_to"]) == ("normal", "high")
    # warned on the way when a run fell in the last quarter (always when this test runs alone; a runtime up for
    # a while is past the due time at the first run, and a breach seen first is raised as a breach only)
    assert found.get("TicketSlaWarning", {"target": "first_response"})["target"] == "first_response"
    status, view = http.get(f"/tickets/{summary['id']}", token=agent)
    assert status == 200 and view["priority"] == "high"
    first = next(t for t in view["sla"] if t["target"] == "first_response")
    assert first["breached"]  # recorded; its remaining time is on the wall clock here, so not asserted
    status, again = http.get(f"/tickets/{summary['id']}", token=http.token("someone", "customer"))
    assert status == 404  # a customer never sees the desk's ticket, nor its SLA
