"""The payroll run: one period's slips, from the snapshot of employees to the money leaving the bank.

    started -> calculating -> calculated -> approved -> posted -> paid
                                        \\-> rejected (slips discarded)      posted|paid -> reversed

A run records events (it never publishes): the service commits them with the run in one transaction.
Slips never change once recorded; a correction is a REVERSAL run (the original's slips negated, its posted
lines with their sides swapped), approved by four eyes like any run, after which a new run pays again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tandem.payroll.domain import events as published
from tandem.payroll.domain.errors import FourEyesRequired, PayrollRunTransitionRefused
from tandem.payroll.domain.payslip import Payslip, PayslipFailure
from tandem.payroll.domain.posting import PostingLine, accrual_lines, payment_lines, reversal_lines
from tandem.payroll.domain.rules import totals_of
from tandem.payroll.domain.work_calendar import PayPeriod


class RunStatus(StrEnum):
    STARTED = "started"
    CALCULATING = "calculating"
    CALCULATED = "calculated"
    APPROVED = "approved"
    POSTED = "posted"
    PAID = "paid"
    REJECTED = "rejected"
    REVERSED = "reversed"


class RunKind(StrEnum):
    REGULAR = "regular"
    REVERSAL = "reversal"


# A run in any of these holds its employees' slips for the period: a second run skips them.
HOLDS_SLIPS = frozenset(
    {
        RunStatus.STARTED,
        RunStatus.CALCULATING,
        RunStatus.CALCULATED,
        RunStatus.APPROVED,
        RunStatus.POSTED,
        RunStatus.PAID,
    }
)


@dataclass
class PayrollRun:
    run_id: str
    period: PayPeriod
    currency: str
    started_by: str
    started_at: datetime
    kind: RunKind = RunKind.REGULAR
    status: RunStatus = RunStatus.STARTED
    reverses_run_id: str | None = None
    employee_ids: tuple[str, ...] = ()
    skipped_employee_ids: tuple[str, ...] = ()
    payslips: dict[str, Payslip] = field(default_factory=dict)
    failures: dict[str, PayslipFailure] = field(default_factory=dict)
    approved_by: str | None = None
    posted_lines: tuple[PostingLine, ...] = ()
    paid_lines: tuple[PostingLine, ...] = ()
    reversed_by_run_id: str | None = None
    # The reversal run waiting for approval: one at a time, and no payment recorded meanwhile (its lines
    # would be missing from the reversal, which copied the original's lines when it was created).
    pending_reversal_run_id: str | None = None
    reason: str | None = None  # why a reversal run was asked for (the caller's words, shown on the run)
    events: list[published.PayrollEvent] = field(default_factory=list, repr=False)

    @classmethod
    def start(cls, run_id: str, period: PayPeriod, currency: str, started_by: str, at: datetime) -> PayrollRun:
        run = cls(run_id, period, currency, started_by, at)
        run.events.append(published.PayrollRunStarted(run_id, str(period), RunKind.REGULAR, started_by, at))
        return run

    @classmethod
    def reversal_of(
        cls, original: PayrollRun, run_id: str, started_by: str, at: datetime, reason: str | None = None
    ) -> PayrollRun:
        """A run that undoes ``original`` (posted or paid, not reversed yet): its slips negated, ready for
        approval at once (nothing to compute), posting every line the original posted with sides swapped.
        ``original`` is marked as being reversed by it (saved with it: a second reversal is refused)."""
        if original.kind is RunKind.REVERSAL or original.status not in (RunStatus.POSTED, RunStatus.PAID):
            raise original._refused("reverse")
        if original.pending_reversal_run_id is not None:
            raise PayrollRunTransitionRefused(
                f"Run {original.run_id} is already being reversed by run {original.pending_reversal_run_id}: "
                "approve or reject that reversal first",
                details={"run_id": original.run_id, "status": original.status, "wanted": "reverse",
                         "reversal_run_id": original.pending_reversal_run_id},
            )  # fmt: skip
        run = cls(run_id, original.period, original.currency, started_by, at, RunKind.REVERSAL, RunStatus.CALCULATED)
        run.reverses_run_id, run.reason = original.run_id, reason
        original.pending_reversal_run_id = run_id
        run.employee_ids = original.employee_ids
        run.payslips = {eid: slip.negated() for eid, slip in original.payslips.items()}
        run.posted_lines = reversal_lines((*original.posted_lines, *original.paid_lines))
        run.events.append(
            published.PayrollRunStarted(run_id, str(run.period), RunKind.REVERSAL, started_by, at, original.run_id)
        )
        run.events.append(run._calculated())
        return run

    def take_snapshot(self, active_employee_ids: Iterable[str], employees_with_slip: set[str]) -> bool:
        """The employees this run pays: those active in the period without a slip from another run."""
        if self.status is not RunStatus.STARTED:
            return self._repeat_or_refuse(RunStatus.CALCULATING, "snapshot")
        active = sorted(set(active_employee_ids))
        self.employee_ids = tuple(eid for eid in active if eid not in employees_with_slip)
        self.skipped_employee_ids = tuple(eid for eid in active if eid in employees_with_slip)
        self.status = RunStatus.CALCULATING
        return True

    def record_results(self, results: Iterable[Payslip | PayslipFailure]) -> bool:
        """One batch of the Map state. A retried batch records nothing twice (the first result stands:
        the computation is deterministic); a result for an employee outside the snapshot is refused."""
        if self.status is not RunStatus.CALCULATING:
            raise self._refused("record payslips")
        changed, snapshot = False, self._snapshot  # once per batch: a set of 10,000 ids is not free
        for result in results:
            eid = result.employee_id
            if eid not in snapshot:
                raise PayrollRunTransitionRefused(
                    f"Employee {eid} is not in run {self.run_id}'s snapshot", details={"employee_id": eid[:64]}
                )
            if eid in self.payslips or eid in self.failures:
                continue
            if isinstance(result, Payslip):
                self.payslips[eid] = result
            else:
                self.failures[eid] = result
            changed = True
        return changed

    def finish_calculation(self, summed: published.RunTotals | None = None) -> bool:
        """``calculated``. ``summed``: the totals of the run's slips added up batch by batch as they were
        written, when the slips themselves are not loaded (reading 10,000 slips only to add them up was the
        slowest step of a large run); without it, the totals of the slips this run holds."""
        if self.status is not RunStatus.CALCULATING:
            return self._repeat_or_refuse(RunStatus.CALCULATED, "finish the calculation")
        totals = self.totals if summed is None else summed
        missing = len(self._snapshot) - totals.employees - len(self.failures)
        if missing:
            raise PayrollRunTransitionRefused(
                f"{missing} employees of run {self.run_id} have neither a slip nor a failure yet",
                details={"missing": missing},
            )
        self.status = RunStatus.CALCULATED
        self.events.append(self._calculated(totals))
        return True

    def approve(self, by: str, at: datetime) -> bool:
        """Four eyes: anyone of ``payroll`` but the user who started the run."""
        if self.status is not RunStatus.CALCULATED:
            return self._repeat_or_refuse(RunStatus.APPROVED, "approve", by == self.approved_by)
        if by == self.started_by:
            raise FourEyesRequired(details={"run_id": self.run_id, "started_by": self.started_by})
        self.status, self.approved_by = RunStatus.APPROVED, by
        self.events.append(published.PayrollRunApproved(self.run_id, str(self.period), by, at))
        return True

    def reject(self, by: str, reason: str, at: datetime) -> bool:
        """Ends the run and discards its slips (their employees can be paid by a new run)."""
        if self.status is not RunStatus.CALCULATED:
            return self._repeat_or_refuse(RunStatus.REJECTED, "reject")
        self.status = RunStatus.REJECTED
        self.payslips, self.failures = {}, {}
        self.events.append(published.PayrollRunRejected(self.run_id, str(self.period), by, reason, at))
        return True

    def post(self) -> bool:
        """The accrual (a reversal run: the original's lines swapped) goes to the ledger through the event."""
        if self.status is not RunStatus.APPROVED:
            return self._repeat_or_refuse(RunStatus.POSTED, "post")
        self.status = RunStatus.POSTED
        period = str(self.period)
        if self.kind is RunKind.REVERSAL:
            assert self.reverses_run_id is not None  # set by reversal_of, the only way to make one
            self.events.append(
                published.PayrollRunReversed(
                    run_id=self.run_id,
                    reverses_run_id=self.reverses_run_id,
                    period=period,
                    currency=self.currency,
                    lines=self.posted_lines,
                )
            )
        else:
            self.posted_lines = accrual_lines(self.payslips.values())
            self.events.append(
                published.PayrollRunPosted(
                    run_id=self.run_id, period=period, currency=self.currency, lines=self.posted_lines
                )
            )
        return True

    def mark_paid(self, at: datetime) -> bool:
        """The bank paid the wages (``POST /payroll/runs/{id}/paid`` or its confirmation)."""
        if self.kind is RunKind.REVERSAL or self.status is not RunStatus.POSTED:
            return self._repeat_or_refuse(RunStatus.PAID, "mark paid")
        if self.pending_reversal_run_id is not None:
            raise self._refused("mark paid while it is being reversed")
        self.status = RunStatus.PAID
        self.paid_lines = payment_lines(self.totals.net)
        self.events.append(
            published.PayrollRunPaid(
                run_id=self.run_id,
                period=str(self.period),
                currency=self.currency,
                lines=self.paid_lines,
                occurred_at=at,
            )
        )
        return True

    def mark_reversed(self, reversal_run_id: str) -> bool:
        """The reversal run posted: this run's slips no longer count for the period."""
        if self.status not in (RunStatus.POSTED, RunStatus.PAID):
            return self._repeat_or_refuse(
                RunStatus.REVERSED, "mark reversed", reversal_run_id == self.reversed_by_run_id
            )
        if self.pending_reversal_run_id not in (None, reversal_run_id):
            raise self._refused(
                f"be reversed by {reversal_run_id[:64]}: run {self.pending_reversal_run_id} reverses it"
            )
        self.status, self.reversed_by_run_id = RunStatus.REVERSED, reversal_run_id
        self.pending_reversal_run_id = None
        return True

    def drop_reversal(self, reversal_run_id: str) -> bool:
        """Its reversal run was rejected: this run stays as it was, free to be paid or reversed again."""
        if self.pending_reversal_run_id != reversal_run_id:
            return False
        self.pending_reversal_run_id = None
        return True

    @property
    def totals(self) -> published.RunTotals:
        return totals_of(self.payslips.values())

    @property
    def _snapshot(self) -> frozenset[str]:
        return frozenset(self.employee_ids)

    def _calculated(self, totals: published.RunTotals | None = None) -> published.PayrollRunCalculated:
        return published.PayrollRunCalculated.listing(
            self.run_id,
            str(self.period),
            self.currency,
            self.totals if totals is None else totals,
            tuple(sorted(self.failures)),
            self.skipped_employee_ids,
        )

    def _refused(self, wanted: str) -> PayrollRunTransitionRefused:
        return PayrollRunTransitionRefused(
            f"Run {self.run_id} is {self.status}: cannot {wanted}",
            details={"run_id": self.run_id, "status": self.status, "wanted": wanted},
        )

    def _repeat_or_refuse(self, reached: RunStatus, wanted: str, same: bool = True) -> bool:
        """False for a repeat of a step already taken (idempotent retries); the error otherwise."""
        if self.status is reached and same:
            return False
        raise self._refused(wanted)


def employees_with_slip(runs_of_period: Iterable[PayrollRun]) -> set[str]:
    """Employees a new regular run of the period must skip: those with a slip in a live regular run, and
    everyone a run still computing has taken. A failure holds nothing (fix the data, run again); a
    reversed or rejected run frees its employees."""
    held: set[str] = set()
    for run in runs_of_period:
        if run.kind is RunKind.REGULAR and run.status in HOLDS_SLIPS:
            computing = run.status in (RunStatus.STARTED, RunStatus.CALCULATING)
            held.update(run.employee_ids if computing else run.payslips)
    return held
