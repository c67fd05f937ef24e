"""Issue 11's first "Done when", over HTTP on the local runtime with the demo structure: three employees hired by
HR (the whole month, hired on the 16th, two unpaid days asked for by the employee and approved by HR), a run of the
month to `calculated`, four eyes, posted into the ledger, the SEPA bank file, three payslip PDFs and three mails,
then `paid`. Other tests' employees may share the period's run: the checks are on these three and on the run."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from .commerce import download
from .conftest import eventually
from .test_payroll_run import _demo_structure, _run

pytestmark = pytest.mark.e2e
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
TODAY = date.today()
PERIOD = f"{TODAY:%Y-%m}"  # the current month: the run refuses periods beyond next month
FIRST = TODAY.replace(day=1)
CENT = Decimal("0.01")


def _unpaid_pair() -> date:
    """The first Monday-Wednesday on or after the 8th: it and the next day are two working days of the month."""
    day = FIRST.replace(day=8)
    while day.weekday() > 2:
        day += timedelta(days=1)
    return day


def _hire(http, hr: str, name: str, hire_date: date, iban: str, bic: str) -> tuple[dict, str]:
    sub = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}"
    body = {
        "name": name, "email": f"{sub}@tandem.example", "country": "DE", "hire_date": hire_date.isoformat(),
        "base_salary": "4000.00", "position": "Engineer", "department": "Engineering", "cost_centre": "CC-100",
        "iban": iban, "bic": bic, "user_sub": sub,
    }  # fmt: skip
    status, employee = http.post("/employees", body, token=hr)
    assert status == 201, employee
    return employee, sub


def _balances(http, token: str) -> dict[str, Decimal]:
    status, body = http.get("/ledger/trial-balance", token=token)
    assert status == 200 and body["balanced"] is True, body  # the trial balance balances after every step
    return {a["code"]: Decimal(a["balance"]) for a in body["accounts"]}


def _in_payroll(runtime, employee_ids: list[str], unpaid_id: str) -> bool:
    dynamodb, table = runtime.client("dynamodb"), runtime.physical_id("PayrollTable")
    items = [
        dynamodb.get_item(TableName=table, Key={"PK": {"S": f"EMP#{e}"}, "SK": {"S": "EMP"}}) for e in employee_ids
    ]
    unpaid = next(i for i, e in zip(items, employee_ids, strict=True) if e == unpaid_id)
    return all("Item" in i for i in items) and _unpaid_pair().isoformat() in unpaid["Item"]["doc"]["S"]


def test_a_month_from_hire_to_payslips_bank_file_ledger_and_payment(runtime, http):
    hr, finance = http.token(f"hr-{uuid.uuid4().hex[:6]}", "hr"), http.token("e2e-outputs-finance", "finance")
    starter, approver = http.token("e2e-outputs-pat", "payroll"), http.token("e2e-outputs-quinn", "payroll")
    status, structure = http.post("/payroll/structures", {**_demo_structure(), "default": True}, token=starter)
    assert status == 201, structure

    whole, whole_sub = _hire(
        http, hr, "Ada Whole", FIRST - timedelta(days=365), "DE89370400440532013000", "COBADEFFXXX"
    )
    late, late_sub = _hire(http, hr, "Ben Late", FIRST.replace(day=16), "GB29NWBK60161331926819", "NWBKGB2L")
    clara = ("Clara Unpaid", FIRST - timedelta(days=90), "FR1420041010050500013M02606", "PSSTFRPPPAR")
    unpaid, unpaid_sub = _hire(http, hr, *clara)
    start = _unpaid_pair()
    leave_body = {"kind": "unpaid", "start": start.isoformat(), "end": (start + timedelta(days=1)).isoformat()}
    status, leave = http.post("/me/leave-requests", leave_body, token=http.token(unpaid_sub, "employee"))
    assert status == 201 and leave["days"] == "2", leave
    status, approved = http.post(f"/leave-requests/{leave['id']}/approve", token=hr)
    assert status == 200 and approved["status"] == "approved", approved
    mine = {whole["id"]: whole_sub, late["id"]: late_sub, unpaid["id"]: unpaid_sub}
    eventually(lambda: _in_payroll(runtime, list(mine), unpaid["id"]), timeout=20)

    # -- a run of the month reaches `calculated`
    status, started = http.post("/payroll/runs", {"period": PERIOD}, token=starter)
    assert status == 202, started
    run_id = started["id"]
    run = eventually(lambda: (r := _run(http, starter, run_id))["status"] == "calculated" and r, timeout=60)
    _, page = http.get(f"/payroll/runs/{run_id}/payslips?limit=100", token=starter)
    slips = {s["employee_id"]: s for s in page["items"]}
    assert set(mine) <= set(slips)
    working = slips[whole["id"]]["working_days"]
    assert Decimal(slips[whole["id"]]["payment_days"]) == working
    assert Decimal(slips[unpaid["id"]]["payment_days"]) == working - 2
    assert Decimal(slips[late["id"]]["payment_days"]) < working
    for eid in mine:  # prorated = full x payment days / working days, rounded half up once
        slip = slips[eid]
        basic = next(Decimal(c["amount"]) for c in slip["components"] if c["name"] == "basic_salary")
        full = Decimal("4000.00") * Decimal(slip["payment_days"]) / Decimal(slip["working_days"])
        assert basic == full.quantize(CENT, rounding=ROUND_HALF_UP)
        deductions = sum(Decimal(c["amount"]) for c in slip["components"] if c["kind"] == "employee_deduction")
        assert Decimal(slip["net"]) == Decimal(slip["gross"]) - deductions  # exactly
    for headline in ("gross", "net", "deductions"):
        assert Decimal(run["totals"][headline]) == sum(Decimal(s[headline]) for s in slips.values())

    # -- four eyes: the starter is refused, another payroll user approves; the run is posted
    before = _balances(http, finance)
    status, refused = http.post(f"/payroll/runs/{run_id}/approve", token=starter)
    assert status == 403 and refused["error"]["code"] == "four_eyes_required"
    assert "other than the one who started it" in refused["error"]["message"]
    status, _ = eventually(lambda: (a := http.post(f"/payroll/runs/{run_id}/approve", token=approver))[0] != 409 and a)
    assert status == 200
    eventually(lambda: _run(http, starter, run_id)["status"] == "posted", timeout=20)
    gross, net = (sum(Decimal(s[k]) for s in slips.values()) for k in ("gross", "net"))
    posted = eventually(lambda: (b := _balances(http, finance))["2300"] != before["2300"] and b, timeout=20)
    assert posted["6000"] - before["6000"] == gross  # salary expense = Σ gross
    assert posted["2300"] - before["2300"] == net  # net wages payable = Σ net

    # -- the bank file: valid pain.001.001.03, one transfer per employee paid, CtrlSum = Σ net
    payroll_token = approver
    status, _, document = eventually(
        lambda: (
            (d := _download(http, f"/payroll/runs/{run_id}/bank-file", payroll_token, "application/xml"))[0] == 200
            and d
        ),
        timeout=30,
    )
    from sepaxml.validation import try_valid_xml

    try_valid_xml(document, "pain.001.001.03")
    root = ET.fromstring(document)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    paid_slips = [s for s in slips.values() if Decimal(s["net"]) > 0]
    assert header.find("p:NbOfTxs", NS).text == str(len(paid_slips))
    assert Decimal(header.find("p:CtrlSum", NS).text) == net
    transfers = {t.find("p:PmtId/p:EndToEndId", NS).text: t for t in root.findall(".//p:CdtTrfTxInf", NS)}
    for eid in mine:
        transfer = transfers[eid.replace("-", "")]
        assert Decimal(transfer.find("p:Amt/p:InstdAmt", NS).text) == Decimal(slips[eid]["net"])
    assert transfers[late["id"].replace("-", "")].find("p:CdtrAcct/p:Id/p:IBAN", NS).text == "GB29NWBK60161331926819"

    # -- three payslip PDFs, each read by its own employee; another's is 404; three mails
    for sub in mine.values():
        token = http.token(sub, "employee")
        status, content_type, pdf = eventually(
            lambda t=token: (d := _download(http, f"/me/payslips/{run_id}/pdf", t, "application/pdf"))[0] == 200 and d,
            timeout=30,
        )
        assert content_type == "application/pdf" and pdf.startswith(b"%PDF")
    stranger = http.token(f"nobody-{uuid.uuid4().hex[:6]}", "employee")
    assert _download(http, f"/me/payslips/{run_id}/pdf", stranger, "application/pdf")[0] == 404
    assert http.get(f"/payroll/runs/{run_id}/bank-file", token=http.token("sam", "sales"))[0] == 403
    for sub in mine.values():
        [mail] = eventually(lambda s=sub: _mails_to(http, f"{s}@tandem.example"), timeout=30)
        assert "payslip" in json.dumps(mail).lower()

    # -- the execution went through every output state and ended in `Issued` (nothing failed, no alarm)
    assert eventually(lambda: _execution_status(runtime, run_id) == "SUCCEEDED", timeout=30)

    # -- paid: net wages payable back to where it was, the bank credited with Σ net
    status, paid = http.post(f"/payroll/runs/{run_id}/paid", token=approver)
    assert status == 200 and paid["status"] == "paid"
    after = eventually(lambda: (b := _balances(http, finance))["2300"] == before["2300"] and b, timeout=20)
    assert after["1000"] - posted["1000"] == -net


def _execution_status(runtime, run_id: str) -> str | None:
    """The status of the run's execution (started by its PayrollRunStarted: the run id is in its input)."""
    sfn = runtime.client("stepfunctions")
    executions = sfn.list_executions(stateMachineArn=runtime.physical_id("PayrollRunStateMachine"))["executions"]
    for execution in executions:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        if run_id in described.get("input", ""):
            return described["status"]
    return None


def _download(http, path: str, token: str, accept: str) -> tuple[int, str, bytes]:
    try:
        return download(http, path, token, accept)
    except Exception as error:  # urllib raises on 4xx
        return getattr(error, "code", 0), "", b""


def _mails_to(http, address: str) -> list[dict]:
    status, body = http.get("/_local/emails")
    assert status == 200, body
    found = [m for m in body["emails"] if address in json.dumps(m)]
    return found if len(found) >= 1 else []
