"""What the billing use cases need from the outside world (implemented in ``adapters``, faked in tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.mail import Mail
from tandem.billing.domain.model import Invoice, Payment
from tandem.billing.domain.rules import DocumentKind
from tandem.shared.envelope import Envelope


@dataclass(frozen=True, slots=True)
class OrderAccount:
    """What billing knows about an order: its invoice, or payments waiting for it (card flow)."""

    order_id: str
    invoice_id: UUID | None = None
    payments: tuple[tuple[UUID, Decimal], ...] = ()
    version: int = 0


@dataclass(frozen=True, slots=True)
class InvoicePage:
    invoices: list[Invoice] = field(default_factory=list)
    cursor: str | None = None


class BillingReader(Protocol):
    def invoice(self, invoice_id: UUID) -> Invoice | None: ...
    def order_account(self, order_id: str) -> OrderAccount | None: ...
    def counter(self, kind: DocumentKind, year: int) -> int: ...
    def credit_note(self, credit_note_id: UUID) -> CreditNote | None: ...
    def payment_for_provider_event(self, provider_event_id: str) -> UUID | None: ...
    def list_invoices(self, *, status: str | None, limit: int, cursor: str | None) -> InvoicePage: ...
    def open_invoices_due_before(self, day: date) -> list[Invoice]: ...


class BillingUnitOfWork(Protocol):
    """One TransactWriteItems; ``commit`` raises ConditionFailed(label) or TransactionConflict.

    Labels: ``counter`` (someone took the number), ``order`` (the order got an invoice or a payment),
    ``invoice`` (the invoice changed), ``payment_event`` (the provider event was already recorded).
    """

    def __enter__(self) -> BillingUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def take_number(self, kind: DocumentKind, year: int, *, seen: int) -> None: ...
    def add_invoice(self, invoice: Invoice, *, account: OrderAccount | None) -> None: ...
    def save_invoice(self, invoice: Invoice, *, expected_version: int) -> None: ...
    def add_credit_note(self, note: CreditNote) -> None: ...
    def add_payment(self, payment: Payment) -> None: ...
    def add_order_payment(self, payment: Payment, *, account: OrderAccount | None) -> None: ...
    def record(self, envelope: Envelope[Any]) -> None: ...
    def commit(self) -> None: ...


class Documents(Protocol):
    """PDF storage: ``save_*`` renders and stores; ``invoice_pdf`` reads, rendering it if missing."""

    def save_invoice(self, invoice: Invoice) -> None: ...
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
    """The PDF could not be stored or read for now (S3); the issued document is not affected."""
