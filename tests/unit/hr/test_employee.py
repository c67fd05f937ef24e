"""The Employee aggregate: hiring, effective-dated changes with their history, termination, and its events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.errors import (
    ChangeBeforeHire,
    EmployeeTerminated,
    InvalidEmployeeField,
    NothingToChange,
)
from tandem.hr.domain.events import EmployeeChanged, EmployeeHired
from tandem.hr.domain.events import EmployeeTerminated as EmployeeTerminatedEvent
from tandem.hr.domain.model import Employee, PersonalDetails
from tandem.hr.domain.records import RecordChange, TaxSettings

from .builders import IBAN_DE, T0, employee, fake_seal, record

HIRED = date(2026, 1, 1)


def test_hiring_records_one_event_with_everything_payroll_needs_and_no_readable_iban():
    new_id = uuid4()
    hired = Employee.hire(
        new_id,
        PersonalDetails("Ada Lovelace", "ada@tandem.example", "de", "sub-ada"),
        HIRED,
        record(working_time=Decimal("0.8")),
        BankAccount.of(IBAN_DE),
        at=T0,
        seal=fake_seal,
    )
    [event] = hired.events
    assert isinstance(event, EmployeeHired)
    assert (event.employee_id, event.country, event.hire_date, event.user_sub) == (new_id, "DE", HIRED, "sub-ada")
    assert event.record.base_salary == Decimal("4200.00") and event.record.working_time == Decimal("0.8")
    assert event.bank_account_sealed == fake_seal(hired.bank_account, new_id)
    assert event.iban_masked == "DE89 **** 3000"
    assert IBAN_DE not in repr(event)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"base_salary": Decimal(0)}, "base_salary"),
        ({"base_salary": Decimal("-1")}, "base_salary"),
        ({"base_salary": Decimal("4200.001")}, "base_salary"),
        ({"base_salary": Decimal("NaN")}, "base_salary"),
        ({"base_salary": 4200.0}, "base_salary"),  # a float is never money
        ({"working_time": Decimal(0)}, "working_time"),
        ({"working_time": Decimal("1.01")}, "working_time"),
        ({"position": "  "}, "position"),
        ({"cost_centre": "x" * 201}, "cost_centre"),
        ({"annual_leave_days": Decimal(-1)}, "annual_leave_days"),
        ({"tax": TaxSettings(tax_code="standard")}, None),  # valid: control cases
        ({"base_salary": Decimal("4200.000")}, None),
    ],
)
def test_record_fields_are_checked_and_the_error_names_the_field(overrides, field):
    if field is None:
        record(**overrides)
        return
    with pytest.raises(InvalidEmployeeField) as refused:
        record(**overrides)
    assert refused.value.field == field
    assert refused.value.details[0]["field"] == field


def test_unknown_contribution_exemptions_are_refused():
    with pytest.raises(InvalidEmployeeField, match="pension"):
        TaxSettings(contribution_exemptions=frozenset({"pensions"}))


@pytest.mark.parametrize(
    ("name", "email", "country", "field"),
    [
        ("", "ada@tandem.example", "DE", "name"),
        ("Ada", "ada.tandem.example", "DE", "email"),
        ("Ada", "ada@localhost", "DE", "email"),
        ("Ada", "ada@tandem.example", "Germany", "country"),
        ("Ada", "ada@tandem.example", "QQ", "country"),
    ],
)
def test_personal_details_are_checked(name, email, country, field):
    with pytest.raises(InvalidEmployeeField) as refused:
        PersonalDetails(name, email, country)
    assert refused.value.field == field


def test_an_employee_cannot_be_their_own_manager():
    me = uuid4()
    with pytest.raises(InvalidEmployeeField, match="manager_id"):
        employee(employee_id=me, manager_id=me)
    hired = employee()
    with pytest.raises(InvalidEmployeeField, match="manager_id"):
        hired.change(HIRED, RecordChange(manager_id=hired.id), at=T0)


def test_a_change_applies_from_its_effective_date_and_the_history_keeps_what_was_before():
    hired = employee()
    hired.change(date(2026, 7, 1), RecordChange(base_salary=Decimal("4500.00"), position="Senior Engineer"), at=T0)
    assert hired.record_as_of(date(2026, 6, 30)).base_salary == Decimal("4200.00")
    assert hired.record_as_of(date(2026, 7, 1)).base_salary == Decimal("4500.00")
    assert hired.record_as_of(date(2026, 7, 1)).position == "Senior Engineer"
    assert hired.record_as_of(date(2026, 7, 1)).department == "Platform"  # untouched fields carry over
    assert hired.record_as_of(date(2025, 12, 31)) is None
    [event] = hired.events
    assert isinstance(event, EmployeeChanged)
    assert (event.change_number, event.effective_date) == (1, date(2026, 7, 1))
    assert event.changes.changed() == {"base_salary": Decimal("4500.00"), "position": "Senior Engineer"}


def test_a_back_dated_change_slots_in_under_a_later_one():
    hired = employee()
    hired.change(date(2026, 9, 1), RecordChange(base_salary=Decimal("5000.00")), at=T0)
    hired.change(date(2026, 3, 1), RecordChange(base_salary=Decimal("4400.00"), department="Data"), at=T0)
    assert hired.record_as_of(date(2026, 5, 1)).base_salary == Decimal("4400.00")
    september = hired.record_as_of(date(2026, 9, 1))
    assert (september.base_salary, september.department) == (Decimal("5000.00"), "Data")


def test_of_two_changes_on_the_same_day_the_later_recorded_wins():
    hired = employee()
    hired.change(date(2026, 4, 1), RecordChange(position="Lead"), at=T0)
    hired.change(date(2026, 4, 1), RecordChange(position="Principal"), at=T0)
    assert hired.record_as_of(date(2026, 4, 1)).position == "Principal"


def test_a_change_before_the_hire_date_is_refused_with_the_field_named():
    hired = employee()
    with pytest.raises(ChangeBeforeHire) as refused:
        hired.change(date(2025, 12, 31), RecordChange(position="Lead"), at=T0)
    assert refused.value.details == [{"field": "effective_date", "message": refused.value.details[0]["message"]}]
    assert hired.changes == [] and hired.events == []


def test_a_change_with_no_field_or_an_invalid_value_is_refused_and_nothing_is_recorded():
    hired = employee()
    with pytest.raises(NothingToChange):
        RecordChange()
    with pytest.raises(InvalidEmployeeField, match="working_time"):
        hired.change(date(2026, 2, 1), RecordChange(working_time=Decimal(2)), at=T0)
    assert hired.changes == [] and hired.events == [] and hired.change_count == 0


def test_termination_makes_the_employee_inactive_from_the_next_day():
    hired = employee()
    hired.terminate(date(2026, 12, 15), "resigned", at=T0)
    assert hired.is_active(date(2026, 12, 15)) and not hired.is_active(date(2026, 12, 16))
    assert not hired.is_active(date(2025, 12, 31))
    [event] = hired.events
    assert isinstance(event, EmployeeTerminatedEvent)
    assert (event.termination_date, event.reason) == (date(2026, 12, 15), "resigned")


def test_termination_on_the_hire_date_is_allowed_but_before_it_is_refused():
    with pytest.raises(ChangeBeforeHire, match="termination_date"):
        employee().terminate(HIRED - timedelta(days=1), "never started", at=T0)
    same_day = employee()
    same_day.terminate(HIRED, "left on day one", at=T0)
    assert same_day.is_active(HIRED)


def test_an_employee_is_terminated_once_and_takes_no_change_after_leaving():
    hired = employee()
    hired.terminate(date(2026, 6, 30), "contract ended", at=T0)
    with pytest.raises(EmployeeTerminated):
        hired.terminate(date(2026, 7, 31), "again", at=T0)
    with pytest.raises(EmployeeTerminated) as refused:
        hired.change(date(2026, 7, 1), RecordChange(position="Lead"), at=T0)
    assert refused.value.details["termination_date"] == "2026-06-30"
    # a correction back-dated inside the employment is still possible (payroll corrections need it)
    hired.change(date(2026, 6, 1), RecordChange(base_salary=Decimal("4300.00")), at=T0)
    assert hired.record_as_of(date(2026, 6, 30)).base_salary == Decimal("4300.00")


def test_a_new_bank_account_is_an_employee_change_carrying_it_sealed_and_numbered_with_the_others():
    hired = employee()
    hired.change(date(2026, 2, 1), RecordChange(position="Lead"), at=T0)
    new_account = BankAccount.of("GB82 WEST 1234 5698 7654 32")
    assert hired.change_bank_account(new_account, at=T0, seal=fake_seal)
    assert not hired.change_bank_account(new_account, at=T0, seal=fake_seal)  # the same account: no event
    changed = hired.events[-1]
    assert isinstance(changed, EmployeeChanged)
    assert (changed.change_number, changed.changes, changed.iban_masked) == (2, None, "GB82 **** 5432")
    assert "WEST1234" not in repr(changed)
    hired.change(date(2026, 3, 1), RecordChange(position="Principal"), at=T0)
    assert [e.change_number for e in hired.events] == [1, 2, 3]


def test_segments_split_a_month_at_a_salary_change_and_stop_at_termination():
    hired = employee(hire_date=date(2026, 11, 10))
    hired.change(date(2026, 12, 16), RecordChange(base_salary=Decimal("5000.00")), at=T0)
    hired.terminate(date(2026, 12, 28), "resigned", at=T0)
    parts = hired.segments(date(2026, 12, 1), date(2026, 12, 31))
    assert [(a, b, r.base_salary) for a, b, r in parts] == [
        (date(2026, 12, 1), date(2026, 12, 15), Decimal("4200.00")),
        (date(2026, 12, 16), date(2026, 12, 28), Decimal("5000.00")),
    ]
    assert [(a, b) for a, b, _ in hired.segments(date(2026, 11, 1), date(2026, 11, 30))] == [
        (date(2026, 11, 10), date(2026, 11, 30))
    ]
    assert hired.segments(date(2027, 1, 1), date(2027, 1, 31)) == []


# --- properties: "as of D" agrees with the history, whatever order the changes were recorded in ---

_days = st.integers(min_value=0, max_value=364)
_salaries = st.integers(min_value=100_00, max_value=20_000_00).map(lambda cents: Decimal(cents) / 100)
_changes = st.lists(st.tuples(_days, _salaries), min_size=0, max_size=8)


@settings(max_examples=150, deadline=None)
@given(changes=_changes, probe=_days)
def test_as_of_is_the_latest_change_effective_on_or_before_the_day(changes, probe):
    hired = employee(hire_date=HIRED)
    for offset, amount in changes:
        hired.change(HIRED + timedelta(days=offset), RecordChange(base_salary=amount), at=T0)
    day = HIRED + timedelta(days=probe)
    in_force = [(offset, n, amount) for n, (offset, amount) in enumerate(changes) if offset <= probe]
    expected = max(in_force)[2] if in_force else Decimal("4200.00")
    assert hired.record_as_of(day).base_salary == expected


@settings(max_examples=100, deadline=None)
@given(changes=_changes, start=_days, length=st.integers(min_value=0, max_value=60))
def test_segments_cover_the_window_without_gaps_and_agree_with_as_of(changes, start, length):
    hired = employee(hire_date=HIRED)
    for offset, amount in changes:
        hired.change(HIRED + timedelta(days=offset), RecordChange(base_salary=amount), at=T0)
    first = HIRED + timedelta(days=start)
    last = first + timedelta(days=length)
    parts = hired.segments(first, last)
    assert parts[0][0] == first and parts[-1][1] == last
    for (_, end, _), (begin, _, _) in zip(parts, parts[1:], strict=False):
        assert begin == end + timedelta(days=1)
    for a, b, held in parts:
        assert a <= b
        assert hired.record_as_of(a) == held == hired.record_as_of(b)
