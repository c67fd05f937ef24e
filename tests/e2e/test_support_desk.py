"""The agent's desk over the local runtime: an agent triages a ticket that came by email (PATCH: status,
priority, assignee, tags), writes an internal note the customer never gets, merges a second ticket into it —
and the merged ticket's mail then lands on the survivor. Plus who may do any of it."""

from __future__ import annotations

import uuid

import pytest

from .conftest import eventually
from .test_support_email import _deliver, _emails_to, _mail, _tickets_of

pytestmark = pytest.mark.e2e


def _ticket(http, agent: str, subject: str) -> tuple[str, str, str]:
    """A ticket opened by email from a fresh address: (ticket id, address, the mail's Message-ID)."""
    address = f"desk.{uuid.uuid4().hex[:8]}@example.com"
    message_id = f"<{uuid.uuid4().hex}@mail.example.com>"
    _deliver(http, _mail(address, subject, "It broke again.", message_id=message_id))
    [summary] = eventually(lambda: _tickets_of(http, agent, address))
    return summary["id"], address, message_id


def test_an_agent_triages_notes_and_merges_and_the_mail_follows_the_merge(http):
    agent = http.token("agent-ana", "support")
    survivor, ada, _ = _ticket(http, agent, "Kettle broken")
    merged, bob, bob_message = _ticket(http, agent, "Kettle broken too")
    mails_to_ada = len(eventually(lambda: _emails_to(http, ada)))  # the acknowledgement

    patch = {"status": "open", "priority": "high", "assignee": "agent-ana", "tags": ["kettle", "warranty"]}
    status, ticket = http.request("PATCH", f"/tickets/{survivor}", patch, token=agent)
    assert status == 200, ticket
    assert (ticket["status"], ticket["priority"], ticket["assignee"], ticket["tags"]) == (
        "open",
        "high",
        "agent-ana",
        ["kettle", "warranty"],
    )
    status, listed = http.get("/tickets?tag=warranty&priority=high&assignee=agent-ana&limit=100", token=agent)
    assert status == 200 and survivor in [t["id"] for t in listed["items"]]

    status, ticket = http.post(f"/tickets/{survivor}/notes", {"body_text": "Known batch fault."}, token=agent)
    assert status == 200 and ticket["messages"][-1]["direction"] == "note"
    assert len(_emails_to(http, ada)) == mails_to_ada  # a note is never emailed

    status, gone = http.post(f"/tickets/{merged}/merge", {"into": survivor}, token=agent)
    assert status == 200, gone
    assert gone["status"] == "closed" and gone["merged_into"] == survivor
    status, ticket = http.get(f"/tickets/{survivor}", token=agent)
    assert bob in ticket["ccs"] and "was merged into this one" in ticket["messages"][-1]["body_text"]

    answer = f"<{uuid.uuid4().hex}@mail.example.com>"
    _deliver(http, _mail(bob, "Re: Kettle broken too", "Any news?", message_id=answer, in_reply_to=bob_message))
    thread = eventually(
        lambda: [m for m in http.get(f"/tickets/{survivor}", token=agent)[1]["messages"] if m["message_id"] == answer]
    )
    assert thread[0]["direction"] == "inbound"
    status, body = http.post(f"/tickets/{merged}/notes", {"body_text": "Late note"}, token=agent)
    assert status == 409 and body["error"]["code"] == "ticket_merged"


def test_only_the_support_group_changes_a_ticket(http):
    agent = http.token("agent-ana", "support")
    customer, sales = http.token("cus-1", "customer"), http.token("s", "sales")
    ticket, _, _ = _ticket(http, agent, "Help")
    calls = [
        ("PATCH", f"/tickets/{ticket}", {"priority": "low"}),
        ("POST", f"/tickets/{ticket}/notes", {"body_text": "Internal"}),
        ("POST", f"/tickets/{ticket}/merge", {"into": str(uuid.uuid4())}),
    ]
    for method, path, body in calls:
        assert http.request(method, path, body)[0] == 401, path
        assert http.request(method, path, body, token=sales)[0] == 403, path
        assert http.request(method, path, body, token=customer)[0] == 403, path
        assert http.request(method, path, body, token=agent)[0] in (200, 404), path  # merge: no such target
