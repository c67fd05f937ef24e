"""Whose leave requests an approver's queue shows; and the published events are versioned DomainEvents."""

from __future__ import annotations

from uuid import uuid4

import pytest
from tandem.hr.domain import events
from tandem.hr.domain.errors import NotAnEmployee
from tandem.hr.domain.rules import leave_queue_scope
from tandem.shared.envelope import DomainEvent


def test_hr_and_admin_see_every_request():
    assert leave_queue_scope(frozenset({"hr"}), None).manager_id is None
    assert leave_queue_scope(frozenset({"admin"}), uuid4()).manager_id is None


def test_an_employee_sees_their_reports_requests():
    me = uuid4()
    assert leave_queue_scope(frozenset({"employee"}), me).manager_id == me


def test_a_login_linked_to_no_employee_has_no_queue():
    with pytest.raises(NotAnEmployee):
        leave_queue_scope(frozenset({"employee"}), None)


def test_hr_publishes_its_events_from_tandem_hr_and_keeps_the_candidate_decisions_internal():
    published = {key for key in DomainEvent.registry if key[0] == "tandem.hr"}
    assert {name for _, name, _ in published} == {
        "EmployeeHired",
        "EmployeeChanged",
        "EmployeeTerminated",
        "LeaveRequested",
        "LeaveApproved",
        "LeaveRejected",
        "LeaveCancelled",
        "CandidateApplied",
    }
    assert not issubclass(events.CandidateHired, DomainEvent) and not issubclass(events.CandidateRejected, DomainEvent)
