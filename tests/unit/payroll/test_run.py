"""The payroll run: statuses, four eyes, one slip per employee per period, totals, postings, reversal."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.payroll.domain import events
from tandem.payroll.domain.demo import demo_structure
from tandem.payroll.domain.errors import FourEyesRequired, PayrollRunTransitionRefused
from tandem.payroll.domain.model import PayrollRun, RunKind, RunStatus, employees_with_slip
from tandem.payroll.domain.payslip import FailureReason, PayslipFailure, compute_payslip
from tandem.payroll.domain.posting import LedgerRole, PostingLine, is_balanced
from tandem.payroll.domain.work_calendar import PayPeriod, UnpaidLeaveDay

from tests.unit.payroll.builders import employee

DEC_2026 = PayPeriod(2026, 12)
AT = datetime(2026, 12, 28, 9, tzinfo=UTC)
STARTER, CHECKER = "sub-starter", "sub-checker"
STAFF = (
    employee("e-1", salary="4000.00"),
    employee("e-2", salary="5200.00", hired=date(2026, 12, 16)),
    employee("e-3", salary="3100.00", unpaid=(UnpaidLeaveDay(date(2026, 12, 9)), UnpaidLeaveDay(date(2026, 12, 10)))),
)


def calculated_run(run_id: str = "run-1", staff=STAFF, held: set[str] | None = None) -> PayrollRun:
    run = PayrollRun.start(run_id, DEC_2026, "EUR", STARTER, AT)
    run.take_snapshot([e.employee_id for e in staff], held or set())
    run.record_results(
        compute_payslip(demo_structure(), e, DEC_2026) for e in staff if e.employee_id in run.employee_ids
    )
    run.finish_calculation()
    return run


def balances(*line_sets: tuple[PostingLine, ...]) -> dict[LedgerRole, Decimal]:
    """Debit - credit per role over every posted line, as the ledger would hold it."""
    total: dict[LedgerRole, Decimal] = defaultdict(Decimal)
    for lines in line_sets:
        for line in lines:
            total[line.role] += line.debit - line.credit
    return {role: amount for role, amount in total.items() if amount}


def test_a_run_is_calculated_with_totals_equal_to_the_sum_of_its_slips() -> None:
    run = calculated_run()
    assert run.status is RunStatus.CALCULATED
    totals, slips = run.totals, list(run.payslips.values())
    assert totals.employees == 3
    assert totals.gross == sum(s.gross for s in slips) and totals.net == sum(s.net for s in slips)
    for component in totals.components:
        assert component.amount == sum(s.amount_of(component.name) for s in slips)
    calculated = [e for e in run.events if isinstance(e, events.PayrollRunCalculated)]
    assert calculated[0].totals == totals


def test_the_user_who_started_a_run_cannot_approve_it() -> None:
    run = calculated_run()
    with pytest.raises(FourEyesRequired) as refused:
        run.approve(STARTER, AT)
    assert "other than the one who started it" in refused.value.message
    assert run.status is RunStatus.CALCULATED
    assert run.approve(CHECKER, AT) is True and run.status is RunStatus.APPROVED
    assert run.approve(CHECKER, AT) is False  # a retried approval changes nothing


def test_approval_posts_a_balanced_accrual_whose_expense_is_gross_and_payable_is_net() -> None:
    run = calculated_run()
    run.approve(CHECKER, AT)
    assert run.post() is True and run.status is RunStatus.POSTED
    totals = run.totals
    ledger = balances(run.posted_lines)
    assert is_balanced(run.posted_lines)
    assert ledger[LedgerRole.SALARY_EXPENSE] == totals.gross
    assert ledger[LedgerRole.EMPLOYER_CONTRIBUTION_EXPENSE] == totals.employer_contributions
    assert -ledger[LedgerRole.NET_WAGES_PAYABLE] == totals.net
    tax = next(c.amount for c in totals.components if c.name == "income_tax")
    assert -ledger[LedgerRole.TAX_WITHHOLDING_PAYABLE] == tax
    assert -ledger[LedgerRole.SOCIAL_CONTRIBUTIONS_PAYABLE] == totals.deductions - tax + totals.employer_contributions
    posted = [e for e in run.events if isinstance(e, events.PayrollRunPosted)]
    assert posted[0].lines == run.posted_lines


def test_paying_clears_net_wages_payable_against_the_bank() -> None:
    run = calculated_run()
    run.approve(CHECKER, AT)
    run.post()
    assert run.mark_paid(AT) is True and run.status is RunStatus.PAID
    ledger = balances(run.posted_lines, run.paid_lines)
    assert LedgerRole.NET_WAGES_PAYABLE not in ledger
    assert ledger[LedgerRole.BANK] == -run.totals.net
    assert run.mark_paid(AT) is False


def test_rejecting_ends_the_run_and_frees_its_employees() -> None:
    run = calculated_run()
    assert run.reject(CHECKER, "wrong structure", AT) is True
    assert run.status is RunStatus.REJECTED and not run.payslips
    assert employees_with_slip([run]) == set()
    with pytest.raises(PayrollRunTransitionRefused):
        run.approve(CHECKER, AT)


def test_a_second_run_for_the_period_skips_employees_who_have_a_slip() -> None:
    first = calculated_run("run-1", STAFF[:2])
    second = calculated_run("run-2", STAFF, employees_with_slip([first]))
    assert second.employee_ids == ("e-3",)
    assert second.skipped_employee_ids == ("e-1", "e-2")
    assert set(first.payslips).isdisjoint(second.payslips)


def test_a_run_still_computing_holds_all_its_employees_and_a_failure_holds_none() -> None:
    computing = PayrollRun.start("run-1", DEC_2026, "EUR", STARTER, AT)
    computing.take_snapshot(["e-1", "e-2"], set())
    assert employees_with_slip([computing]) == {"e-1", "e-2"}
    computing.record_results([PayslipFailure("e-2", FailureReason.NEGATIVE_NET_PAY, "net < 0")])
    computing.record_results([compute_payslip(demo_structure(), STAFF[0], DEC_2026)])
    computing.finish_calculation()
    assert employees_with_slip([computing]) == {"e-1"}


def test_one_failure_is_listed_and_does_not_stop_the_others() -> None:
    run = PayrollRun.start("run-1", DEC_2026, "EUR", STARTER, AT)
    run.take_snapshot(["e-1", "e-9"], set())
    run.record_results([compute_payslip(demo_structure(), employee("e-9", country="XX"), DEC_2026)])
    run.record_results([compute_payslip(demo_structure(), STAFF[0], DEC_2026)])
    run.finish_calculation()
    assert list(run.payslips) == ["e-1"] and list(run.failures) == ["e-9"]
    assert run.events[-1].failed_employee_ids == ("e-9",)


def test_a_retried_batch_records_nothing_twice_and_a_stranger_is_refused() -> None:
    run = PayrollRun.start("run-1", DEC_2026, "EUR", STARTER, AT)
    run.take_snapshot(["e-1"], set())
    batch = [compute_payslip(demo_structure(), STAFF[0], DEC_2026)]
    assert run.record_results(batch) is True
    assert run.record_results(batch) is False
    with pytest.raises(PayrollRunTransitionRefused):
        run.record_results([compute_payslip(demo_structure(), STAFF[1], DEC_2026)])


def test_a_run_cannot_be_calculated_while_an_employee_has_no_result() -> None:
    run = PayrollRun.start("run-1", DEC_2026, "EUR", STARTER, AT)
    run.take_snapshot(["e-1", "e-2"], set())
    run.record_results([compute_payslip(demo_structure(), STAFF[0], DEC_2026)])
    with pytest.raises(PayrollRunTransitionRefused) as refused:
        run.finish_calculation()
    assert refused.value.details == {"missing": 1}


@pytest.mark.parametrize("paid", [False, True])
def test_a_reversal_run_brings_the_ledger_back_to_where_it_was_and_frees_the_employees(paid: bool) -> None:
    original = calculated_run()
    original.approve(CHECKER, AT)
    original.post()
    if paid:
        original.mark_paid(AT)
    reversal = PayrollRun.reversal_of(original, "run-r", STARTER, AT)
    assert reversal.kind is RunKind.REVERSAL and reversal.status is RunStatus.CALCULATED
    assert reversal.totals.net == -original.totals.net
    with pytest.raises(FourEyesRequired):
        reversal.approve(STARTER, AT)
    reversal.approve(CHECKER, AT)
    reversal.post()
    original.mark_reversed(reversal.run_id)
    assert balances(original.posted_lines, original.paid_lines, reversal.posted_lines) == {}
    reversed_event = reversal.events[-1]
    assert isinstance(reversed_event, events.PayrollRunReversed) and reversed_event.reverses_run_id == "run-1"
    assert employees_with_slip([original, reversal]) == set()
    with pytest.raises(PayrollRunTransitionRefused):
        PayrollRun.reversal_of(original, "run-r2", STARTER, AT)
    with pytest.raises(PayrollRunTransitionRefused):
        reversal.mark_paid(AT)


def posted_run() -> PayrollRun:
    run = calculated_run()
    run.approve(CHECKER, AT)
    run.post()
    return run


def test_a_run_being_reversed_refuses_a_second_reversal_and_a_payment_naming_the_pending_one() -> None:
    original = posted_run()
    PayrollRun.reversal_of(original, "run-r", STARTER, AT, reason="wrong salary for e-2")
    assert original.pending_reversal_run_id == "run-r" and original.status is RunStatus.POSTED
    with pytest.raises(PayrollRunTransitionRefused) as second:
        PayrollRun.reversal_of(original, "run-r2", CHECKER, AT)
    assert second.value.details["reversal_run_id"] == "run-r"
    assert "already being reversed by run run-r" in second.value.message
    with pytest.raises(PayrollRunTransitionRefused):
        original.mark_paid(AT)  # the reversal copied the posted lines only: a payment now would stay booked


def test_a_rejected_reversal_leaves_the_original_as_it_was() -> None:
    original = posted_run()
    reversal = PayrollRun.reversal_of(original, "run-r", STARTER, AT)
    reversal.reject(CHECKER, "not needed after all", AT)
    assert original.drop_reversal("run-r") is True
    assert original.drop_reversal("run-r") is False  # a repeat changes nothing
    assert original.status is RunStatus.POSTED and original.pending_reversal_run_id is None
    assert original.mark_paid(AT) is True
    again = PayrollRun.reversal_of(original, "run-r2", STARTER, AT)
    assert again.posted_lines == tuple(line.swapped() for line in (*original.posted_lines, *original.paid_lines))


def test_marking_reversed_clears_the_pending_reversal_and_refuses_another_reversal_run() -> None:
    original = posted_run()
    PayrollRun.reversal_of(original, "run-r", STARTER, AT)
    with pytest.raises(PayrollRunTransitionRefused):
        original.mark_reversed("run-other")
    assert original.mark_reversed("run-r") is True
    assert original.mark_reversed("run-r") is False  # a retried Post
    assert (original.status, original.reversed_by_run_id, original.pending_reversal_run_id) == (
        RunStatus.REVERSED, "run-r", None,
    )  # fmt: skip
    with pytest.raises(PayrollRunTransitionRefused) as refused:
        PayrollRun.reversal_of(original, "run-r3", STARTER, AT)
    assert refused.value.details["status"] == "reversed"


def test_a_reversal_run_cannot_itself_be_reversed() -> None:
    original = posted_run()
    reversal = PayrollRun.reversal_of(original, "run-r", STARTER, AT)
    reversal.approve(CHECKER, AT)
    reversal.post()
    with pytest.raises(PayrollRunTransitionRefused):
        PayrollRun.reversal_of(reversal, "run-rr", CHECKER, AT)


def test_a_run_not_posted_cannot_be_reversed() -> None:
    with pytest.raises(PayrollRunTransitionRefused):
        PayrollRun.reversal_of(calculated_run(), "run-r", CHECKER, AT)


def test_steps_out_of_order_are_refused_naming_the_status() -> None:
    run = calculated_run()
    with pytest.raises(PayrollRunTransitionRefused) as refused:
        run.mark_paid(AT)
    assert refused.value.details["status"] == "calculated"
    with pytest.raises(PayrollRunTransitionRefused):
        run.post()


salary = st.integers(0, 1_500_000).map(lambda c: str(Decimal(c).scaleb(-2)))


@settings(max_examples=60, deadline=None)
@given(salaries=st.lists(salary, min_size=1, max_size=8), hired=st.lists(st.integers(1, 31), min_size=8, max_size=8))
def test_every_posting_is_balanced_and_the_ledger_ends_at_zero_payable(salaries, hired) -> None:
    staff = [employee(f"e-{i}", salary=s, hired=date(2026, 12, hired[i])) for i, s in enumerate(salaries)]
    run = calculated_run(staff=staff)
    run.approve(CHECKER, AT)
    run.post()
    run.mark_paid(AT)
    assert is_balanced(run.posted_lines) and is_balanced(run.paid_lines)
    ledger = balances(run.posted_lines, run.paid_lines)
    assert LedgerRole.NET_WAGES_PAYABLE not in ledger
    assert ledger.get(LedgerRole.SALARY_EXPENSE, Decimal(0)) == run.totals.gross
