"""Commands the billing context accepts (imperative names, one handler each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tandem.billing.domain.errors import InvalidCreditLines, InvalidOrder, InvalidPayment
from tandem.billing.domain.rules import REASON_MAX
from tandem.shared.money import is_currency, minor_unit_error
from tandem.shared.pricing import TaxRounding
from tandem.shared.text import text_error


@dataclass(frozen=True, slots=True)
class Customer:
    email: str
    name: str
    billing_address: dict[str, Any]
    vat_id: str | None = None  # the buyer's VAT number, when the order named one (printed on the invoice)


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal  # a fraction: 0.20


@dataclass(frozen=True, slots=True)
class IssueInvoice:
    """Invoice an order exactly as the sales context priced it (its lines, currency and rounding mode;
    an order that names none is EN 16931's ``total``)."""

    order_id: str
    customer: Customer
    lines: tuple[OrderLine, ...]
    currency: str
    payment_terms: str  # card | invoice
    tax_rounding: TaxRounding = TaxRounding.TOTAL
    placed_at: datetime | None = None  # when the order was placed: its day is the invoice's supply date
    customer_sub: str | None = None  # the token ``sub`` of the customer owning the order (None: placed by staff)

    def __post_init__(self) -> None:
        if not self.lines:
            raise InvalidOrder("An order without lines cannot be invoiced")
        if self.payment_terms not in ("card", "invoice"):
            raise InvalidOrder(details={"payment_method": self.payment_terms[:20]})
        for line in self.lines:
            if line.quantity < 1 or line.unit_price < 0 or not Decimal(0) <= line.tax_rate < Decimal(1):
                raise InvalidOrder(details={"sku": line.sku[:64]})


@dataclass(frozen=True, slots=True)
class CreditLine:
    line_number: int
    quantity: int


@dataclass(frozen=True, slots=True)
class CreditInvoice:
    """Credit an invoice: every remaining quantity (``lines`` None) or the given quantities."""

    invoice_id: str
    reason: str
    lines: tuple[CreditLine, ...] | None = None

    def __post_init__(self) -> None:
        if not self.reason.strip() or len(self.reason) > REASON_MAX:
            raise InvalidCreditLines(details=[{"field": "reason", "message": f"must be 1-{REASON_MAX} characters"}])
        if error := text_error(self.reason):
            raise InvalidCreditLines(details=[{"field": "reason", "message": error}])
        if self.lines is not None:
            numbers = [line.line_number for line in self.lines]
            if not self.lines or len(set(numbers)) != len(numbers) or any(line.quantity < 1 for line in self.lines):
                raise InvalidCreditLines(
                    details=[{"field": "lines", "message": "must name distinct lines with quantities of at least 1"}]
                )


@dataclass(frozen=True, slots=True)
class CreditOrder:
    """The saga's compensation: credit the order's invoice in full, if it has one not yet fully credited."""

    order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SettleCancelledOrder:
    """An order was cancelled or rejected: credit its invoice in full, or owe back the payments it received
    (now, and any that arrive later)."""

    order_id: str
    customer_email: str | None = None
    reason: str | None = None  # the sales context's reason, if it gave one
    rejected: bool = False  # OrderRejected (not enough stock) rather than OrderCancelled


@dataclass(frozen=True, slots=True)
class RecordPayment:
    """A provider's ``payment.succeeded``: exactly one of ``invoice_id`` / ``order_id``."""

    provider_event_id: str
    amount: Decimal
    currency: str
    invoice_id: str | None = None
    order_id: str | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvalidPayment(details=[{"field": "amount", "message": "must be greater than 0"}])
        # 1999.50 JPY is no amount of yen (the ledger could not post it); an unknown currency is the service's.
        if is_currency(self.currency) and (error := minor_unit_error(self.amount, self.currency)):
            raise InvalidPayment(details=[{"field": "amount", "message": error}])


@dataclass(frozen=True, slots=True)
class ListInvoices:
    """Invoices newest first, optionally of one status; ``order_id`` gives that order's invoice (at most one).
    ``reader``: who asks (a customer lists only the invoices they own)."""

    reader: Reader
    order_id: str | None = None
    status: str | None = None
    limit: int = 25
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads invoices: finance (``staff``) reads all; a customer only those of orders they placed, owned by
    their token ``sub`` (email is never a key). Anything else is ``InvoiceNotFound``: nothing is revealed."""

    sub: str
    staff: bool

    def may_read(self, customer_sub: str | None) -> bool:
        return self.staff or (customer_sub is not None and customer_sub == self.sub)

    @property
    def owner(self) -> str | None:
        """Whose invoices a listing is limited to (None: everyone's)."""
        return None if self.staff else self.sub


@dataclass(frozen=True, slots=True)
class RecordOrder:
    """The sales context placed an order (OrderPlaced): billing now knows it, so a payment naming it matches."""

    order_id: str
    customer_email: str
    gross_total: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class MarkRefundPaid:
    """Finance paid a refund out; ``reference`` is the payout's (the provider's refund id, a bank reference)."""

    refund_id: str
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class ApplyHeldPayment:
    """Apply a held unmatched payment to an invoice."""

    payment_id: str
    invoice_id: str


@dataclass(frozen=True, slots=True)
class ListRefunds:
    status: str | None = None
    limit: int = 25
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class ListHeldPayments:
    status: str | None = None
    limit: int = 25
    cursor: str | None = None
