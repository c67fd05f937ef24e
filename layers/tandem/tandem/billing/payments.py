"""Payments from the provider's webhook: record each provider event once, apply it, publish it.

A payment names an invoice, or an order. An order's payment before its invoice exists (card flow:
the saga waits for the payment before invoicing) is kept on the order and applied when the invoice
is issued; PaymentReceived carries the order id so the sales context can resume the saga.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tandem.billing.domain.errors import CurrencyNotSupported, InvalidPayment, InvoiceNotFound
from tandem.billing.domain.events import PaymentReceived
from tandem.billing.domain.model import Invoice, Payment
from tandem.billing.numbering import retrying
from tandem.billing.ports import BillingReader, BillingUnitOfWork
from tandem.billing.service import parse_id
from tandem.shared.clock import new_id, utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.errors import ConditionFailed


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """A provider's ``payment.succeeded``: exactly one of ``invoice_id`` / ``order_id``."""

    provider_event_id: str
    amount: Decimal
    currency: str
    invoice_id: str | None = None
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentResult:
    payment_id: UUID
    duplicate: bool


def receive_payment(notice: PaymentNotice, reader: BillingReader, uow: BillingUnitOfWork, context: MessageContext,
                    *, base_currency: str, now: Callable[[], datetime] = utcnow, ids: Callable[[], UUID] = new_id,
                    sleep: Callable[[float], Any] = time.sleep) -> PaymentResult:
    """Record and apply a payment once per provider event id (a repeat returns the first payment's id)."""
    if notice.amount <= 0:
        raise InvalidPayment(details=[{"field": "amount", "message": "must be greater than 0"}])
    if notice.currency != base_currency:
        raise CurrencyNotSupported(details={"currency": notice.currency[:8], "supported": [base_currency]})
    known = reader.payment_for_provider_event(notice.provider_event_id)
    if known is not None:
        return PaymentResult(known, duplicate=True)
    payment_id = ids()

    def attempt() -> PaymentResult:
        invoice = _invoice_of(notice, reader)
        moment = now()
        version = invoice.version if invoice is not None else 0
        account = None if invoice is not None else reader.order_account(str(notice.order_id))
        payment = _payment(invoice, notice, payment_id, moment)
        try:
            with uow:
                uow.add_payment(payment)  # first: a repeat is reported as such, whatever else changed
                if invoice is not None:
                    uow.save_invoice(invoice, expected_version=version)
                else:
                    uow.add_order_payment(payment, account=account)
                events = [_received(payment, invoice)] + (invoice.events if invoice else [])
                for event in events:
                    uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=ids()))
                uow.commit()
        except ConditionFailed as failed:
            if failed.label != "payment_event":
                raise
            first = (failed.old_item or {}).get("payment_id") or reader.payment_for_provider_event(
                notice.provider_event_id)
            return PaymentResult(UUID(str(first)), duplicate=True)
        return PaymentResult(payment_id, duplicate=False)

    return retrying(attempt, retry_labels=frozenset({"invoice", "order"}), sleep=sleep)


def _invoice_of(notice: PaymentNotice, reader: BillingReader) -> Invoice | None:
    if notice.invoice_id is not None:
        invoice = reader.invoice(parse_id(notice.invoice_id))
        if invoice is None:
            raise InvoiceNotFound(details={"invoice_id": notice.invoice_id[:64]})
    else:
        account = reader.order_account(str(notice.order_id))
        invoice = reader.invoice(account.invoice_id) if account and account.invoice_id else None
    if invoice is not None and invoice.currency != notice.currency:
        raise CurrencyNotSupported(details={"currency": notice.currency[:8], "supported": [invoice.currency]})
    return invoice


def _payment(invoice: Invoice | None, notice: PaymentNotice, payment_id: UUID, moment: datetime) -> Payment:
    """The payment, applied to ``invoice`` if there is one (else kept for the order's invoice)."""
    if invoice is None:
        return Payment(payment_id, notice.provider_event_id, notice.amount, notice.currency, moment,
                       applied=notice.amount, unapplied=Decimal("0.00"), order_id=notice.order_id)
    application = invoice.apply_payment(notice.amount)
    return Payment(payment_id, notice.provider_event_id, notice.amount, notice.currency, moment,
                   applied=application.applied, unapplied=application.unapplied, order_id=invoice.order_id,
                   invoice_id=invoice.id)


def _received(payment: Payment, invoice: Invoice | None) -> PaymentReceived:
    return PaymentReceived(payment_id=payment.id, provider_event_id=payment.provider_event_id,
                           order_id=payment.order_id, invoice_id=payment.invoice_id,
                           customer_email=invoice.customer.email if invoice else None, amount=payment.amount,
                           currency=payment.currency, applied_amount=payment.applied,
                           unapplied_amount=payment.unapplied, received_at=payment.received_at)
