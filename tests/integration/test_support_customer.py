"""The customer's side of the support desk under moto: the public support form and a signed-in customer's
tickets (open, list their own, read without notes, answer), through the handlers as API Gateway calls them."""

from __future__ import annotations

import copy
import email
import email.policy
import json
from typing import Any
from uuid import UUID, uuid4

import pytest
from moto.ses.models import ses_backends
from tandem.shared.auth import Identity
from tandem.support.bootstrap import services
from tandem.support.domain.commands import TicketQuery
from tandem.support.domain.messages import Direction, TicketMessage
from tandem.support.domain.rules import TicketStatus

from tests.integration.conftest import REGION

ADA, BOB = "3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
AGENT = Identity(sub="agent-1", email="agent@tandem.example", email_verified=True, groups=frozenset({"support"}))
FORM = {"name": "Ada Lovelace", "email": "ada@example.com", "subject": "Broken lid", "message": "Order 1042."}


def _sent() -> list[email.message.EmailMessage]:
    backend = ses_backends["123456789012"][REGION]
    raw = [m.raw_data for m in backend.sent_messages if hasattr(m, "raw_data")]
    return [email.message_from_bytes(r.encode() if isinstance(r, str) else r, policy=email.policy.default) for r in raw]


@pytest.fixture
def call(stack, sample):
    """(function, method, path, body, who) -> (status, json body); ``who``: None (no claims) or (sub, group, email)."""

    def send(
        function: str, method: str, path: str, body: Any = None, who: tuple | None = None, headers=None, **query: str
    ):
        event = copy.deepcopy(sample("support_api/open_ticket"))
        event["headers"].update(headers or {})
        if event.get("multiValueHeaders") is not None:
            event["multiValueHeaders"].update({k: [v] for k, v in (headers or {}).items()})
        event.update(httpMethod=method, path=path, resource=path, body=None if body is None else json.dumps(body))
        event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        if who is None:
            event["requestContext"].pop("authorizer", None)
            event["headers"].pop("Authorization", None)
        else:
            claims = event["requestContext"]["authorizer"]["claims"]
            sub, group, address = who
            claims.update({"sub": sub, "cognito:username": sub, "cognito:groups": group})
            claims.update({"email": address or "", "email_verified": "true" if address else "false"})
        response = stack.call(function, event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


def ada(call, *args, **kwargs):
    return call(*args, who=(ADA, "customer", "ada@example.com"), **kwargs)


def _open(call, who=(ADA, "customer", "ada@example.com"), subject="Where is my order?") -> dict:
    status, ticket = call("SupportApiFunction", "POST", "/tickets", {"subject": subject, "body_text": "Hi"}, who=who)
    assert status == 201, ticket
    return ticket


def _outbox_events(stack) -> list[dict]:
    return [i for i in stack.items("SupportTable") if str(i["PK"]).startswith("OUTBOX#")]


def test_the_support_form_opens_a_web_ticket_with_one_acknowledgement(stack, call):
    status, body = call("SupportCustomerApiFunction", "POST", "/forms/support", FORM)
    assert status == 202 and body["status"] == "received"
    [ticket] = services().tickets_for(AGENT, TicketQuery(), 10, None).items
    assert str(ticket.id) == body["ticket_id"] and ticket.reference == "T-000001"
    assert ticket.channel.value == "web_form" and ticket.requester.email == "ada@example.com"
    assert ticket.requester.customer_sub is None  # the form proves no identity: the desk's ticket
    [ack] = _sent()
    assert ack["To"] == "ada@example.com" and ack["Auto-Submitted"] == "auto-replied"
    assert "[#T-000001]" in ack["Subject"] and ack["Reply-To"].startswith("support+")
    [opened] = [e for e in _outbox_events(stack) if "TicketOpened" in json.dumps(e)]
    assert "web_form" in json.dumps(opened)


def test_a_filled_honeypot_looks_accepted_and_stores_and_sends_nothing(stack, call):
    status, body = call("SupportCustomerApiFunction", "POST", "/forms/support", {**FORM, "website": "http://x"})
    assert status == 202 and body["ticket_id"]
    assert stack.items("SupportTable") == [] and _sent() == []


@pytest.mark.parametrize(
    "change",
    [{"email": "not-an-address"}, {"email": "a@b.c\r\nBcc: x@y.z"}, {"subject": "a\nb"}, {"message": ""}, {"x": 1}],
)
def test_a_bad_form_is_a_422_and_stores_nothing(stack, call, change):
    status, body = call("SupportCustomerApiFunction", "POST", "/forms/support", {**FORM, **change})
    assert status == 422 and body["error"]["code"] == "validation_failed"
    assert stack.items("SupportTable") == [] and _sent() == []


def test_the_form_acknowledges_at_most_three_times_an_hour_per_address(call):
    for n in range(5):
        assert call("SupportCustomerApiFunction", "POST", "/forms/support", {**FORM, "message": f"#{n}"})[0] == 202
    assert len(_sent()) == 3


def test_a_customer_opens_reads_and_lists_only_their_own_tickets(stack, call):
    mine = _open(call)
    assert mine["number"] == "T-000001" and mine["channel"] == "app" and mine["status"] == "new"
    assert [m["direction"] for m in mine["messages"]] == ["inbound"]
    theirs = _open(call, who=(BOB, "customer", "bob@example.com"), subject="Bob's")
    assert len(_sent()) == 2  # each got an acknowledgement
    status, page = ada(call, "SupportApiFunction", "GET", "/tickets")
    assert status == 200 and [t["id"] for t in page["items"]] == [mine["id"]]
    status, page = call("SupportApiFunction", "GET", "/tickets", who=(ADA, "support", "agent@tandem.example"))
    assert {t["id"] for t in page["items"]} == {mine["id"], theirs["id"]}  # an agent sees every ticket
    assert ada(call, "SupportTicketApiFunction", "GET", f"/tickets/{theirs['id']}")[0] == 404
    assert ada(call, "SupportTicketApiFunction", "GET", f"/tickets/{mine['id']}")[0] == 200
    assert ada(call, "SupportApiFunction", "GET", "/tickets", status="solved")[1]["items"] == []
    assert ada(call, "SupportApiFunction", "GET", "/tickets", tag="vip")[0] == 422  # the desk's filters


def test_a_customer_answers_their_own_ticket_which_reopens_without_an_email(stack, call):
    mine = _open(call)
    service = services()
    with service.uow() as uow:  # the desk solved it and left an internal note
        ticket = uow.tickets.get(UUID(mine["id"]))
        assert ticket is not None
        ticket.change_status(TicketStatus.SOLVED, service.clock.now())
        note = TicketMessage(uuid4(), Direction.NOTE, "agent@tandem.example", "VIP", service.clock.now(), author="a1")
        ticket.add_note(note)
        uow.tickets.save(ticket)
        uow.commit()
    sent = len(_sent())
    status, view = ada(call, "SupportApiFunction", "POST", f"/tickets/{mine['id']}/replies", {"body_text": "Still?"})
    assert status == 200 and view["status"] == "open"
    assert [m["direction"] for m in view["messages"]] == ["inbound", "inbound"]  # no note for the customer
    assert view["messages"][-1]["from"] == "ada@example.com" and len(_sent()) == sent
    status, page = ada(call, "SupportApiFunction", "GET", "/tickets")
    assert page["items"][0]["status"] == "open"  # the owner copy moved with the ticket


def test_what_a_customer_may_not_do_on_replies(stack, call):
    mine = _open(call)
    theirs = _open(call, who=(BOB, "customer", "bob@example.com"))
    path = f"/tickets/{mine['id']}/replies"
    status, body = ada(call, "SupportApiFunction", "POST", path, {"body_text": "x", "then": "solved"})
    assert status == 422 and body["error"]["code"] == "desk_only_field"
    assert ada(call, "SupportApiFunction", "POST", f"/tickets/{theirs['id']}/replies", {"body_text": "x"})[0] == 404


def test_without_a_verified_email_a_customer_cannot_open_a_ticket(stack, call):
    status, body = call(
        "SupportApiFunction", "POST", "/tickets", {"subject": "s", "body_text": "b"}, who=(ADA, "customer", None)
    )
    assert status == 403 and body["error"]["code"] == "email_not_verified"
    assert stack.items("SupportTable") == []


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ((ADA, "sales", "ada@example.com"), 403)])
def test_opening_a_ticket_needs_the_customer_group(stack, call, who, expected):
    assert call("SupportApiFunction", "POST", "/tickets", {"subject": "s", "body_text": "b"}, who=who)[0] == expected
    assert stack.items("SupportTable") == []


def test_a_retried_open_with_the_same_idempotency_key_opens_one_ticket(stack, call):
    body = {"subject": "Where is my order?", "body_text": "Hi"}
    key = {"Idempotency-Key": "open-7d1c"}
    first = ada(call, "SupportApiFunction", "POST", "/tickets", body, headers=key)
    again = ada(call, "SupportApiFunction", "POST", "/tickets", body, headers=key)
    assert first[0] == again[0] == 201 and again[1] == first[1]
    assert first[1]["number"] == "T-000001" and len(services().tickets(TicketQuery(), 10, None).items) == 1
    assert len(_sent()) == 1  # one acknowledgement
    status, refused = ada(call, "SupportApiFunction", "POST", "/tickets", {**body, "body_text": "Other"}, headers=key)
    assert status == 422 and refused["error"]["code"] == "idempotency_key_reused"
    bob = call(
        "SupportApiFunction", "POST", "/tickets", body, who=(BOB, "customer", "bob@example.com"), headers=key
    )  # a key is the caller's own: Bob's request is his first
    assert bob[0] == 201 and bob[1]["id"] != first[1]["id"]
    status, bad = ada(call, "SupportApiFunction", "POST", "/tickets", body, headers={"Idempotency-Key": "é"})
    assert status == 422 and bad["error"]["code"] == "invalid_idempotency_key"
    assert len(services().tickets(TicketQuery(), 10, None).items) == 2
