"""The Invoice aggregate and the documents around it.

An issued invoice is immutable in what it says (lines, tax breakdown, totals); only its
settlement changes: payments move it ``issued -> partially_paid -> paid``, credit notes that
cover every line make it ``credited``. Overpayments are kept as ``overpaid_amount``, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from tandem.billing.domain.commands import Customer, IssueInvoice
from tandem.billing.domain.events import (
    CustomerData,
    DocumentLine,
    InvoiceIssued,
    InvoicePaid,
    TaxSubtotalData,
)
from tandem.billing.domain.rules import ZERO, due_date
from tandem.shared.envelope import DomainEvent
from tandem.shared.pricing import LineInput, TaxRounding, TaxSubtotal, price_lines


class InvoiceStatus(StrEnum):
    """Where an invoice's settlement stands: issued, partially_paid, paid, credited (every line), or in_credit
    (credit notes left less owed than had been paid: the difference is owed back, see ``refunded_amount``)."""

    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"
    IN_CREDIT = "in_credit"

    @property
    def is_open(self) -> bool:
        """Money is still expected (reminders, the open-invoices index)."""
        return self in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    line_number: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal
    net: Decimal

    def priced(self, quantity: int | None = None) -> LineInput:
        return LineInput(
            quantity=self.quantity if quantity is None else quantity,
            unit_price=self.unit_price,
            tax_rate=self.tax_rate,
            tax_category=self.tax_category,
        )


@dataclass(frozen=True, slots=True)
class CreditNoteRef:
    id: UUID
    number: str
    gross_total: Decimal


@dataclass(frozen=True, slots=True)
class PaymentApplication:
    applied: Decimal
    unapplied: Decimal


def tax_key(category: str, rate: Decimal) -> str:
    """Key of one tax-breakdown group (category and normalized rate)."""
    return f"{category}|{rate.normalize()}"


@dataclass
class Invoice:
    id: UUID
    number: str
    order_id: str | None
    customer: Customer
    currency: str
    issue_date: date
    due_date: date
    payment_terms: str
    tax_rounding: TaxRounding
    lines: tuple[InvoiceLine, ...]
    tax_breakdown: tuple[TaxSubtotal, ...]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    issued_at: datetime
    supply_date: date | None = None  # the day the order was placed (None: invoices stored before it existed)
    customer_sub: str | None = None  # the owning customer's token ``sub`` (None: the order was placed by staff)
    status: InvoiceStatus = InvoiceStatus.ISSUED
    amount_paid: Decimal = ZERO
    overpaid_amount: Decimal = ZERO
    refunded_amount: Decimal = ZERO  # its credit balance owed back (refunds due or paid, tandem.billing.domain.refunds)
    payment_ids: list[UUID] = field(default_factory=list)  # payments applied to it (order prepayments included)
    credited_total: Decimal = ZERO
    # Per line: [quantity credited, net credited]; per tax group: [taxable credited, tax credited].
    credited_lines: dict[int, list[Any]] = field(default_factory=dict)
    credited_tax: dict[str, list[Decimal]] = field(default_factory=dict)
    credit_notes: list[CreditNoteRef] = field(default_factory=list)
    version: int = 0
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def issue(cls, command: IssueInvoice, *, invoice_id: UUID, number: str, now: datetime, terms_days: int) -> Invoice:
        """A new invoice numbered ``number``, priced with ``price_lines`` in the order's rounding mode."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        inputs = [LineInput(line.quantity, line.unit_price, line.tax_rate, line.tax_category) for line in command.lines]
        priced = price_lines(inputs, currency=command.currency, rounding=command.tax_rounding)
        lines = tuple(
            InvoiceLine(
                n, line.sku, line.name, line.quantity, line.unit_price, line.tax_category, line.tax_rate, amounts.net
            )
            for n, (line, amounts) in enumerate(zip(command.lines, priced.lines, strict=True), start=1)
        )
        issued_on = now.date()
        invoice = cls(
            id=invoice_id,
            number=number,
            order_id=command.order_id,
            customer=command.customer,
            currency=command.currency,
            issue_date=issued_on,
            due_date=due_date(issued_on, command.payment_terms, terms_days),
            payment_terms=command.payment_terms,
            tax_rounding=command.tax_rounding,
            lines=lines,
            tax_breakdown=priced.tax_breakdown,
            net_total=priced.net_total,
            tax_total=priced.tax_total,
            gross_total=priced.gross_total,
            issued_at=now,
            # The order's day in the zone ``now`` is in (the business time zone): when it was sold.
            supply_date=command.placed_at.astimezone(now.tzinfo).date() if command.placed_at else issued_on,
            customer_sub=command.customer_sub,
        )
        invoice.events.append(invoice.issued_event())
        return invoice

    @property
    def amount_due(self) -> Decimal:
        """What the customer still owes: gross minus credit notes minus payments, never negative."""
        return max(self.gross_total - self.credited_total - self.amount_paid, ZERO)

    @property
    def credit_balance(self) -> Decimal:
        """What payments brought beyond what the invoice still asks (gross minus credit notes), not yet owed
        back: overpayments, and payments a later credit note made too much."""
        received = self.amount_paid + self.overpaid_amount
        return max(received - (self.gross_total - self.credited_total) - self.refunded_amount, ZERO)

    @property
    def fully_credited(self) -> bool:
        return all(self.credited_quantity(line.line_number) >= line.quantity for line in self.lines)

    def credited_quantity(self, line_number: int) -> int:
        return int(self.credited_lines.get(line_number, [0, ZERO])[0])

    def apply_payment(self, amount: Decimal) -> PaymentApplication:
        """Apply ``amount`` (> 0): what exceeds the amount due is kept as ``overpaid_amount``."""
        if amount <= 0:
            raise ValueError("a payment amount must be positive")
        applied = min(amount, self.amount_due)
        unapplied = amount - applied
        self.amount_paid += applied
        self.overpaid_amount += unapplied
        self.settle()
        return PaymentApplication(applied=applied, unapplied=unapplied)

    def settle(self) -> bool:
        """Move the status after a payment or a credit note (records InvoicePaid on the way to paid).

        True when the status changed; False when it already was what the amounts say.
        """
        if self.status is InvoiceStatus.CREDITED:
            return False
        before = self.status
        if self.fully_credited:  # a paid invoice can still be credited (a refund is then owed)
            self.status = InvoiceStatus.CREDITED
        elif self.status in (InvoiceStatus.PAID, InvoiceStatus.IN_CREDIT):
            return False
        elif self.amount_due == 0 and self.amount_paid > self.gross_total - self.credited_total:
            self.status = InvoiceStatus.IN_CREDIT  # a credit note, not a payment, settled it: no InvoicePaid
        elif self.amount_due == 0 and self.amount_paid > 0:
            self.status = InvoiceStatus.PAID
            self.events.append(
                InvoicePaid(
                    invoice_id=self.id,
                    number=self.number,
                    order_id=self.order_id,
                    customer_email=self.customer.email,
                    amount_paid=self.amount_paid,
                    overpaid_amount=self.overpaid_amount,
                )
            )
        elif self.amount_paid > 0:
            self.status = InvoiceStatus.PARTIALLY_PAID
        return self.status is not before

    def issued_event(self) -> InvoiceIssued:
        return InvoiceIssued(
            invoice_id=self.id,
            number=self.number,
            order_id=self.order_id,
            customer=customer_data(self.customer),
            currency=self.currency,
            issue_date=self.issue_date,
            due_date=self.due_date,
            supply_date=self.supply_date,
            payment_terms=self.payment_terms,
            lines=[document_line(line) for line in self.lines],
            tax_breakdown=[tax_data(group) for group in self.tax_breakdown],
            net_total=self.net_total,
            tax_total=self.tax_total,
            gross_total=self.gross_total,
            customer_sub=self.customer_sub,
        )


def customer_data(customer: Customer) -> CustomerData:
    return CustomerData(
        email=customer.email,
        name=customer.name,
        billing_address=dict(customer.billing_address),
        vat_id=customer.vat_id,
    )


def document_line(line: InvoiceLine) -> DocumentLine:
    return DocumentLine(
        line_number=line.line_number,
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        tax_category=line.tax_category,
        tax_rate=line.tax_rate,
        net=line.net,
    )


def tax_data(group: TaxSubtotal) -> TaxSubtotalData:
    return TaxSubtotalData(
        tax_category=group.tax_category,
        tax_rate=group.tax_rate,
        taxable_amount=group.taxable_amount,
        tax_amount=group.tax_amount,
    )


@dataclass(frozen=True, slots=True)
class Payment:
    """One provider payment as billing recorded it."""

    id: UUID
    provider_event_id: str
    amount: Decimal
    currency: str
    received_at: datetime
    applied: Decimal
    unapplied: Decimal
    order_id: str | None = None
    invoice_id: UUID | None = None


class OrderClosure(StrEnum):
    """How an order ended before it was invoiced (the sales context's OrderCancelled / OrderRejected)."""

    CANCELLED = "cancelled"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class OrderAccount:
    """What billing knows about an order: that it was placed (OrderPlaced), its invoice, payments waiting for
    it (card flow), and whether it ended before its invoice (then every payment for it is owed back)."""

    order_id: str
    invoice_id: UUID | None = None
    payments: tuple[tuple[UUID, Decimal], ...] = ()
    version: int = 0
    refund_due: tuple[UUID, ...] = ()  # payments owed back (a refund was created for them)
    customer_email: str | None = None
    gross_total: Decimal | None = None  # None: placed before billing kept it
    closed: OrderClosure | None = None

    @property
    def applicable_payments(self) -> tuple[tuple[UUID, Decimal], ...]:
        """Payments still waiting for the order's invoice (not marked for refund)."""
        return tuple((pid, amount) for pid, amount in self.payments if pid not in self.refund_due)

    @property
    def prepaid(self) -> Decimal:
        """What the applicable payments add up to: applied to the invoice when it is issued."""
        return sum((amount for _pid, amount in self.applicable_payments), Decimal(0))

    @property
    def owed_back(self) -> tuple[tuple[UUID, Decimal], ...]:
        """The payments to give back now: the order ended before it was invoiced (an invoiced order's credit
        note leaves its payments as the invoice's credit balance instead)."""
        return self.applicable_payments if self.closed is not None and self.invoice_id is None else ()
