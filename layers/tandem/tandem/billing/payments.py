"""Payments from the provider's webhook: record each provider event once, apply it, publish it.

A payment names an invoice, or an order. An order's payment before its invoice exists (card flow:
the saga waits for the payment before invoicing) is kept on the order (applied 0, unapplied = amount)
and applied when the invoice is issued; PaymentReceived carries the order id so the sales context can
resume the saga. If the order is cancelled before it is invoiced, its payments become refund-due
(PaymentRefundDue).
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
from tandem.billing.domain.events import PaymentReceived, PaymentRefundDue
from tandem.billing.domain.model import Invoice, Payment
from tandem.billing.numbering import retrying
from tandem.billing.ports import BillingReader, BillingUnitOfWork, OrderAccount
from tandem.billing.service import order_invoice, parse_id
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
    """Record and apply a payment once per provider event id (a repeat returns the first payment's id).

    No read of the provider event first: its record is the transaction's first, conditional put, and
    for a repeat DynamoDB returns the first record (ALL_OLD) with the cancellation.
    """
    if notice.amount <= 0:
        raise InvalidPayment(details=[{"field": "amount", "message": "must be greater than 0"}])
    if notice.currency != base_currency:
        raise CurrencyNotSupported(details={"currency": notice.currency[:8], "supported": [base_currency]})
    payment_id = ids()

    def attempt() -> PaymentResult:
        account, invoice = _target(notice, reader)
        moment = now()
        version = invoice.version if invoice is not None else 0
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
            if failed.label != "payment_event" or not (failed.old_item or {}).get("payment_id"):
                raise
            return PaymentResult(UUID(str(failed.old_item["payment_id"])), duplicate=True)  # type: ignore[index]
        return PaymentResult(payment_id, duplicate=False)

    return retrying(attempt, retry_labels=frozenset({"invoice", "order"}), sleep=sleep)


def _target(notice: PaymentNotice, reader: BillingReader) -> tuple[OrderAccount | None, Invoice | None]:
    """The invoice the payment goes to, else the order's record it waits on (each read once)."""
    account = None
    if notice.invoice_id is not None:
        invoice = reader.invoice(parse_id(notice.invoice_id))
        if invoice is None:
            raise InvoiceNotFound(details={"invoice_id": notice.invoice_id[:64]})
    else:
        account, invoice = order_invoice(reader, str(notice.order_id))
    if invoice is not None and invoice.currency != notice.currency:
        raise CurrencyNotSupported(details={"currency": notice.currency[:8], "supported": [invoice.currency]})
    return account, invoice


def _payment(invoice: Invoice | None, notice: PaymentNotice, payment_id: UUID, moment: datetime) -> Payment:
    """The payment, applied to ``invoice`` if there is one; else kept for the order's invoice, so nothing
    is applied yet (applied 0, unapplied = amount): the invoice reports what was applied at issue."""
    if invoice is None:
        return Payment(payment_id, notice.provider_event_id, notice.amount, notice.currency, moment,
                       applied=Decimal("0.00"), unapplied=notice.amount, order_id=notice.order_id)
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


@dataclass(frozen=True, slots=True)
class RefundResult:
    payment_ids: tuple[UUID, ...]  # marked by this call; empty: nothing (more) to refund
    amount: Decimal


def mark_refund_due(order_id: str, customer_email: str | None, account: OrderAccount | None, reader: BillingReader,
                    uow: BillingUnitOfWork, context: MessageContext, *, currency: str,
                    now: Callable[[], datetime] = utcnow, ids: Callable[[], UUID] = new_id,
                    sleep: Callable[[float], Any] = time.sleep) -> RefundResult:
    """The order was cancelled before its invoice: its recorded payments are owed back.

    ``account``: the order's record as the caller already read it (used by the first attempt; a lost
    race re-reads). Marks the payments not yet marked (on the order's record, under its ``version``)
    and publishes PaymentRefundDue in the same transaction; again for the same order: nothing new, no
    event. An invoiced order is not refunded here: its credit note leaves the payment as a credit balance.
    """
    preloaded = [account]

    def attempt() -> RefundResult:
        account = preloaded.pop() if preloaded else reader.order_account(order_id)
        due = account.applicable_payments if account is not None and account.invoice_id is None else ()
        if not due or account is None:
            return RefundResult((), Decimal("0.00"))
        moment = now()
        payment_ids = tuple(pid for pid, _amount in due)
        amount = sum((a for _pid, a in due), Decimal("0.00"))
        event = PaymentRefundDue(order_id=order_id, payment_ids=list(payment_ids), amount=amount, currency=currency,
                                 customer_email=customer_email)
        with uow:
            uow.mark_refund_due(account, payment_ids)
            uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=ids()))
            uow.commit()
        return RefundResult(payment_ids, amount)

    return retrying(attempt, retry_labels=frozenset({"order"}), sleep=sleep)
