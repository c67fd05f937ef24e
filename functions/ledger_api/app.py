"""Ledger API for the finance team: chart of accounts, trial balance, journal, receivables, periods, VAT."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.ledger.api_models import (
    AccountList,
    ClosedPeriodView,
    JournalList,
    ReceivablesView,
    TrialBalanceView,
    VatReportView,
    closing_caller,
)
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
FINANCE = [require_groups("finance")]
PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@app.get(
    "/ledger/accounts",
    tags=["ledger"],
    summary="List accounts",
    middlewares=FINANCE,
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
    middlewares=FINANCE,
)
def get_trial_balance() -> TrialBalanceView:
    """Every account of the chart with the debit and credit totals posted to it and its balance, in the
    ledger's base currency. Changes nothing."""
    return TrialBalanceView.of(services().trial_balance())


@app.get(
    "/ledger/journal",
    tags=["ledger"],
    summary="List journal entries",
    middlewares=FINANCE,
    responses=error_responses(422),
)
def list_journal(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> JournalList:
    """Journal entries (one per posted invoice, credit note or payment), newest first, one page at a time.
    Changes nothing."""
    return JournalList.of(services().list_journal(limit, next_token))


@app.get(
    "/ledger/receivables",
    tags=["ledger"],
    summary="Get receivables by customer and age",
    middlewares=FINANCE,
    responses=error_responses(422),
)
def get_receivables(
    as_of: Annotated[date | None, Query(description="The day to age the items at (default: today)")] = None,
) -> ReceivablesView:
    """Open invoices per customer in ageing buckets (current, 1-30, 31-60, 61-90, over 90 days past due, as of
    today in the business time zone or as_of), each customer's unallocated credit, and account 1200's balance
    they reconcile to. The items are today's: as_of moves the ageing day only. Changes nothing."""
    return ReceivablesView.of(services().receivables(as_of))


@app.post(
    "/ledger/periods/<period>/close",
    tags=["ledger"],
    summary="Close a period",
    middlewares=FINANCE,
    responses=error_responses(409, 422),
)
def close_period(
    period: Annotated[str, Path(pattern=PERIOD, description="The calendar month to close (YYYY-MM)")],
) -> ClosedPeriodView:
    """Locks a month that has ended: entries whose documents are dated in it are from then on posted on the
    first day of the next open period (their document date stays on them), so its totals and VAT report no
    longer change. Closing a closed period again answers as the first close did. 409 before it has ended."""
    return ClosedPeriodView.of(services().close_period(period, closing_caller(app.current_event.raw_event)))


@app.get(
    "/ledger/vat-report",
    tags=["ledger"],
    summary="Get the VAT report of a period",
    middlewares=FINANCE,
    responses=error_responses(422),
)
def get_vat_report(
    period: Annotated[str, Query(pattern=PERIOD, description="The calendar month (YYYY-MM)")],
) -> VatReportView:
    """Output VAT by rate with its taxable base for the entries posted in the period (invoices less credit
    notes), and the movement of account 2200 in that period it reconciles to. Changes nothing."""
    return VatReportView.of(services().vat_report(period))


# API Gateway's request id is the correlation id until the caller's X-Correlation-Id is checked.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
