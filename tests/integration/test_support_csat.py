"""Round-robin assignment, the satisfaction survey and rating, and the team lead's breach note, under moto:
through the handlers as API Gateway and EventBridge call them."""

from __future__ import annotations

import copy
import email
import email.policy
import json
import re
import uuid
from typing import Any

import boto3
import pytest
from moto.ses.models import ses_backends
from tandem.support.adapters.cognito import CognitoAgentRoster
from tandem.support.domain import csat

from tests.integration.conftest import REGION, SECRET_VALUES

AGENT = ("agent-1", "support", "agent@tandem.example")
ADA = ("3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f", "customer", "ada@example.com")
FORM = {"name": "Ada Lovelace", "email": "ada@example.com", "subject": "Broken lid", "message": "Order 1042."}
SECRET = SECRET_VALUES["ThreadSecretStore"].encode()
LINK = re.compile(r"https://tandem\.example/csat/([a-z2-7]{26}-[a-z2-7]{16})")


def _sent() -> list[email.message.EmailMessage]:
    backend = ses_backends["123456789012"][REGION]
    raw = [m.raw_data for m in backend.sent_messages if hasattr(m, "raw_data")]
    return [email.message_from_bytes(r.encode() if isinstance(r, str) else r, policy=email.policy.default) for r in raw]


def _text(mail: email.message.EmailMessage) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


@pytest.fixture
def call(stack, sample):
    """(function, method, path, body, who) -> (status, json); ``who`` None: no token."""

    def send(function: str, method: str, path: str, body: Any = None, who: tuple | None = None):
        event = copy.deepcopy(sample("support_api/open_ticket"))
        event.update(httpMethod=method, path=path, resource=path, body=None if body is None else json.dumps(body))
        event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
        event["queryStringParameters"] = event["multiValueQueryStringParameters"] = None
        if path.startswith("/csat/"):
            event["resource"] = event["requestContext"]["resourcePath"] = "/csat/{token}"
            event["pathParameters"] = {"token": path.removeprefix("/csat/")}
        if who is None:
            event["requestContext"].pop("authorizer", None)
            event["headers"].pop("Authorization", None)
        else:
            claims = event["requestContext"]["authorizer"]["claims"]
            sub, group, address = who
            claims.update({"sub": sub, "cognito:username": sub, "cognito:groups": group})
            claims.update({"email": address, "email_verified": "true"})
        response = stack.call(function, event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


@pytest.fixture
def notify(stack, sample):
    """Deliver a support event to SupportNotifyFunction as EventBridge does (``event_id`` given: a redelivery)."""

    def deliver(case: str, event_id: str | None = None, **data: Any) -> dict:
        event = copy.deepcopy(sample(f"support_notify/{case}"))
        event["id"] = event["detail"]["metadata"]["event_id"] = event_id or str(uuid.uuid4())
        event["detail"]["data"].update(data)
        return stack.call("SupportNotifyFunction", event)

    return deliver


def _agents(stack, *names: str, disabled: tuple[str, ...] = ()) -> list[str]:
    """Members of the pool's support group; their subs, sorted (the rotation's order)."""
    cognito, pool = boto3.client("cognito-idp", region_name=REGION), stack.physical["UserPool"]
    subs = []
    for name in names:
        user = cognito.admin_create_user(UserPoolId=pool, Username=name)["User"]
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName="support")
        if name in disabled:
            cognito.admin_disable_user(UserPoolId=pool, Username=name)
        else:
            subs += [a["Value"] for a in user["Attributes"] if a["Name"] == "sub"]
    return sorted(subs)


def _form_ticket(call) -> str:
    status, body = call("SupportCustomerApiFunction", "POST", "/forms/support", FORM)
    assert status == 202, body
    return body["ticket_id"]


def _ticket(call, ticket_id: str) -> dict:
    status, ticket = call("SupportTicketApiFunction", "GET", f"/tickets/{ticket_id}", who=AGENT)
    assert status == 200, ticket
    return ticket


def _events(stack, detail_type: str) -> list[dict]:
    items = stack.items("SupportTable")
    return [json.loads(str(i["detail"]))["data"] for i in items if i.get("detail_type") == detail_type]


def test_new_tickets_go_round_robin_to_the_enabled_support_agents_from_every_channel(stack, call):
    first, second = _agents(stack, "ana", "ben", "cy", disabled=("cy",))
    form = [_form_ticket(call) for _ in range(2)]
    status, app = call("SupportApiFunction", "POST", "/tickets", {"subject": "App", "body_text": "Hi"}, who=ADA)
    assert status == 201, app
    assignees = [_ticket(call, t)["assignee"] for t in (*form, app["id"])]
    assert assignees == [first, second, first]
    assigned = _events(stack, "TicketAssigned")
    assert sorted(e["assignee"] for e in assigned) == sorted(assignees)
    assert all(e["previous_assignee"] is None for e in assigned)


def test_without_agents_a_ticket_waits_unassigned(stack, call):
    ticket = _form_ticket(call)
    assert _ticket(call, ticket)["assignee"] is None and _events(stack, "TicketAssigned") == []


def test_support_auto_assign_false_switches_round_robin_off(stack, call, template, monkeypatch):
    monkeypatch.setitem(template["Parameters"]["SupportAutoAssign"], "Default", "false")
    _agents(stack, "ana")
    assert _ticket(call, _form_ticket(call))["assignee"] is None


def _solve(call, ticket_id: str) -> None:
    status, body = call("SupportTicketApiFunction", "PATCH", f"/tickets/{ticket_id}", {"status": "solved"}, who=AGENT)
    assert status == 200, body


def test_a_solved_ticket_sends_one_survey_ever(stack, call, notify):
    ticket = _form_ticket(call)
    _solve(call, ticket)
    before = len(_sent())
    event_id = str(uuid.uuid4())
    assert notify("ticket_solved", event_id, ticket_id=ticket)["sent"] is True
    [survey] = _sent()[before:]
    assert survey["To"] == "ada@example.com" and "[#T-000001]" in survey["Subject"]
    assert survey["Auto-Submitted"] == "auto-generated"  # RFC 3834: no out-of-office answers a survey
    token = LINK.search(_text(survey)).group(1)  # type: ignore[union-attr]
    assert csat.ticket_of(token, [SECRET]) == uuid.UUID(ticket)
    assert notify("ticket_solved", event_id, ticket_id=ticket)["sent"] is True  # a redelivery: the stored result
    assert notify("ticket_solved", ticket_id=ticket)["sent"] is False  # another solved event of the same ticket
    status, _ = call("SupportTicketApiFunction", "PATCH", f"/tickets/{ticket}", {"status": "open"}, who=AGENT)
    _solve(call, ticket)
    assert notify("ticket_solved", ticket_id=ticket)["sent"] is False  # reopened and solved again
    assert len(_sent()) == before + 1


def test_no_survey_to_an_undeliverable_address_nor_for_a_ticket_reopened_meanwhile(stack, call, notify, dynamodb):
    ticket = _form_ticket(call)
    assert notify("ticket_solved", ticket_id=ticket)["sent"] is False  # not (or no longer) solved
    _solve(call, ticket)
    table = stack.physical["SupportTable"]
    dynamodb.put_item(
        TableName=table, Item={"PK": {"S": "UNDELIVERABLE#ada@example.com"}, "SK": {"S": "UNDELIVERABLE"}}
    )
    before = len(_sent())
    assert notify("ticket_solved", ticket_id=ticket)["sent"] is False
    assert len(_sent()) == before


def test_a_rating_is_recorded_once_from_the_survey_link(stack, call, notify):
    ticket = _form_ticket(call)
    _solve(call, ticket)
    notify("ticket_solved", ticket_id=ticket)
    token = LINK.search(_text(_sent()[-1])).group(1)  # type: ignore[union-attr]
    rating = {"rating": 4, "comment": "Quick, thanks."}
    status, body = call("SupportCsatApiFunction", "POST", f"/csat/{token}", rating)
    assert (status, body) == (201, {"ticket_number": "T-000001", "rating": 4, "status": "recorded"})
    status, body = call("SupportCsatApiFunction", "POST", f"/csat/{token}", {"rating": 1})
    assert status == 409 and body["error"]["code"] == "csat_already_recorded"
    view = _ticket(call, ticket)["csat"]
    assert (view["rating"], view["comment"]) == (4, "Quick, thanks.")
    [recorded] = _events(stack, "CsatRecorded")
    assert recorded == {
        "ticket_id": ticket,
        "number": "T-000001",
        "rating": 4,
        "has_comment": True,
        "recorded_at": recorded["recorded_at"],
        "requester_email": "ada@example.com",
    }
    status, mine = call("SupportTicketApiFunction", "GET", f"/tickets/{ticket}", who=ADA)
    assert status == 404  # a form ticket has no owner; a customer never sees another's rating either


def test_forged_foreign_and_unsolved_links_are_refused(stack, call):
    ticket = _form_ticket(call)
    forged = csat.csat_token(uuid.UUID(ticket), b"someone-elses-secret-0123456789")
    status, body = call("SupportCsatApiFunction", "POST", f"/csat/{forged}", {"rating": 5})
    assert status == 404 and body["error"]["code"] == "csat_not_found"
    unknown = csat.csat_token(uuid.uuid4(), SECRET)
    assert call("SupportCsatApiFunction", "POST", f"/csat/{unknown}", {"rating": 5})[0] == 404
    status, body = call(
        "SupportCsatApiFunction", "POST", f"/csat/{csat.csat_token(uuid.UUID(ticket), SECRET)}", {"rating": 5}
    )
    assert status == 409 and body["error"]["code"] == "ticket_not_solved"
    token = csat.csat_token(uuid.UUID(ticket), SECRET)
    for bad in ({"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": 5, "comment": "x" * 2001}, {}):
        assert call("SupportCsatApiFunction", "POST", f"/csat/{token}", bad)[0] == 422, bad
    assert _events(stack, "CsatRecorded") == []


def test_a_breach_tells_the_team_lead_once(stack, call, notify):
    ticket = _form_ticket(call)
    before = len(_sent())
    event_id = str(uuid.uuid4())
    breach = {"ticket_id": ticket, "number": "T-000001", "priority": "normal", "escalated_to": "high"}
    assert notify("ticket_sla_breached", event_id, **breach)["sent"] is True
    assert notify("ticket_sla_breached", event_id, **breach)["sent"] is True  # redelivered: not sent again
    [note] = _sent()[before:]
    assert note["To"] == "support-lead@tandem.example" and note["Reply-To"] == "support-lead@tandem.example"
    assert note["Subject"] == "SLA breached: T-000001 (first response)"
    text = _text(note)
    assert "Broken lid" in text and "from normal to high" in text and "first response" in text
    assert "support+" not in note.as_string()  # no ticket token: the lead's answer never lands on the thread


def test_the_roster_pages_through_the_group_sorts_by_sub_and_is_kept_a_minute(stack):
    subs = _agents(stack, *(f"agent-{n:02d}" for n in range(61)), disabled=("agent-07",))
    clock = [0.0]
    roster = CognitoAgentRoster(stack.physical["UserPool"], monotonic=lambda: clock[0])
    assert roster.agents() == tuple(subs) and len(subs) == 60  # two pages of at most 60
    late = _agents(stack, "late-joiner")
    clock[0] = 59.0
    assert late[0] not in roster.agents()  # still the cached roster
    clock[0] = 61.0
    assert late[0] in roster.agents()
    assert CognitoAgentRoster("eu-central-1_nopool").agents() == ()  # unreadable: nobody, nothing fails
