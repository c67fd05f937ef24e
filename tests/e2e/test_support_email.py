"""Email to the support address becomes a ticket over the local runtime: SES's receipt rule (POST
/_local/inbound-email) stores the raw MIME and invokes the inbound function; agents answer over HTTP and the
answer goes out by email with the headers that thread the customer's reply back onto the ticket."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e

SUPPORT = "support@tandem.example"
CORPUS = Path(__file__).resolve().parents[1] / "unit" / "support" / "mail"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4//8/AAX+Av6n1qSl\r\nAAAAAElFTkSuQmCC"


def _mail(sender: str, subject: str, body: str, *, message_id: str, in_reply_to: str | None = None) -> bytes:
    threading = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    return (
        f"From: {sender}\r\nTo: {SUPPORT}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n{threading}"
        "Date: Mon, 07 Dec 2026 09:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        "--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="photo.png"\r\n\r\n'
        f"{PNG}\r\n--b--\r\n"
    ).encode()


def _deliver(http, raw: bytes) -> None:
    status, body = http.request("POST", "/_local/inbound-email", raw=raw, headers={"content-type": "message/rfc822"})
    assert status == 202, body


def _emails_to(http, address: str) -> list[dict]:
    _, body = http.get("/_local/emails")
    return [m for m in body["emails"] if address in m["to"]]


def _tickets_of(http, token: str, address: str) -> list[dict]:
    status, page = http.get("/tickets?limit=100", token=token)
    assert status == 200, page
    return [t for t in page["items"] if t["requester_email"] == address]


def test_an_email_becomes_a_ticket_and_the_conversation_threads_both_ways(http):
    agent = http.token("agent-ana", "support")
    customer = f"ada.{uuid.uuid4().hex[:8]}@example.com"
    first_id = f"<{uuid.uuid4().hex}@mail.example.com>"
    raw = _mail(f"Ada <{customer}>", "Parcel arrived damaged", "The lid was broken.", message_id=first_id)
    _deliver(http, raw)

    [summary] = eventually(lambda: _tickets_of(http, agent, customer))
    status, ticket = http.get(f"/tickets/{summary['id']}", token=agent)
    assert status == 200, ticket
    [message] = ticket["messages"]
    assert message["from"] == customer and "The lid was broken." in message["body_text"]
    assert message["message_id"] == first_id
    [photo] = message["attachments"]
    status, _ = http.request("GET", photo["download"], token=agent, headers={"accept": "application/octet-stream"})
    assert status == 200 and photo["filename"] == "photo.png"
    assert message["body"] is None and message["body_truncated"] is False  # body_text is all there is
    whole = f"/tickets/{summary['id']}/messages/{message['id']}/body"
    status, body = http.get(whole, token=agent)
    assert status == 200 and body["text"].strip() == "The lid was broken." and body["html"] is None
    for token, expected in ((None, 401), (http.token("sam", "sales"), 403), (http.token("cy", "customer"), 404)):
        assert http.get(whole, token=token)[0] == expected
    [ack] = eventually(lambda: _emails_to(http, customer))
    assert ack["headers"]["Auto-Submitted"] == "auto-replied" and summary["number"] in ack["subject"]

    _deliver(http, raw)  # the same message again: nothing new
    assert len(_tickets_of(http, agent, customer)) == 1
    assert len(_emails_to(http, customer)) == 1

    status, replied = http.post(
        f"/tickets/{summary['id']}/replies", {"body_text": "Sorry! A new one is on its way."}, token=agent
    )
    assert status == 200, replied
    reply = next(m for m in _emails_to(http, customer) if "Auto-Submitted" not in m["headers"])
    assert reply["headers"]["In-Reply-To"] == first_id

    answer = _mail(
        customer,
        "Re: thanks",
        "Great, thank you!",
        message_id=f"<{uuid.uuid4().hex}@x>",
        in_reply_to=reply["headers"]["Message-ID"],
    )
    _deliver(http, answer)

    def three_messages():
        _, body = http.get(f"/tickets/{summary['id']}", token=agent)
        return body if len(body["messages"]) == 3 else None

    thread = eventually(three_messages)
    assert [m["direction"] for m in thread["messages"]] == ["inbound", "outbound", "inbound"]

    stranger = f"eve.{uuid.uuid4().hex[:8]}@example.com"
    quoting = _mail(stranger, f"Re: [#{summary['number']}] parcel", "Me too", message_id=f"<{uuid.uuid4().hex}@x>")
    _deliver(http, quoting)
    [other] = eventually(lambda: _tickets_of(http, agent, stranger))
    assert other["id"] != summary["id"]


def _unique_copy(name: str, sender: bytes) -> tuple[str, bytes]:
    unique = f"{name.split('_')[0]}.{uuid.uuid4().hex[:8]}@example.com"
    raw = (CORPUS / f"{name}.eml").read_bytes().replace(sender, unique.encode())
    return unique, raw.replace(b"Message-ID: <", f"Message-ID: <{uuid.uuid4().hex[:8]}.".encode(), 1)


def test_a_list_message_gets_no_acknowledgement(http):
    agent = http.token("agent-ana", "support")
    unique, raw = _unique_copy("mailing_list", b"uli@lists.example")
    _deliver(http, raw)
    eventually(lambda: _tickets_of(http, agent, unique))  # stored, never lost
    assert _emails_to(http, unique) == []


def test_an_out_of_office_reply_about_no_ticket_is_listed_not_opened_nor_acknowledged(http):
    agent = http.token("agent-ana", "support")
    unique, raw = _unique_copy("vacation_auto_reply", b"sam@example.com")
    _deliver(http, raw)

    def listed():
        _, page = http.get("/support/rejected?limit=100", token=agent)
        return [r for r in page["items"] if r["sender"] == unique]

    [record] = eventually(listed)  # kept with its raw MIME, visible to agents
    assert record["reason"] == "auto_reply_without_ticket"
    assert _tickets_of(http, agent, unique) == [] and _emails_to(http, unique) == []


def test_a_bounce_shows_on_the_ticket_and_gets_no_acknowledgement(http):
    agent = http.token("agent-ana", "support")
    customer = f"gone.{uuid.uuid4().hex[:8]}@customer.example"
    _deliver(http, _mail(customer, "Hello", "Where is it?", message_id=f"<{uuid.uuid4().hex}@x>"))
    [summary] = eventually(lambda: _tickets_of(http, agent, customer))
    assert http.post(f"/tickets/{summary['id']}/replies", {"body_text": "Here it is"}, token=agent)[0] == 200
    reply = next(m for m in _emails_to(http, customer) if "Auto-Submitted" not in m["headers"])
    dsn = (CORPUS / "dsn_permanent.eml").read_bytes()
    dsn = dsn.replace(b"<tdm.0f8e2c.T-000123.4b1f@tandem.example>", reply["headers"]["Message-ID"].encode())
    dsn = dsn.replace(b"gone@customer.example", customer.encode()).replace(b"Gone@Customer.example", customer.encode())
    dsn = dsn.replace(b"<dsn1@mx.example>", f"<{uuid.uuid4().hex}@mx.example>".encode())
    before = len(http.get("/_local/emails")[1]["emails"])
    _deliver(http, dsn)

    def bounce_note():
        _, body = http.get(f"/tickets/{summary['id']}", token=agent)
        return [m for m in body["messages"] if m["direction"] == "note"]

    [note] = eventually(bounce_note)
    assert customer in note["body_text"]
    assert len(http.get("/_local/emails")[1]["emails"]) == before
    status, refused = http.post(f"/tickets/{summary['id']}/replies", {"body_text": "Again"}, token=agent)
    assert status == 409 and refused["error"]["code"] == "address_undeliverable"


def test_the_desk_is_for_agents_and_a_customer_sees_no_ticket_of_someone_else(http):
    agent, customer, sales = (
        http.token("agent-ana", "support"),
        http.token("cus-1", "customer"),
        http.token("s", "sales"),
    )
    address = f"bob.{uuid.uuid4().hex[:8]}@example.com"
    _deliver(http, _mail(address, "Help", "Please", message_id=f"<{uuid.uuid4().hex}@x>"))
    [ticket] = eventually(lambda: _tickets_of(http, agent, address))
    path = f"/tickets/{ticket['id']}"
    for route in ("/tickets", path, "/support/rejected"):
        assert http.get(route)[0] == 401
        assert http.get(route, token=sales)[0] == 403
        assert http.get(route, token=agent)[0] == 200
    status, own = http.get("/tickets", token=customer)  # a customer lists only the tickets they opened signed in
    assert status == 200 and ticket["id"] not in {t["id"] for t in own["items"]}
    assert http.get("/support/rejected", token=customer)[0] == 403
    assert http.get(path, token=customer)[0] == 404  # opened by email: not this customer's
    assert http.post(f"{path}/replies", {"body_text": "Hi"}, token=customer)[0] == 404
    assert http.post(f"{path}/replies", {"body_text": "Hi"})[0] == 401
