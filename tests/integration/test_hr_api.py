"""HR over its handlers under moto: hire, read, change and terminate employees; GET /me; leave requested by an
employee and decided by their manager; who may call what (401, 403, 404); bad input refused with nothing
written; the events in the outbox, the bank account on them sealed with KMS."""

from __future__ import annotations

import base64
import copy
import json
from datetime import date, timedelta
from typing import Any

import boto3
import pytest

from tests.integration.conftest import REGION

HR = ("hr-sub-1", "hr")
HR2 = ("hr-sub-2", "hr")
PAYROLL = ("payroll-sub-1", "payroll")
SALES = ("sales-sub-1", "sales")
CUSTOMER = ("customer-sub-1", "customer")
ADA_SUB, MAX_SUB, EVE_SUB = "employee-sub-ada", "employee-sub-max", "employee-sub-eve"
ADA, MAX, EVE = (ADA_SUB, "employee"), (MAX_SUB, "employee"), (EVE_SUB, "employee")
IBAN = "DE89 3704 0044 0532 0130 00"
TODAY = date.today()
MONDAY = TODAY + timedelta(days=14 - TODAY.weekday())  # a Monday two weeks or so ahead


def _hire_body(name: str, sub: str | None, manager_id: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "email": f"{name.split()[0].lower()}@tandem.example",
        "country": "DE",
        "hire_date": (TODAY - timedelta(days=400)).isoformat(),
        "base_salary": "4000.00",
        "position": "Engineer",
        "department": "Engineering",
        "cost_centre": "CC-100",
        "iban": IBAN,
        "bic": "COBADEFFXXX",
    }
    if sub:
        body["user_sub"] = sub
    if manager_id:
        body["manager_id"] = manager_id
    return body | extra


@pytest.fixture
def call(stack, sample):
    """(function, method, path, body, who) -> (status, body); ``who``: None (no token) or (sub, group)."""

    def send(function: str, method: str, path: str, body: Any = None, who: tuple | None = HR, **query: str):
        event = copy.deepcopy(sample("hr_api/hire_employee"))
        event.update(httpMethod=method, path=path, resource=path, body=None if body is None else json.dumps(body))
        event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        if who is None:
            event["requestContext"].pop("authorizer", None)
            event["headers"].pop("Authorization", None)
        else:
            sub, group = who
            event["requestContext"]["authorizer"]["claims"].update(
                {"sub": sub, "cognito:username": sub, "cognito:groups": group}
            )
        response = stack.call(function, event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


def _hire(call, body: dict[str, Any]) -> dict[str, Any]:
    status, employee = call("HrApiFunction", "POST", "/employees", body)
    assert status == 201, employee
    return employee


@pytest.fixture
def team(call) -> dict[str, dict[str, Any]]:
    """Max manages Ada; Eve is in another team."""
    max_ = _hire(call, _hire_body("Max Brandt", MAX_SUB))
    ada = _hire(call, _hire_body("Ada Keller", ADA_SUB, manager_id=max_["id"]))
    eve = _hire(call, _hire_body("Eve Moreau", EVE_SUB))
    return {"max": max_, "ada": ada, "eve": eve}


def _outbox(stack) -> list[dict[str, Any]]:
    return [json.loads(i["detail"]) for i in stack.items("HrTable") if str(i["PK"]).startswith("OUTBOX#")]


def test_hiring_stores_the_employee_and_publishes_employee_hired_with_the_account_sealed(stack, call):
    employee = _hire(call, _hire_body("Ada Keller", ADA_SUB))
    assert employee["iban"] == IBAN and employee["base_salary"] == "4000.00"
    assert employee["leave_balance"]["allowance"] == "25"
    [hired] = [e for e in _outbox(stack) if e["metadata"]["event_type"] == "EmployeeHired"]
    assert hired["data"]["iban_masked"] == "DE89 **** 3000"
    assert "DE89370400440532013000" not in json.dumps(hired)
    sealed = base64.b64decode(hired["data"]["bank_account_sealed"])
    context = {"purpose": "bank-details", "employee_id": employee["id"]}
    plain = boto3.client("kms", region_name=REGION).decrypt(CiphertextBlob=sealed, EncryptionContext=context)
    assert json.loads(plain["Plaintext"]) == {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}


def test_an_invalid_iban_is_422_naming_the_field_and_nothing_is_stored(stack, call):
    status, body = call(
        "HrApiFunction", "POST", "/employees", _hire_body("Ada", None, iban="DE88 3704 0044 0532 0130 00")
    )
    assert status == 422 and body["error"]["code"] == "invalid_iban"
    assert body["error"]["details"][0]["field"] == "iban"
    assert stack.items("HrTable") == []


def test_a_login_links_one_employee_only(call):
    _hire(call, _hire_body("Ada Keller", ADA_SUB))
    status, body = call("HrApiFunction", "POST", "/employees", _hire_body("Ada Again", ADA_SUB))
    assert status == 409 and body["error"]["code"] == "user_sub_taken"


def test_an_effective_dated_change_keeps_the_history_and_applies_from_its_date(stack, call, team):
    ada = team["ada"]["id"]
    later = (TODAY + timedelta(days=30)).isoformat()
    status, view = call(
        "HrApiFunction", "POST", f"/employees/{ada}/changes", {"effective_date": later, "base_salary": "4400.00"}
    )
    assert status == 200 and view["base_salary"] == "4000.00"  # today's record: the raise is not in force yet
    back = (TODAY - timedelta(days=10)).isoformat()
    status, view = call(
        "HrApiFunction", "POST", f"/employees/{ada}/changes", {"effective_date": back, "position": "Lead"}
    )
    assert status == 200 and view["position"] == "Lead"
    changes = sorted(i["SK"] for i in stack.items("HrTable") if str(i["SK"]).startswith("CHANGE#"))
    assert changes == ["CHANGE#000001", "CHANGE#000002"]
    numbers = [e["data"]["change_number"] for e in _outbox(stack) if e["metadata"]["event_type"] == "EmployeeChanged"]
    assert sorted(numbers) == [1, 2]


def test_a_change_before_the_hire_date_is_422_and_nothing_changes(stack, call, team):
    ada = team["ada"]["id"]
    before = len(stack.items("HrTable"))
    early = (TODAY - timedelta(days=500)).isoformat()
    status, body = call(
        "HrApiFunction", "POST", f"/employees/{ada}/changes", {"effective_date": early, "position": "X"}
    )
    assert status == 422 and body["error"]["code"] == "change_before_hire"
    assert len(stack.items("HrTable")) == before


def test_termination_before_hire_is_422_then_a_valid_one_is_published_once(stack, call, team):
    ada = team["ada"]["id"]
    early = (TODAY - timedelta(days=500)).isoformat()
    status, body = call(
        "HrApiFunction", "POST", f"/employees/{ada}/termination", {"termination_date": early, "reason": "x"}
    )
    assert status == 422 and body["error"]["details"][0]["field"] == "termination_date"
    last = (TODAY + timedelta(days=60)).isoformat()
    status, view = call(
        "HrApiFunction", "POST", f"/employees/{ada}/termination", {"termination_date": last, "reason": "resigned"}
    )
    assert status == 200 and view["termination_date"] == last and view["active"] is True
    status, body = call(
        "HrApiFunction", "POST", f"/employees/{ada}/termination", {"termination_date": last, "reason": "again"}
    )
    assert status == 409 and body["error"]["code"] == "employee_terminated"
    assert [e["metadata"]["event_type"] for e in _outbox(stack)].count("EmployeeTerminated") == 1


def test_listing_is_for_hr_and_payroll_with_pay_fields(call, team):
    for who in (HR, PAYROLL):
        status, page = call("HrApiFunction", "GET", "/employees", who=who)
        assert status == 200 and len(page["items"]) == 3
        assert all(e["base_salary"] == "4000.00" for e in page["items"])
    status, page = call("HrApiFunction", "GET", "/employees", who=HR, limit="2")
    assert len(page["items"]) == 2 and page["next_token"]
    status, rest = call("HrApiFunction", "GET", "/employees", who=HR, limit="2", next_token=page["next_token"])
    assert status == 200 and len(rest["items"]) == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/employees", "hire"),
        ("GET", "/employees", None),
        ("GET", "/employees/{ada}", None),
        ("POST", "/employees/{ada}/changes", {"effective_date": "2026-12-20", "position": "Lead"}),
        ("POST", "/employees/{ada}/termination", {"termination_date": "2027-01-31", "reason": "resigned"}),
    ],
)
def test_employee_routes_need_a_token_and_refuse_sales_and_customers(call, team, method, path, body):
    url = path.format(ada=team["ada"]["id"])
    payload = _hire_body("Zoe Zed", None) if body == "hire" else body
    assert call("HrApiFunction", method, url, payload, who=None)[0] == 401
    for who in (SALES, CUSTOMER):
        status, error = call("HrApiFunction", method, url, payload, who=who)
        assert status == 403, (who, error)


def test_who_sees_what_of_an_employee(call, team):
    ada = team["ada"]["id"]
    status, own = call("HrApiFunction", "GET", f"/employees/{ada}", who=ADA)
    assert status == 200 and own["iban"] == IBAN and own["base_salary"] == "4000.00"
    status, as_manager = call("HrApiFunction", "GET", f"/employees/{ada}", who=MAX)
    assert status == 200 and as_manager["position"] == "Engineer"
    assert as_manager["base_salary"] is None and as_manager["iban"] is None and as_manager["leave_balance"] is None
    status, error = call("HrApiFunction", "GET", f"/employees/{ada}", who=EVE)
    assert status == 404 and error["error"]["code"] == "employee_not_found"
    status, as_payroll = call("HrApiFunction", "GET", f"/employees/{ada}", who=PAYROLL)
    assert status == 200 and as_payroll["iban"] == IBAN


def test_me_is_the_callers_own_record_and_404_without_a_linked_employee(call, team):
    status, me = call("HrLeaveApiFunction", "GET", "/me", who=ADA)
    assert status == 200 and me["id"] == team["ada"]["id"] and me["iban"] == IBAN
    status, error = call("HrLeaveApiFunction", "GET", "/me", who=("nobody-sub", "employee"))
    assert status == 404
    assert call("HrLeaveApiFunction", "GET", "/me", who=None)[0] == 401
    assert call("HrLeaveApiFunction", "GET", "/me", who=SALES)[0] == 403


def _request(call, who=ADA, kind="unpaid", start=MONDAY, end=None, **extra):
    body = {"kind": kind, "start": start.isoformat(), "end": (end or start + timedelta(days=1)).isoformat(), **extra}
    return call("HrLeaveApiFunction", "POST", "/me/leave-requests", body, who=who)


def test_leave_is_requested_by_the_employee_and_approved_by_their_manager(stack, call, team):
    status, leave = _request(call)
    assert status == 201 and leave["status"] == "requested" and leave["days"] == "2"
    status, queue = call("HrLeaveApiFunction", "GET", "/leave-requests", who=MAX)
    assert status == 200 and [r["id"] for r in queue["items"]] == [leave["id"]]
    status, queue = call("HrLeaveApiFunction", "GET", "/leave-requests", who=EVE)
    assert status == 200 and queue["items"] == []
    status, approved = call("HrLeaveApiFunction", "POST", f"/leave-requests/{leave['id']}/approve", who=MAX)
    assert status == 200 and approved["status"] == "approved" and approved["decided_by"] == MAX_SUB
    [event] = [e for e in _outbox(stack) if e["metadata"]["event_type"] == "LeaveApproved"]
    assert event["data"]["kind"] == "unpaid" and event["data"]["days"] == "2"
    status, mine = call("HrLeaveApiFunction", "GET", "/me/leave-requests", who=ADA)
    assert status == 200 and mine["items"][0]["status"] == "approved"


def test_overlapping_leave_is_409_and_nothing_is_stored(stack, call, team):
    assert _request(call)[0] == 201
    before = len(stack.items("HrTable"))
    status, body = _request(call, start=MONDAY + timedelta(days=1))
    assert status == 409 and body["error"]["code"] == "leave_overlaps"
    assert len(stack.items("HrTable")) == before
    status, _ = _request(call, start=MONDAY + timedelta(days=2), kind="paid")  # the next day is free
    assert status == 201


def test_only_the_manager_or_hr_decide_and_never_the_employee_themself(call, team):
    _, leave = _request(call)
    approve = f"/leave-requests/{leave['id']}/approve"
    status, body = call("HrLeaveApiFunction", "POST", approve, who=ADA)
    assert status == 403 and body["error"]["code"] == "not_allowed_to_decide_leave"
    assert call("HrLeaveApiFunction", "POST", approve, who=EVE)[0] == 403
    assert call("HrLeaveApiFunction", "POST", approve, who=SALES)[0] == 403
    assert call("HrLeaveApiFunction", "POST", approve, who=None)[0] == 401
    status, rejected = call(
        "HrLeaveApiFunction", "POST", f"/leave-requests/{leave['id']}/reject", {"reason": "Release week"}, who=HR
    )
    assert status == 200 and rejected["status"] == "rejected" and rejected["note"] == "Release week"
    status, body = call("HrLeaveApiFunction", "POST", approve, who=HR)
    assert status == 409 and body["error"]["code"] == "invalid_leave_transition"


def test_leave_routes_refuse_sales_and_unknown_ids(call, team):
    assert _request(call, who=SALES)[0] == 403
    assert _request(call, who=None)[0] == 401
    assert call("HrLeaveApiFunction", "GET", "/leave-requests", who=SALES)[0] == 403
    missing = "/leave-requests/00000000-0000-4000-8000-000000000000/approve"
    assert call("HrLeaveApiFunction", "POST", missing, who=HR)[0] == 404


def test_approved_leave_is_cancelled_by_the_employee_and_payroll_hears_it_was_approved(stack, call, team):
    _, leave = _request(call)
    call("HrLeaveApiFunction", "POST", f"/leave-requests/{leave['id']}/approve", who=MAX)
    cancel = f"/leave-requests/{leave['id']}/cancel"
    assert call("HrLeaveApiFunction", "POST", cancel, who=MAX)[0] == 403  # the manager decides, never cancels
    assert call("HrLeaveApiFunction", "POST", cancel, who=SALES)[0] == 403
    assert call("HrLeaveApiFunction", "POST", cancel, who=None)[0] == 401
    status, cancelled = call("HrLeaveApiFunction", "POST", cancel, who=ADA)
    assert status == 200 and cancelled["status"] == "cancelled"
    [event] = [e for e in _outbox(stack) if e["metadata"]["event_type"] == "LeaveCancelled"]
    assert event["data"]["was_approved"] is True
    assert _request(call)[0] == 201  # the days are free again
