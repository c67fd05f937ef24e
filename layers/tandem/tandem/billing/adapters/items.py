"""Billing items <-> domain objects (plain values; ``tandem.shared.aws.dynamo`` does the typing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tandem.billing.domain.commands import Customer
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import (
    CreditNoteRef,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    OrderAccount,
    OrderClosure,
    Payment,
)
from tandem.billing.domain.refunds import (
    HoldReason,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundSource,
    RefundStatus,
    UnmatchedPayment,
)
from tandem.shared.clock import iso
from tandem.shared.pricing import TaxRounding, TaxSubtotal

OPEN_INVOICES = "INVOICE#OPEN"  # GSI2PK of issued / partially paid invoices only (sparse index)
ALL_INVOICES = "INVOICE"  # GSI1PK of every invoice, GSI1SK = issued_at#id (newest first)
ALL_REFUNDS = "REFUND"  # GSI1PK of every refund, GSI1SK = created_at#id
HELD_PAYMENTS = "PAYMENT#HELD"  # GSI1PK of payments held for finance (unmatched, then applied or refunded)


def invoice_key(invoice_id: UUID) -> dict[str, str]:
    return {"PK": f"INVOICE#{invoice_id}", "SK": "INVOICE"}


def credit_note_key(note_id: UUID) -> dict[str, str]:
    return {"PK": f"CREDITNOTE#{note_id}", "SK": "CREDITNOTE"}


def order_key(order_id: str) -> dict[str, str]:
    return {"PK": f"ORDER#{order_id}", "SK": "ORDER"}


def counter_key(kind: str, year: int) -> dict[str, str]:
    return {"PK": f"COUNTER#{kind}#{year}", "SK": "COUNTER"}


def payment_event_key(provider_event_id: str) -> dict[str, str]:
    return {"PK": f"PAYMENTEVENT#{provider_event_id}", "SK": "PAYMENTEVENT"}


def _line(line: InvoiceLine) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "tax_category": line.tax_category,
        "tax_rate": str(line.tax_rate),
        "net": line.net,
    }


def _line_from(item: dict[str, Any]) -> InvoiceLine:
    return InvoiceLine(
        int(item["line_number"]),
        item["sku"],
        item["name"],
        int(item["quantity"]),
        Decimal(item["unit_price"]),
        item["tax_category"],
        Decimal(item["tax_rate"]),
        Decimal(item["net"]),
    )


def _group(group: TaxSubtotal) -> dict[str, Any]:
    return {
        "tax_category": group.tax_category,
        "tax_rate": str(group.tax_rate),
        "taxable_amount": group.taxable_amount,
        "tax_amount": group.tax_amount,
    }


def _group_from(item: dict[str, Any]) -> TaxSubtotal:
    return TaxSubtotal(
        item["tax_category"], Decimal(item["tax_rate"]), Decimal(item["taxable_amount"]), Decimal(item["tax_amount"])
    )


def _customer(customer: Customer) -> dict[str, Any]:
    address = {k: v for k, v in customer.billing_address.items() if v is not None}
    return {"email": customer.email, "name": customer.name, "billing_address": address, "vat_id": customer.vat_id}


def settlement(invoice: Invoice) -> dict[str, Any]:
    """The attributes that change after issue (payments, credit notes); everything else never does."""
    return {
        "status": invoice.status.value,
        "amount_paid": invoice.amount_paid,
        "overpaid_amount": invoice.overpaid_amount,
        "refunded_amount": invoice.refunded_amount,
        "payment_ids": [str(i) for i in invoice.payment_ids],
        "credited_total": invoice.credited_total,
        "credited_lines": {
            str(n): {"quantity": int(q), "net": Decimal(net)} for n, (q, net) in invoice.credited_lines.items()
        },
        "credited_tax": {
            key: {"taxable": Decimal(t), "tax": Decimal(x)} for key, (t, x) in invoice.credited_tax.items()
        },
        "credit_notes": [
            {"id": str(r.id), "number": r.number, "gross_total": r.gross_total} for r in invoice.credit_notes
        ],
    }


def invoice_item(invoice: Invoice) -> dict[str, Any]:
    item = {
        **invoice_key(invoice.id),
        "type": "invoice",
        "GSI1PK": ALL_INVOICES,
        "GSI1SK": f"{iso(invoice.issued_at)}#{invoice.id}",
        "id": str(invoice.id),
        "number": invoice.number,
        "order_id": invoice.order_id,
        "customer": _customer(invoice.customer),
        "currency": invoice.currency,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "supply_date": invoice.supply_date.isoformat() if invoice.supply_date else None,
        "customer_sub": invoice.customer_sub,
        "payment_terms": invoice.payment_terms,
        "tax_rounding": invoice.tax_rounding.value,
        "lines": [_line(line) for line in invoice.lines],
        "tax_breakdown": [_group(group) for group in invoice.tax_breakdown],
        "net_total": invoice.net_total,
        "tax_total": invoice.tax_total,
        "gross_total": invoice.gross_total,
        "issued_at": iso(invoice.issued_at),
        "version": invoice.version,
        **settlement(invoice),
    }
    return {**item, **open_index(invoice)}


def owner_key(invoice: Invoice) -> dict[str, str]:
    """The owner's index entry of an invoice: its customer's invoices newest first, under their ``sub``."""
    return {"PK": owner_partition(str(invoice.customer_sub)), "SK": f"INVOICE#{iso(invoice.issued_at)}#{invoice.id}"}


def owner_partition(customer_sub: str) -> str:
    return f"OWNER#{customer_sub}"


def is_owner_cursor(customer_sub: str) -> Callable[[dict[str, str]], bool]:
    """Only keys of THIS owner's index: ``PK=OWNER#<sub>``, ``SK=INVOICE#...``."""

    def issued(plain: dict[str, str]) -> bool:
        return (
            set(plain) == {"PK", "SK"}
            and plain["PK"] == owner_partition(customer_sub)
            and str(plain["SK"]).startswith("INVOICE#")
        )

    return issued


def open_index(invoice: Invoice) -> dict[str, str]:
    """GSI2 keys while the invoice is open, by due date (reminders); absent otherwise."""
    if not invoice.status.is_open:
        return {}
    return {"GSI2PK": OPEN_INVOICES, "GSI2SK": f"{invoice.due_date.isoformat()}#{invoice.id}"}


def invoice_from_item(item: dict[str, Any]) -> Invoice:
    customer = item["customer"]
    return Invoice(
        id=UUID(item["id"]),
        number=item["number"],
        order_id=item.get("order_id"),
        customer=Customer(
            customer["email"],
            customer["name"],
            dict(customer.get("billing_address") or {}),
            customer.get("vat_id") or None,
        ),
        currency=item["currency"],
        issue_date=date.fromisoformat(item["issue_date"]),
        due_date=date.fromisoformat(item["due_date"]),
        supply_date=date.fromisoformat(item["supply_date"]) if item.get("supply_date") else None,
        customer_sub=item.get("customer_sub") or None,
        payment_terms=item["payment_terms"],
        tax_rounding=TaxRounding(item["tax_rounding"]),
        lines=tuple(_line_from(x) for x in item["lines"]),
        tax_breakdown=tuple(_group_from(x) for x in item["tax_breakdown"]),
        net_total=Decimal(item["net_total"]),
        tax_total=Decimal(item["tax_total"]),
        gross_total=Decimal(item["gross_total"]),
        issued_at=datetime.fromisoformat(item["issued_at"]),
        status=InvoiceStatus(item["status"]),
        amount_paid=Decimal(item["amount_paid"]),
        overpaid_amount=Decimal(item["overpaid_amount"]),
        refunded_amount=Decimal(item.get("refunded_amount", 0)),
        payment_ids=[UUID(str(i)) for i in item.get("payment_ids") or []],
        credited_total=Decimal(item["credited_total"]),
        credited_lines={
            int(n): [int(v["quantity"]), Decimal(v["net"])] for n, v in (item.get("credited_lines") or {}).items()
        },
        credited_tax={
            k: [Decimal(v["taxable"]), Decimal(v["tax"])] for k, v in (item.get("credited_tax") or {}).items()
        },
        credit_notes=[
            CreditNoteRef(UUID(r["id"]), r["number"], Decimal(r["gross_total"])) for r in item.get("credit_notes") or []
        ],
        version=int(item["version"]),
    )


def credit_note_item(note: CreditNote) -> dict[str, Any]:
    return {
        **credit_note_key(note.id),
        "type": "credit_note",
        "id": str(note.id),
        "number": note.number,
        "invoice_id": str(note.invoice_id),
        "invoice_number": note.invoice_number,
        "order_id": note.order_id,
        "customer_email": note.customer_email,
        "customer_name": note.customer_name,
        "billing_address": {k: v for k, v in note.billing_address.items() if v is not None},
        "currency": note.currency,
        "reason": note.reason,
        "issued_at": iso(note.issued_at),
        "issue_date": note.issue_date.isoformat(),
        "lines": [_line(line) for line in note.lines],
        "tax_breakdown": [_group(g) for g in note.tax_breakdown],
        "net_total": note.net_total,
        "tax_total": note.tax_total,
        "gross_total": note.gross_total,
        "completes_invoice": note.completes_invoice,
    }


def credit_note_from_item(item: dict[str, Any]) -> CreditNote:
    return CreditNote(
        id=UUID(item["id"]),
        number=item["number"],
        invoice_id=UUID(item["invoice_id"]),
        invoice_number=item["invoice_number"],
        order_id=item.get("order_id"),
        customer_email=item["customer_email"],
        customer_name=item["customer_name"],
        billing_address=dict(item.get("billing_address") or {}),
        currency=item["currency"],
        reason=item["reason"],
        issued_at=datetime.fromisoformat(item["issued_at"]),
        issued_on=date.fromisoformat(item["issue_date"]) if item.get("issue_date") else None,
        lines=tuple(_line_from(x) for x in item["lines"]),
        tax_breakdown=tuple(_group_from(x) for x in item["tax_breakdown"]),
        net_total=Decimal(item["net_total"]),
        tax_total=Decimal(item["tax_total"]),
        gross_total=Decimal(item["gross_total"]),
        completes_invoice=bool(item["completes_invoice"]),
    )


def payment_item(payment: Payment) -> dict[str, Any]:
    return {
        "PK": f"PAYMENT#{payment.id}",
        "SK": "PAYMENT",
        "type": "payment",
        "id": str(payment.id),
        "provider_event_id": payment.provider_event_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "applied": payment.applied,
        "unapplied": payment.unapplied,
        "order_id": payment.order_id,
        "invoice_id": str(payment.invoice_id) if payment.invoice_id else None,
        "received_at": iso(payment.received_at),
    }


def account_from_item(order_id: str, item: dict[str, Any] | None) -> OrderAccount | None:
    if item is None:
        return None
    payments = tuple((UUID(p["payment_id"]), Decimal(p["amount"])) for p in item.get("payments") or [])
    invoice_id = UUID(item["invoice_id"]) if item.get("invoice_id") else None
    refund_due = tuple(UUID(str(i)) for i in item.get("refund_due") or [])
    gross = item.get("gross_total")
    return OrderAccount(
        order_id,
        invoice_id,
        payments,
        int(item.get("version", 0)),
        refund_due,
        customer_email=item.get("customer_email") or None,
        gross_total=Decimal(gross) if gross is not None else None,
        closed=OrderClosure(item["closed"]) if item.get("closed") else None,
    )


_CURSOR_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def is_issued_invoice_cursor(plain: dict[str, Any]) -> bool:
    """The four key attributes of an invoice in the INVOICE partition of GSI1."""
    return set(plain) == _CURSOR_KEYS and plain["GSI1PK"] == ALL_INVOICES and plain["PK"].startswith("INVOICE#")


def refund_key(refund_id: UUID) -> dict[str, str]:
    return {"PK": f"REFUND#{refund_id}", "SK": "REFUND"}


def payment_key(payment_id: UUID) -> dict[str, str]:
    return {"PK": f"PAYMENT#{payment_id}", "SK": "PAYMENT"}


def refund_state(refund: Refund) -> dict[str, str | None]:
    """What changes on a refund: paid, when, with which payout reference."""
    return {
        "status": refund.status.value,
        "paid_on": refund.paid_on.isoformat() if refund.paid_on else None,
        "reference": refund.reference,
    }


def refund_item(refund: Refund) -> dict[str, object]:
    return {
        **refund_key(refund.id),
        "type": "refund",
        "GSI1PK": ALL_REFUNDS,
        "GSI1SK": f"{iso(refund.created_at)}#{refund.id}",
        "id": str(refund.id),
        "customer_email": refund.customer_email,
        "amount": refund.amount,
        "currency": refund.currency,
        "reason": refund.reason.value,
        "source": refund.source.value,
        "payment_ids": [str(i) for i in refund.payment_ids],
        "due_on": refund.due_on.isoformat(),
        "created_at": iso(refund.created_at),
        "order_id": refund.order_id,
        "invoice_id": str(refund.invoice_id) if refund.invoice_id else None,
        "invoice_number": refund.invoice_number,
        "version": refund.version,
        **refund_state(refund),
    }


def refund_from_item(item: dict[str, Any]) -> Refund:
    return Refund(
        id=UUID(item["id"]),
        customer_email=item.get("customer_email"),
        amount=Decimal(item["amount"]),
        currency=item["currency"],
        reason=RefundReason(item["reason"]),
        source=RefundSource(item["source"]),
        payment_ids=tuple(UUID(str(i)) for i in item.get("payment_ids") or []),
        due_on=date.fromisoformat(item["due_on"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        order_id=item.get("order_id"),
        invoice_id=UUID(item["invoice_id"]) if item.get("invoice_id") else None,
        invoice_number=item.get("invoice_number"),
        status=RefundStatus(item["status"]),
        paid_on=date.fromisoformat(item["paid_on"]) if item.get("paid_on") else None,
        reference=item.get("reference"),
        version=int(item.get("version", 0)),
    )


def held_state(payment: UnmatchedPayment) -> dict[str, str | None]:
    """What changes on a held payment: its status, and the invoice or refund it went to."""
    return {
        "status": payment.status.value,
        "invoice_id": str(payment.invoice_id) if payment.invoice_id else None,
        "refund_id": str(payment.refund_id) if payment.refund_id else None,
    }


def held_payment_item(payment: UnmatchedPayment) -> dict[str, object]:
    return {
        **payment_key(payment.id),
        "type": "payment",
        "GSI1PK": HELD_PAYMENTS,
        "GSI1SK": f"{iso(payment.received_at)}#{payment.id}",
        "id": str(payment.id),
        "provider_event_id": payment.provider_event_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "received_at": iso(payment.received_at),
        "reference": payment.reference,
        "hold_reason": payment.hold_reason.value,
        "version": payment.version,
        **held_state(payment),
    }


def held_payment_from_item(item: dict[str, Any]) -> UnmatchedPayment | None:
    """The held payment; None for a payment that was matched at once (it has no ``hold_reason``)."""
    if not item.get("hold_reason"):
        return None
    return UnmatchedPayment(
        id=UUID(item["id"]),
        provider_event_id=item["provider_event_id"],
        amount=Decimal(item["amount"]),
        currency=item["currency"],
        received_at=datetime.fromisoformat(item["received_at"]),
        reference=item.get("reference"),
        hold_reason=HoldReason(item["hold_reason"]),
        status=PaymentStatus(item["status"]),
        invoice_id=UUID(item["invoice_id"]) if item.get("invoice_id") else None,
        refund_id=UUID(item["refund_id"]) if item.get("refund_id") else None,
        version=int(item.get("version", 0)),
    )


def listing_cursor(partition: str, prefix: str) -> Callable[[dict[str, object]], bool]:
    """The cursor predicate of a GSI1 listing: the four key attributes of an item of ``partition``."""

    def valid(plain: dict[str, object]) -> bool:
        return set(plain) == _CURSOR_KEYS and plain["GSI1PK"] == partition and str(plain["PK"]).startswith(prefix)

    return valid
