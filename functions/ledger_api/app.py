"""Ledger API for the finance team: chart of accounts, trial balance and the journal."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.ledger.api_models import AccountList, JournalList, TrialBalanceView
from tandem.ledger.bootstrap import services
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import error_responses, make_resolver

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(logger=logger, title="Tandem Ledger API", description="Chart of accounts, journal, trial balance")


@app.get(
    "/ledger/accounts",
    tags=["ledger"],
    summary="The chart of accounts",
    middlewares=[require_groups("finance")],
    responses=error_responses(401, 403),
)
def list_accounts() -> AccountList:
    return AccountList.of(services().chart_of_accounts())


@app.get(
    "/ledger/trial-balance",
    tags=["ledger"],
    summary="Debit and credit totals of every account",
    middlewares=[require_groups("finance")],
    responses=error_responses(401, 403, 503),
)
def get_trial_balance() -> TrialBalanceView:
    return TrialBalanceView.of(services().trial_balance())


@app.get(
    "/ledger/journal",
    tags=["ledger"],
    summary="Journal entries, newest first",
    middlewares=[require_groups("finance")],
    responses=error_responses(401, 403, 422, 503),
)
def list_journal(
    limit: Annotated[int, Query(ge=1, le=100)] = 25, next_token: Annotated[str | None, Query(max_length=1024)] = None
) -> JournalList:
    return JournalList.of(services().list_journal(limit, next_token))


# API Gateway's request id is the correlation id until the caller's X-Correlation-Id is checked.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
