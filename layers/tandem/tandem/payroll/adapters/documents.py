"""The stored JSON documents of payroll's read model of an employee and of a run's header."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tandem.payroll.domain import codec
from tandem.payroll.domain.codec import Document
from tandem.payroll.domain.events import ComponentTotal, RunTotals
from tandem.payroll.domain.model import PayrollRun, RunKind, RunStatus
from tandem.payroll.domain.read_model import EmployeeReadModel, SalaryChange
from tandem.payroll.domain.stored import RunRecord
from tandem.payroll.domain.work_calendar import PayPeriod, UnpaidLeaveDay
from tandem.shared.clock import iso


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def employee_document(e: EmployeeReadModel) -> Document:
    return {
        "employee_id": e.employee_id,
        "hired": e.hired,
        "name": e.name,
        "email": e.email,
        "country": e.country,
        "hire_date": None if e.hire_date is None else e.hire_date.isoformat(),
        "base_salary": str(e.base_salary),
        "working_time": str(e.working_time),
        "cost_centre": e.cost_centre,
        "user_sub": e.user_sub,
        "bank_account_sealed": e.bank_account_sealed,
        "iban_masked": e.iban_masked,
        "bank_change_number": e.bank_change_number,
        "termination_date": None if e.termination_date is None else e.termination_date.isoformat(),
        "changes": [
            {
                "change_number": c.change_number,
                "effective_date": c.effective_date.isoformat(),
                "base_salary": None if c.base_salary is None else str(c.base_salary),
                "working_time": None if c.working_time is None else str(c.working_time),
                "cost_centre": c.cost_centre,
            }
            for c in e.changes.values()
        ],
        "unpaid_leave": {
            leave_id: [[d.day.isoformat(), str(d.fraction)] for d in days] for leave_id, days in e.unpaid_leave.items()
        },
    }


def employee_of(doc: Document, version: int) -> EmployeeReadModel:
    changes = {
        int(c["change_number"]): SalaryChange(
            int(c["change_number"]),
            date.fromisoformat(c["effective_date"]),
            _dec(c.get("base_salary")),
            _dec(c.get("working_time")),
            c.get("cost_centre"),
        )
        for c in doc.get("changes", [])
    }
    leave = {
        leave_id: tuple(UnpaidLeaveDay(date.fromisoformat(day), Decimal(share)) for day, share in days)
        for leave_id, days in (doc.get("unpaid_leave") or {}).items()
    }
    return EmployeeReadModel(
        employee_id=doc["employee_id"],
        hired=bool(doc.get("hired")),
        name=doc.get("name", ""),
        email=doc.get("email", ""),
        country=doc.get("country", ""),
        hire_date=_day(doc.get("hire_date")),
        base_salary=Decimal(doc.get("base_salary", "0")),
        working_time=Decimal(doc.get("working_time", "1")),
        cost_centre=doc.get("cost_centre"),
        user_sub=doc.get("user_sub"),
        bank_account_sealed=doc.get("bank_account_sealed"),
        iban_masked=doc.get("iban_masked"),
        bank_change_number=int(doc.get("bank_change_number", 0)),
        termination_date=_day(doc.get("termination_date")),
        changes=changes,
        unpaid_leave=leave,
        version=version,
    )


def totals_document(totals: RunTotals) -> Document:
    return {
        "employees": totals.employees,
        "gross": str(totals.gross),
        "deductions": str(totals.deductions),
        "employer_contributions": str(totals.employer_contributions),
        "net": str(totals.net),
        "components": [{"name": c.name, "amount": str(c.amount)} for c in totals.components],
    }


def totals_of(doc: Document) -> RunTotals:
    return RunTotals(
        int(doc["employees"]),
        Decimal(doc["gross"]),
        Decimal(doc["deductions"]),
        Decimal(doc["employer_contributions"]),
        Decimal(doc["net"]),
        tuple(ComponentTotal(c["name"], Decimal(c["amount"])) for c in doc["components"]),
    )


def run_document(record: RunRecord) -> Document:
    run = record.run
    return {
        "run_id": run.run_id,
        "period": str(run.period),
        "currency": run.currency,
        "started_by": run.started_by,
        "started_at": iso(run.started_at),
        "kind": run.kind.value,
        "status": run.status.value,
        "reverses_run_id": run.reverses_run_id,
        "reversed_by_run_id": run.reversed_by_run_id,
        "pending_reversal_run_id": run.pending_reversal_run_id,
        "reason": run.reason,
        # employee ids live on the batch items (10,000 ids would crowd a 400 KB item)
        "employee_count": len(run.employee_ids) or record.employee_count,
        "skipped_employee_ids": list(run.skipped_employee_ids),
        "approved_by": run.approved_by,
        "posted_lines": codec.lines_document(run.posted_lines),
        "paid_lines": codec.lines_document(run.paid_lines),
        "structure_id": record.structure_id,
        "batch_count": record.batch_count,
        "task_token": record.task_token,
        "correlation_id": record.correlation_id,
        "totals": None if record.totals is None else totals_document(record.totals),
        "failure_count": record.failure_count,
        "bank_file_key": record.bank_file_key,
    }


def run_of(doc: Document, version: int) -> RunRecord:
    year, month = (int(part) for part in doc["period"].split("-"))
    run = PayrollRun(
        doc["run_id"],
        PayPeriod(year, month),
        doc["currency"],
        doc["started_by"],
        datetime.fromisoformat(doc["started_at"]),
        kind=RunKind(doc["kind"]),
        status=RunStatus(doc["status"]),
        reverses_run_id=doc.get("reverses_run_id"),
        reversed_by_run_id=doc.get("reversed_by_run_id"),
        pending_reversal_run_id=doc.get("pending_reversal_run_id"),
        reason=doc.get("reason"),
        skipped_employee_ids=tuple(doc.get("skipped_employee_ids") or ()),
        approved_by=doc.get("approved_by"),
        posted_lines=codec.lines_of(doc.get("posted_lines") or []),
        paid_lines=codec.lines_of(doc.get("paid_lines") or []),
    )
    return RunRecord(
        run,
        doc["structure_id"],
        version,
        batch_count=int(doc.get("batch_count", 0)),
        task_token=doc.get("task_token"),
        correlation_id=doc.get("correlation_id"),
        totals=None if doc.get("totals") is None else totals_of(doc["totals"]),
        failure_count=int(doc.get("failure_count", 0)),
        employee_count=int(doc.get("employee_count", 0)),
        bank_file_key=doc.get("bank_file_key"),
    )
