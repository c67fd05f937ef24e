"""The events payroll will publish, as plain frozen dataclasses for now.

They become versioned ``DomainEvent`` classes (source ``tandem.payroll``, registered in
``tandem.shared.schemas``, samples in ``events/``) when the context is wired; until then a plain class keeps
them out of the schema registry, so the contract test does not ask for schemas of events nothing publishes
yet. The lead reconciles them with what HR publishes and with the ledger's reader.

Personal data is the minimum: an employee id and amounts, never a name, an email or an IBAN. The ledger
learns a run's money from three of them, each carrying balanced ``PostingLine``s by account ROLE:
``PayrollRunPosted`` (the accrual), ``PayrollRunPaid`` (the payment) and ``PayrollRunReversed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tandem.payroll.domain.posting import PostingLine


@dataclass(frozen=True, slots=True)
class ComponentTotal:
    name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class RunTotals:
    """Σ of the run's slips: per component and the four headline sums."""

    employees: int
    gross: Decimal
    deductions: Decimal
    employer_contributions: Decimal
    net: Decimal
    components: tuple[ComponentTotal, ...]


@dataclass(frozen=True, slots=True)
class PayrollRunStarted:
    run_id: str
    period: str
    kind: str  # regular | reversal
    started_by: str  # the token's sub
    occurred_at: datetime
    reverses_run_id: str | None = None


@dataclass(frozen=True, slots=True)
class PayrollRunCalculated:
    run_id: str
    period: str
    currency: str
    totals: RunTotals
    failed_employee_ids: tuple[str, ...]
    skipped_employee_ids: tuple[str, ...]  # already paid for the period by another run


@dataclass(frozen=True, slots=True)
class PayrollRunApproved:
    run_id: str
    period: str
    approved_by: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class PayrollRunRejected:
    run_id: str
    period: str
    rejected_by: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class PayrollRunPosted:
    """The accrual: the ledger posts ``lines`` (balanced) dated the period's last day."""

    run_id: str
    period: str
    currency: str
    lines: tuple[PostingLine, ...]


@dataclass(frozen=True, slots=True)
class PayrollRunPaid:
    """The wages left the bank: Dr net wages payable / Cr bank."""

    run_id: str
    period: str
    currency: str
    lines: tuple[PostingLine, ...]
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class PayrollRunReversed:
    """A reversal run posted: ``lines`` are every line ``reverses_run_id`` posted, sides swapped."""

    run_id: str
    reverses_run_id: str
    period: str
    currency: str
    lines: tuple[PostingLine, ...]


@dataclass(frozen=True, slots=True)
class PayslipIssued:
    """One per employee, recorded by the payslip step per batch (a run of 10,000 cannot put 10,000 outbox
    items in one transaction). HR or a notifier may read it; no amounts beyond net."""

    run_id: str
    employee_id: str
    period: str
    currency: str
    net: Decimal


PayrollEvent = (
    PayrollRunStarted
    | PayrollRunCalculated
    | PayrollRunApproved
    | PayrollRunRejected
    | PayrollRunPosted
    | PayrollRunPaid
    | PayrollRunReversed
)
"""What a run records; ``PayslipIssued`` is recorded per batch by the payslip step, not by the run."""
