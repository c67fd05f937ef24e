"""What the store keeps beside the domain's own objects: a structure's id and default flag, a run's header
(its structure, batches, task token, totals) and which run a payslip belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tandem.payroll.domain.events import RunTotals
from tandem.payroll.domain.model import PayrollRun
from tandem.payroll.domain.payslip import Payslip
from tandem.payroll.domain.structure import SalaryStructure


@dataclass(frozen=True, slots=True)
class StoredStructure:
    structure_id: str
    structure: SalaryStructure
    is_default: bool
    created_at: datetime
    created_by: str


@dataclass
class RunRecord:
    """A run as stored: the domain's run (without its slips unless asked for) plus what the store adds."""

    run: PayrollRun
    structure_id: str
    version: int
    batch_count: int = 0
    task_token: str | None = None
    correlation_id: str | None = None
    totals: RunTotals | None = None  # stored when calculated, so a view needs no slips
    failure_count: int = 0
    employee_count: int = 0
    paid_elsewhere: tuple[str, ...] = ()  # with results: snapshot employees a concurrent run paid first
    batch_totals: RunTotals | None = None  # with results: Σ of the totals each batch stored with its slips
    bank_file_key: str | None = None  # S3 key of the run's pain.001 file, once written (after posting)


@dataclass(frozen=True, slots=True)
class StoredPayslip:
    run_id: str
    slip: Payslip
    reversed: bool = False  # its run was reversed: kept for the record, no longer paid for the period
    issued_at: datetime | None = None  # set with its PayslipIssued, once its PDF is stored
    pdf_key: str | None = None
    mail: str | None = None  # "sent", or why not ("no email address", SES's refusal); None: not yet
