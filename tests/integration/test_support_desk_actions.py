"""The agent's desk under moto, over the functions' HTTP events: PATCH /tickets/{id} (status, priority,
assignee, tags), internal notes, merges, the filtered list and canned replies; who may call them."""

from __future__ import annotations

import copy
import json
import uuid
from unittest.mock import ANY

import pytest
from tandem.shared.correlation import MessageContext
from tandem.support.bootstrap import services
from tandem.support.domain.commands import ReplyToTicket, TicketQuery

from tests.integration import test_support_inbound_email as inbound
from tests.integration.test_support_inbound_email import AGENT, _mail, _sent

deliver = inbound.deliver  # the fixture: SES stored a raw message, the inbound function ran
TICKET_FN, LIST_FN = "SupportTicketApiFunction", "SupportApiFunction"
SAMPLE_ID = "3f6c1a52-8d4e-4b7a-9c21-5e0d7f8a9b10"
AGENT_SUB = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"  # the samples' caller, in the support group


@pytest.fixture
def call(stack, sample):
    """``call(sample, ticket_id, body=..., groups=..., query=...)`` -> (status, JSON body)."""

    def send(name, ticket_id=SAMPLE_ID, *, body=None, groups="support", query=None, function=TICKET_FN):
        event = json.loads(json.dumps(sample(name)).replace(SAMPLE_ID, str(ticket_id)))
        if body is not None:
            event["body"] = json.dumps(body)
        if groups is None:
            event["requestContext"].pop("authorizer")
        else:
            event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = groups
        if query is not None:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        response = stack.call(function, copy.deepcopy(event))
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


def _published(stack, *types: str) -> list[dict]:
    found = [i for i in stack.items("SupportTable") if i.get("type") == "outbox"]
    return [i for i in found if i["detail_type"] in types]


def _open(deliver, sender="ada@example.com", subject="Parcel damaged", mid="<p1@example.com>") -> str:
    result = deliver(_mail(sender, subject, "The lid was broken.", message_id=mid))
    assert result["outcome"] == "opened"
    number = int(result["ticket"][2:])
    return str(next(t.id for t in services().tickets(TicketQuery(), 50, None).items if t.number == number))


def test_patch_changes_only_what_is_given_and_publishes_status_and_assignment(stack, deliver, call):
    ticket_id = _open(deliver)
    patch = {"status": "pending", "priority": "high", "assignee": AGENT_SUB, "tags": ["refund", "billing"]}
    status, body = call("support_ticket_api/update_ticket", ticket_id, body=patch)
    assert status == 200, body
    assert (body["status"], body["priority"], body["assignee"], body["tags"]) == (
        "pending",
        "high",
        AGENT_SUB,
        ["billing", "refund"],
    )
    assert len(_published(stack, "TicketStatusChanged")) == 1 and len(_published(stack, "TicketAssigned")) == 1

    status, again = call("support_ticket_api/update_ticket", ticket_id, body=patch)  # nothing new: no event
    assert status == 200 and again["status"] == "pending"
    assert len(_published(stack, "TicketStatusChanged", "TicketAssigned")) == 2

    status, body = call("support_ticket_api/update_ticket", ticket_id, body={"assignee": None})
    assert (
        status == 200
        and body["assignee"] is None
        and body["priority"] == "high"
        and body["tags"] == ["billing", "refund"]
    )
    assert len(_published(stack, "TicketAssigned")) == 2  # unassigned: TicketAssigned with no assignee


@pytest.mark.parametrize(
    "patch",
    [
        {},
        {"status": None},
        {"status": "archived"},
        {"priority": "critical"},
        {"tags": ["Has Space"]},
        {"tags": ["t"] * 21},
        {"assignee": "bad sub\u202e"},
        {"subject": "not patchable"},
    ],
)
def test_patch_refuses_what_it_does_not_take(deliver, call, patch):
    ticket_id = _open(deliver)
    status, body = call("support_ticket_api/update_ticket", ticket_id, body=patch)
    assert status == 422, body


def test_patch_follows_the_status_machine(deliver, call):
    ticket_id = _open(deliver)
    assert call("support_ticket_api/update_ticket", ticket_id, body={"status": "solved"})[0] == 200
    status, body = call("support_ticket_api/update_ticket", ticket_id, body={"status": "pending"})
    assert status == 409 and body["error"]["code"] == "invalid_ticket_transition"
    assert call("support_ticket_api/update_ticket", ticket_id, body={"status": "closed"})[0] == 200
    status, body = call("support_ticket_api/update_ticket", ticket_id, body={"priority": "low"})
    assert status == 409 and body["error"]["code"] == "ticket_closed"
    assert call("support_ticket_api/update_ticket", body={"status": "open"})[0] == 404  # no such ticket


def test_a_note_is_on_the_thread_for_agents_and_never_emailed(deliver, call):
    ticket_id = _open(deliver)
    mails = len(_sent())
    status, body = call("support_ticket_api/add_ticket_note", ticket_id, body={"body_text": "Carrier says lost."})
    assert status == 200, body
    assert [m["direction"] for m in body["messages"]] == ["inbound", "note"]
    note = body["messages"][-1]
    assert note["body_text"] == "Carrier says lost." and note["message_id"] is None
    assert len(_sent()) == mails
    assert call("support_ticket_api/add_ticket_note", ticket_id, body={"body_text": "a\u202eb"})[0] == 422
    assert call("support_ticket_api/add_ticket_note", ticket_id, body={})[0] == 422


def test_merge_closes_the_ticket_into_the_survivor_and_its_mail_follows(stack, deliver, call):
    survivor = _open(deliver, "ada@example.com", "Parcel damaged", "<a1@example.com>")
    merged = _open(deliver, "bob@example.com", "Same parcel", "<b1@example.com>")
    status, body = call("support_ticket_api/merge_ticket", merged, body={"into": survivor})
    assert status == 200, body
    assert body["status"] == "closed" and body["merged_into"] == survivor
    assert len(_published(stack, "TicketMerged")) == 1
    status, target = call("support_ticket_api/get_ticket", survivor)
    assert "bob@example.com" in target["ccs"] and target["messages"][-1]["direction"] == "note"
    assert "T-000002" in target["messages"][-1]["body_text"]

    assert call("support_ticket_api/merge_ticket", merged, body={"into": survivor})[0] == 200  # a repeat
    answer = _mail(
        "bob@example.com", "Re: Same parcel", "Any news?", message_id="<b2@example.com>", In_Reply_To="<b1@example.com>"
    )
    assert deliver(answer) == {"ses_message_id": ANY, "outcome": "appended", "ticket": "T-000001"}
    thread = services().ticket(uuid.UUID(survivor), AGENT).ticket
    assert any(m.message_id == "<b2@example.com>" for m in thread.messages)


@pytest.mark.parametrize("into", ["self", "unknown", "closed"])
def test_merge_refuses_itself_unknown_and_closed_tickets(deliver, call, into):
    ticket_id = _open(deliver)
    other = _open(deliver, "carl@example.com", "Other", "<c1@example.com>")
    if into == "closed":
        call("support_ticket_api/update_ticket", other, body={"status": "closed"})
    target = {"self": ticket_id, "unknown": SAMPLE_ID, "closed": other}[into]
    status, body = call("support_ticket_api/merge_ticket", ticket_id, body={"into": target})
    assert (status, body["error"]["code"]) == (
        (404, "ticket_not_found") if into == "unknown" else (409, "merge_refused")
    )


def test_the_list_filters_by_priority_assignee_and_tag(deliver, call):
    first = _open(deliver)
    _open(deliver, "bob@example.com", "Other", "<o1@example.com>")
    call("support_ticket_api/update_ticket", first, body={"priority": "urgent", "assignee": AGENT_SUB, "tags": ["vip"]})
    for query in ({"priority": "urgent"}, {"assignee": AGENT_SUB}, {"tag": "vip"}, {"tag": "vip", "status": "new"}):
        status, body = call("support_api/list_tickets", query=query, function=LIST_FN)
        assert status == 200 and [t["id"] for t in body["items"]] == [first], query
    status, body = call("support_api/list_tickets", query={"tag": "vip", "priority": "low"}, function=LIST_FN)
    assert status == 200 and body["items"] == []
    assert call("support_api/list_tickets", query={"tag": "Not A Tag"}, function=LIST_FN)[0] == 422


def test_a_canned_reply_is_rendered_for_the_ticket_and_emailed(deliver, call):
    ticket_id = _open(deliver)
    reply = {"canned": "received"}
    status, body = call("support_api/reply_to_ticket", ticket_id, body=reply, function=LIST_FN)
    assert status == 200, body
    text = body["messages"][-1]["body_text"]
    assert "T-000001" in text and "Parcel damaged" in text and "{{" not in text
    assert "T-000001" in _sent()[-1].get_body(("plain",)).get_content()
    for bad in ({"canned": "nope"}, {"canned": "received", "body_text": "Hi"}, {}):
        assert call("support_api/reply_to_ticket", ticket_id, body=bad, function=LIST_FN)[0] == 422, bad


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("support_ticket_api/update_ticket", {"priority": "high"}),
        ("support_ticket_api/add_ticket_note", {"body_text": "Internal"}),
        ("support_ticket_api/merge_ticket", {"into": SAMPLE_ID}),
    ],
)
def test_only_the_support_group_changes_tickets(deliver, call, name, body):
    ticket_id = _open(deliver)
    assert call(name, ticket_id, body=body, groups=None)[0] == 401
    assert call(name, ticket_id, body=body, groups="customer")[0] == 403
    assert call(name, ticket_id, body=body, groups="sales")[0] == 403
    assert call(name, ticket_id, body=body)[0] in (200, 404)  # merge into the sample id: no such ticket


def test_replying_with_the_service_still_works_with_a_canned_name(deliver):
    ticket_id = _open(deliver)
    ticket = services().reply(
        ReplyToTicket(ticket_id=uuid.UUID(ticket_id), body_text="", canned="need_details"),
        AGENT,
        MessageContext.fresh(),
    )
    assert "T-000001" in ticket.messages[-1].body_text
