"""An order was cancelled (the sales context's OrderCancelled): credit its invoice, or owe its payments back."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tandem.billing.domain.commands import SettleCancelledOrder
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.rules import cancellation_reason
from tandem.billing.service.credit_notes import CreditNoteUseCases
from tandem.billing.service.payments import PaymentUseCases, RefundResult
from tandem.shared.correlation import MessageContext


class CancellationOutcome(StrEnum):
    CREDITED = "credited"  # the order's invoice is fully credited (by this call or before)
    NO_INVOICE = "no invoice"  # nothing to credit; payments received for the order, if any, are refund-due


@dataclass(frozen=True, slots=True)
class Cancellation:
    outcome: CancellationOutcome
    note: CreditNote | None = None  # CREDITED: the note that completed the invoice
    refund: RefundResult | None = None  # NO_INVOICE: the payments marked refund-due by this call


class CancellationUseCases(CreditNoteUseCases, PaymentUseCases):
    def settle_cancelled_order(self, command: SettleCancelledOrder, context: MessageContext) -> Cancellation:
        """Credit the order's invoice in full if it has one (whether or not the order was confirmed; once),
        else mark the payments it received as refund-due (PaymentRefundDue)."""
        with self.uow() as uow:
            account, invoice = self._order_invoice(uow, command.order_id)
        if invoice is not None:
            note = self._credit_in_full(invoice, cancellation_reason(command.reason), context)
            return Cancellation(CancellationOutcome.CREDITED, note=note)
        refund = self._mark_refund_due(command, account, context)
        return Cancellation(CancellationOutcome.NO_INVOICE, refund=refund)
