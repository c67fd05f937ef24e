"""Billing use cases for invoices and credit notes. Each takes its ports as arguments."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tandem.billing.domain.commands import CreditInvoice, IssueInvoice
from tandem.billing.domain.crediting import CreditNote, credit
from tandem.billing.domain.errors import InvoiceAlreadyCredited, InvoiceNotFound
from tandem.billing.domain.model import Invoice, InvoiceStatus
from tandem.billing.domain.rules import DEFAULT_PAYMENT_TERMS_DAYS, DocumentKind, document_number
from tandem.billing.numbering import retrying
from tandem.billing.ports import (
    BillingReader,
    BillingUnitOfWork,
    Documents,
    DocumentStoreError,
    InvoicePage,
    OrderAccount,
)
from tandem.shared.clock import new_id, utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.errors import ServiceUnavailable, ValidationFailed
from tandem.shared.request_keys import KeyRecord


@dataclass(frozen=True, slots=True)
class IssueResult:
    invoice: Invoice
    created: bool  # False: the order already had this invoice (idempotent repeat)


def _record(uow: BillingUnitOfWork, events: list[Any], context: MessageContext, moment: datetime,
            ids: Callable[[], UUID]) -> None:
    for event in events:
        uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=ids()))


def issue_invoice(command: IssueInvoice, reader: BillingReader, uow: BillingUnitOfWork, context: MessageContext,
                  *, terms_days: int = DEFAULT_PAYMENT_TERMS_DAYS, now: Callable[[], datetime] = utcnow,
                  ids: Callable[[], UUID] = new_id, sleep: Callable[[float], Any] = time.sleep) -> IssueResult:
    """Issue the order's one invoice with the next gapless number; a repeat returns the existing invoice.

    One BatchGetItem (order record + counter), one transaction. Payments the order received before
    its invoice (card) are applied at issue, so a prepaid order's invoice is issued as paid (InvoicePaid,
    with the amounts applied, in the same transaction). No PDF here: it is rendered when first needed.
    """
    invoice_id = ids()

    def attempt() -> IssueResult:
        moment = now()
        account, seen = reader.issue_state(command.order_id, DocumentKind.INVOICE, moment.year)
        if account is not None and account.invoice_id is not None:
            existing = reader.invoice(account.invoice_id)
            if existing is None:  # pragma: no cover - the claim and the invoice are written together
                raise InvoiceNotFound(details={"invoice_id": str(account.invoice_id)})
            return IssueResult(existing, created=False)
        invoice = Invoice.issue(command, invoice_id=invoice_id, now=moment, terms_days=terms_days,
                                number=document_number(DocumentKind.INVOICE, moment.year, seen + 1))
        prepaid = sum((amount for _id, amount in account.applicable_payments), Decimal(0)) if account else 0
        if prepaid > 0:
            invoice.apply_payment(prepaid)  # one application: InvoicePaid carries the final amounts
        with uow:
            uow.take_number(DocumentKind.INVOICE, moment.year, seen=seen)
            uow.add_invoice(invoice, account=account)
            _record(uow, invoice.events, context, moment, ids)
            uow.commit()
        return IssueResult(invoice, created=True)

    return retrying(attempt, retry_labels=frozenset({"counter", "order"}), sleep=sleep)


def credit_invoice(command: CreditInvoice, reader: BillingReader, uow: BillingUnitOfWork, documents: Documents,
                   context: MessageContext, *, invoice: Invoice | None = None,
                   claim_for: Callable[[CreditNote], KeyRecord] | None = None,
                   now: Callable[[], datetime] = utcnow, ids: Callable[[], UUID] = new_id,
                   sleep: Callable[[float], Any] = time.sleep) -> CreditNote:
    """Issue a credit note (full by default); InvoiceAlreadyCredited / CreditExceedsInvoice when nothing
    or less than asked remains.

    ``invoice``: the invoice as the caller already loaded it (used by the first attempt; a lost race
    re-reads). ``claim_for``: the Idempotency-Key record of the note, written in the note's transaction
    (a live one raises ConditionFailed("idempotency") with the record as ``old_item``).
    """
    invoice_key = parse_id(command.invoice_id)
    note_id = ids()
    preloaded = [invoice] if invoice is not None and invoice.id == invoice_key else []

    def attempt() -> CreditNote:
        current = preloaded.pop() if preloaded else get_invoice(reader, str(invoice_key))
        version = current.version
        moment = now()
        seen = reader.counter(DocumentKind.CREDIT_NOTE, moment.year)
        number = document_number(DocumentKind.CREDIT_NOTE, moment.year, seen + 1)
        note = credit(current, command.lines, credit_note_id=note_id, number=number, reason=command.reason,
                      now=moment)
        with uow:
            if claim_for is not None:
                uow.claim_key(claim_for(note), now=moment)  # first: a taken key is reported as such
            uow.take_number(DocumentKind.CREDIT_NOTE, moment.year, seen=seen)
            uow.add_credit_note(note)
            uow.save_invoice(current, expected_version=version)
            _record(uow, note.events + current.events, context, moment, ids)
            uow.commit()
        return note

    note = retrying(attempt, retry_labels=frozenset({"counter", "invoice"}), sleep=sleep)
    try:
        documents.save_credit_note(note)
    except (DocumentStoreError, ServiceUnavailable):
        pass  # the note is committed; its PDF can be rendered again from it
    return note


def credit_in_full(invoice: Invoice, reason: str, reader: BillingReader, uow: BillingUnitOfWork,
                   documents: Documents, context: MessageContext, **options: Any) -> CreditNote:
    """Credit whatever remains of the (loaded) invoice; if it is already fully credited, the note that
    completed it."""
    if invoice.status is InvoiceStatus.CREDITED:
        return _completing_note(reader, invoice)
    command = CreditInvoice(invoice_id=str(invoice.id), reason=reason)
    try:
        return credit_invoice(command, reader, uow, documents, context, invoice=invoice, **options)
    except InvoiceAlreadyCredited:  # credited by someone else meanwhile
        return _completing_note(reader, get_invoice(reader, str(invoice.id)))


@dataclass(frozen=True, slots=True)
class OrderCredit:
    note: CreditNote | None  # None: nothing was credited by this request

    @property
    def credited(self) -> bool:
        return self.note is not None


def credit_order(order_id: str, reason: str, reader: BillingReader, uow: BillingUnitOfWork, documents: Documents,
                 context: MessageContext, **options: Any) -> OrderCredit:
    """The saga's compensation: credit the order's invoice in full if it has one not yet fully credited.

    Idempotent: when the invoice is already fully credited by a note with this same ``reason`` (this
    action, repeated), that note is the answer; credited by another note (the OrderCancelled consumer,
    the finance team) or no invoice at all: nothing (``credited`` False).
    """
    _account, invoice = order_invoice(reader, order_id)
    if invoice is None:
        return OrderCredit(None)
    note = credit_in_full(invoice, reason, reader, uow, documents, context, **options)
    return OrderCredit(note if note.reason == reason else None)


def _completing_note(reader: BillingReader, invoice: Invoice) -> CreditNote:
    note = reader.credit_note(invoice.credit_notes[-1].id)
    if note is None:  # pragma: no cover - the note and the invoice update are written together
        raise InvoiceNotFound(details={"credit_note_id": str(invoice.credit_notes[-1].id)})
    return note


def parse_id(raw: str) -> UUID:
    try:
        return UUID(str(raw))
    except ValueError:
        raise InvoiceNotFound(details={"id": str(raw)[:64]}) from None


def order_invoice(reader: BillingReader, order_id: str) -> tuple[OrderAccount | None, Invoice | None]:
    """The order's billing record (None: billing has not seen the order) and its invoice, if issued."""
    account = reader.order_account(order_id)
    invoice = reader.invoice(account.invoice_id) if account and account.invoice_id else None
    return account, invoice


def get_invoice(reader: BillingReader, invoice_id: str) -> Invoice:
    """The invoice, or InvoiceNotFound (also for ids that are not UUIDs: they cannot exist)."""
    invoice = reader.invoice(parse_id(invoice_id))
    if invoice is None:
        raise InvoiceNotFound(details={"id": str(invoice_id)[:64]})
    return invoice


def list_invoices(reader: BillingReader, *, order_id: str | None = None, status: str | None = None,
                  limit: int = 25, cursor: str | None = None) -> InvoicePage:
    """Newest first; ``order_id`` gives that order's invoice (at most one)."""
    if status is not None and status not in {s.value for s in InvoiceStatus}:
        raise ValidationFailed(details=[{"field": "status", "message": "must be one of "
                                + ", ".join(s.value for s in InvoiceStatus)}])
    if order_id is not None:
        _account, invoice = order_invoice(reader, order_id)
        matches = [invoice] if invoice and (status is None or invoice.status.value == status) else []
        return InvoicePage(invoices=matches)
    return reader.list_invoices(status=status, limit=limit, cursor=cursor)


def invoice_pdf(reader: BillingReader, documents: Documents, invoice_id: str) -> tuple[Invoice, bytes]:
    invoice = get_invoice(reader, invoice_id)
    return invoice, documents.invoice_pdf(invoice)
