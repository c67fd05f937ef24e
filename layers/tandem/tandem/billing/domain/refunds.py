"""Money owed back, and money that names nothing: refunds and unmatched payments.

A **refund** is a document of its own: what is owed back, to whom, why, and from where (the account the
money sits on until it is paid out). It is created ``due`` exactly once per cause, in the same transaction
as the change that caused it (a payment, a credit note, an invoice taking prepayments, a cancellation, or
finance turning an unmatched payment into a refund), and becomes ``paid`` once, when finance records the
payout. An invoice never keeps a credit balance silently: whatever its payments bring beyond what its
credit notes leave owed is owed back at once (``Invoice.credit_balance``).

An **unmatched payment** is money the provider reported for an order or invoice billing does not know, or
for more than billing applies without a review (``implausible``): it is held (on suspense, in the ledger)
until finance applies it to an invoice or turns it into a refund.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tandem.billing.domain.errors import PaymentNotUnmatched
from tandem.billing.domain.events import (
    PaymentUnmatched,
    PrepaymentApplied,
    RefundDue,
    RefundPaid,
    UnmatchedPaymentApplied,
)
from tandem.billing.domain.model import Invoice, OrderAccount
from tandem.billing.domain.rules import ZERO
from tandem.shared.envelope import DomainEvent

# A payment beyond this many times the gross total of the document it names is held for review
# (unmatched) instead of being applied: a typo or a provider fault, not a customer paying twice.
PLAUSIBLE_FACTOR = Decimal(2)


class RefundReason(StrEnum):
    ORDER_REJECTED = "order_rejected"
    ORDER_CANCELLED = "order_cancelled"
    INVOICE_CREDITED = "invoice_credited"
    OVERPAID = "overpaid"
    DUPLICATE_PAYMENT = "duplicate_payment"
    UNMATCHED_PAYMENT = "unmatched_payment"


class RefundSource(StrEnum):
    """Where the money sits until it is paid out (the ledger account RefundPaid debits)."""

    ORDER_PREPAYMENT = "order_prepayment"  # customer advances
    INVOICE_CREDIT = "invoice_credit"  # receivables (the invoice's credit balance)
    UNMATCHED_PAYMENT = "unmatched_payment"  # suspense


class RefundStatus(StrEnum):
    DUE = "due"
    PAID = "paid"


class PaymentStatus(StrEnum):
    """A payment billing holds for finance: ``unmatched`` until ``applied`` to an invoice or ``refunded``."""

    UNMATCHED = "unmatched"
    APPLIED = "applied"
    REFUNDED = "refunded"


class HoldReason(StrEnum):
    UNKNOWN_REFERENCE = "unknown_reference"  # no order or invoice billing knows has this id
    IMPLAUSIBLE_AMOUNT = "implausible_amount"  # more than PLAUSIBLE_FACTOR x the named document's gross total


def implausible(amount: Decimal, gross_total: Decimal | None) -> bool:
    """A payment for a document of ``gross_total`` (None: not known) that must be reviewed before it is applied."""
    return gross_total is not None and amount > gross_total * PLAUSIBLE_FACTOR


@dataclass
class Refund:
    id: UUID
    customer_email: str | None
    amount: Decimal
    currency: str
    reason: RefundReason
    source: RefundSource
    payment_ids: tuple[UUID, ...]
    due_on: date
    created_at: datetime
    order_id: str | None = None
    invoice_id: UUID | None = None
    invoice_number: str | None = None
    status: RefundStatus = RefundStatus.DUE
    paid_on: date | None = None
    reference: str | None = None
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def owe(
        cls,
        *,
        refund_id: UUID,
        amount: Decimal,
        currency: str,
        reason: RefundReason,
        source: RefundSource,
        now: datetime,
        customer_email: str | None = None,
        payment_ids: tuple[UUID, ...] = (),
        order_id: str | None = None,
        invoice: Invoice | None = None,
    ) -> Refund:
        """A refund due today (records RefundDue); ``amount`` must be positive."""
        if amount <= 0:
            raise ValueError("a refund amount must be positive")
        refund = cls(
            id=refund_id,
            customer_email=invoice.customer.email if invoice else customer_email,
            amount=amount,
            currency=currency,
            reason=reason,
            source=source,
            payment_ids=payment_ids,
            due_on=now.date(),
            created_at=now,
            order_id=invoice.order_id if invoice else order_id,
            invoice_id=invoice.id if invoice else None,
            invoice_number=invoice.number if invoice else None,
        )
        refund.events.append(
            RefundDue(
                refund_id=refund.id,
                customer_email=refund.customer_email,
                amount=refund.amount,
                currency=refund.currency,
                reason=refund.reason.value,
                source=refund.source.value,
                order_id=refund.order_id,
                invoice_id=refund.invoice_id,
                invoice_number=refund.invoice_number,
                payment_ids=list(refund.payment_ids),
                due_on=refund.due_on,
            )
        )
        return refund

    def pay(self, *, reference: str | None, today: date) -> bool:
        """Record the payout (RefundPaid); False when it was already paid (the first payout stands)."""
        if self.status is RefundStatus.PAID:
            return False
        self.status, self.paid_on, self.reference = RefundStatus.PAID, today, reference
        self.events.append(
            RefundPaid(
                refund_id=self.id,
                customer_email=self.customer_email,
                amount=self.amount,
                currency=self.currency,
                source=self.source.value,
                paid_on=today,
                reference=reference,
            )
        )
        return True


def invoice_refund(
    invoice: Invoice, *, refund_id: UUID, reason: RefundReason, now: datetime, payment_ids: tuple[UUID, ...] = ()
) -> Refund | None:
    """The invoice's credit balance owed back (taken off it: ``refunded_amount``); None when it has none."""
    amount = invoice.credit_balance
    if amount <= 0:
        return None
    invoice.refunded_amount += amount
    return Refund.owe(
        refund_id=refund_id,
        amount=amount,
        currency=invoice.currency,
        reason=reason,
        source=RefundSource.INVOICE_CREDIT,
        now=now,
        payment_ids=payment_ids or tuple(invoice.payment_ids),
        invoice=invoice,
    )


def payment_refund_reason(invoice: Invoice, applied: Decimal) -> RefundReason:
    """Why a payment on ``invoice`` left money to give back: the invoice was credited, it was paid
    already (the same bill paid twice), or the payment was more than was due."""
    if invoice.credited_total > 0:
        return RefundReason.INVOICE_CREDITED
    return RefundReason.DUPLICATE_PAYMENT if applied == ZERO else RefundReason.OVERPAID


def take_prepayments(
    invoice: Invoice, account: OrderAccount, *, refund_id: UUID, now: datetime
) -> tuple[PrepaymentApplied, Refund | None]:
    """The invoice just issued for the order took its prepayments (``invoice.apply_payment`` done by the
    caller): PrepaymentApplied for all of them, and a refund due for what they brought beyond the invoice
    (several payments for one order: ``duplicate_payment``; one too large: ``overpaid``)."""
    taken = account.applicable_payments
    invoice.payment_ids.extend(pid for pid, _amount in taken)
    applied = PrepaymentApplied(
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        order_id=account.order_id,
        customer_email=invoice.customer.email,
        amount=sum((amount for _pid, amount in taken), ZERO),
        currency=invoice.currency,
        payment_ids=[pid for pid, _amount in taken],
        applied_on=invoice.issue_date,
    )
    reason = RefundReason.DUPLICATE_PAYMENT if len(taken) > 1 else RefundReason.OVERPAID
    return applied, invoice_refund(invoice, refund_id=refund_id, reason=reason, now=now)


@dataclass
class UnmatchedPayment:
    """A payment held for finance (``PAYMENT#<id>`` like every payment, with a status)."""

    id: UUID
    provider_event_id: str
    amount: Decimal
    currency: str
    received_at: datetime
    reference: str | None
    hold_reason: HoldReason
    status: PaymentStatus = PaymentStatus.UNMATCHED
    invoice_id: UUID | None = None  # APPLIED: the invoice it went to
    refund_id: UUID | None = None  # REFUNDED: the refund it became
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def hold(
        cls,
        *,
        payment_id: UUID,
        provider_event_id: str,
        amount: Decimal,
        currency: str,
        reference: str | None,
        reason: HoldReason,
        now: datetime,
    ) -> UnmatchedPayment:
        payment = cls(payment_id, provider_event_id, amount, currency, now, reference, reason)
        payment.events.append(
            PaymentUnmatched(
                payment_id=payment_id,
                provider_event_id=provider_event_id,
                amount=amount,
                currency=currency,
                reference=reference,
                received_at=now,
            )
        )
        return payment

    def _unresolved(self) -> None:
        if self.status is not PaymentStatus.UNMATCHED:
            raise PaymentNotUnmatched(details={"payment_id": str(self.id), "status": self.status.value})

    def apply_to(self, invoice: Invoice, *, today: date) -> Decimal:
        """Apply the payment to ``invoice`` (UnmatchedPaymentApplied); what it brings beyond the amount due
        is the invoice's credit balance. The applied part is returned. PaymentNotUnmatched once resolved."""
        self._unresolved()
        application = invoice.apply_payment(self.amount)
        invoice.payment_ids.append(self.id)
        self.status, self.invoice_id = PaymentStatus.APPLIED, invoice.id
        self.events.append(
            UnmatchedPaymentApplied(
                payment_id=self.id,
                invoice_id=invoice.id,
                invoice_number=invoice.number,
                customer_email=invoice.customer.email,
                amount=self.amount,
                currency=self.currency,
                applied_on=today,
            )
        )
        return application.applied

    def refund(self, *, refund_id: UUID, now: datetime) -> Refund:
        """Give the whole payment back (RefundDue from suspense). PaymentNotUnmatched once resolved."""
        self._unresolved()
        self.status, self.refund_id = PaymentStatus.REFUNDED, refund_id
        return Refund.owe(
            refund_id=refund_id,
            amount=self.amount,
            currency=self.currency,
            reason=RefundReason.UNMATCHED_PAYMENT,
            source=RefundSource.UNMATCHED_PAYMENT,
            now=now,
            payment_ids=(self.id,),
        )
