"""Billing errors; their HTTP status comes from their base class (tandem.shared.errors).

The class name is also what a Step Functions ``Catch`` matches on.
"""

from __future__ import annotations

from tandem.shared.errors import Conflict, NotFound, ServiceUnavailable, Unauthorized, ValidationFailed


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"
    message = "No invoice with this id"


class InvoiceAlreadyCredited(Conflict):
    code = "invoice_already_credited"
    message = "The invoice is already fully credited"


class CreditExceedsInvoice(Conflict):
    """A credit note line asks for more than the invoice line has left to credit."""

    code = "credit_exceeds_invoice"
    message = "Cannot credit more than remains on the invoice"


class InvalidCreditLines(ValidationFailed):
    code = "invalid_credit_lines"
    message = "The credit note lines are invalid"


class CurrencyNotSupported(ValidationFailed):
    code = "currency_not_supported"
    message = "Payments and invoices are in the company currency only"


class InvalidPayment(ValidationFailed):
    code = "invalid_payment"
    message = "The payment is invalid"


class InvalidOrder(ValidationFailed):
    code = "invalid_order"
    message = "The order cannot be invoiced"


class InvalidSignature(Unauthorized):
    """The webhook's Tandem-Signature is missing, malformed, wrong or too old."""

    code = "invalid_signature"
    message = "The webhook signature is missing, invalid or expired"


class RemindersIncomplete(ServiceUnavailable):
    """Some reminders failed for now; a retry of the run sends them (the sent ones are skipped)."""

    code = "reminders_incomplete"


class DocumentStoreError(Exception):
    """S3 refused for good (access denied, no such bucket): a misconfiguration, not weather.

    Throttling and S3 faults raise ``tandem.shared.errors.ServiceUnavailable`` instead (retried).
    The issued document itself is never affected: PDFs are rendered from it at any time."""


class MailNotSent(Exception):
    """SES refused the message for good (rejected, sender not verified, sending paused): retrying the
    same message cannot help. Throttling and SES faults raise ``ServiceUnavailable`` instead."""


class RefundNotFound(NotFound):
    code = "refund_not_found"
    message = "No refund with this id"


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    message = "No payment held for finance with this id"


class PaymentNotUnmatched(Conflict):
    """The held payment was already applied to an invoice or turned into a refund."""

    code = "payment_not_unmatched"
    message = "The payment is no longer unmatched"
