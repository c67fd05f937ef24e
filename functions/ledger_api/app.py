"""Ledger API for the finance team: chart of accounts, trial balance and the journal."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from tandem.ledger.api_models import AccountList, JournalList, TrialBalanceView
from tandem.ledger.bootstrap import services
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import NextToken, PageLimit, error_responses, make_resolver
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(
    logger=logger,
    title="Tandem Ledger API",
    tags={"ledger": "The general ledger kept from billing events: chart of accounts, journal and trial balance"},
)


@app.get(
    "/ledger/accounts",
    tags=["ledger"],
    summary="List accounts",
    middlewares=[require_groups("finance")],
    responses=error_responses(422),
)
def list_accounts(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> AccountList:
    """The chart of accounts: every account the journal posts to, by code, with its type, one page at a
    time. Changes nothing."""
    return AccountList.of(services().chart_of_accounts(limit, next_token))


@app.get(
    "/ledger/trial-balance",
    tags=["ledger"],
    summary="Get the trial balance",
    middlewares=[require_groups("finance")],
)
def get_trial_balance() -> TrialBalanceView:
    """Every account of the chart with the debit and credit totals posted to it and its balance, in the
    ledger's base currency. Changes nothing."""
    return TrialBalanceView.of(services().trial_balance())


@app.get(
    "/ledger/journal",
    tags=["ledger"],
    summary="List journal entries",
    middlewares=[require_groups("finance")],
    responses=error_responses(422),
)
def list_journal(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> JournalList:
    """Journal entries (one per posted invoice, credit note or payment), newest first, one page at a time.
    Changes nothing."""
    return JournalList.of(services().list_journal(limit, next_token))


# API Gateway's request id is the correlation id until the caller's X-Correlation-Id is checked.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
