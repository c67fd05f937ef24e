"""HR API, employees: hire, list, read, change from a date, terminate. IBAN and salary only for hr/payroll and
the employee themself (``visibility``); a manager sees their reports' work facts; anyone else 403 or 404."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.hr.api_models import (
    EmployeeChangeRequest,
    EmployeeList,
    EmployeeView,
    HireEmployeeRequest,
    TerminationRequest,
)
from tandem.hr.bootstrap import services
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import LOCATION, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"employees": "Employees with their effective-dated records, for HR (payroll reads them too)"}
app = make_resolver(logger=logger, title="Tandem HR employees API", tags=TAGS)
EMPLOYEE_ID = Annotated[UUID, Path(description="The employee's id")]
HR = [require_groups("hr")]
WRITE = error_responses(400, 404, 409, 413, 415, 422)


def _view(employee_id: UUID) -> EmployeeView:
    return EmployeeView.of(services().employee_details(employee_id, identity_of(app.current_event.raw_event)))


@app.post(
    "/employees",
    status_code=201,
    tags=["employees"],
    summary="Hire an employee",
    middlewares=HR,
    responses={**success(201, "The employee is hired", headers=LOCATION), **error_responses(400, 409, 413, 415, 422)},
)
def hire_employee(request: HireEmployeeRequest) -> Response[EmployeeView]:
    """Creates the employee with their record as of the hire date; EmployeeHired is published with the bank
    account sealed (KMS), never readable on the bus. An invalid IBAN (checksum, length) is 422 naming `iban`;
    a login (`user_sub`) already linked to another employee is 409."""
    employee = services().hire_employee(request.to_command(), correlation.from_http(app.current_event.raw_event))
    metrics.add_metric(name="EmployeeHired", unit=MetricUnit.Count, value=1)
    view = _view(employee.id)
    return Response(201, content_types.APPLICATION_JSON, view, headers={"Location": f"/employees/{employee.id}"})


@app.get("/employees", tags=["employees"], summary="List employees", middlewares=[require_groups("hr", "payroll")])
def list_employees(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> EmployeeList:
    """Employees, newest hire date first, one page at a time, with pay and bank fields. Changes nothing."""
    identity = identity_of(app.current_event.raw_event)
    return EmployeeList.of(services().list_employees(identity, limit, next_token))


@app.get(
    "/employees/<id>",
    tags=["employees"],
    summary="Get an employee",
    middlewares=[require_groups("hr", "payroll", "employee")],
    responses=error_responses(404, 422),
)
def get_employee(id: EMPLOYEE_ID) -> EmployeeView:  # noqa: A002 - the template's {id}
    """The employee's record in force today. hr and payroll see pay, bank and tax fields and the leave balance;
    an employee sees their own record fully and their reports' work facts; any other employee is 404."""
    return _view(id)


@app.post(
    "/employees/<id>/changes",
    tags=["employees"],
    summary="Change an employee from a date",
    middlewares=HR,
    responses=WRITE,
)
def change_employee(id: EMPLOYEE_ID, request: EmployeeChangeRequest) -> EmployeeView:  # noqa: A002
    """Records an effective-dated change (salary, position, department, cost centre, working time, manager,
    tax settings, leave allowance); the history is kept and EmployeeChanged is published with its number. A
    date before the hire date is 422 `change_before_hire`, after the termination 409 `employee_terminated`."""
    context = correlation.from_http(app.current_event.raw_event)
    services().change_employee(request.to_command(id), context)
    return _view(id)


@app.post(
    "/employees/<id>/termination",
    tags=["employees"],
    summary="Terminate an employee",
    middlewares=HR,
    responses=WRITE,
)
def terminate_employee(id: EMPLOYEE_ID, request: TerminationRequest) -> EmployeeView:  # noqa: A002
    """Records the last day employed (EmployeeTerminated is published). Before the hire date: 422
    `change_before_hire` naming `termination_date`; a second termination: 409 `employee_terminated`."""
    services().terminate_employee(request.to_command(id), correlation.from_http(app.current_event.raw_event))
    return _view(id)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
