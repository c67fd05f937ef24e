"""HTTP request and response models of the billing API (amounts as decimal strings)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from tandem.billing.domain.commands import ApplyHeldPayment, CreditInvoice, CreditLine, MarkRefundPaid, Reader
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice, InvoiceLine, InvoiceStatus
from tandem.billing.domain.refunds import (
    HoldReason,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundSource,
    RefundStatus,
    UnmatchedPayment,
)
from tandem.billing.domain.rules import REASON_MAX
from tandem.billing.service import PaymentOutcome, PaymentResult, Reply
from tandem.shared import request_keys
from tandem.shared.auth import ADMIN_GROUP, claims_of, identity_of
from tandem.shared.money import amount_text
from tandem.shared.openapi import Currency, ItemsPage, Money, Rate
from tandem.shared.paging import Page
from tandem.shared.pricing import TaxCategory, TaxSubtotal
from tandem.shared.text import POLICY_KEYWORD, SingleLine

PaymentTerms = Literal["card", "invoice"]  # the order's payment method (IssueInvoice checks it)


def _money(value: Decimal, currency: str) -> str:
    """An amount with its currency's ISO 4217 minor digits ("36.00" EUR, "1999" JPY)."""
    return amount_text(value, currency)


class DocumentLineView(BaseModel):
    """One line of an invoice, or of a credit note (numbered like the invoice's line it credits)."""

    line_number: int = Field(description="1, 2, ... on the invoice; a credit note keeps the invoice's numbers")
    sku: str
    name: str
    quantity: int
    unit_price: Money = Field(description="Net price of one unit")
    tax_category: TaxCategory
    tax_rate: Rate
    net: Money = Field(description="quantity x unit_price, rounded to the currency's minor unit")

    @classmethod
    def of(cls, line: InvoiceLine, currency: str) -> DocumentLineView:
        return cls(
            line_number=line.line_number,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=str(line.unit_price),
            tax_category=TaxCategory(line.tax_category),
            tax_rate=str(line.tax_rate),
            net=_money(line.net, currency),
        )


class TaxSubtotalView(BaseModel):
    """The VAT of one tax category and rate (EN 16931 VAT breakdown)."""

    tax_category: TaxCategory
    tax_rate: Rate
    taxable_amount: Money
    tax_amount: Money

    @classmethod
    def of(cls, group: TaxSubtotal, currency: str) -> TaxSubtotalView:
        return cls(
            tax_category=TaxCategory(group.tax_category),
            tax_rate=str(group.tax_rate),
            taxable_amount=_money(group.taxable_amount, currency),
            tax_amount=_money(group.tax_amount, currency),
        )


class CreditLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    line_number: Annotated[int, Field(ge=1, le=1000)]
    quantity: Annotated[int, Field(ge=1, le=1_000_000)]


class CreditNoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    reason: Annotated[str, Field(examples=["Damaged on delivery"]), SingleLine(REASON_MAX)]
    lines: Annotated[
        list[CreditLineIn] | None,
        Field(min_length=1, max_length=100, description="Omit to credit everything that remains"),
    ] = None

    def to_command(self, invoice_id: str) -> CreditInvoice:
        lines = None if self.lines is None else tuple(CreditLine(x.line_number, x.quantity) for x in self.lines)
        return CreditInvoice(invoice_id=invoice_id, reason=self.reason, lines=lines)

    def reply(self, invoice_id: str, event: Mapping[str, Any], key: str | None) -> Reply[CreditNote]:
        """How the created note is answered (also what an Idempotency-Key replay answers), with the
        request's Idempotency-Key ``key``, if any (checked here, after the body), scoped to the caller
        (the token's ``sub``)."""
        fingerprint = request_keys.fingerprint({"invoice_id": invoice_id, "body": self.model_dump(mode="json")})
        return Reply(
            render=lambda note: CreditNoteView.of(note).model_dump(mode="json"),
            fingerprint=fingerprint,
            caller=claims_of(event).get("sub"),
            key=request_keys.checked(key),
        )


class CreditNoteView(BaseModel):
    """A credit note: corrects an issued invoice by crediting some or all of its remaining quantities."""

    id: str
    number: str = Field(description="Gapless legal number, e.g. CN-2026-000001", examples=["CN-2026-000001"])
    invoice_id: str
    invoice_number: str
    order_id: str | None
    currency: Currency
    reason: str
    issue_date: date
    lines: list[DocumentLineView] = Field(description="The credited quantities")
    tax_breakdown: list[TaxSubtotalView]
    net_total: Money
    tax_total: Money
    gross_total: Money

    @classmethod
    def of(cls, note: CreditNote) -> CreditNoteView:
        return cls(
            id=str(note.id),
            number=note.number,
            invoice_id=str(note.invoice_id),
            invoice_number=note.invoice_number,
            order_id=note.order_id,
            currency=note.currency,
            reason=note.reason,
            issue_date=note.issue_date,
            lines=[DocumentLineView.of(x, note.currency) for x in note.lines],
            tax_breakdown=[TaxSubtotalView.of(g, note.currency) for g in note.tax_breakdown],
            net_total=_money(note.net_total, note.currency),
            tax_total=_money(note.tax_total, note.currency),
            gross_total=_money(note.gross_total, note.currency),
        )


class InvoiceAddressView(BaseModel):
    line1: str
    line2: str | None = Field(default=None, exclude_if=lambda line2: line2 is None, description="Absent if none")
    city: str
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2")


class InvoiceCustomerView(BaseModel):
    email: str
    name: str
    billing_address: InvoiceAddressView
    vat_id: str | None = Field(description="The buyer's VAT number, if the order named one", examples=["FR40303265045"])


class CreditNoteRefView(BaseModel):
    """A credit note issued on the invoice."""

    id: str
    number: str
    gross_total: Money


class InvoiceView(BaseModel):
    """An issued invoice. What it says never changes; only its settlement (status, amounts paid and due,
    credit notes) does."""

    id: str
    number: str = Field(description="Gapless legal number, e.g. INV-2026-000001", examples=["INV-2026-000001"])
    status: InvoiceStatus = Field(
        description="issued -> partially_paid -> paid by payments; credited once credit notes cover every line"
    )
    order_id: str | None
    customer: InvoiceCustomerView
    currency: Currency
    issue_date: date
    due_date: date
    supply_date: date | None = Field(description="Date of supply: the day the order was placed (business time zone)")
    payment_terms: PaymentTerms = Field(description="The order's payment method")
    lines: list[DocumentLineView]
    tax_breakdown: list[TaxSubtotalView]
    net_total: Money
    tax_total: Money
    gross_total: Money
    amount_paid: Money
    amount_due: Money = Field(description="gross_total - credited - amount_paid, never below 0")
    overpaid_amount: Money = Field(description="What payments brought beyond the amount due (kept, never lost)")
    refunded_amount: Money = Field(
        description="What payments brought beyond what the invoice asks after its credit notes, owed back to the "
        "customer (refunds due or paid, GET /refunds)"
    )
    credit_balance: Money = Field(
        description="The customer's credit on the invoice not yet owed back (0 once refunded)"
    )
    credit_notes: list[CreditNoteRefView]

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        customer = InvoiceCustomerView(
            email=invoice.customer.email,
            name=invoice.customer.name,
            billing_address=InvoiceAddressView.model_validate(invoice.customer.billing_address),
            vat_id=invoice.customer.vat_id,
        )
        return cls(
            id=str(invoice.id),
            number=invoice.number,
            status=invoice.status,
            order_id=invoice.order_id,
            customer=customer,
            currency=invoice.currency,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            supply_date=invoice.supply_date,
            payment_terms=cast(PaymentTerms, invoice.payment_terms),
            lines=[DocumentLineView.of(x, invoice.currency) for x in invoice.lines],
            tax_breakdown=[TaxSubtotalView.of(g, invoice.currency) for g in invoice.tax_breakdown],
            net_total=_money(invoice.net_total, invoice.currency),
            tax_total=_money(invoice.tax_total, invoice.currency),
            gross_total=_money(invoice.gross_total, invoice.currency),
            amount_paid=_money(invoice.amount_paid, invoice.currency),
            amount_due=_money(invoice.amount_due, invoice.currency),
            overpaid_amount=_money(invoice.overpaid_amount, invoice.currency),
            refunded_amount=_money(invoice.refunded_amount, invoice.currency),
            credit_balance=_money(invoice.credit_balance, invoice.currency),
            credit_notes=[
                CreditNoteRefView(id=str(r.id), number=r.number, gross_total=_money(r.gross_total, invoice.currency))
                for r in invoice.credit_notes
            ],
        )


class InvoiceList(ItemsPage[InvoiceView]):
    """Invoices, newest first."""

    @classmethod
    def of(cls, page: Page[Invoice]) -> InvoiceList:
        return cls(items=[InvoiceView.of(invoice) for invoice in page.items], next_token=page.cursor)


class PaymentAnswer(BaseModel):
    """What the webhook answers a delivery it accepted."""

    payment_id: str | None = Field(description="The payment billing recorded; null for an ignored event type")
    duplicate: bool = Field(description="True when this provider event was already recorded: nothing changed")
    ignored: bool = Field(
        default=False,
        exclude_if=lambda ignored: not ignored,
        description="Present (true) only for an event type billing does not act on; nothing was recorded",
    )
    unmatched: bool = Field(
        default=False,
        exclude_if=lambda unmatched: not unmatched,
        description="Present (true) only when the payment names no known order or invoice, or an implausible "
        "amount: it is held for finance (GET /payments?status=unmatched)",
    )


def payment_answer(result: PaymentResult) -> PaymentAnswer:
    """The webhook's 200 body: ``{"payment_id", "duplicate"}``, plus ``"ignored": true`` for event types we
    do not act on."""
    return PaymentAnswer(
        payment_id=str(result.payment_id) if result.payment_id is not None else None,
        duplicate=result.outcome is PaymentOutcome.DUPLICATE,
        ignored=result.outcome is PaymentOutcome.IGNORED,
        unmatched=result.outcome is PaymentOutcome.HELD,
    )


# The webhook's body as the OpenAPI document describes it: the route takes no typed body (the signature is
# checked over the raw bytes before anything parses them), so the schema is written out here, flat, after
# ``inbound.PaymentWebhook`` (tests/unit/billing/test_webhook_contract.py keeps the two in step).
_NULL = {"type": "null"}
_ONE_LINE = {POLICY_KEYWORD: "single-line"}  # tandem.shared.text.SingleLine, as the reader's fields are
_ID_TEXT = {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 64, **_ONE_LINE}, _NULL]}
PAYMENT_EVENT_BODY: dict[str, Any] = {
    "description": "The provider's event, exactly as signed (Tandem-Signature covers these bytes)",
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": (
                    "Only payment.succeeded is acted on: it needs amount, currency and exactly one of order_id "
                    "and invoice_id. Other types are acknowledged and ignored; unknown fields are ignored."
                ),
                "required": ["id", "type"],
                "properties": {
                    "id": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 128,
                        "pattern": "^[A-Za-z0-9_.:-]+$",
                        "description": "The provider's event id: a delivery repeating it is recorded once",
                        "examples": ["evt_1Q2w3E4r5T6y"],
                    },
                    "type": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 64,
                        **_ONE_LINE,
                        "description": "The event type; only payment.succeeded is acted on",
                        "examples": ["payment.succeeded"],
                    },
                    "order_id": {**_ID_TEXT, "description": "The order paid (a card payment before it is invoiced)"},
                    "invoice_id": {**_ID_TEXT, "description": "The invoice paid"},
                    "amount": {
                        "anyOf": [
                            {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"},
                            {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01},
                            _NULL,
                        ],
                        "description": "Amount paid, greater than 0, at most 2 decimals; best sent as text",
                        "examples": ["59.98"],
                    },
                    "currency": {
                        "anyOf": [{"type": "string", "pattern": "^[A-Z]{3}$"}, _NULL],
                        "description": "ISO 4217 code; must be the company currency",
                        "examples": ["EUR"],
                    },
                },
            }
        }
    },
}


class RefundView(BaseModel):
    """Money owed back to a customer: due until finance records its payout, then paid. Never changes otherwise."""

    id: str
    status: RefundStatus = Field(description="due until POST /refunds/{id}/paid, then paid")
    customer_email: str | None = Field(description="Who is owed; null for money from an unmatched payment")
    amount: Money
    currency: Currency
    reason: RefundReason = Field(description="What made the money owed back")
    source: RefundSource = Field(
        description="Where the money sits until paid out: an order's prepayment (customer advances), an "
        "invoice's credit balance (receivables), or an unmatched payment (suspense)"
    )
    order_id: str | None
    invoice_id: str | None
    invoice_number: str | None
    payment_ids: list[str] = Field(description="The payments the money came from")
    due_on: date
    paid_on: date | None
    reference: str | None = Field(description="The payout's reference, once paid")

    @classmethod
    def of(cls, refund: Refund) -> RefundView:
        return cls(
            id=str(refund.id),
            status=refund.status,
            customer_email=refund.customer_email,
            amount=_money(refund.amount, refund.currency),
            currency=refund.currency,
            reason=refund.reason,
            source=refund.source,
            order_id=refund.order_id,
            invoice_id=str(refund.invoice_id) if refund.invoice_id else None,
            invoice_number=refund.invoice_number,
            payment_ids=[str(i) for i in refund.payment_ids],
            due_on=refund.due_on,
            paid_on=refund.paid_on,
            reference=refund.reference,
        )


class RefundList(ItemsPage[RefundView]):
    """Refunds, newest first."""

    @classmethod
    def of(cls, page: Page[Refund]) -> RefundList:
        return cls(items=[RefundView.of(refund) for refund in page.items], next_token=page.cursor)


class RefundPaidRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    reference: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=128,
            pattern=r"^[A-Za-z0-9_.:/# -]+$",
            description="The payout's reference (the provider's refund id, a bank transfer reference)",
            examples=["re_3Q2w3E4r5T6y"],
        ),
    ] = None

    def to_command(self, refund_id: str) -> MarkRefundPaid:
        return MarkRefundPaid(refund_id=refund_id, reference=self.reference)

    def reply(self, refund_id: str, event: Mapping[str, object], key: str | None) -> Reply[Refund]:
        """How the paid refund is answered (also what an Idempotency-Key replay answers)."""
        fingerprint = request_keys.fingerprint({"refund_id": refund_id, "body": self.model_dump(mode="json")})
        return Reply(
            render=lambda refund: RefundView.of(refund).model_dump(mode="json"),
            fingerprint=fingerprint,
            caller=claims_of(event).get("sub"),
            key=request_keys.checked(key),
        )


class HeldPaymentView(BaseModel):
    """A payment billing could not apply on its own: unmatched until finance applies it or refunds it."""

    id: str
    status: PaymentStatus
    hold_reason: HoldReason = Field(
        description="unknown_reference: no known order or invoice has the id it names; implausible_amount: "
        "more than twice the gross total of the document it names"
    )
    provider_event_id: str
    amount: Money
    currency: Currency
    reference: str | None = Field(description="The order or invoice id the provider named")
    received_at: datetime
    invoice_id: str | None = Field(description="applied: the invoice it went to")
    refund_id: str | None = Field(description="refunded: the refund it became")

    @classmethod
    def of(cls, payment: UnmatchedPayment) -> HeldPaymentView:
        return cls(
            id=str(payment.id),
            status=payment.status,
            hold_reason=payment.hold_reason,
            provider_event_id=payment.provider_event_id,
            amount=_money(payment.amount, payment.currency),
            currency=payment.currency,
            reference=payment.reference,
            received_at=payment.received_at,
            invoice_id=str(payment.invoice_id) if payment.invoice_id else None,
            refund_id=str(payment.refund_id) if payment.refund_id else None,
        )


class HeldPaymentList(ItemsPage[HeldPaymentView]):
    """Payments held for finance, newest first."""

    @classmethod
    def of(cls, page: Page[UnmatchedPayment]) -> HeldPaymentList:
        return cls(items=[HeldPaymentView.of(p) for p in page.items], next_token=page.cursor)


class ApplyPaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    invoice_id: Annotated[str, Field(min_length=1, max_length=64, description="The invoice to apply it to")]

    def to_command(self, payment_id: str) -> ApplyHeldPayment:
        return ApplyHeldPayment(payment_id=payment_id, invoice_id=self.invoice_id)


FINANCE_GROUPS = frozenset({"finance", ADMIN_GROUP})


def reader_of(event: Mapping[str, object]) -> Reader:
    """Finance reads every invoice; anyone else (a customer) only those owned by their token ``sub``."""
    identity = identity_of(event)
    return Reader(sub=identity.sub, staff=bool(identity.groups & FINANCE_GROUPS))
