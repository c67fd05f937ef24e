"""The payroll context under moto: HR's events into payroll's read model, structures and runs over HTTP, the
run's state machine tasks one by one (the local runtime's e2e runs the machine itself)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import boto3
import pytest
from tandem.shared.aws import bootstrap

STARTER = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
APPROVER = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
WHOLE, LATE, UNPAID = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))
ADA_SUB = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


@pytest.fixture
def task_calls(stack) -> list[tuple[str, dict]]:
    calls: list[tuple[str, dict]] = []
    bootstrap.client("stepfunctions").meta.events.register(
        "provide-client-params.sfn", lambda model, params, **_: calls.append((model.name, dict(params)))
    )
    return calls


def _api(
    stack, sample, method: str, path: str, body=None, *, sub=STARTER, groups="payroll", function="PayrollApiFunction"
):
    event = copy.deepcopy(sample("payroll_api/start_payroll_run"))
    parts = path.strip("/").split("/")
    resource, params = [], {}
    for index, part in enumerate(parts):
        if index == 2 and parts[0] == "payroll":  # /payroll/<runs|structures>/<id>
            name = "run_id" if parts[1] == "runs" else "structure_id"
            params[name] = part
            resource.append("{" + name + "}")
        else:
            resource.append(part)
    event.update(httpMethod=method, path=path, resource="/" + "/".join(resource), pathParameters=params or None)
    event["requestContext"].update(httpMethod=method, resourcePath=event["resource"])
    claims = event["requestContext"]["authorizer"]["claims"]
    claims.update({"sub": sub, "cognito:username": sub, "cognito:groups": groups})
    if groups is None:
        event["requestContext"]["authorizer"] = None
    event["body"] = None if body is None else json.dumps(body)
    response = stack.call(function, event)
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def _hr(stack, sample, name: str, number: int, **data):
    event = copy.deepcopy(sample(f"payroll_on_hr_event/{name}"))
    event["detail"]["metadata"]["event_id"] = f"e0000000-0000-4000-8000-{number:012d}"
    event["detail"]["data"].update(data)
    return stack.call("PayrollOnHrEventFunction", event)


def _task(stack, action: str, run_id: str, **extra):
    return stack.call("PayrollRunTaskFunction", {"action": action, "run_id": run_id, **extra})


def _staff(stack, sample):
    """The acceptance scenario: whole month, hired on the 16th, two approved unpaid days (DE, December 2026)."""
    _hr(stack, sample, "employee_hired", 1, employee_id=WHOLE, user_sub=ADA_SUB)
    _hr(stack, sample, "employee_hired", 2, employee_id=LATE, hire_date="2026-12-16", user_sub=None)
    _hr(stack, sample, "employee_hired", 3, employee_id=UNPAID, user_sub=None)
    _hr(stack, sample, "leave_approved", 4, employee_id=UNPAID)


def _calculated_run(stack, sample, task_calls=None) -> str:
    status, run = _api(stack, sample, "POST", "/payroll/runs", {"period": "2026-12"})
    assert status == 202, run
    run_id = run["id"]
    for batch in _task(stack, "snapshot", run_id)["batches"]:
        _task(stack, "compute_batch", run_id, batch=batch["batch"])
    assert _task(stack, "finish", run_id)["status"] == "calculated"
    _task(stack, "await_approval", run_id, task_token=f"token-{run_id}")
    return run_id


def _outbox(stack, event_type: str) -> list[dict]:
    return [
        json.loads(i["detail"])["data"]
        for i in stack.items("PayrollTable")
        if i["type"] == "outbox" and i["detail_type"] == event_type
    ]


@pytest.fixture
def structure(stack, sample):
    status, body = _api(
        stack, sample, "POST", "/payroll/structures", json.loads(sample("payroll_api/create_salary_structure")["body"])
    )
    assert status == 201, body
    return body


def test_a_run_prorates_by_payment_days_and_its_totals_are_the_sum_of_its_slips(stack, sample, structure, task_calls):
    _staff(stack, sample)
    run_id = _calculated_run(stack, sample)

    status, run = _api(stack, sample, "GET", f"/payroll/runs/{run_id}")
    assert status == 200 and run["status"] == "calculated" and run["employees"] == 3 and run["failures"] == []
    _, page = _api(stack, sample, "GET", f"/payroll/runs/{run_id}/payslips")
    slips = {s["employee_id"]: s for s in page["items"]}
    assert {eid: (s["payment_days"], s["working_days"]) for eid, s in slips.items()} == {
        WHOLE: ("22", 22),
        LATE: ("11", 22),
        UNPAID: ("20", 22),
    }
    basic = {eid: next(c["amount"] for c in s["components"] if c["name"] == "basic_salary") for eid, s in slips.items()}
    assert basic == {WHOLE: "4000.00", LATE: "2000.00", UNPAID: "3636.36"}  # 4000 x 20 / 22, rounded once
    for slip in slips.values():
        deductions = sum(Decimal(c["amount"]) for c in slip["components"] if c["kind"] == "employee_deduction")
        assert Decimal(slip["net"]) == Decimal(slip["gross"]) - deductions
    assert Decimal(run["totals"]["net"]) == sum(Decimal(s["net"]) for s in slips.values())
    assert Decimal(run["totals"]["gross"]) == sum(Decimal(s["gross"]) for s in slips.values())
    # a computed slip is not issued yet: PayslipIssued comes once the run is approved (rejected: never)
    assert _outbox(stack, "PayslipIssued") == [] and len(_outbox(stack, "PayrollRunCalculated")) == 1


def test_four_eyes_then_posting_then_paid(stack, sample, structure, task_calls):
    _staff(stack, sample)
    run_id = _calculated_run(stack, sample)

    status, body = _api(stack, sample, "POST", f"/payroll/runs/{run_id}/approve")
    assert status == 403 and body["error"]["code"] == "four_eyes_required"
    assert not task_calls
    status, body = _api(stack, sample, "POST", f"/payroll/runs/{run_id}/paid")
    assert status == 409  # not posted yet

    status, body = _api(stack, sample, "POST", f"/payroll/runs/{run_id}/approve", sub=APPROVER)
    assert status == 200 and body["status"] == "approved" and body["approved_by"] == APPROVER
    assert [name for name, _ in task_calls] == ["SendTaskSuccess"]
    assert task_calls[0][1]["taskToken"] == f"token-{run_id}"

    assert _task(stack, "post", run_id)["status"] == "posted"
    assert _task(stack, "post", run_id)["status"] == "posted"  # a retried task posts once
    [posted] = _outbox(stack, "PayrollRunPosted")
    lines = {ln["role"]: ln for ln in posted["lines"]}
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{run_id}")
    assert Decimal(lines["salary_expense"]["debit"]) == Decimal(run["totals"]["gross"])
    assert Decimal(lines["net_wages_payable"]["credit"]) == Decimal(run["totals"]["net"])
    assert sum(Decimal(ln["debit"]) for ln in posted["lines"]) == sum(Decimal(ln["credit"]) for ln in posted["lines"])

    status, body = _api(stack, sample, "POST", f"/payroll/runs/{run_id}/paid", sub=APPROVER)
    assert status == 200 and body["status"] == "paid"
    [paid] = _outbox(stack, "PayrollRunPaid")
    assert {ln["role"] for ln in paid["lines"]} == {"net_wages_payable", "bank"}


@pytest.mark.parametrize("header_holds", [1000, 2])
def test_a_second_run_of_the_period_pays_nobody_twice(stack, sample, structure, monkeypatch, header_holds):
    """With more skipped ids than the run's header holds (10,000 UUIDs would pass DynamoDB's 400 KB item
    limit), they are kept on items of their own and the run shows them all the same."""
    from tandem.payroll.adapters import dynamodb

    monkeypatch.setattr(dynamodb, "INLINE_SKIPPED", header_holds)
    monkeypatch.setattr(dynamodb, "SKIPPED_PER_ITEM", 2)
    _staff(stack, sample)
    _calculated_run(stack, sample)
    second = _calculated_run(stack, sample)
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{second}")
    assert run["employees"] == 0 and sorted(run["skipped_employee_ids"]) == sorted([WHOLE, LATE, UNPAID])
    assert run["totals"]["gross"] == "0"
    _, listed = _api(stack, sample, "GET", "/payroll/runs")
    assert sorted(next(r for r in listed["items"] if r["id"] == second)["skipped_employee_ids"]) == sorted(
        [WHOLE, LATE, UNPAID]
    )
    apart = [i for i in stack.items("PayrollTable") if i["type"] == "run_skipped"]
    assert len(apart) == (0 if header_holds == 1000 else 2)  # 3 ids, 2 an item
    [calculated] = [e for e in _outbox(stack, "PayrollRunCalculated") if e["run_id"] == second]
    assert calculated["skipped_count"] == 3 and calculated["skipped_truncated"] is False


def test_rejection_discards_the_slips_so_a_new_run_pays_them(stack, sample, structure, task_calls):
    _staff(stack, sample)
    first = _calculated_run(stack, sample)
    status, body = _api(
        stack, sample, "POST", f"/payroll/runs/{first}/reject", {"reason": "Bonus missing"}, sub=APPROVER
    )
    assert status == 200 and body["status"] == "rejected"
    assert [name for name, _ in task_calls] == ["SendTaskFailure"] and task_calls[0][1]["error"] == "PayrollRunRejected"
    assert _task(stack, "discard", first)["discarded"] == 3
    again = _calculated_run(stack, sample)
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{again}")
    assert run["employees"] == 3 and run["skipped_employee_ids"] == []


def test_an_employee_who_cannot_be_paid_is_listed_and_the_others_are_paid(stack, sample, structure):
    _staff(stack, sample)
    _hr(stack, sample, "employee_hired", 9, employee_id="00000000-0000-4000-8000-000000000009", country="ZZ")
    run_id = _calculated_run(stack, sample)
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{run_id}")
    assert run["totals"]["employees"] == 3 and run["failure_count"] == 1
    assert run["failures"][0]["employee_id"].endswith("9") and run["failures"][0]["reason"] == "invalid_employee_data"


def test_a_failed_batch_lists_its_employees_and_the_run_still_calculates(stack, sample, structure):
    _staff(stack, sample)
    _, run = _api(stack, sample, "POST", "/payroll/runs", {"period": "2026-12"})
    [batch] = _task(stack, "snapshot", run["id"])["batches"]
    assert _task(stack, "fail_batch", run["id"], batch=batch["batch"], cause="Sandbox.Timedout")["failures"] == 3
    assert _task(stack, "finish", run["id"])["status"] == "calculated"
    _, view = _api(stack, sample, "GET", f"/payroll/runs/{run['id']}")
    assert view["failure_count"] == 3 and "Sandbox.Timedout" in view["failures"][0]["message"]


def test_hr_events_in_any_order_give_the_same_salary_history(stack, sample, structure):
    _hr(stack, sample, "employee_changed", 1, employee_id=WHOLE)  # the raise from the 16th, before the hire
    _hr(stack, sample, "employee_hired", 2, employee_id=WHOLE)
    _hr(stack, sample, "employee_changed", 3, employee_id=WHOLE)  # redelivered under another event id
    run_id = _calculated_run(stack, sample)
    _, page = _api(stack, sample, "GET", f"/payroll/runs/{run_id}/payslips")
    assert page["items"][0]["base_salary"] == "4200.00"  # 4,000 x 11/22 + 4,400 x 11/22


def test_paid_leave_changes_nothing_and_cancelled_unpaid_leave_is_paid_again(stack, sample, structure):
    _hr(stack, sample, "employee_hired", 1, employee_id=UNPAID)
    assert stack.call("PayrollOnHrEventFunction", _leave(sample, "leave_approved", 2, kind="paid"))["learned"] is False
    _hr(stack, sample, "leave_approved", 3, employee_id=UNPAID)
    _hr(stack, sample, "leave_cancelled", 4, employee_id=UNPAID)
    run_id = _calculated_run(stack, sample)
    _, page = _api(stack, sample, "GET", f"/payroll/runs/{run_id}/payslips")
    assert page["items"][0]["payment_days"] == "22"


def _leave(sample, name, number, **data):
    event = copy.deepcopy(sample(f"payroll_on_hr_event/{name}"))
    event["detail"]["metadata"]["event_id"] = f"e0000000-0000-4000-8000-{number:012d}"
    event["detail"]["data"].update(employee_id=UNPAID, **data)
    return event


def test_bad_input_is_a_clear_422_and_changes_nothing(stack, sample, structure):
    status, body = _api(stack, sample, "POST", "/payroll/runs", {"period": "2027-03"})
    assert status == 422 and body["error"]["code"] == "invalid_payroll_period"
    cyclic = {"name": "cyclic", "currency": "EUR", "components": [
        {"name": "a", "kind": "earning", "rule": {"type": "percent", "base": "b", "percent": "10"}},
        {"name": "b", "kind": "earning", "rule": {"type": "percent", "base": "a", "percent": "10"}},
    ]}  # fmt: skip
    status, body = _api(stack, sample, "POST", "/payroll/structures", cyclic)
    assert status == 422 and body["error"]["code"] == "salary_structure_cycle"
    assert "a -> b -> a" in body["error"]["message"]
    _, listing = _api(stack, sample, "GET", "/payroll/structures")
    assert len(listing["items"]) == 1 and listing["items"][0]["is_default"] is True
    assert not [i for i in stack.items("PayrollTable") if i["type"] == "run"]


def test_who_may_call_what(stack, sample, structure):
    _staff(stack, sample)
    run_id = _calculated_run(stack, sample)
    for method, path, body in [
        ("POST", "/payroll/runs", {"period": "2026-12"}),
        ("GET", "/payroll/runs", None),
        ("GET", f"/payroll/runs/{run_id}", None),
        ("GET", f"/payroll/runs/{run_id}/payslips", None),
        ("POST", f"/payroll/runs/{run_id}/approve", None),
        ("GET", "/payroll/structures", None),
    ]:
        assert _api(stack, sample, method, path, body, groups="sales")[0] == 403, path
        assert _api(stack, sample, method, path, body, groups="employee")[0] == 403, path
        assert _api(stack, sample, method, path, body, groups=None)[0] == 401, path
    assert _api(stack, sample, "GET", "/payroll/runs/no-such-run")[0] == 404


def test_an_employee_sees_only_their_own_payslips(stack, sample, structure):
    _staff(stack, sample)
    _calculated_run(stack, sample)
    me = dict(function="PayrollSelfApiFunction", groups="employee")
    status, page = _api(stack, sample, "GET", "/me/payslips", sub=ADA_SUB, **me)
    assert status == 200 and [s["employee_id"] for s in page["items"]] == [WHOLE]
    assert _api(stack, sample, "GET", "/me/payslips", sub="someone-unlinked", **me)[0] == 404
    assert (
        _api(stack, sample, "GET", "/me/payslips", sub=ADA_SUB, function="PayrollSelfApiFunction", groups="sales")[0]
        == 403
    )


def _payroll_table(stack):
    return boto3.client("dynamodb", region_name="eu-central-1"), stack.physical["PayrollTable"]


def test_finish_adds_up_the_totals_each_batch_stored_with_its_slips(stack, sample, structure):
    _staff(stack, sample)
    run_id = _calculated_run(stack, sample)
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{run_id}")
    [batch] = [i for i in stack.items("PayrollTable") if i["type"] == "run_batch"]
    stored = json.loads(batch["totals"])
    assert stored["employees"] == 3 and stored["net"] == run["totals"]["net"] and batch["done"] is True
    assert {c["name"]: c["amount"] for c in stored["components"]} == {
        c["name"]: c["amount"] for c in run["totals"]["components"]
    }


def test_a_batch_that_failed_after_writing_some_slips_counts_them_once(stack, sample, structure):
    """A compute Lambda that wrote its slips then died before marking the batch done: the batch is failed, and
    the slips it holds are counted in the run's totals, not listed as failures."""
    _staff(stack, sample)
    _, run = _api(stack, sample, "POST", "/payroll/runs", {"period": "2026-12"})
    [batch] = _task(stack, "snapshot", run["id"])["batches"]
    _task(stack, "compute_batch", run["id"], batch=batch["batch"])
    client, table = _payroll_table(stack)
    key = {"PK": {"S": f"RUN#{run['id']}"}, "SK": {"S": f"BATCH#{batch['batch']:05d}"}}
    client.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET #d = :f REMOVE totals",
        ExpressionAttributeNames={"#d": "done"},
        ExpressionAttributeValues={":f": {"BOOL": False}},
    )
    assert _task(stack, "fail_batch", run["id"], batch=batch["batch"], cause="Sandbox.Timedout")["failures"] == 0
    assert _task(stack, "finish", run["id"])["status"] == "calculated"
    _, view = _api(stack, sample, "GET", f"/payroll/runs/{run['id']}")
    assert view["failure_count"] == 0 and view["totals"]["employees"] == 3


def test_an_employee_stored_before_the_employment_attribute_is_still_in_the_snapshot(stack, sample, structure):
    _staff(stack, sample)
    client, table = _payroll_table(stack)
    key = {"PK": {"S": f"EMP#{WHOLE}"}, "SK": {"S": "EMP"}}
    client.update_item(TableName=table, Key=key, UpdateExpression="REMOVE employment")
    run_id = _calculated_run(stack, sample)
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{run_id}")
    assert run["totals"]["employees"] == 3 and run["failures"] == []


def test_an_employee_terminated_before_their_hire_is_listed_not_a_failed_run(stack, sample, structure):
    _staff(stack, sample)
    odd = "00000000-0000-4000-8000-000000000008"
    _hr(stack, sample, "employee_hired", 8, employee_id=odd, hire_date="2026-12-10", user_sub=None)
    _hr(stack, sample, "employee_terminated", 9, employee_id=odd, termination_date="2026-12-05")
    run_id = _calculated_run(stack, sample)
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{run_id}")
    assert run["totals"]["employees"] == 3 and [f["employee_id"] for f in run["failures"]] == [odd]
    assert "termination_date" in run["failures"][0]["message"]
