"""Invoices: issue the order's one invoice (the saga), read and list them, their PDFs (the finance API)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tandem.billing.domain.commands import IssueInvoice, ListInvoices, Reader
from tandem.billing.domain.errors import InvoiceNotFound
from tandem.billing.domain.model import Invoice, InvoiceStatus
from tandem.billing.domain.refunds import take_prepayments
from tandem.billing.domain.rules import DocumentKind, document_number
from tandem.billing.service.common import ServiceBase
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent
from tandem.shared.errors import ValidationFailed
from tandem.shared.paging import Page

ISSUE_RACES = frozenset({"counter", "order"})


class IssueOutcome(StrEnum):
    ISSUED = "issued"
    ALREADY_ISSUED = "already_issued"  # the order had this invoice: an idempotent repeat


@dataclass(frozen=True, slots=True)
class IssueResult:
    invoice: Invoice
    outcome: IssueOutcome


class InvoiceUseCases(ServiceBase):
    def issue_invoice(self, command: IssueInvoice, context: MessageContext) -> IssueResult:
        """Issue the order's one invoice with the next gapless number; a repeat returns the existing invoice.

        One BatchGetItem (order record + counter), one transaction. Payments the order received before
        its invoice (card) are applied at issue, so a prepaid order's invoice is issued as paid (InvoicePaid,
        with the amounts applied, and PrepaymentApplied, in the same transaction); what they bring beyond the
        invoice (two payments for one order) is owed back at once (RefundDue). No PDF here: it is rendered
        when first needed.
        """
        invoice_id = self.clock.new_id()

        def attempt() -> IssueResult:
            moment = self.clock.now()
            local = self.clock.local(moment)  # the issue date and the numbering year follow the business zone
            with self.uow() as uow:
                account, seen = uow.orders.get_with_counter(command.order_id, DocumentKind.INVOICE, local.year)
                if account is not None and account.invoice_id is not None:
                    existing = uow.invoices.get(account.invoice_id)
                    if existing is None:  # pragma: no cover - the claim and the invoice are written together
                        raise InvoiceNotFound(details={"invoice_id": str(account.invoice_id)})
                    return IssueResult(existing, IssueOutcome.ALREADY_ISSUED)
                invoice = Invoice.issue(
                    command,
                    invoice_id=invoice_id,
                    now=local,
                    terms_days=self.config.payment_terms_days,
                    number=document_number(DocumentKind.INVOICE, local.year, seen + 1),
                )
                taken: list[DomainEvent] = []
                if account is not None and account.prepaid > 0:
                    invoice.apply_payment(account.prepaid)  # one application: InvoicePaid carries the final amounts
                    applied, refund = take_prepayments(invoice, account, refund_id=self.clock.new_id(), now=local)
                    taken = [applied, *(refund.events if refund else [])]
                    if refund is not None:
                        uow.refunds.add(refund)
                uow.numbers.take(DocumentKind.INVOICE, local.year, seen=seen)
                uow.invoices.add(invoice)
                uow.orders.claim_invoice(invoice, account)
                self._record(uow, invoice.events + taken, context, moment)
                uow.commit()
            return IssueResult(invoice, IssueOutcome.ISSUED)

        return self._retrying(attempt, races=ISSUE_RACES)

    def get_invoice(self, invoice_id: str, reader: Reader) -> Invoice:
        """The invoice, or InvoiceNotFound (also for ids that are not UUIDs, and for a customer asking for an
        invoice that is not theirs: they learn nothing)."""
        with self.uow() as uow:
            invoice = self._invoice(uow, invoice_id)
        if not reader.may_read(invoice.customer_sub):
            raise InvoiceNotFound(details={"id": str(invoice_id)[:64]})
        return invoice

    def list_invoices(self, query: ListInvoices) -> Page[Invoice]:
        """Newest first; ``order_id`` gives that order's invoice (at most one); a customer sees only theirs."""
        statuses = [s.value for s in InvoiceStatus]
        if query.status is not None and query.status not in statuses:
            raise ValidationFailed(details=[{"field": "status", "message": "must be one of " + ", ".join(statuses)}])
        status = InvoiceStatus(query.status) if query.status is not None else None
        owner = query.reader.owner
        with self.uow() as uow:
            if query.order_id is None and owner is not None:
                return uow.invoices.owned_by(owner, status=status, limit=query.limit, cursor=query.cursor)
            if query.order_id is None:
                return uow.invoices.newest_first(status=status, limit=query.limit, cursor=query.cursor)
            _account, invoice = self._order_invoice(uow, query.order_id)
        visible = invoice is not None and query.reader.may_read(invoice.customer_sub)
        return Page([invoice] if invoice and visible and status in (None, invoice.status) else [])

    def invoice_pdf(self, invoice_id: str, reader: Reader) -> tuple[Invoice, bytes]:
        """The invoice and its PDF (rendered and stored on the first request); InvoiceNotFound as ``get_invoice``."""
        invoice = self.get_invoice(invoice_id, reader)
        return invoice, self.documents.invoice_pdf(invoice)
