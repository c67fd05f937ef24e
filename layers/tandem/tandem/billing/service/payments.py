"""Payments from the provider's webhook: verify the signature, record each provider event once, apply it,
publish it; and the payments owed back when an order is cancelled before its invoice.

A payment names an invoice, or an order. An order's payment before its invoice exists (card flow:
the saga waits for the payment before invoicing) is kept on the order (applied 0, unapplied = amount)
and applied when the invoice is issued; PaymentReceived carries the order id so the sales context can
resume the saga. If the order is cancelled or rejected before it is invoiced, its payments, and any that
arrive later, are owed back (RefundDue). A payment naming no order or invoice billing knows, or far more
than the document it names (``refunds.implausible``), is held unmatched for finance (PaymentUnmatched).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tandem.billing.domain.commands import RecordPayment, SettleCancelledOrder
from tandem.billing.domain.errors import CurrencyNotSupported, InvalidSignature
from tandem.billing.domain.events import PaymentReceived
from tandem.billing.domain.model import Invoice, OrderAccount, OrderClosure, Payment
from tandem.billing.domain.refunds import (
    HoldReason,
    Refund,
    RefundReason,
    RefundSource,
    UnmatchedPayment,
    implausible,
    invoice_refund,
    payment_refund_reason,
)
from tandem.billing.domain.signature import SignatureError, verify
from tandem.billing.ports import SignedDelivery, UnitOfWork
from tandem.billing.service.common import ServiceBase
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent
from tandem.shared.errors import ConditionFailed

PAYMENT_RACES = frozenset({"invoice", "order"})
REFUND_RACES = frozenset({"order"})


class PaymentOutcome(StrEnum):
    RECORDED = "recorded"
    HELD = "held"  # names no known order or invoice, or an implausible amount: held unmatched for finance
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
            secrets = self.webhook_secrets.accepted()  # cached by the adapter (Secrets Manager)
            verify(delivery.signature, delivery.body, secrets=secrets, now=self.clock.now().timestamp())
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
                hold = _hold_reason(command, account, invoice)
                if hold is not None:
                    held = UnmatchedPayment.hold(
                        payment_id=payment_id,
                        provider_event_id=command.provider_event_id,
                        amount=command.amount,
                        currency=command.currency,
                        reference=command.invoice_id or command.order_id,
                        reason=hold,
                        now=moment,
                    )
                    uow.held_payments.add(held)  # first: a repeat is reported as such
                    events = list(held.events)
                else:
                    events = self._apply(uow, command, payment_id, account, invoice)
                self._record(uow, events, context, moment)
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    first = (failed.old_item or {}).get("payment_id") if failed.label == "payment_event" else None
                    if not first:
                        raise
                    return PaymentResult(UUID(str(first)), PaymentOutcome.DUPLICATE)
            return PaymentResult(payment_id, PaymentOutcome.HELD if hold else PaymentOutcome.RECORDED)

        return self._retrying(attempt, races=PAYMENT_RACES)

    def _apply(
        self,
        uow: UnitOfWork,
        command: RecordPayment,
        payment_id: UUID,
        account: OrderAccount | None,
        invoice: Invoice | None,
    ) -> list[DomainEvent]:
        """Record the payment on its invoice, else on its order; whatever it leaves owed back becomes a refund
        due in the same transaction. The events to publish."""
        moment = self.clock.now()
        local = self.clock.local(moment)  # refunds are dated in the business time zone
        version = invoice.version if invoice is not None else 0
        payment = _payment(invoice, command, payment_id, moment)
        uow.payments.add(payment)  # first: a repeat is reported as such, whatever else changed
        refund: Refund | None = None
        if invoice is not None:
            invoice.payment_ids.append(payment_id)
            reason = payment_refund_reason(invoice, payment.applied)
            refund = invoice_refund(
                invoice, refund_id=self.clock.new_id(), reason=reason, now=local, payment_ids=(payment_id,)
            )
            uow.invoices.save(invoice, expected_version=version)
        else:
            uow.orders.add_payment(payment, account)
            if account is not None and account.closed is not None:  # the order ended: owed back at once
                refund = Refund.owe(
                    refund_id=self.clock.new_id(),
                    amount=payment.amount,
                    currency=payment.currency,
                    reason=CLOSURE_REASONS[account.closed],
                    source=RefundSource.ORDER_PREPAYMENT,
                    now=local,
                    customer_email=account.customer_email,
                    payment_ids=(payment_id,),
                    order_id=account.order_id,
                )
        if refund is not None:
            uow.refunds.add(refund)
        email = invoice.customer.email if invoice else account.customer_email if account else None
        return [_received(payment, email), *(invoice.events if invoice else []), *(refund.events if refund else [])]

    def _payment_target(self, uow: UnitOfWork, command: RecordPayment) -> tuple[OrderAccount | None, Invoice | None]:
        """The invoice the payment goes to, else the order's record it waits on (each read once); neither
        when billing knows no such invoice or order (the payment is then held, unmatched)."""
        account = None
        if command.invoice_id is not None:
            invoice = uow.invoices.get(known_id) if (known_id := _uuid(command.invoice_id)) else None
        else:
            account, invoice = self._order_invoice(uow, str(command.order_id))
        if invoice is not None and invoice.currency != command.currency:
            raise CurrencyNotSupported(details={"currency": command.currency[:8], "supported": [invoice.currency]})
        return account, invoice

    def _close_order(
        self, command: SettleCancelledOrder, account: OrderAccount | None, context: MessageContext
    ) -> RefundResult | None:
        """The order ended before its invoice: its recorded payments are owed back (one RefundDue for them),
        and so is every payment that arrives later (on the order's record: ``closed``).

        ``account``: the order's record as the caller already read it (used by the first attempt; a lost
        race re-reads). Again for the same order: nothing new, no event. None when the order got an
        invoice meanwhile (the caller credits it instead).
        """
        first = [account]
        closure = OrderClosure.REJECTED if command.rejected else OrderClosure.CANCELLED

        def attempt() -> RefundResult | None:
            with self.uow() as uow:
                current = first.pop() if first else uow.orders.get(command.order_id)
                if current is not None and current.invoice_id is not None:
                    return None
                owed = current.applicable_payments if current else ()
                if current is not None and current.closed is not None and not owed:
                    return RefundResult((), Decimal("0.00"))  # a repeat: closed, nothing new to give back
                moment = self.clock.now()
                email = command.customer_email or (current.customer_email if current else None)
                uow.orders.close(
                    current,
                    command.order_id,
                    closure=closure,
                    customer_email=email,
                    owed_back=tuple(pid for pid, _amount in owed),
                )
                refund = None
                if owed:
                    refund = Refund.owe(
                        refund_id=self.clock.new_id(),
                        amount=sum((amount for _pid, amount in owed), Decimal("0.00")),
                        currency=self.config.base_currency,
                        reason=CLOSURE_REASONS[closure],
                        source=RefundSource.ORDER_PREPAYMENT,
                        now=self.clock.local(moment),
                        customer_email=email,
                        payment_ids=tuple(pid for pid, _amount in owed),
                        order_id=command.order_id,
                    )
                    uow.refunds.add(refund)
                    self._record(uow, refund.events, context, moment)
                uow.commit()
            return RefundResult(refund.payment_ids if refund else (), refund.amount if refund else Decimal("0.00"))

        return self._retrying(attempt, races=REFUND_RACES)


CLOSURE_REASONS = {
    OrderClosure.CANCELLED: RefundReason.ORDER_CANCELLED,
    OrderClosure.REJECTED: RefundReason.ORDER_REJECTED,
}


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None


def _hold_reason(command: RecordPayment, account: OrderAccount | None, invoice: Invoice | None) -> HoldReason | None:
    """Why the payment is held for finance instead of applied; None when it is applied."""
    if invoice is None and account is None:
        return HoldReason.UNKNOWN_REFERENCE
    gross = invoice.gross_total if invoice is not None else account.gross_total if account is not None else None
    return HoldReason.IMPLAUSIBLE_AMOUNT if implausible(command.amount, gross) else None


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


def _received(payment: Payment, customer_email: str | None) -> PaymentReceived:
    return PaymentReceived(
        payment_id=payment.id,
        provider_event_id=payment.provider_event_id,
        order_id=payment.order_id,
        invoice_id=payment.invoice_id,
        customer_email=customer_email,
        amount=payment.amount,
        currency=payment.currency,
        applied_amount=payment.applied,
        unapplied_amount=payment.unapplied,
        received_at=payment.received_at,
    )
