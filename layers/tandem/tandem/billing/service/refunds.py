"""Refunds and held payments for the finance team; the orders billing must know; telling a customer once.

Refunds are created where their cause is recorded (payments, credit notes, invoices, cancellations); here
finance reads them and records their payout, and settles payments held unmatched: applied to an invoice,
or turned into a refund.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from tandem.billing.domain.commands import ApplyHeldPayment, ListHeldPayments, ListRefunds, MarkRefundPaid, RecordOrder
from tandem.billing.domain.errors import CurrencyNotSupported, PaymentNotFound, RefundNotFound
from tandem.billing.domain.mail import refund_due
from tandem.billing.domain.refunds import (
    PaymentStatus,
    Refund,
    RefundStatus,
    UnmatchedPayment,
    invoice_refund,
    payment_refund_reason,
)
from tandem.billing.ports import UnitOfWork
from tandem.billing.service.common import Claim, Reply, ServiceBase
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ValidationFailed
from tandem.shared.paging import Page

REFUND_RACES = frozenset({"refund"})
HELD_RACES = frozenset({"payment", "invoice", "refund"})


class RefundUseCases(ServiceBase):
    def record_order(self, command: RecordOrder) -> bool:
        """Remember a placed order (OrderPlaced), so payments naming it match; False when already known."""
        with self.uow() as uow:
            account = uow.orders.get(command.order_id)
            if account is not None and account.gross_total is not None:
                return False
            uow.orders.place(command.order_id, customer_email=command.customer_email, gross_total=command.gross_total)
            uow.commit()
        return True

    def list_refunds(self, query: ListRefunds) -> Page[Refund]:
        """Newest first, optionally of one status (due, paid)."""
        status = _status(RefundStatus, query.status)
        with self.uow() as uow:
            return uow.refunds.newest_first(status=status, limit=query.limit, cursor=query.cursor)

    def get_refund(self, refund_id: str) -> Refund:
        with self.uow() as uow:
            return self._refund(uow, refund_id)

    def mark_refund_paid(
        self, command: MarkRefundPaid, context: MessageContext, reply: Reply[Refund]
    ) -> dict[str, object]:
        """Record the payout of a refund (RefundPaid, once): a refund already paid is answered as it is (its
        first payout stands, nothing is written). With an Idempotency-Key: the first answer again."""
        return self._answer_once(reply, lambda claim: self._pay(command, context, claim))

    def _pay(self, command: MarkRefundPaid, context: MessageContext, claim: Claim[Refund] | None) -> Refund:
        def attempt() -> Refund:
            with self.uow() as uow:
                refund = self._refund(uow, command.refund_id)
                version, moment = refund.version, self.clock.now()
                if not refund.pay(reference=command.reference, today=self.clock.day_of(moment)):
                    return refund
                if claim is not None:
                    uow.request_keys.claim(claim(refund), now=moment)
                uow.refunds.save(refund, expected_version=version)
                self._record(uow, refund.events, context, moment)
                uow.commit()
            return refund

        return self._retrying(attempt, races=REFUND_RACES)

    def list_held_payments(self, query: ListHeldPayments) -> Page[UnmatchedPayment]:
        """Payments held for finance, newest first, optionally of one status (unmatched, applied, refunded)."""
        status = _status(PaymentStatus, query.status)
        with self.uow() as uow:
            return uow.held_payments.newest_first(status=status, limit=query.limit, cursor=query.cursor)

    def apply_held_payment(self, command: ApplyHeldPayment, context: MessageContext) -> UnmatchedPayment:
        """Apply a held payment to an invoice (UnmatchedPaymentApplied; what it brings beyond the amount due is
        owed back: RefundDue). Applied to this invoice already: answered as it is; resolved otherwise: 409."""

        def attempt() -> UnmatchedPayment:
            with self.uow() as uow:
                held = self._held(uow, command.payment_id)
                invoice = self._invoice(uow, command.invoice_id)
                if held.status is PaymentStatus.APPLIED and held.invoice_id == invoice.id:
                    return held
                if held.currency != invoice.currency:
                    raise CurrencyNotSupported(details={"currency": held.currency, "supported": [invoice.currency]})
                held_version, invoice_version, moment = held.version, invoice.version, self.clock.now()
                local = self.clock.local(moment)
                applied = held.apply_to(invoice, today=local.date())
                reason = payment_refund_reason(invoice, applied)
                refund = invoice_refund(
                    invoice, refund_id=self.clock.new_id(), reason=reason, now=local, payment_ids=(held.id,)
                )
                uow.held_payments.save(held, expected_version=held_version)
                uow.invoices.save(invoice, expected_version=invoice_version)
                if refund is not None:
                    uow.refunds.add(refund)
                events = held.events + invoice.events + (refund.events if refund else [])
                self._record(uow, events, context, moment)
                uow.commit()
            return held

        return self._retrying(attempt, races=HELD_RACES)

    def refund_held_payment(self, payment_id: str, context: MessageContext) -> Refund:
        """Turn a held payment into a refund due (source unmatched_payment). Refunded already: that refund;
        applied to an invoice: 409."""

        def attempt() -> Refund:
            with self.uow() as uow:
                held = self._held(uow, payment_id)
                if held.status is PaymentStatus.REFUNDED and held.refund_id is not None:
                    return self._refund(uow, str(held.refund_id))
                version, moment = held.version, self.clock.now()
                refund = held.refund(refund_id=self.clock.new_id(), now=self.clock.local(moment))
                uow.held_payments.save(held, expected_version=version)
                uow.refunds.add(refund)
                self._record(uow, refund.events, context, moment)
                uow.commit()
            return refund

        return self._retrying(attempt, races=HELD_RACES)

    def notify_refund_due(self, refund_id: str) -> str | None:
        """Tell the customer what is owed back, once per refund (a repeat returns the first message id);
        None when the refund names no customer (money from an unmatched payment)."""
        with self.uow() as uow:
            refund = self._refund(uow, refund_id)
        if not refund.customer_email:
            return None
        sent = self.markers.refund_notice(refund.id)
        if sent is not None:
            return sent
        message_id = self.mailer.send(refund_due(refund))
        return self.markers.mark_refund_notice(refund.id, message_id)

    def _refund(self, uow: UnitOfWork, refund_id: str) -> Refund:
        refund = uow.refunds.get(known) if (known := _uuid(refund_id)) else None
        if refund is None:
            raise RefundNotFound(details={"id": str(refund_id)[:64]})
        return refund

    def _held(self, uow: UnitOfWork, payment_id: str) -> UnmatchedPayment:
        held = uow.held_payments.get(known) if (known := _uuid(payment_id)) else None
        if held is None:
            raise PaymentNotFound(details={"id": str(payment_id)[:64]})
        return held


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(str(raw))
    except ValueError:
        return None


S = TypeVar("S", RefundStatus, PaymentStatus)


def _status(kind: type[S], raw: str | None) -> S | None:
    if raw is None:
        return None
    try:
        return kind(raw)
    except ValueError:
        names = ", ".join(s.value for s in kind)
        raise ValidationFailed(details=[{"field": "status", "message": f"must be one of {names}"}]) from None
