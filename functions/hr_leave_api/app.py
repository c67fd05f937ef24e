"""HR API, the employee's own side and leave: their record (GET /me), their leave requests, and the approvers'
queue with approve and reject (the employee's manager or hr; never the employee themself)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.hr.api_models import EmployeeView, LeaveRejection, LeaveRequestForm, LeaveRequestList, LeaveRequestView
from tandem.hr.bootstrap import services
from tandem.hr.domain.commands import DecideLeave
from tandem.hr.domain.leave import LeaveStatus
from tandem.shared import correlation
from tandem.shared.auth import Identity, identity_of, require_groups
from tandem.shared.http import error_responses, make_resolver, success

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {
    "me": "The signed-in employee's own record and leave",
    "leave": "Leave requests to decide: hr sees all, a manager their reports'",
}
app = make_resolver(logger=logger, title="Tandem HR leave API", tags=TAGS)
LEAVE_ID = Annotated[UUID, Path(description="The leave request's id")]
EMPLOYEE = [require_groups("employee")]
APPROVERS = [require_groups("hr", "employee")]


def _identity() -> Identity:
    return identity_of(app.current_event.raw_event)


@app.get("/me", tags=["me"], summary="Get my employee record", middlewares=EMPLOYEE, responses=error_responses(404))
def get_my_record() -> EmployeeView:
    """The caller's own employee record (linked by the login's `sub`), salary and IBAN included, with this
    year's paid-leave balance. A login linked to no employee: 404. Changes nothing."""
    return EmployeeView.of(services().my_record(_identity()))


@app.post(
    "/me/leave-requests",
    status_code=201,
    tags=["me"],
    summary="Request leave",
    middlewares=EMPLOYEE,
    responses={**success(201, "The request waits for a decision"), **error_responses(400, 404, 409, 413, 415, 422)},
)
def request_leave(request: LeaveRequestForm) -> Response[LeaveRequestView]:
    """Asks for paid or unpaid leave, half days allowed (LeaveRequested is published). Overlapping a requested
    or approved leave: 409 `leave_overlaps`; paid leave beyond the year's balance: 409
    `insufficient_leave_balance`; outside the employment or on no working day: 422."""
    event = app.current_event.raw_event
    leave = services().request_leave(request.to_command(), _identity(), correlation.from_http(event))
    return Response(201, content_types.APPLICATION_JSON, LeaveRequestView.of(leave))


@app.get(
    "/me/leave-requests",
    tags=["me"],
    summary="List my leave requests",
    middlewares=EMPLOYEE,
    responses=error_responses(404),
)
def list_my_leave_requests() -> LeaveRequestList:
    """The caller's leave requests, any status, by start date; a login linked to no employee: 404. Changes
    nothing."""
    return LeaveRequestList.of(services().my_leave_requests(_identity()))


@app.get(
    "/leave-requests",
    tags=["leave"],
    summary="List leave requests to decide",
    middlewares=APPROVERS,
    responses=error_responses(404, 422),
)
def list_leave_requests(
    status: Annotated[LeaveStatus, Query(description="Which requests")] = LeaveStatus.REQUESTED,
) -> LeaveRequestList:
    """The approver's queue, oldest first (at most 100): hr sees everyone's, an employee the requests of their
    reports (the manager recorded on each request's first day). Changes nothing."""
    return LeaveRequestList.of(services().leave_queue(_identity(), status))


def _decide(leave_id: UUID, approve: bool, note: str | None = None) -> LeaveRequestView:
    context = correlation.from_http(app.current_event.raw_event)
    return LeaveRequestView.of(services().decide_leave(DecideLeave(leave_id, approve, note), _identity(), context))


@app.post(
    "/leave-requests/<id>/approve",
    tags=["leave"],
    summary="Approve a leave request",
    middlewares=APPROVERS,
    responses=error_responses(404, 409, 422),
)
def approve_leave(id: LEAVE_ID) -> LeaveRequestView:  # noqa: A002 - the template's {id}
    """Approves (LeaveApproved is published: approved unpaid days reduce payment days in payroll). The
    employee's manager or hr, never the employee themself (403); not requested any more: 409."""
    return _decide(id, approve=True)


@app.post(
    "/leave-requests/<id>/reject",
    tags=["leave"],
    summary="Reject a leave request",
    middlewares=APPROVERS,
    responses=error_responses(400, 404, 409, 413, 415, 422),
)
def reject_leave(id: LEAVE_ID, request: LeaveRejection) -> LeaveRequestView:  # noqa: A002
    """Rejects with an optional reason (LeaveRejected is published); the same deciders as approval."""
    return _decide(id, approve=False, note=request.reason or None)


@app.post(
    "/leave-requests/<id>/cancel",
    tags=["leave"],
    summary="Cancel a leave request",
    middlewares=APPROVERS,
    responses=error_responses(404, 409, 422),
)
def cancel_leave(id: LEAVE_ID) -> LeaveRequestView:  # noqa: A002 - the template's {id}
    """Withdraws a requested or approved leave (LeaveCancelled is published with `was_approved`, so payroll
    gives back approved unpaid days). The employee themself or hr (others 403); rejected: 409."""
    context = correlation.from_http(app.current_event.raw_event)
    return LeaveRequestView.of(services().cancel_leave(id, _identity(), context))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
