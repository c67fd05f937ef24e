"""Over the local runtime: payroll's run events on the bus reach the ledger, which books the accrual, the
payment and a reversal; finance reads them in the trial balance over HTTP. (The payroll run that publishes
these events is wired in another part of issue 11; here its published samples stand in for it.)"""

from __future__ import annotations

import copy
import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import eventually

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parents[2] / "events" / "payroll_published"
PAYROLL_CODES = ("6000", "6100", "2300", "2400", "2500")


def _publish(runtime, name: str, run_id: str) -> None:
    """The sample event with fresh ids (another run): as payroll's outbox relay would put it on the bus."""
    sample = json.loads((SAMPLES / f"{name}.json").read_text())
    detail = copy.deepcopy(sample["detail"])
    detail["metadata"]["event_id"] = str(uuid.uuid4())
    detail["data"]["run_id"] = run_id
    runtime.client("events").put_events(
        Entries=[
            {
                "Source": sample["source"],
                "DetailType": sample["detail-type"],
                "Detail": json.dumps(detail),
                "EventBusName": runtime.physical_id("EventBus"),
            }
        ]
    )


def _balances(http, token: str) -> dict[str, Decimal]:
    status, body = http.get("/ledger/trial-balance", token=token)
    assert status == 200, body
    assert body["balanced"] is True
    return {a["code"]: Decimal(a["balance"]) for a in body["accounts"]}


def test_a_run_posted_paid_and_reversed_over_the_bus_leaves_the_ledger_as_it_was(runtime, http):
    finance = http.token("e2e-payroll-finance", "finance")
    before = _balances(http, finance)
    run_id = str(uuid.uuid4())

    _publish(runtime, "payroll_run_posted", run_id)
    posted = eventually(lambda: (b := _balances(http, finance))["6000"] != before["6000"] and b, timeout=10)
    assert posted["6000"] - before["6000"] == Decimal("5650.00")  # salary expense = Σ gross
    assert posted["2300"] - before["2300"] == Decimal("4477.05")  # net wages payable = Σ net

    _publish(runtime, "payroll_run_paid", run_id)
    paid = eventually(lambda: (b := _balances(http, finance))["2300"] == before["2300"] and b, timeout=10)
    assert paid["1000"] - before["1000"] == Decimal("-4477.05")  # the bank credited

    _publish(runtime, "payroll_run_reversed", str(uuid.uuid4()))
    after = eventually(lambda: (b := _balances(http, finance))["6000"] == before["6000"] and b, timeout=10)
    assert after == before

    status, journal = http.get("/ledger/journal?limit=10", token=finance)
    assert status == 200
    mine = [e for e in journal["items"] if e["source_event_type"].startswith("PayrollRun")]
    assert {e["source_event_type"] for e in mine[:3]} == {"PayrollRunPosted", "PayrollRunPaid", "PayrollRunReversed"}
    assert all(e["party"] is None and e["document"]["type"] == "payroll_run" for e in mine[:3])


def test_sales_sees_no_salary_in_the_ledger(http):
    sales = http.token("e2e-payroll-sales", "sales")
    status, _ = http.get("/ledger/trial-balance", token=sales)
    assert status == 403
