"""The events payroll publishes (source ``tandem.payroll``).

The three the ledger posts, ``PayrollRunPosted``, ``PayrollRunPaid`` and ``PayrollRunReversed``, are
versioned ``DomainEvent`` classes (registered in ``tandem.shared.schemas``: JSON Schemas in
``events/schemas/``, samples in ``events/payroll_published/``). The others are still plain frozen
dataclasses, kept out of the schema registry until the run is wired and something publishes them (the
contract test asks for a schema and a sample of every registered event); they become ``DomainEvent``s the
same way, with keyword arguments.

Personal data is the minimum: an employee id and amounts, never a name, an email or an IBAN. The ledger
learns a run's money from three of them, each carrying balanced ``PostingLine``s by account ROLE:
``PayrollRunPosted`` (the accrual), ``PayrollRunPaid`` (the payment) and ``PayrollRunReversed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field

from tandem.payroll.domain.posting import PostingLine
from tandem.shared.envelope import DomainEvent, Envelope

RunId = Annotated[str, Field(min_length=1, max_length=64)]
Period = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="The pay period: YYYY-MM")]
Currency = Annotated[str, Field(min_length=3, max_length=3, description="ISO 4217 code of every amount")]
Lines = Annotated[
    tuple[PostingLine, ...],
    Field(
        description="Balanced lines by account ROLE (salary_expense, employer_contribution_expense, "
        "net_wages_payable, tax_withholding_payable, social_contributions_payable, bank), each with a "
        "debit or a credit > 0; the ledger maps roles to its accounts"
    ),
]


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


# How many employee ids ``PayrollRunCalculated`` lists of its failed and of its skipped employees. A run of
# 10,000 whose employees all fail (or all paid already) would list ~400 KB of ids: past EventBridge's 256 KB
# entry and DynamoDB's 400 KB outbox item. The counts are always exact; the full lists stay on the run
# (``GET /payroll/runs/{id}``).
LISTED_IDS = 100


@dataclass(frozen=True, slots=True)
class PayrollRunCalculated:
    run_id: str
    period: str
    currency: str
    totals: RunTotals
    failed_employee_ids: tuple[str, ...]  # the first LISTED_IDS, in id order
    skipped_employee_ids: tuple[str, ...]  # already paid for the period by another run; the first LISTED_IDS
    failed_count: int = 0
    skipped_count: int = 0

    @classmethod
    def listing(cls, run_id: str, period: str, currency: str, totals: RunTotals, failed: tuple[str, ...],
                skipped: tuple[str, ...]) -> PayrollRunCalculated:  # fmt: skip
        """The event with at most ``LISTED_IDS`` ids of each kind and the exact counts."""
        return cls(run_id, period, currency, totals, failed[:LISTED_IDS], skipped[:LISTED_IDS], len(failed),
                   len(skipped))  # fmt: skip

    @property
    def failures_truncated(self) -> bool:
        return self.failed_count > len(self.failed_employee_ids)

    @property
    def skipped_truncated(self) -> bool:
        return self.skipped_count > len(self.skipped_employee_ids)


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


class PayrollRunPosted(DomainEvent):
    """A run's accrual, posted when it was approved: the ledger books ``lines`` (balanced) dated the
    period's last day. Dr salary expense (Σ gross) and employer contribution expense; Cr net wages payable
    (Σ net), tax withholding payable and social contributions payable."""

    context = "payroll"
    event_type = "PayrollRunPosted"
    version = 1

    run_id: RunId
    period: Period
    currency: Currency
    lines: Lines


class PayrollRunPaid(DomainEvent):
    """The wages left the bank: Dr net wages payable / Cr bank, Σ net, dated the day of ``occurred_at``."""

    context = "payroll"
    event_type = "PayrollRunPaid"
    version = 1

    run_id: RunId
    period: Period
    currency: Currency
    lines: Lines
    occurred_at: AwareDatetime


class PayrollRunReversed(DomainEvent):
    """A reversal run posted: ``lines`` are every line ``reverses_run_id`` posted (its accrual and, if it was
    paid, its payment), sides swapped, so the ledger is back where it was before that run."""

    context = "payroll"
    event_type = "PayrollRunReversed"
    version = 1

    run_id: RunId
    reverses_run_id: RunId
    period: Period
    currency: Currency
    lines: Lines


PayrollRunPostedEnvelope = Envelope[PayrollRunPosted]
PayrollRunPaidEnvelope = Envelope[PayrollRunPaid]
PayrollRunReversedEnvelope = Envelope[PayrollRunReversed]


@dataclass(frozen=True, slots=True)
class PayslipIssued:
    """One per employee, recorded when the slip is issued, after the run's approval (a slip computed in a run
    that is then rejected was never issued), per batch (a run of 10,000 cannot put 10,000 outbox items in one
    transaction). HR or a notifier may read it; no amounts beyond net."""

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
"""What a run records; ``PayslipIssued`` is recorded per batch by the step that issues slips, not by the run."""


# ---------------------------------------------------------------- on the bus
# The versioned ``DomainEvent``s (source ``tandem.payroll``) the outbox publishes for the dataclasses above;
# the run's money events (Posted, Paid, Reversed) are ``DomainEvent``s already and travel as they are.

from pydantic import Field  # noqa: E402 - the bus half of this module

from tandem.shared.envelope import DomainEvent  # noqa: E402

_ID = Field(min_length=1, max_length=64)


class ComponentTotalData(DomainEvent):
    name: str
    amount: Decimal


class RunTotalsData(DomainEvent):
    employees: int
    gross: Decimal
    deductions: Decimal
    employer_contributions: Decimal
    net: Decimal
    components: list[ComponentTotalData]

    @classmethod
    def of(cls, totals: RunTotals) -> RunTotalsData:
        return cls(
            employees=totals.employees,
            gross=totals.gross,
            deductions=totals.deductions,
            employer_contributions=totals.employer_contributions,
            net=totals.net,
            components=[ComponentTotalData(name=c.name, amount=c.amount) for c in totals.components],
        )


class RunStarted(DomainEvent):
    """A payroll run was started for a period (by a payroll user's sub, or ``schedule:payroll-monthly``);
    its state machine starts from this event."""

    context = "payroll"
    event_type = "PayrollRunStarted"
    run_id: str = _ID
    period: str = Field(pattern=r"^\d{4}-\d{2}$")
    kind: str
    started_by: str = Field(min_length=1, max_length=128)
    reverses_run_id: str | None = None


class RunCalculated(DomainEvent):
    """Every employee of the run has a payslip or a failure: the totals per component and the headline sums,
    the employees that failed (fix their data and run again) and those skipped (paid by another run)."""

    context = "payroll"
    event_type = "PayrollRunCalculated"
    run_id: str = _ID
    period: str
    currency: str
    totals: RunTotalsData
    failed_employee_ids: list[str] = Field(description="The failed employees' ids, at most 100 (see failed_count)")
    skipped_employee_ids: list[str] = Field(
        description="The employees paid by another run of the period, at most 100 (see skipped_count)"
    )
    # Added in place (optional: an event without them listed every id). Their full lists: GET /payroll/runs/{id}.
    failed_count: int | None = Field(default=None, ge=0, description="How many employees failed")
    skipped_count: int | None = Field(default=None, ge=0, description="How many employees were skipped")
    failures_truncated: bool = Field(default=False, description="More failed than failed_employee_ids lists")
    skipped_truncated: bool = Field(default=False, description="More skipped than skipped_employee_ids lists")


class RunApproved(DomainEvent):
    """A payroll user other than the starter approved the run (four eyes)."""

    context = "payroll"
    event_type = "PayrollRunApproved"
    run_id: str = _ID
    period: str
    approved_by: str


class RunRejected(DomainEvent):
    """The run was rejected: its payslips are discarded and its employees free for a new run."""

    context = "payroll"
    event_type = "PayrollRunRejected"
    run_id: str = _ID
    period: str
    rejected_by: str
    reason: str


class SlipIssued(DomainEvent):
    """One employee's payslip was computed and stored (ids and the net only: no name, email or IBAN)."""

    context = "payroll"
    event_type = "PayslipIssued"
    run_id: str = _ID
    employee_id: str = _ID
    period: str
    currency: str
    net: Decimal


def on_the_bus(event: PayrollEvent | PayslipIssued) -> DomainEvent:
    """The bus form of a recorded event."""
    if isinstance(event, PayrollRunStarted):
        return RunStarted(
            run_id=event.run_id, period=event.period, kind=event.kind, started_by=event.started_by,
            reverses_run_id=event.reverses_run_id,
        )  # fmt: skip
    if isinstance(event, PayrollRunCalculated):
        return RunCalculated(
            run_id=event.run_id, period=event.period, currency=event.currency, totals=RunTotalsData.of(event.totals),
            failed_employee_ids=list(event.failed_employee_ids), skipped_employee_ids=list(event.skipped_employee_ids),
            failed_count=event.failed_count, skipped_count=event.skipped_count,
            failures_truncated=event.failures_truncated, skipped_truncated=event.skipped_truncated,
        )  # fmt: skip
    if isinstance(event, PayrollRunApproved):
        return RunApproved(run_id=event.run_id, period=event.period, approved_by=event.approved_by)
    if isinstance(event, PayrollRunRejected):
        return RunRejected(run_id=event.run_id, period=event.period, rejected_by=event.rejected_by, reason=event.reason)
    if isinstance(event, PayslipIssued):
        return SlipIssued(
            run_id=event.run_id, employee_id=event.employee_id, period=event.period, currency=event.currency,
            net=event.net,
        )  # fmt: skip
    if isinstance(event, PayrollRunPosted | PayrollRunPaid | PayrollRunReversed):
        return event  # already the versioned bus event the ledger reads
    raise TypeError(f"{type(event).__name__} has no bus form")
