"""Payments from the provider's webhook: verify the signature, record each provider event once, apply it,
publish it; and the payments owed back when an order is cancelled before its invoice.

A payment names an invoice, or an order. An order's payment before its invoice exists (card flow:
the saga waits for the payment before invoicing) is kept on the order (applied 0, unapplied = amount)
and applied when the invoice is issued; PaymentReceived carries the order id so the sales context can
resume the saga. If the order is cancelled before it is invoiced, its payments become refund-due
(PaymentRefundDue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tandem.billing.domain.commands import RecordPayment, SettleCancelledOrder
from tandem.billing.domain.errors import CurrencyNotSupported, InvalidSignature, InvoiceNotFound
from tandem.billing.domain.events import PaymentReceived
from tandem.billing.domain.model import Invoice, OrderAccount, Payment
from tandem.billing.domain.signature import SignatureError, verify
from tandem.billing.ports import SignedDelivery, UnitOfWork
from tandem.billing.service.common import ServiceBase, parse_id
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed

PAYMENT_RACES = frozenset({"invoice", "order"})
REFUND_RACES = frozenset({"order"})


class PaymentOutcome(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # the provider event was recorded before: its first payment's id
    IGNORED = "ignored"  # an event type billing does not act on (acknowledged)


@dataclass(frozen=True, slots=True)
class PaymentResult:
    payment_id: UUID | None  # None when ignored
    outcome: PaymentOutcome


@dataclass(frozen=True, slots=True)
class RefundResult:
    payment_ids: tuple[UUID, ...]  # marked by this call; empty: nothing (more) to refund
    amount: Decimal


class PaymentUseCases(ServiceBase):
    def receive_payment(self, delivery: SignedDelivery, context: MessageContext) -> PaymentResult:
        """Verify the signature over the exact bytes FIRST (InvalidSignature: nothing is read or written),
        then read the event and record the payment once per provider event id.

        No read of the provider event first: its record is the transaction's first, conditional put, and
        for a repeat DynamoDB returns the first record (ALL_OLD) with the cancellation.
        """
        try:
            verify(
                delivery.signature, delivery.body, secret=self.config.webhook_secret, now=self.clock.now().timestamp()
            )
        except SignatureError as exc:
            raise InvalidSignature(details={"reason": str(exc)}) from None
        command = delivery.to_command()
        if command is None:
            return PaymentResult(None, PaymentOutcome.IGNORED)
        return self._record_payment(command, context)

    def _record_payment(self, command: RecordPayment, context: MessageContext) -> PaymentResult:
        if command.currency != self.config.base_currency:
            raise CurrencyNotSupported(
                details={"currency": command.currency[:8], "supported": [self.config.base_currency]}
            )
        payment_id = self.clock.new_id()

        def attempt() -> PaymentResult:
            with self.uow() as uow:
                account, invoice = self._payment_target(uow, command)
                moment = self.clock.now()
                version = invoice.version if invoice is not None else 0
                payment = _payment(invoice, command, payment_id, moment)
                uow.payments.add(payment)  # first: a repeat is reported as such, whatever else changed
                if invoice is not None:
                    uow.invoices.save(invoice, expected_version=version)
                else:
                    uow.orders.add_payment(payment, account)
                self._record(uow, [_received(payment, invoice)] + (invoice.events if invoice else []), context, moment)
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    first = (failed.old_item or {}).get("payment_id") if failed.label == "payment_event" else None
                    if not first:
                        raise
                    return PaymentResult(UUID(str(first)), PaymentOutcome.DUPLICATE)
            return PaymentResult(payment_id, PaymentOutcome.RECORDED)

        return self._retrying(attempt, races=PAYMENT_RACES)

    def _payment_target(self, uow: UnitOfWork, command: RecordPayment) -> tuple[OrderAccount | None, Invoice | None]:
        """The invoice the payment goes to, else the order's record it waits on (each read once)."""
        account = None
        if command.invoice_id is not None:
            invoice = uow.invoices.get(parse_id(command.invoice_id))
            if invoice is None:
                raise InvoiceNotFound(details={"invoice_id": command.invoice_id[:64]})
        else:
            account, invoice = self._order_invoice(uow, str(command.order_id))
        if invoice is not None and invoice.currency != command.currency:
            raise CurrencyNotSupported(details={"currency": command.currency[:8], "supported": [invoice.currency]})
        return account, invoice

    def _mark_refund_due(
        self, command: SettleCancelledOrder, account: OrderAccount | None, context: MessageContext
    ) -> RefundResult:
        """The order was cancelled before its invoice: its recorded payments are owed back.

        ``account``: the order's record as the caller already read it (used by the first attempt; a lost
        race re-reads). Marks the payments not yet marked (on the order's record, under its ``version``)
        and publishes PaymentRefundDue in the same transaction; again for the same order: nothing new, no
        event. An invoiced order is not refunded here: its credit note leaves the payment as a credit balance.
        """
        first = [account]

        def attempt() -> RefundResult:
            with self.uow() as uow:
                current = first.pop() if first else uow.orders.get(command.order_id)
                refund = (
                    current.refund(currency=self.config.base_currency, customer_email=command.customer_email)
                    if current
                    else None
                )
                if current is None or refund is None:
                    return RefundResult((), Decimal("0.00"))
                moment = self.clock.now()
                payment_ids = tuple(refund.payment_ids)
                uow.orders.mark_refund_due(current, payment_ids)
                self._record(uow, [refund], context, moment)
                uow.commit()
            return RefundResult(payment_ids, refund.amount)

        return self._retrying(attempt, races=REFUND_RACES)


def _payment(invoice: Invoice | None, command: RecordPayment, payment_id: UUID, moment: datetime) -> Payment:
    """The payment, applied to ``invoice`` if there is one; else kept for the order's invoice, so nothing
    is applied yet (applied 0, unapplied = amount): the invoice reports what was applied at issue."""
    if invoice is None:
        return Payment(
            payment_id,
            command.provider_event_id,
            command.amount,
            command.currency,
            moment,
            applied=Decimal("0.00"),
            unapplied=command.amount,
            order_id=command.order_id,
        )
    application = invoice.apply_payment(command.amount)
    return Payment(
        payment_id,
        command.provider_event_id,
        command.amount,
        command.currency,
        moment,
        applied=application.applied,
        unapplied=application.unapplied,
        order_id=invoice.order_id,
        invoice_id=invoice.id,
    )


def _received(payment: Payment, invoice: Invoice | None) -> PaymentReceived:
    return PaymentReceived(
        payment_id=payment.id,
        provider_event_id=payment.provider_event_id,
        order_id=payment.order_id,
        invoice_id=payment.invoice_id,
        customer_email=invoice.customer.email if invoice else None,
        amount=payment.amount,
        currency=payment.currency,
        applied_amount=payment.applied,
        unapplied_amount=payment.unapplied,
        received_at=payment.received_at,
    )
