"""Ledger errors; their HTTP status comes from their base class (tandem.shared.errors)."""

from __future__ import annotations

from uuid import UUID

from tandem.shared.errors import Conflict, TransactionConflict, ValidationFailed


class UnbalancedEntry(ValidationFailed):
    """Total debits differ from total credits, or both are zero: such an entry is never written."""

    code = "unbalanced_entry"
    message = "A journal entry needs equal, non-zero debit and credit totals"


class InvalidJournalLine(ValidationFailed):
    """A line names an account outside the chart, has a negative amount, or is not exactly one-sided."""

    code = "invalid_journal_line"
    message = "A journal line needs an account of the chart and exactly one non-negative side"


class UnsupportedCurrency(ValidationFailed):
    """The ledger is kept in BASE_CURRENCY only; a document in another currency is refused, not converted."""

    code = "currency_not_supported"
    message = "The ledger is kept in the company currency only"


class EntryAlreadyPosted(Conflict):
    """The entry for this source event exists: a redelivered event, nothing to do."""

    code = "entry_already_posted"

    def __init__(self, entry_id: UUID) -> None:
        super().__init__(details={"entry_id": str(entry_id)})
        self.entry_id = entry_id


class BalanceCurrencyMismatch(Conflict):
    """The stored balances were accumulated in another currency (BASE_CURRENCY changed under a live ledger)."""

    code = "balance_currency_mismatch"
    message = "The ledger's balances are kept in another currency"


class InvalidPeriod(ValidationFailed):
    """A period is a calendar month written ``YYYY-MM``."""

    code = "invalid_period"
    message = "A period is a calendar month written YYYY-MM"


class PeriodNotEnded(Conflict):
    """A period is closed only once it has ended (in the business time zone): days of it are still to come."""

    code = "period_not_ended"
    message = "The period has not ended yet"


class PeriodClosedMeanwhile(TransactionConflict):
    """The entry's posting period was closed between reading the closed periods and committing: the posting
    is retried with a fresh read (and then lands in the next open period)."""

    code = "period_closed_meanwhile"
