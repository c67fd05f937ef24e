"""The payment provider's webhook: check the signature over the raw body FIRST, then parse and record.

The signature covers the exact bytes the provider sent: API Gateway hands them over as text, or
base64 (``isBase64Encoded``) for binary media types; nothing decodes them as UTF-8 or JSON before the
signature verified. Nothing is read from or written to the table for a request whose signature
does not verify (401); a signed body that is not UTF-8 JSON is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pydantic import ValidationError

from tandem.billing import bootstrap
from tandem.billing.domain.errors import InvalidPayment, InvalidSignature
from tandem.billing.inbound import PaymentWebhook
from tandem.billing.payments import receive_payment
from tandem.billing.signature import SignatureError, verify
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import BadRequest, field_errors

SIGNATURE_HEADER = "tandem-signature"
HANDLED_TYPES = frozenset({"payment.succeeded"})


def signature_header(headers: dict[str, Any] | None) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == SIGNATURE_HEADER and isinstance(value, str):
            return value
    return None


def raw_body(event: dict[str, Any]) -> bytes:
    """The request body exactly as received (base64-decoded when API Gateway encoded it)."""
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadRequest("Body is missing or not text")
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("Body is not valid base64") from None
    return body.encode("utf-8", "surrogateescape")


def handle(raw_body: bytes, headers: dict[str, Any] | None, context: MessageContext, *, now: float) -> dict[str, Any]:
    """Verify, parse, record: ``{"payment_id", "duplicate"}`` (``ignored`` for event types we do not act on)."""
    try:
        verify(signature_header(headers), raw_body, secret=bootstrap.webhook_secret(), now=now)
    except SignatureError as exc:
        raise InvalidSignature(details={"reason": str(exc)}) from None
    try:
        payload = json.loads(raw_body.decode("utf-8"))  # strictly UTF-8 (json.loads(bytes) would guess)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("Body is not valid UTF-8 JSON") from None
    if isinstance(payload, dict) and payload.get("type") not in HANDLED_TYPES and isinstance(payload.get("type"), str):
        return {"payment_id": None, "duplicate": False, "ignored": True}
    try:
        event = PaymentWebhook.model_validate(payload)
    except ValidationError as exc:
        raise InvalidPayment(details=field_errors(exc.errors())) from None
    result = receive_payment(event.to_notice(), bootstrap.reader(), bootstrap.unit_of_work(), context,
                             base_currency=bootstrap.base_currency())
    return {"payment_id": str(result.payment_id), "duplicate": result.duplicate}
