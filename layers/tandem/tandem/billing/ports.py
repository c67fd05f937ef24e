"""What the billing use cases need from the outside world (implemented in ``adapters``, faked in tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.mail import Mail
from tandem.billing.domain.model import Invoice, Payment
from tandem.billing.domain.rules import DocumentKind
from tandem.shared.envelope import Envelope
from tandem.shared.request_keys import KeyRecord


@dataclass(frozen=True, slots=True)
class OrderAccount:
    """What billing knows about an order: its invoice, or payments waiting for it (card flow)."""

    order_id: str
    invoice_id: UUID | None = None
    payments: tuple[tuple[UUID, Decimal], ...] = ()
    version: int = 0
    refund_due: tuple[UUID, ...] = ()  # payments to give back: the order was cancelled before its invoice

    @property
    def applicable_payments(self) -> tuple[tuple[UUID, Decimal], ...]:
        """Payments still waiting for the order's invoice (not marked for refund)."""
        return tuple((pid, amount) for pid, amount in self.payments if pid not in self.refund_due)


@dataclass(frozen=True, slots=True)
class InvoicePage:
    invoices: list[Invoice] = field(default_factory=list)
    cursor: str | None = None


class BillingReader(Protocol):
    def invoice(self, invoice_id: UUID) -> Invoice | None: ...
    def order_account(self, order_id: str) -> OrderAccount | None: ...
    def counter(self, kind: DocumentKind, year: int) -> int: ...
    def credit_note(self, credit_note_id: UUID) -> CreditNote | None: ...
    def issue_state(self, order_id: str, kind: DocumentKind, year: int) -> tuple[OrderAccount | None, int]: ...
    def key_record(self, caller: str, key: str) -> KeyRecord | None: ...
    def list_invoices(self, *, status: str | None, limit: int, cursor: str | None) -> InvoicePage: ...
    def open_invoices_due_before(self, day: date) -> list[Invoice]: ...


class BillingUnitOfWork(Protocol):
    """One TransactWriteItems; ``commit`` raises ConditionFailed(label) or TransactionConflict.

    Labels: ``counter`` (someone took the number), ``order`` (the order got an invoice or a payment),
    ``invoice`` (the invoice changed), ``payment_event`` (the provider event was already recorded),
    ``idempotency`` (the Idempotency-Key is in use; ``old_item`` is its record).
    """

    def __enter__(self) -> BillingUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def take_number(self, kind: DocumentKind, year: int, *, seen: int) -> None: ...
    def add_invoice(self, invoice: Invoice, *, account: OrderAccount | None) -> None: ...
    def save_invoice(self, invoice: Invoice, *, expected_version: int) -> None: ...
    def add_credit_note(self, note: CreditNote) -> None: ...
    def add_payment(self, payment: Payment) -> None: ...
    def add_order_payment(self, payment: Payment, *, account: OrderAccount | None) -> None: ...
    def mark_refund_due(self, account: OrderAccount, payment_ids: tuple[UUID, ...]) -> None: ...
    def claim_key(self, record: KeyRecord, *, now: datetime) -> None: ...
    def record(self, envelope: Envelope[Any]) -> None: ...
    def commit(self) -> None: ...


class Documents(Protocol):
    """PDF storage: ``save_credit_note`` renders and stores; ``invoice_pdf`` reads, rendering it if missing."""

    def save_credit_note(self, note: CreditNote) -> None: ...
    def invoice_pdf(self, invoice: Invoice) -> bytes: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


class Markers(Protocol):
    """Once-only markers: the confirmation of an invoice, the reminder of an invoice on a day."""

    def confirmation(self, invoice_id: UUID) -> str | None: ...
    def mark_confirmation(self, invoice_id: UUID, message_id: str) -> str: ...
    def claim_reminder(self, invoice_id: UUID, day: date) -> bool: ...
    def release_reminder(self, invoice_id: UUID, day: date) -> None: ...


class DocumentStoreError(Exception):
    """S3 refused for good (access denied, no such bucket): a misconfiguration, not weather.

    Throttling and S3 faults raise ``tandem.shared.errors.ServiceUnavailable`` instead (retried).
    The issued document itself is never affected: PDFs are rendered from it at any time."""
