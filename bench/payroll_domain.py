"""Payroll, pure domain: compute a run's payslips for 1,000 and 10,000 employees (no tables, no Map state).

``.venv/bin/python bench/payroll_domain.py``. Not part of ``make bench`` yet: the wired benchmark (start to
``calculated`` over HTTP, DynamoDB round trips per employee) replaces it when the run is wired. The staff mix:
DE, FR and AT employees; one in seven hired on the 16th, one in five with an unpaid day, one in ten with a
raise on the 16th. The clock includes the first computation of each country's holidays.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "tandem"), str(ROOT)]
BATCH = 100  # what one Map iteration will compute


def staff(count: int) -> list:
    from tandem.payroll.domain.employee import EmployeeSnapshot, SalaryRecord
    from tandem.payroll.domain.work_calendar import UnpaidLeaveDay

    people = []
    for n in range(count):
        hired = date(2026, 12, 16) if n % 7 == 0 else date(2020, 1, 1)
        records = (SalaryRecord(hired, Decimal(2000 + n % 5000)),)
        if n % 10 == 0:
            records += (SalaryRecord(date(2026, 12, 16), Decimal(2500 + n % 5000)),)
        unpaid = (UnpaidLeaveDay(date(2026, 12, 9)),) if n % 5 == 0 else ()
        people.append(
            EmployeeSnapshot(
                f"e-{n:05d}",
                "Bench",
                "b@example.com",
                ("DE", "FR", "AT")[n % 3],
                hired,
                records,
                "DE89370400440532013000",
                unpaid_leave=unpaid,
            )
        )
    return people


def main() -> None:
    from tandem.payroll.domain.demo import demo_structure
    from tandem.payroll.domain.model import PayrollRun
    from tandem.payroll.domain.payslip import compute_payslip
    from tandem.payroll.domain.work_calendar import PayPeriod

    period, structure = PayPeriod(2026, 12), demo_structure()
    for count in (1_000, 10_000):
        people = staff(count)
        started = time.perf_counter()
        run = PayrollRun.start("bench", period, "EUR", "starter", datetime.now(UTC))
        run.take_snapshot([p.employee_id for p in people], set())
        for first in range(0, count, BATCH):
            run.record_results(compute_payslip(structure, p, period) for p in people[first : first + BATCH])
        run.finish_calculation()
        run.approve("checker", datetime.now(UTC))
        run.post()
        took = time.perf_counter() - started
        print(
            f"  {count:>6,} payslips computed, totalled and posted in {took:.2f} s ({took / count * 1e3:.2f} ms each)"
        )


if __name__ == "__main__":
    main()
