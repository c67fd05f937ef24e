"""Small pure policies of the run: how employees are batched, how year-to-date totals are summed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tandem.payroll.domain.payslip import Payslip, YearToDate


def in_batches(employee_ids: Sequence[str], size: int) -> list[list[str]]:
    """The snapshot split for the Map state: consecutive slices of at most ``size`` (the last may be short)."""
    return [list(employee_ids[start : start + size]) for start in range(0, len(employee_ids), size)]


def year_to_date_before(earlier: Iterable[Payslip]) -> YearToDate:
    """The totals of the same calendar year's earlier slips, oldest first (the new slip adds itself)."""
    total = YearToDate()
    for slip in sorted(earlier, key=lambda s: (s.period.year, s.period.month)):
        total = total.plus(slip)
    return total
