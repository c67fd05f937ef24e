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


# ---------------------------------------------------------------- on the bus
# The versioned ``DomainEvent``s (source ``tandem.payroll``) the outbox publishes for the dataclasses above.
# The run's money events (Posted, Paid, Reversed) are registered by the outputs branch together with the
# ledger's reader of them; until it merges, ``_Provisional`` classes give them an envelope WITHOUT entering
# the schema registry (their ``event_type`` is set after the class exists, which the registry does not see).

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


class PostingLineData(DomainEvent):
    role: str
    debit: Decimal
    credit: Decimal


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
    failed_employee_ids: list[str]
    skipped_employee_ids: list[str]


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


class _Provisional(DomainEvent):
    context = "payroll"


class ProvisionalRunPosted(_Provisional):
    run_id: str
    period: str
    currency: str
    lines: list[PostingLineData]


class ProvisionalRunPaid(_Provisional):
    run_id: str
    period: str
    currency: str
    lines: list[PostingLineData]


ProvisionalRunPosted.event_type = "PayrollRunPosted"
ProvisionalRunPaid.event_type = "PayrollRunPaid"


def _lines(lines: tuple[PostingLine, ...]) -> list[PostingLineData]:
    return [PostingLineData(role=ln.role.value, debit=ln.debit, credit=ln.credit) for ln in lines]


def on_the_bus(event: PayrollEvent | PayslipIssued) -> DomainEvent:
    """The bus form of a recorded event (a reversal is not wired yet: it raises)."""
    if isinstance(event, PayrollRunStarted):
        return RunStarted(
            run_id=event.run_id, period=event.period, kind=event.kind, started_by=event.started_by,
            reverses_run_id=event.reverses_run_id,
        )  # fmt: skip
    if isinstance(event, PayrollRunCalculated):
        return RunCalculated(
            run_id=event.run_id, period=event.period, currency=event.currency, totals=RunTotalsData.of(event.totals),
            failed_employee_ids=list(event.failed_employee_ids), skipped_employee_ids=list(event.skipped_employee_ids),
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
    if isinstance(event, PayrollRunPosted):
        return ProvisionalRunPosted(
            run_id=event.run_id, period=event.period, currency=event.currency, lines=_lines(event.lines)
        )
    if isinstance(event, PayrollRunPaid):
        return ProvisionalRunPaid(
            run_id=event.run_id, period=event.period, currency=event.currency, lines=_lines(event.lines)
        )
    raise NotImplementedError(f"{type(event).__name__} is not published yet (reversal runs are not wired)")
