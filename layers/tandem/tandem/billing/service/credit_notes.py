"""Credit notes: the finance team's (partial) credits over the API, and the saga's full credit of an order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tandem.billing.domain.commands import CreditInvoice, CreditOrder
from tandem.billing.domain.crediting import CreditNote, credit
from tandem.billing.domain.errors import DocumentStoreError, InvoiceAlreadyCredited
from tandem.billing.domain.model import Invoice, InvoiceStatus
from tandem.billing.domain.refunds import RefundReason, invoice_refund
from tandem.billing.domain.rules import DocumentKind, document_number
from tandem.billing.service.common import Claim, Reply, ServiceBase, parse_id
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ServiceUnavailable

CREDIT_RACES = frozenset({"counter", "invoice"})


@dataclass(frozen=True, slots=True)
class OrderCredit:
    note: CreditNote | None  # None: nothing was credited by this request

    @property
    def credited(self) -> bool:
        return self.note is not None


class CreditNoteUseCases(ServiceBase):
    def credit_invoice(
        self, command: CreditInvoice, context: MessageContext, reply: Reply[CreditNote]
    ) -> dict[str, Any]:
        """POST /invoices/{id}/credit-notes: a credit note (full by default), as ``reply`` renders it;
        InvoiceAlreadyCredited / CreditExceedsInvoice when nothing or less than asked remains.

        With an Idempotency-Key: same key and body, the first answer again and no second note; same key,
        another body (or another invoice): 422 ``idempotency_key_reused``.
        """
        return self._answer_once(reply, lambda claim: self._credit(command, context, claim=claim))

    def credit_order(self, command: CreditOrder, context: MessageContext) -> OrderCredit:
        """The saga's compensation: credit the order's invoice in full if it has one not yet fully credited.

        Idempotent: when the invoice is already fully credited by a note with this same ``reason`` (this
        action, repeated), that note is the answer; credited by another note (the OrderCancelled consumer,
        the finance team) or no invoice at all: nothing (``credited`` False).
        """
        with self.uow() as uow:
            _account, invoice = self._order_invoice(uow, command.order_id)
        if invoice is None:
            return OrderCredit(None)
        note = self._credit_in_full(invoice, command.reason, context)
        return OrderCredit(note if note.reason == command.reason else None)

    def _credit_in_full(self, invoice: Invoice, reason: str, context: MessageContext) -> CreditNote:
        """Credit whatever remains of the (loaded) invoice; if it is already fully credited, the note that
        completed it."""
        if invoice.status is InvoiceStatus.CREDITED:
            with self.uow() as uow:
                return self._completing_note(uow, invoice)
        try:
            command = CreditInvoice(invoice_id=str(invoice.id), reason=reason)
            return self._credit(command, context, loaded=invoice, refund_reason=RefundReason.ORDER_CANCELLED)
        except InvoiceAlreadyCredited:  # credited by someone else meanwhile
            with self.uow() as uow:
                return self._completing_note(uow, self._invoice(uow, str(invoice.id)))

    def _credit(
        self,
        command: CreditInvoice,
        context: MessageContext,
        *,
        loaded: Invoice | None = None,
        claim: Claim[CreditNote] | None = None,
        refund_reason: RefundReason = RefundReason.INVOICE_CREDITED,
    ) -> CreditNote:
        """Issue the credit note with the next gapless number, then store its PDF (best effort).

        ``loaded``: the invoice as the caller already read it (used by the first attempt; a lost race
        re-reads). ``claim``: the Idempotency-Key record of the note, written in the note's transaction
        (a live one raises ConditionFailed("idempotency") with the record as ``old_item``). ``refund_reason``:
        why a credit balance the note leaves is owed back (the order's cancellation, or the credit itself).
        """
        invoice_id = parse_id(command.invoice_id)
        note_id = self.clock.new_id()
        first = [loaded] if loaded is not None and loaded.id == invoice_id else []

        def attempt() -> CreditNote:
            with self.uow() as uow:
                invoice = first.pop() if first else self._invoice(uow, str(invoice_id))
                version = invoice.version
                moment = self.clock.now()
                local = self.clock.local(moment)  # the issue date and the numbering year follow the business zone
                seen = uow.numbers.last(DocumentKind.CREDIT_NOTE, local.year)
                note = credit(
                    invoice,
                    command.lines,
                    credit_note_id=note_id,
                    reason=command.reason,
                    now=local,
                    number=document_number(DocumentKind.CREDIT_NOTE, local.year, seen + 1),
                )
                if claim is not None:
                    uow.request_keys.claim(claim(note), now=moment)  # first: a taken key is reported as such
                uow.numbers.take(DocumentKind.CREDIT_NOTE, local.year, seen=seen)
                uow.credit_notes.add(note)
                # A paid invoice credited below what was paid: its credit balance is owed back, in this transaction.
                refund = invoice_refund(invoice, refund_id=self.clock.new_id(), reason=refund_reason, now=local)
                if refund is not None:
                    uow.refunds.add(refund)
                uow.invoices.save(invoice, expected_version=version)
                self._record(uow, note.events + invoice.events + (refund.events if refund else []), context, moment)
                uow.commit()
            return note

        note = self._retrying(attempt, races=CREDIT_RACES)
        try:
            self.documents.save_credit_note(note)
        except (DocumentStoreError, ServiceUnavailable):
            pass  # the note is committed; its PDF can be rendered again from it
        return note
