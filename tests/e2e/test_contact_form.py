"""A web contact form becomes a CRM lead, a LeadCaptured event and an acknowledgement email."""

from __future__ import annotations

import uuid

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e


def _form(**overrides):
    email = overrides.pop("email", f"ada.{uuid.uuid4().hex[:8]}@example.com")
    return {
        "name": "Ada Lovelace",
        "email": email,
        "message": "Need a quote for 40 seats",
        "consent": True,
        **overrides,
    }


def _emails_to(http, address):
    status, body = http.get("/_local/emails")
    assert status == 200
    return [m for m in body["emails"] if address in m["to"]]


def _lead_events(http, lead_id):
    status, body = http.get("/_local/events")
    assert status == 200
    return [
        e for e in body["events"] if e["detail-type"] == "LeadCaptured" and e["detail"]["data"]["lead_id"] == lead_id
    ]


def test_contact_form_becomes_lead_event_and_acknowledgement(http):
    form = _form()

    status, body = http.post("/forms/contact", form)

    assert status == 202, body
    lead_id = body["lead_id"]
    [email] = eventually(lambda: _emails_to(http, form["email"]))
    assert "Ada" in email["text"]
    [event] = eventually(lambda: _lead_events(http, lead_id))
    assert event["source"] == "tandem.crm"
    assert event["detail"]["metadata"]["version"] == 1
    sales = http.token("sam", "sales")
    status, lead = http.get(f"/leads/{lead_id}", token=sales)
    assert status == 200
    assert lead["email"] == form["email"]
    status, page = http.get("/leads", token=sales)
    assert status == 200
    assert lead_id in [item["lead_id"] for item in page["items"]]


def test_correlation_id_from_the_request_reaches_the_event(http):
    correlation_id = f"corr-{uuid.uuid4()}"

    status, body = http.post("/forms/contact", _form(), headers={"x-correlation-id": correlation_id})

    assert status == 202
    [event] = eventually(lambda: _lead_events(http, body["lead_id"]))
    assert event["detail"]["metadata"]["correlation_id"] == correlation_id


def test_same_email_and_message_again_returns_the_same_lead(http, runtime):
    form = _form()

    _, first = http.post("/forms/contact", form)
    _, second = http.post("/forms/contact", form)

    assert first["lead_id"] == second["lead_id"]
    eventually(lambda: _emails_to(http, form["email"]))
    runtime.wait_idle(timeout=5)
    assert len(_emails_to(http, form["email"])) == 1


def test_filled_honeypot_is_accepted_but_nothing_happens(http, runtime):
    form = _form(website="http://spam.example")

    status, body = http.post("/forms/contact", form)

    assert status == 202
    runtime.wait_idle(timeout=5)
    assert _emails_to(http, form["email"]) == []
    status, _ = http.get(f"/leads/{body['lead_id']}", token=http.token("sam", "sales"))
    assert status == 404


def test_leads_need_a_token(http):
    status, body = http.get("/leads")

    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_leads_are_for_the_sales_group(http):
    status, body = http.get("/leads", token=http.token("carl", "customer"))

    assert status == 403
    assert body["error"]["code"] == "forbidden"
