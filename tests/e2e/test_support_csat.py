"""Round-robin assignment and the satisfaction survey over HTTP on the local runtime: new tickets take turns
among the support group's members; a solved ticket mails its requester one survey whose link rates it once."""

from __future__ import annotations

import re
import uuid

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e
LINK = re.compile(r"https://tandem\.example/csat/([a-z2-7]{26}-[a-z2-7]{16})")


def _emails_to(http, address: str) -> list[dict]:
    _, body = http.get("/_local/emails")
    return [m for m in body["emails"] if address in m["to"]]


def _form_ticket(http, address: str, subject: str = "Lid broken") -> str:
    status, accepted = http.post("/forms/support", {"email": address, "subject": subject, "message": "Order 1042."})
    assert status == 202, accepted
    return accepted["ticket_id"]


def test_new_tickets_take_turns_among_the_support_group(http, runtime):
    # The runtime creates the stack's user pool and its groups in moto: agents are real members of `support`.
    cognito, pool = runtime.client("cognito-idp"), runtime.physical_id("UserPool")
    names = [f"rr-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    subs = []
    for name in names:
        user = cognito.admin_create_user(UserPoolId=pool, Username=name)["User"]
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName="support")
        subs += [a["Value"] for a in user["Attributes"] if a["Name"] == "sub"]
    try:
        agent = http.token("agent-ana", "support")
        address = f"rr.{uuid.uuid4().hex[:8]}@example.com"
        tickets = [_form_ticket(http, address, f"Turn {n}") for n in range(3)]
        assignees = [http.get(f"/tickets/{t}", token=agent)[1]["assignee"] for t in tickets]
        first, second = sorted(subs)
        assert assignees == [first, second, first]
    finally:
        for name in names:
            cognito.admin_delete_user(UserPoolId=pool, Username=name)


def test_a_solved_ticket_mails_one_survey_whose_link_rates_it_once(http, runtime):
    agent = http.token("agent-ana", "support")
    address = f"csat.{uuid.uuid4().hex[:8]}@example.com"
    ticket = _form_ticket(http, address)
    eventually(lambda: _emails_to(http, address))  # the acknowledgement
    status, body = http.request("PATCH", f"/tickets/{ticket}", {"status": "solved"}, token=agent)
    assert status == 200, body
    [survey] = eventually(lambda: [m for m in _emails_to(http, address) if LINK.search(m["text"] or "")])
    token = LINK.search(survey["text"]).group(1)

    status, body = http.post(f"/csat/{token}", {"rating": 5, "comment": "Fast and friendly."})  # no token needed
    assert status == 201 and body == {"ticket_number": body["ticket_number"], "rating": 5, "status": "recorded"}
    status, body = http.post(f"/csat/{token}", {"rating": 2})
    assert status == 409 and body["error"]["code"] == "csat_already_recorded"
    status, view = http.get(f"/tickets/{ticket}", token=agent)
    assert (view["csat"]["rating"], view["csat"]["comment"]) == (5, "Fast and friendly.")

    http.request("PATCH", f"/tickets/{ticket}", {"status": "open"}, token=agent)
    http.request("PATCH", f"/tickets/{ticket}", {"status": "solved"}, token=agent)
    runtime.wait_idle(timeout=10)  # the second TicketStatusChanged has reached the notify function
    surveys = [m for m in _emails_to(http, address) if LINK.search(m["text"] or "")]
    assert len(surveys) == 1  # solved again: no second survey


def test_the_rating_route_is_public_and_refuses_forged_links(http):
    forged = "a" * 26 + "-" + "b" * 16
    status, body = http.post(f"/csat/{forged}", {"rating": 5})
    assert status == 404 and body["error"]["code"] == "csat_not_found"
    customer = http.token("cus-1", "customer")
    assert http.post(f"/csat/{forged}", {"rating": 5}, token=customer)[0] == 404  # a token changes nothing
    assert http.post("/csat/not-a-token", {"rating": 5})[0] == 422
    assert http.post(f"/csat/{forged}", {"rating": 9})[0] == 422
