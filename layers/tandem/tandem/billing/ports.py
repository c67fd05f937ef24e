"""What the billing use cases need from the outside world (implemented in ``adapters``, faked in tests)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from tandem.billing.domain.commands import RecordPayment
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.mail import Mail
from tandem.billing.domain.model import Invoice, InvoiceStatus, OrderAccount, OrderClosure, Payment
from tandem.billing.domain.refunds import PaymentStatus, Refund, RefundStatus, UnmatchedPayment
from tandem.billing.domain.rules import DocumentKind
from tandem.shared.envelope import Envelope
from tandem.shared.paging import Page
from tandem.shared.request_keys import KeyRecord


class Invoices(Protocol):
    """Reads are strongly consistent where a decision depends on them; writes join the unit of work."""

    def get(self, invoice_id: UUID) -> Invoice | None: ...
    def newest_first(self, *, status: InvoiceStatus | None, limit: int, cursor: str | None) -> Page[Invoice]: ...

    def owned_by(
        self, customer_sub: str, *, status: InvoiceStatus | None, limit: int, cursor: str | None
    ) -> Page[Invoice]:
        """The invoices of a customer's orders (owned by their token ``sub``), newest first."""
        ...

    def open_due_before(self, day: date) -> list[Invoice]: ...
    def add(self, invoice: Invoice) -> None: ...

    def save(self, invoice: Invoice, *, expected_version: int) -> None:
        """Write the settlement (status, payments, credits) under ``expected_version``: the rest never changes."""


class CreditNotes(Protocol):
    def get(self, credit_note_id: UUID) -> CreditNote | None: ...
    def add(self, note: CreditNote) -> None: ...


class OrderAccounts(Protocol):
    """The order's record: one invoice per order, the payments that arrived before it, refunds due."""

    def get(self, order_id: str) -> OrderAccount | None: ...

    def get_with_counter(self, order_id: str, kind: DocumentKind, year: int) -> tuple[OrderAccount | None, int]:
        """The order's record and the last number of the series, in one read (issuing an invoice)."""

    def claim_invoice(self, invoice: Invoice, account: OrderAccount | None) -> None:
        """The order's one invoice, unless it got one or a payment since ``account`` was read."""

    def add_payment(self, payment: Payment, account: OrderAccount | None) -> None:
        """Keep a payment for the order's future invoice, unless the order has been invoiced meanwhile; on an
        order that ended (``account.closed``) the payment is marked owed back in the same update."""

    def place(self, order_id: str, *, customer_email: str, gross_total: Decimal) -> None:
        """Remember a placed order (its customer and gross total); what was recorded about it stays."""

    def close(
        self,
        account: OrderAccount | None,
        order_id: str,
        *,
        closure: OrderClosure,
        customer_email: str | None,
        owed_back: tuple[UUID, ...],
    ) -> None:
        """The order ended before its invoice: ``owed_back`` (its payments) and every later payment are owed
        back. Unless it got an invoice or a payment since ``account`` was read."""


class NumberSeries(Protocol):
    """Gapless numbers: read the last one, take the next in the document's own transaction."""

    def last(self, kind: DocumentKind, year: int) -> int: ...
    def take(self, kind: DocumentKind, year: int, *, seen: int) -> None: ...


class Payments(Protocol):
    def add(self, payment: Payment) -> None:
        """The payment and its provider event (first: a repeated event fails as ``payment_event``)."""


class Refunds(Protocol):
    def get(self, refund_id: UUID) -> Refund | None: ...
    def add(self, refund: Refund) -> None: ...
    def save(self, refund: Refund, *, expected_version: int) -> None: ...
    def newest_first(self, *, status: RefundStatus | None, limit: int, cursor: str | None) -> Page[Refund]: ...


class HeldPayments(Protocol):
    """Payments held for finance (unmatched); ``add`` records the provider event first, like ``Payments.add``."""

    def get(self, payment_id: UUID) -> UnmatchedPayment | None: ...
    def add(self, payment: UnmatchedPayment) -> None: ...
    def save(self, payment: UnmatchedPayment, *, expected_version: int) -> None: ...
    def newest_first(
        self, *, status: PaymentStatus | None, limit: int, cursor: str | None
    ) -> Page[UnmatchedPayment]: ...


class RequestKeys(Protocol):
    """Idempotency-Key records (tandem.shared.request_keys)."""

    def get(self, caller: str, key: str) -> KeyRecord | None: ...
    def claim(self, record: KeyRecord, *, now: datetime) -> None: ...


class UnitOfWork(Protocol):
    """The billing repositories and one TransactWriteItems; nothing is written before ``commit``, which
    raises ConditionFailed(label) or TransactionConflict.

    Labels: ``counter`` (someone took the number), ``order`` (the order got an invoice or a payment),
    ``invoice`` (the invoice changed), ``refund`` / ``payment`` (the refund or held payment changed),
    ``payment_event`` (the provider event was already recorded),
    ``idempotency`` (the Idempotency-Key is in use; ``old_item`` is its record).
    """

    @property
    def invoices(self) -> Invoices: ...
    @property
    def credit_notes(self) -> CreditNotes: ...
    @property
    def orders(self) -> OrderAccounts: ...
    @property
    def numbers(self) -> NumberSeries: ...
    @property
    def payments(self) -> Payments: ...
    @property
    def held_payments(self) -> HeldPayments: ...
    @property
    def refunds(self) -> Refunds: ...
    @property
    def request_keys(self) -> RequestKeys: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def record(self, envelope: Envelope[Any]) -> None: ...
    def commit(self) -> None: ...


class Documents(Protocol):
    """PDF storage: ``save_credit_note`` renders and stores; ``invoice_pdf`` reads, rendering it if missing."""

    def save_credit_note(self, note: CreditNote) -> None: ...
    def invoice_pdf(self, invoice: Invoice) -> bytes: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


class Markers(Protocol):
    """Once-only markers: the confirmation of an invoice, the notice of a refund, the reminder of an invoice
    on a day."""

    def confirmation(self, invoice_id: UUID) -> str | None: ...
    def mark_confirmation(self, invoice_id: UUID, message_id: str) -> str: ...
    def refund_notice(self, refund_id: UUID) -> str | None: ...
    def mark_refund_notice(self, refund_id: UUID, message_id: str) -> str: ...
    def claim_reminder(self, invoice_id: UUID, day: date) -> bool: ...
    def release_reminder(self, invoice_id: UUID, day: date) -> None: ...


class WebhookSecrets(Protocol):
    """The payment provider's signing secrets accepted now: one, or the new and the old while a secret is rotated.
    Empty when none is configured (every signature then fails)."""

    def accepted(self) -> tuple[str, ...]: ...


class SignedDelivery(Protocol):
    """A webhook delivery as received: the exact bytes and their signature header. ``to_command`` reads the
    bytes, so it is called only once the signature verified; None for an event type billing does not act on."""

    @property
    def body(self) -> bytes: ...
    @property
    def signature(self) -> str | None: ...
    def to_command(self) -> RecordPayment | None: ...
