"""Leave: working days by the employee's calendar, half days, overlaps, approval rules, balances, events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.hr.domain.errors import (
    InsufficientLeaveBalance,
    InvalidLeaveRequest,
    InvalidLeaveTransition,
    LeaveOverlaps,
    NotAllowedToCancelLeave,
    NotAllowedToDecideLeave,
)
from tandem.hr.domain.events import LeaveApproved, LeaveCancelled, LeaveDay, LeaveRejected, LeaveRequested
from tandem.hr.domain.leave import LeaveKind, LeavePeriod, LeaveStatus, by_month, total
from tandem.hr.domain.leave_rules import check_may_cancel, check_may_decide, leave_balance
from tandem.hr.domain.records import RecordChange

from .builders import T0, caller, employee, leave

MON = date(2026, 12, 7)
FRI = date(2026, 12, 11)
UNPAID = LeaveKind.UNPAID


# --- counting days ---


def test_a_week_is_five_working_days_and_weekends_do_not_count():
    assert leave(employee(), MON, FRI).days == 5
    assert leave(employee(), MON, FRI + timedelta(days=3)).days == 6  # over a weekend into Monday


def test_public_holidays_of_the_employees_country_do_not_count():
    # 21-31 Dec 2026: Germany closes on the 25th (the 26th is a Saturday); England also on Monday the 28th
    assert leave(employee(country="DE"), date(2026, 12, 21), date(2026, 12, 31)).days == 8
    assert leave(employee(country="GB"), date(2026, 12, 21), date(2026, 12, 31)).days == 7


def test_half_days_at_either_end_count_half():
    who = employee()
    assert leave(who, MON, FRI, half_day_start=True).days == Decimal("4.5")
    assert leave(employee(), MON, FRI, half_day_start=True, half_day_end=True).days == 4
    assert leave(employee(), MON, half_day_end=True).days == Decimal("0.5")
    assert leave(employee(), MON, half_day_start=True).days == Decimal("0.5")


def test_a_half_day_on_a_holiday_costs_nothing():
    request = leave(employee(), date(2026, 12, 24), date(2026, 12, 25), half_day_end=True)
    assert request.days == 1  # the 24th whole; the 25th is Christmas


def test_a_one_day_request_cannot_be_both_halves():
    with pytest.raises(InvalidLeaveRequest) as refused:
        LeavePeriod(MON, MON, half_day_start=True, half_day_end=True)
    assert refused.value.field == "half_day_end"


def test_end_before_start_or_a_span_over_a_year_is_refused():
    with pytest.raises(InvalidLeaveRequest, match="end"):
        LeavePeriod(FRI, MON)
    with pytest.raises(InvalidLeaveRequest, match="366"):
        LeavePeriod(MON, MON + timedelta(days=366))


def test_a_request_on_no_working_day_is_refused():
    with pytest.raises(InvalidLeaveRequest, match="no working day"):
        leave(employee(), date(2026, 12, 25), date(2026, 12, 27))


def test_leave_outside_the_employment_is_refused():
    with pytest.raises(InvalidLeaveRequest, match="outside the employment"):
        leave(employee(hire_date=date(2026, 12, 9)), MON, FRI)
    leaver = employee()
    leaver.terminate(date(2026, 12, 10), "resigned", at=T0)
    with pytest.raises(InvalidLeaveRequest) as refused:
        leave(leaver, MON, FRI)
    assert refused.value.field == "end"


def test_days_are_summed_per_month_for_payroll():
    request = leave(employee(), date(2026, 11, 30), date(2026, 12, 2), kind=UNPAID, half_day_start=True)
    assert by_month(request.days_off) == {"2026-11": Decimal("0.5"), "2026-12": Decimal(2)}
    [event] = request.events
    assert isinstance(event, LeaveRequested)
    assert event.days_by_month == {"2026-11": Decimal("0.5"), "2026-12": Decimal(2)}
    assert event.days_off[0] == LeaveDay(date(2026, 11, 30), Decimal("0.5"))
    assert (event.kind, event.days) == ("unpaid", Decimal("2.5"))


# --- overlaps ---


def test_overlapping_requests_of_the_same_employee_are_refused_with_the_clash_listed():
    who = employee()
    first = leave(who, MON, FRI)
    with pytest.raises(LeaveOverlaps) as refused:
        leave(who, FRI, FRI + timedelta(days=3), existing=[first])
    assert refused.value.details["overlapping"][0]["id"] == str(first.id)
    assert refused.value.code == "leave_overlaps"


def test_the_morning_and_the_afternoon_of_one_day_are_two_requests_that_do_not_overlap():
    who = employee()
    morning = leave(who, MON, date(2026, 12, 9), half_day_end=True)
    afternoon = leave(who, date(2026, 12, 9), FRI, half_day_start=True, existing=[morning])
    assert morning.days + afternoon.days == 5
    with pytest.raises(LeaveOverlaps):
        leave(who, date(2026, 12, 9), half_day_end=True, existing=[morning, afternoon])


def test_rejected_and_cancelled_requests_free_their_days():
    who = employee(manager_id=uuid4())
    rejected, cancelled = leave(who, MON), leave(who, FRI)
    rejected.reject("sub-hr", at=T0)
    cancelled.cancel("sub-ada", at=T0)
    assert leave(who, MON, FRI, existing=[rejected, cancelled]).days == 5


# --- deciding ---


def test_the_manager_or_hr_may_decide_but_not_the_employee_nor_anyone_else():
    boss = uuid4()
    who = employee(manager_id=boss)
    check_may_decide(caller("sub-boss", "employee", employee_id=boss), who, MON)
    check_may_decide(caller("sub-hr", "hr"), who, MON)
    for outsider in (
        caller("sub-ada", "employee", employee_id=who.id),
        caller("sub-x", "employee", employee_id=uuid4()),
    ):
        with pytest.raises(NotAllowedToDecideLeave):
            check_may_decide(outsider, who, MON)
    with pytest.raises(NotAllowedToDecideLeave):
        check_may_decide(caller("sub-sales", "sales"), who, MON)


def test_an_hr_user_cannot_approve_their_own_leave():
    who = employee()
    with pytest.raises(NotAllowedToDecideLeave, match="your own"):
        check_may_decide(caller("sub-ada", "hr", "employee", employee_id=who.id), who, MON)


def test_the_manager_is_the_one_recorded_on_the_day_of_the_decision():
    old, new = uuid4(), uuid4()
    who = employee(manager_id=old)
    who.change(date(2026, 12, 1), RecordChange(manager_id=new), at=T0)
    check_may_decide(caller("sub-new", "employee", employee_id=new), who, MON)
    with pytest.raises(NotAllowedToDecideLeave):
        check_may_decide(caller("sub-old", "employee", employee_id=old), who, MON)


def test_only_the_employee_or_hr_may_cancel():
    who = employee(manager_id=uuid4())
    check_may_cancel(caller("sub-ada", "employee"), who)
    check_may_cancel(caller("sub-hr", "hr"), who)
    with pytest.raises(NotAllowedToCancelLeave):
        check_may_cancel(caller("sub-boss", "employee", employee_id=who.record_as_of(MON).manager_id), who)


def test_approving_records_the_days_per_month_and_a_repeat_changes_nothing():
    request = leave(employee(), date(2026, 12, 30), date(2027, 1, 4), kind=UNPAID)
    request.events.clear()
    assert request.approve("sub-boss", at=T0)
    assert not request.approve("sub-boss", at=T0)
    [event] = request.events
    assert isinstance(event, LeaveApproved)
    assert event.days_by_month == {"2026-12": Decimal(2), "2027-01": Decimal(1)}  # 1 Jan is a holiday
    assert (event.approved_by, request.status, request.decided_by) == ("sub-boss", LeaveStatus.APPROVED, "sub-boss")


def test_a_decided_request_cannot_be_decided_the_other_way():
    approved, rejected = leave(employee(), MON), leave(employee(), MON)
    approved.approve("sub-hr", at=T0)
    rejected.reject("sub-hr", at=T0, note="team offsite")
    with pytest.raises(InvalidLeaveTransition) as refused:
        approved.reject("sub-hr", at=T0)
    assert refused.value.details["from"] == "approved"
    with pytest.raises(InvalidLeaveTransition):
        rejected.approve("sub-hr", at=T0)
    with pytest.raises(InvalidLeaveTransition):
        rejected.cancel("sub-ada", at=T0)
    assert isinstance(rejected.events[-1], LeaveRejected) and rejected.events[-1].reason == "team offsite"


def test_cancelling_approved_leave_tells_payroll_it_was_approved():
    request = leave(employee(), MON, FRI, kind=UNPAID)
    request.approve("sub-hr", at=T0)
    assert request.cancel("sub-ada", at=T0)
    assert not request.cancel("sub-ada", at=T0)
    event = request.events[-1]
    assert isinstance(event, LeaveCancelled)
    assert event.was_approved and event.days == 5 and event.days_by_month == {"2026-12": Decimal(5)}


# --- balances ---


def test_the_balance_is_the_allowance_minus_approved_paid_days_with_requested_ones_pending():
    who = employee(annual_leave_days=Decimal(20))
    approved = leave(who, MON, FRI)
    approved.approve("sub-hr", at=T0)
    pending = leave(who, date(2026, 12, 14), existing=[approved], half_day_end=True)
    unpaid = leave(who, date(2026, 12, 15), kind=UNPAID, existing=[approved, pending])
    balance = leave_balance(who, 2026, [approved, pending, unpaid])
    assert (balance.allowance, balance.taken, balance.pending) == (20, 5, Decimal("0.5"))
    assert (balance.remaining, balance.available) == (15, Decimal("14.5"))


def test_paid_leave_beyond_what_is_available_is_refused_but_unpaid_is_not_limited():
    who = employee(annual_leave_days=Decimal(3))
    with pytest.raises(InsufficientLeaveBalance) as refused:
        leave(who, MON, FRI)
    assert refused.value.details == {"year": 2026, "requested": "5", "available": "3"}
    assert leave(who, MON, FRI, kind=UNPAID).days == 5


def test_leave_over_new_year_is_charged_to_each_year():
    who = employee(annual_leave_days=Decimal(2))
    request = leave(who, date(2026, 12, 30), date(2027, 1, 4))  # 2 days in 2026, 1 in 2027
    request.approve("sub-hr", at=T0)
    assert leave_balance(who, 2026, [request]).remaining == 0
    assert leave_balance(who, 2027, [request]).remaining == 1


def test_the_allowance_follows_the_record_on_the_first_of_january_or_the_hire_date():
    who = employee(hire_date=date(2026, 3, 1), annual_leave_days=Decimal(20))
    who.change(date(2027, 1, 1), RecordChange(annual_leave_days=Decimal(28)), at=T0)
    assert leave_balance(who, 2026, []).allowance == 20
    assert leave_balance(who, 2027, []).allowance == 28


# --- properties ---

_starts = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> LeavePeriod:
    start = draw(_starts)
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=40)))
    half_start, half_end = draw(st.booleans()), draw(st.booleans())
    if start == end and half_start and half_end:
        half_end = False
    return LeavePeriod(start, end, half_start, half_end)


@settings(max_examples=200, deadline=None)
@given(period=periods(), country=st.sampled_from(["DE", "GB", "FR", "US"]))
def test_leave_days_are_never_negative_never_more_than_the_calendar_days_and_sum_per_month(period, country):
    days_off = period.days_off(country)
    days = total(days_off)
    assert 0 <= days <= (period.end - period.start).days + 1
    assert sum(by_month(days_off).values(), Decimal(0)) == days
    assert all(d.day.weekday() < 5 and d.share in (Decimal("0.5"), Decimal(1)) for d in days_off)


@settings(max_examples=200, deadline=None)
@given(a=periods(), b=periods())
def test_overlap_is_symmetric_and_means_a_shared_half_day(a, b):
    assert a.overlaps(b) == b.overlaps(a)
    halves = lambda p: set(range(*p.slots()))  # noqa: E731 - a one-line helper for this property
    assert a.overlaps(b) == bool(halves(a) & halves(b))
    assert a.overlaps(a)
