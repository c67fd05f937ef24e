"""Payroll API (group ``payroll``): salary structures, and the monthly run from its start to payment."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from tandem.payroll import api_models as models
from tandem.payroll.bootstrap import services
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import LOCATION, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"payroll": "Salary structures and payroll runs: compute, approve (four eyes), post, pay"}
app = make_resolver(logger=logger, title="Tandem Payroll API", tags=TAGS)
PAYROLL = [require_groups("payroll")]
RUN = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="The run's id")]
STRUCTURE = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="The id")]


def _caller() -> str:
    return identity_of(app.current_event.raw_event).sub


def _context() -> correlation.MessageContext:
    return correlation.from_http(app.current_event.raw_event)


@app.post(
    "/payroll/structures",
    status_code=201,
    tags=["payroll"],
    summary="Create a salary structure",
    middlewares=PAYROLL,
    responses={**success(201, "The new structure", headers=LOCATION), **error_responses(422)},
)
def create_salary_structure(request: models.StructureRequest) -> Response[models.StructureView]:
    """Stores a declarative structure: earnings, employee deductions and employer contributions, each a fixed
    amount, a percentage of a base (capped by an optional ceiling) or a progressive bracket table. 422 names the
    problem, e.g. `salary_structure_cycle` with the cycle. The first structure (or one with `default`) is what
    runs use."""
    stored = services().create_structure(request.to_command(), _caller())
    view = models.StructureView.of(stored)
    headers = {"Location": f"/payroll/structures/{stored.structure_id}"}
    return Response(201, content_types.APPLICATION_JSON, view, headers=headers)


@app.get("/payroll/structures", tags=["payroll"], summary="List salary structures", middlewares=PAYROLL,
         responses=error_responses(422))  # fmt: skip
def list_salary_structures(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> models.StructureList:
    """Every structure, newest first, with which one is the default. Changes nothing."""
    return models.StructureList.of(services().structures(limit, next_token))


@app.get("/payroll/structures/<structure_id>", tags=["payroll"], summary="Get a salary structure",
         middlewares=PAYROLL, responses=error_responses(404, 422))  # fmt: skip
def get_salary_structure(structure_id: STRUCTURE) -> models.StructureView:
    """One structure with its components. Changes nothing."""
    return models.StructureView.of(services().structure(structure_id))


@app.post(
    "/payroll/runs",
    status_code=202,
    tags=["payroll"],
    summary="Start a payroll run",
    middlewares=PAYROLL,
    responses={**success(202, "The run, computing", headers=LOCATION), **error_responses(409, 422)},
)
def start_payroll_run(request: models.StartRunRequest) -> Response[models.RunView]:
    """Starts the run of `period` (at most next month) with the default structure: it snapshots the employees
    active in the period without a slip for it, computes their slips and waits for approval by another payroll
    user. 409 `no_salary_structure` without a structure."""
    record = services().start_run(request.period, _caller(), _context())
    headers = {"Location": f"/payroll/runs/{record.run.run_id}"}
    return Response(202, content_types.APPLICATION_JSON, models.RunView.of(record), headers=headers)


@app.get("/payroll/runs", tags=["payroll"], summary="List payroll runs", middlewares=PAYROLL,
         responses=error_responses(422))  # fmt: skip
def list_payroll_runs(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> models.RunList:
    """Runs newest first with their status and totals. Changes nothing."""
    return models.RunList.of(services().runs(limit, next_token))


@app.get("/payroll/runs/<run_id>", tags=["payroll"], summary="Get a payroll run", middlewares=PAYROLL,
         responses=error_responses(404, 422))  # fmt: skip
def get_payroll_run(run_id: RUN) -> models.RunView:
    """The run's status, totals per component and the employees without a slip, with why. Changes nothing."""
    service = services()
    return models.RunView.of(service.run(run_id), service.run_failures(run_id))


@app.get("/payroll/runs/<run_id>/payslips", tags=["payroll"], summary="List a run's payslips",
         middlewares=PAYROLL, responses=error_responses(404, 422))  # fmt: skip
def list_run_payslips(
    run_id: RUN, limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None
) -> models.PayslipList:
    """Each slip by employee id: gross, net, payment and working days, every component, year to date."""
    return models.PayslipList.of(services().payslips(run_id, limit, next_token))


@app.post("/payroll/runs/<run_id>/approve", tags=["payroll"], summary="Approve a payroll run",
          middlewares=PAYROLL, responses=error_responses(404, 409, 422))  # fmt: skip
def approve_payroll_run(run_id: RUN) -> models.RunView:
    """Four eyes: a payroll user other than the one who started it (403 `four_eyes_required`). The run is then
    posted (its accrual goes to the ledger). 409 before it is `calculated`."""
    return models.RunView.of(services().approve(run_id, _caller(), _context()))


@app.post("/payroll/runs/<run_id>/reject", tags=["payroll"], summary="Reject a payroll run",
          middlewares=PAYROLL, responses=error_responses(404, 409, 422))  # fmt: skip
def reject_payroll_run(run_id: RUN, request: models.RejectRunRequest) -> models.RunView:
    """Ends a `calculated` run; its slips are discarded, so its employees can be paid by a new run."""
    return models.RunView.of(services().reject(run_id, _caller(), request.reason, _context()))


@app.post("/payroll/runs/<run_id>/paid", tags=["payroll"], summary="Mark a payroll run paid",
          middlewares=PAYROLL, responses=error_responses(404, 409, 422))  # fmt: skip
def mark_payroll_run_paid(run_id: RUN) -> models.RunView:
    """The bank paid the wages: `paid`, and the ledger clears net wages payable against the bank. Only after
    `posted` (409 otherwise); a repeat changes nothing."""
    return models.RunView.of(services().mark_paid(run_id, _context()))


@app.post(
    "/payroll/runs/<run_id>/reversal",
    status_code=202,
    tags=["payroll"],
    summary="Reverse a posted payroll run",
    middlewares=PAYROLL,
    responses={
        **success(202, "The reversal run, awaiting approval", headers=LOCATION),
        **error_responses(404, 409, 422),
    },
)
def reverse_payroll_run(run_id: RUN, request: models.ReverseRunRequest) -> Response[models.RunView]:
    """Corrects a `posted` or `paid` run: a reversal run (kind `reversal`) with its slips negated and every line the
    run posted (and paid) swapped, `calculated` at once; approved by a payroll user other than you, it posts and
    marks the run `reversed`, so a new run can pay its employees again. 409 if the run is not posted or paid, or
    is reversed or being reversed already."""
    record = services().reverse_run(run_id, _caller(), request.reason, _context())
    headers = {"Location": f"/payroll/runs/{record.run.run_id}"}
    return Response(202, content_types.APPLICATION_JSON, models.RunView.of(record), headers=headers)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
