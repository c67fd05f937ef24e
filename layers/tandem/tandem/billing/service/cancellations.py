"""An order was cancelled or rejected (the sales context's OrderCancelled / OrderRejected): credit its invoice,
or owe its payments back."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tandem.billing.domain.commands import SettleCancelledOrder
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.errors import InvoiceNotFound
from tandem.billing.domain.rules import cancellation_reason
from tandem.billing.service.credit_notes import CreditNoteUseCases
from tandem.billing.service.payments import PaymentUseCases, RefundResult
from tandem.shared.correlation import MessageContext


class CancellationOutcome(StrEnum):
    CREDITED = "credited"  # the order's invoice is fully credited (by this call or before)
    NO_INVOICE = "no invoice"  # nothing to credit: the order is closed, its payments (if any) owed back


@dataclass(frozen=True, slots=True)
class Cancellation:
    outcome: CancellationOutcome
    note: CreditNote | None = None  # CREDITED: the note that completed the invoice
    refund: RefundResult | None = None  # NO_INVOICE: the payments owed back by this call


class CancellationUseCases(CreditNoteUseCases, PaymentUseCases):
    def settle_cancelled_order(self, command: SettleCancelledOrder, context: MessageContext) -> Cancellation:
        """Credit the order's invoice in full if it has one (whether or not the order was confirmed; once;
        a paid invoice's credit balance becomes a refund due), else close the order's record: the payments it
        received, and any that arrive later, are owed back (RefundDue). Also for a rejected order."""
        with self.uow() as uow:
            account, invoice = self._order_invoice(uow, command.order_id)
        if invoice is None:
            refund = self._close_order(command, account, context)
            if refund is not None:
                return Cancellation(CancellationOutcome.NO_INVOICE, refund=refund)
            with self.uow() as uow:  # invoiced meanwhile: credit it instead
                account, invoice = self._order_invoice(uow, command.order_id)
        if invoice is None:  # pragma: no cover - the order record names an invoice that is written with it
            raise InvoiceNotFound(details={"order_id": command.order_id[:64]})
        note = self._credit_in_full(invoice, cancellation_reason(command.reason), context)
        return Cancellation(CancellationOutcome.CREDITED, note=note)
