"""Small pure policies of the run: how employees are batched, how year-to-date totals and run totals are
summed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from tandem.payroll.domain.events import ComponentTotal, RunTotals
from tandem.payroll.domain.payslip import Payslip, YearToDate

ZERO = Decimal(0)


def in_batches(employee_ids: Sequence[str], size: int) -> list[list[str]]:
    """The snapshot split for the Map state: consecutive slices of at most ``size`` (the last may be short)."""
    return [list(employee_ids[start : start + size]) for start in range(0, len(employee_ids), size)]


def year_to_date_before(earlier: Iterable[Payslip]) -> YearToDate:
    """The totals of the same calendar year's earlier slips, oldest first (the new slip adds itself)."""
    total = YearToDate()
    for slip in sorted(earlier, key=lambda s: (s.period.year, s.period.month)):
        total = total.plus(slip)
    return total


def totals_of(slips: Iterable[Payslip]) -> RunTotals:
    """Σ of some slips: the four headline sums and one total per component, in the order components first
    appear (the structure's order, as every slip lists its lines in it)."""
    return combined(_one(slip) for slip in slips)


def combined(parts: Iterable[RunTotals]) -> RunTotals:
    """Σ of partial totals (a run's batches, each summed when it was written). Exact: Decimal sums of
    amounts already rounded to cents, so summing per batch then per run equals summing every slip."""
    employees, gross, deductions, contributions, net = 0, ZERO, ZERO, ZERO, ZERO
    components: dict[str, Decimal] = {}
    for part in parts:
        employees += part.employees
        gross, deductions = gross + part.gross, deductions + part.deductions
        contributions, net = contributions + part.employer_contributions, net + part.net
        for component in part.components:
            components[component.name] = components.get(component.name, ZERO) + component.amount
    return RunTotals(
        employees, gross, deductions, contributions, net,
        tuple(ComponentTotal(name, amount) for name, amount in components.items()),
    )  # fmt: skip


def _one(slip: Payslip) -> RunTotals:
    components: dict[str, Decimal] = {}
    for line in slip.lines:
        components[line.name] = components.get(line.name, ZERO) + line.amount
    return RunTotals(
        1, slip.gross, slip.deductions, slip.employer_contributions, slip.net,
        tuple(ComponentTotal(name, amount) for name, amount in components.items()),
    )  # fmt: skip
