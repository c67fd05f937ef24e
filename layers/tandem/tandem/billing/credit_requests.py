"""POST /invoices/{id}/credit-notes with an optional Idempotency-Key (tandem.shared.request_keys).

Same key and body: the first 201 answer again, no second note. Same key, another body (or another
invoice): 422 ``idempotency_key_reused``. The key's record is written in the credit note's own
transaction, so two requests racing with one key cannot both issue a note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tandem.billing import service
from tandem.billing.domain.commands import CreditInvoice
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.ports import BillingReader, BillingUnitOfWork, Documents
from tandem.shared import request_keys
from tandem.shared.clock import utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed


def create_credit_note(command: CreditInvoice, body: Any, reader: BillingReader, uow: BillingUnitOfWork,
                       documents: Documents, context: MessageContext, *, render: Callable[[CreditNote], dict[str, Any]],
                       caller: str | None = None, key: str | None = None, now: Callable[[], datetime] = utcnow,
                       **options: Any) -> dict[str, Any]:
    """The credit note as ``render`` shows it; with ``key``, at most one note per (caller, key)."""
    if key is None or not caller:
        return render(service.credit_invoice(command, reader, uow, documents, context, now=now, **options))
    fingerprint = request_keys.fingerprint({"invoice_id": command.invoice_id, "body": body})
    moment = now()
    known = reader.key_record(caller, key)
    if known is not None and known.live(moment):
        return known.replay(fingerprint)

    def record_for(note: CreditNote) -> request_keys.KeyRecord:
        return request_keys.KeyRecord(caller=caller, key=key, fingerprint=fingerprint, response=render(note),
                                      expires_at=moment + request_keys.WINDOW)

    try:
        note = service.credit_invoice(command, reader, uow, documents, context, claim_for=record_for, now=now,
                                      **options)
    except ConditionFailed as failed:  # the key was taken meanwhile (a concurrent retry): answer as it did
        if failed.label != "idempotency" or not failed.old_item:
            raise
        return request_keys.record_from_item(failed.old_item, caller, key).replay(fingerprint)
    return render(note)
