"""What lets a run of 10,000 finish quickly without changing its result: totals summed per batch, and a
``PayrollRunCalculated`` that stays under EventBridge's 256 KB however many employees fail or are skipped."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.payroll.domain import events
from tandem.payroll.domain.demo import demo_structure
from tandem.payroll.domain.errors import PayrollRunTransitionRefused
from tandem.payroll.domain.model import PayrollRun, RunStatus
from tandem.payroll.domain.payslip import FailureReason, PayslipFailure, compute_payslip
from tandem.payroll.domain.rules import combined, in_batches, totals_of
from tandem.payroll.domain.work_calendar import PayPeriod, UnpaidLeaveDay
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope

from tests.unit.payroll.builders import employee

DEC_2026 = PayPeriod(2026, 12)
AT = datetime(2026, 12, 28, 9, tzinfo=UTC)
EVENTBRIDGE_ENTRY_LIMIT = 256 * 1024


def _slips(count: int) -> list:
    staff = [
        employee(
            f"e-{n:05d}",
            salary=f"{2000 + n * 37 % 5000}.{n % 100:02d}",
            hired=date(2026, 12, 16) if n % 7 == 0 else date(2020, 1, 1),
            unpaid=(UnpaidLeaveDay(date(2026, 12, 9)),) if n % 5 == 0 else (),
        )
        for n in range(count)
    ]
    return [compute_payslip(demo_structure(), e, DEC_2026) for e in staff]


@settings(max_examples=25, deadline=None)
@given(count=st.integers(min_value=0, max_value=40), size=st.integers(min_value=1, max_value=12))
def test_totals_summed_per_batch_equal_the_totals_of_every_slip_exactly(count: int, size: int) -> None:
    slips = _slips(count)
    per_batch = combined(totals_of(batch) for batch in in_batches(slips, size))
    assert per_batch == totals_of(slips)  # Decimal sums of cents: not "within a cent", equal
    assert per_batch.net == per_batch.gross - per_batch.deductions


def test_a_run_finished_from_summed_totals_equals_one_finished_from_its_slips() -> None:
    slips = _slips(9)
    from_slips, from_batches = (PayrollRun.start(rid, DEC_2026, "EUR", "sub-a", AT) for rid in ("r-1", "r-2"))
    for run in (from_slips, from_batches):
        run.take_snapshot([s.employee_id for s in slips], set())
    from_slips.record_results(slips)
    from_slips.finish_calculation()
    from_batches.finish_calculation(combined(totals_of(batch) for batch in in_batches(slips, 4)))
    assert from_batches.status is RunStatus.CALCULATED and from_batches.payslips == {}  # no slip was loaded
    assert from_batches.events[-1] == replace(from_slips.events[-1], run_id="r-2")


def test_summed_totals_that_miss_an_employee_do_not_calculate_the_run() -> None:
    slips = _slips(3)
    run = PayrollRun.start("r-1", DEC_2026, "EUR", "sub-a", AT)
    run.take_snapshot([s.employee_id for s in slips], set())
    with pytest.raises(PayrollRunTransitionRefused) as refused:
        run.finish_calculation(totals_of(slips[:2]))
    assert refused.value.details == {"missing": 1} and run.status is RunStatus.CALCULATING


@pytest.mark.parametrize("failed", [0, 1, events.LISTED_IDS, events.LISTED_IDS + 1, 10_000])
def test_the_calculated_event_lists_at_most_a_bound_of_failed_ids_and_always_the_count(failed: int) -> None:
    ids = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(failed)]  # UUID-long ids, the worst case
    run = PayrollRun.start("r-1", DEC_2026, "EUR", "sub-a", AT)
    run.take_snapshot(ids, set())
    run.record_results(PayslipFailure(eid, FailureReason.NEGATIVE_NET_PAY, "net < 0") for eid in ids)
    run.finish_calculation(totals_of([]))
    calculated = run.events[-1]
    assert isinstance(calculated, events.PayrollRunCalculated)
    assert calculated.failed_count == failed and run.failures.keys() == set(ids)  # the full list stays on the run
    assert list(calculated.failed_employee_ids) == sorted(ids)[: events.LISTED_IDS]
    assert calculated.failures_truncated is (failed > events.LISTED_IDS)
    bus = events.on_the_bus(calculated)
    assert isinstance(bus, events.RunCalculated) and bus.failed_count == failed
    assert bus.failures_truncated is calculated.failures_truncated
    detail = Envelope.wrap(bus, MessageContext.fresh(), occurred_at=AT).model_dump(mode="json")
    assert len(json.dumps(detail)) < EVENTBRIDGE_ENTRY_LIMIT // 4


def test_skipped_employees_are_listed_up_to_the_same_bound_with_their_count() -> None:
    ids = [f"e-{n:05d}" for n in range(10_000)]
    run = PayrollRun.start("r-2", DEC_2026, "EUR", "sub-a", AT)
    run.take_snapshot(ids, set(ids))  # a second run of the period: everyone is paid already
    run.finish_calculation(totals_of([]))
    calculated = run.events[-1]
    assert isinstance(calculated, events.PayrollRunCalculated)
    assert calculated.skipped_count == 10_000 and len(calculated.skipped_employee_ids) == events.LISTED_IDS
    assert calculated.skipped_truncated and not calculated.failures_truncated
    assert len(run.skipped_employee_ids) == 10_000


def test_an_event_without_the_counts_is_still_read() -> None:
    """The counts were added in place (version 1): an event written before them still parses."""
    older = {
        "run_id": "r-1", "period": "2026-12", "currency": "EUR",
        "totals": {"employees": 0, "gross": "0", "deductions": "0", "employer_contributions": "0", "net": "0",
                   "components": []},
        "failed_employee_ids": ["e-1"], "skipped_employee_ids": [],
    }  # fmt: skip
    parsed = events.RunCalculated.model_validate(older)
    assert parsed.failed_count is None and parsed.failures_truncated is False
    assert Decimal(parsed.totals.net) == 0
