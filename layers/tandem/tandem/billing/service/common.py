"""What every billing use case shares: its collaborators (from ``bootstrap``), recording events, retrying
a lost race, finding invoices, and answering a creating request once per Idempotency-Key.

Gapless numbers: a use case reads the series' counter, then commits the document with ``last = seen + 1``.
Two issuers that read the same value race in DynamoDB: one transaction wins, the other is cancelled
(ConditionFailed on the counter, or TransactionConflict) and retries with a fresh read after the shared
jittered pause. No number is ever skipped (it is taken only in the document's transaction) or used twice
(the condition).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.errors import InvoiceNotFound
from tandem.billing.domain.model import Invoice, OrderAccount
from tandem.billing.domain.rules import DEFAULT_PAYMENT_TERMS_DAYS
from tandem.billing.ports import Documents, Mailer, Markers, UnitOfWork, WebhookSecrets
from tandem.shared import request_keys
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.errors import ConditionFailed, TransactionConflict
from tandem.shared.request_keys import Claim, KeyRecord, Reply
from tandem.shared.retry import retrying

T = TypeVar("T")
# Lost races retried before TransactionConflict reaches the caller (whose own retry takes over). The shared
# pause grows with the attempt (~50 ms times it): 50 issuers racing at once need ~15 attempts; the last of 24
# comes after ~14 s of pauses on average, inside the fulfillment function's 30 s.
ATTEMPTS = 24


@dataclass(frozen=True, slots=True)
class BillingConfig:
    base_currency: str = "EUR"  # payments and invoices are in this currency only
    payment_terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS


class NoWebhookSecrets:
    """No secret configured: every webhook signature fails (401), nothing is recorded."""

    def accepted(self) -> tuple[str, ...]:
        return ()


class ServiceBase:
    """The collaborators of the billing use cases. ``uow`` makes a new unit of work per call."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        documents: Documents,
        mailer: Mailer,
        markers: Markers,
        config: BillingConfig,
        webhook_secrets: WebhookSecrets | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.documents = documents
        self.mailer = mailer
        self.markers = markers
        self.config = config
        self.webhook_secrets = webhook_secrets or NoWebhookSecrets()

    def _record(
        self, uow: UnitOfWork, events: Iterable[DomainEvent], context: MessageContext, moment: datetime
    ) -> None:
        for event in events:
            uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=self.clock.new_id()))

    def _retrying(self, attempt: Callable[[], T], *, races: frozenset[str]) -> T:
        """``attempt()``, again after a race lost over one of ``races`` (labels) or a TransactionConflict.

        After ``ATTEMPTS`` lost races: ``TransactionConflict`` (transient; the state machine retries it).
        """

        def lost(error: BaseException) -> bool:
            return not isinstance(error, ConditionFailed) or error.label in races

        try:
            return retrying(
                attempt, on=(ConditionFailed, TransactionConflict), attempts=ATTEMPTS, sleep=self.clock.sleep, when=lost
            )
        except ConditionFailed as failed:
            if not lost(failed):
                raise
            raise TransactionConflict() from None

    def _answer_once(self, reply: Reply[T], create: Callable[[Claim[T] | None], T]) -> dict[str, Any]:
        """``request_keys.answer_once`` on billing's table: the first answer again for a repeated
        Idempotency-Key, the key's record written in ``create``'s own transaction."""

        def known(caller: str, key: str) -> KeyRecord | None:
            with self.uow() as uow:
                return uow.request_keys.get(caller, key)

        return request_keys.answer_once(reply, create, now=self.clock.now(), known=known)

    def _invoice(self, uow: UnitOfWork, invoice_id: str) -> Invoice:
        """The invoice, or InvoiceNotFound (also for ids that are not UUIDs: they cannot exist)."""
        invoice = uow.invoices.get(parse_id(invoice_id))
        if invoice is None:
            raise InvoiceNotFound(details={"id": str(invoice_id)[:64]})
        return invoice

    def _order_invoice(self, uow: UnitOfWork, order_id: str) -> tuple[OrderAccount | None, Invoice | None]:
        """The order's billing record (None: billing has not seen the order) and its invoice, if issued."""
        account = uow.orders.get(order_id)
        invoice = uow.invoices.get(account.invoice_id) if account and account.invoice_id else None
        return account, invoice

    def _completing_note(self, uow: UnitOfWork, invoice: Invoice) -> CreditNote:
        """The credit note that fully credited ``invoice`` (its last)."""
        note = uow.credit_notes.get(invoice.credit_notes[-1].id)
        if note is None:  # pragma: no cover - the note and the invoice update are written together
            raise InvoiceNotFound(details={"credit_note_id": str(invoice.credit_notes[-1].id)})
        return note


def parse_id(raw: str) -> UUID:
    try:
        return UUID(str(raw))
    except ValueError:
        raise InvoiceNotFound(details={"id": str(raw)[:64]}) from None
