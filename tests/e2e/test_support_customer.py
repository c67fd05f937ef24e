"""The customer's side of the support desk over HTTP on the local runtime: the public support form and the
signed-in app open tickets in the same model as email (TicketOpened with channel web_form / app, the same
acknowledgement); a customer lists, reads and answers only their own tickets."""

from __future__ import annotations

import uuid

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e


def _emails_to(http, address: str) -> list[dict]:
    _, body = http.get("/_local/emails")
    return [m for m in body["emails"] if address in m["to"]]


def _events(http, detail_type: str, ticket_id: str) -> list[dict]:
    _, body = http.get("/_local/events?limit=100000")
    return [
        e for e in body["events"] if e["detail-type"] == detail_type and e["detail"]["data"]["ticket_id"] == ticket_id
    ]


def test_the_support_form_opens_a_ticket_for_the_desk_with_one_acknowledgement(http):
    agent = http.token("agent-ana", "support")
    address = f"form.{uuid.uuid4().hex[:8]}@example.com"
    form = {"name": "Ada", "email": address, "subject": "Lid broken", "message": "Order 1042.\nPhoto follows."}
    status, accepted = http.post("/forms/support", form)
    assert status == 202, accepted
    status, ticket = http.get(f"/tickets/{accepted['ticket_id']}", token=agent)
    assert status == 200 and ticket["channel"] == "web_form" and ticket["requester_email"] == address
    assert ticket["messages"][0]["body_text"] == "Order 1042.\nPhoto follows."
    [ack] = eventually(lambda: _emails_to(http, address))
    assert ack["headers"]["Auto-Submitted"] == "auto-replied" and ticket["number"] in ack["subject"]
    [opened] = eventually(lambda: _events(http, "TicketOpened", ticket["id"]))
    assert opened["detail"]["data"]["channel"] == "web_form" and opened["detail"]["data"]["requester_sub"] is None

    status, bot = http.post("/forms/support", {**form, "website": "http://spam.example"})
    assert status == 202 and http.get(f"/tickets/{bot['ticket_id']}", token=agent)[0] == 404
    assert len(_emails_to(http, address)) == 1


def test_a_customer_opens_lists_reads_and_answers_only_their_own_tickets(http):
    ada_address, bob_address = (f"{n}.{uuid.uuid4().hex[:8]}@example.com" for n in ("ada", "bob"))
    ada = http.token(f"ada-{uuid.uuid4().hex[:8]}", "customer", email=ada_address)
    bob = http.token(f"bob-{uuid.uuid4().hex[:8]}", "customer", email=bob_address)
    agent = http.token("agent-ana", "support")
    status, mine = http.post("/tickets", {"subject": "Where is 1042?", "body_text": "Due Monday."}, token=ada)
    assert status == 201 and mine["channel"] == "app" and mine["requester_email"] == ada_address, mine
    status, theirs = http.post("/tickets", {"subject": "Invoice", "body_text": "Wrong VAT"}, token=bob)
    assert status == 201, theirs
    assert len(eventually(lambda: _emails_to(http, ada_address))) == 1  # the acknowledgement

    status, page = http.get("/tickets", token=ada)
    assert status == 200 and [t["id"] for t in page["items"]] == [mine["id"]]
    assert http.get(f"/tickets/{theirs['id']}", token=ada)[0] == 404
    assert http.post(f"/tickets/{theirs['id']}/replies", {"body_text": "Hi"}, token=ada)[0] == 404

    status, ticket = http.post(f"/tickets/{mine['id']}/notes", {"body_text": "VIP customer"}, token=agent)
    assert status in (200, 201), ticket
    status, solved = http.request("PATCH", f"/tickets/{mine['id']}", {"status": "solved"}, token=agent)
    assert status == 200 and solved["status"] == "solved", solved
    status, answered = http.post(f"/tickets/{mine['id']}/replies", {"body_text": "Still nothing."}, token=ada)
    assert status == 200 and answered["status"] == "open", answered  # the requester wrote again: reopened
    assert [m["direction"] for m in answered["messages"]] == ["inbound", "inbound"]  # no internal note
    # no email of their own answer to themselves: only the acknowledgement, and the survey that solving sends
    mails = _emails_to(http, ada_address)
    assert not [m for m in mails if "Still nothing." in (m["text"] or "")]
    assert len([m for m in mails if "/csat/" not in (m["text"] or "")]) == 1
    [received] = eventually(lambda: _events(http, "TicketMessageReceived", mine["id"]))
    assert received["detail"]["data"]["from_email"] == ada_address


def test_who_may_open_a_ticket_and_who_may_send_the_form(http):
    body = {"subject": "Hi", "body_text": "Hello"}
    assert http.post("/tickets", body)[0] == 401
    assert http.post("/tickets", body, token=http.token("s", "sales", email="s@example.com"))[0] == 403
    assert http.post("/tickets", body, token=http.token("agent-ana", "support"))[0] == 403  # the desk uses email
    status, error = http.post("/tickets", body, token=http.token("unverified", "customer"))
    assert status == 403 and error["error"]["code"] == "email_not_verified"
    address = f"ok.{uuid.uuid4().hex[:8]}@example.com"
    assert http.post("/tickets", body, token=http.token("ok-1", "customer", email=address))[0] == 201
    status, _ = http.post("/forms/support", {"email": address, "subject": "s", "message": "m"})
    assert status == 202  # public: no token needed
