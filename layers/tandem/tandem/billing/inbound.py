"""What billing reads from others: the payment provider's webhook deliveries, and the sales context's
order events (our own tolerant readers: unknown fields are ignored, only what we use is typed).

A webhook's signature covers the exact bytes the provider sent: API Gateway hands them over as text, or
base64 (``isBase64Encoded``) for binary media types; nothing decodes them as UTF-8 or JSON before the
signature verified (the service calls ``to_command`` only then). A signed body that is not UTF-8 JSON, or breaks
the JSON limits of ``tandem.shared.json_edge``, is a 400; a JSON body that is not an object, or whose fields
have the wrong JSON types (a ``type`` that is a list), is a 422.

From sales: OrderPlaced (billing learns the order), OrderCancelled and OrderRejected (the order ended).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator

from tandem.billing.domain.commands import RecordOrder, RecordPayment, SettleCancelledOrder
from tandem.billing.domain.errors import InvalidPayment
from tandem.shared.envelope import EventMetadata, TolerantReader
from tandem.shared.errors import BadRequest, field_errors
from tandem.shared.json_edge import parse_json
from tandem.shared.text import SingleLine, text_error

HANDLED_TYPES = frozenset({"payment.succeeded"})


class PaymentWebhook(TolerantReader):
    """The provider's event. Only ``payment.succeeded`` is acted on; other types are acknowledged."""

    id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
    # The references are the provider's copy of ours, held for finance when unknown: one line of text
    # under the one text policy (tandem.shared.text), like every other text Tandem stores.
    type: Annotated[str, SingleLine(64)]
    order_id: Annotated[str, SingleLine(64)] | None = None
    invoice_id: Annotated[str, SingleLine(64)] | None = None
    amount: Annotated[Decimal, Field(allow_inf_nan=False, max_digits=14, decimal_places=2)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None

    @model_validator(mode="after")
    def _payment_fields(self) -> PaymentWebhook:
        if self.type == "payment.succeeded":
            if (self.order_id is None) == (self.invoice_id is None):
                raise ValueError("a payment names exactly one of order_id and invoice_id")
            if self.amount is None or self.currency is None:
                raise ValueError("a payment needs amount and currency")
        return self

    def to_command(self) -> RecordPayment:
        return RecordPayment(
            provider_event_id=self.id,
            amount=self.amount or Decimal(0),
            currency=self.currency or "",
            invoice_id=self.invoice_id,
            order_id=self.order_id,
        )


@dataclass(frozen=True, slots=True)
class PaymentDelivery:
    """One POST /payments/webhook as received: the exact body bytes and the Tandem-Signature header."""

    body: bytes
    signature: str | None

    @classmethod
    def of(cls, event: Mapping[str, Any], signature: str | None) -> PaymentDelivery:
        """From the API Gateway proxy event's raw body (not Powertools' decoded body: that decodes the bytes
        as UTF-8) and the request's Tandem-Signature header (the route's declared header parameter)."""
        return cls(raw_body(event), signature)

    def to_command(self) -> RecordPayment | None:
        """The payment the (verified) body reports; None for an event type billing does not act on."""
        try:
            text = self.body.decode("utf-8")  # strictly UTF-8 (json.loads(bytes) would guess)
        except UnicodeDecodeError:
            raise BadRequest("Body is not valid UTF-8 JSON") from None
        payload = parse_json(text)  # within the edge's limits: depth and number length
        if not isinstance(payload, dict):
            raise InvalidPayment(details=[{"field": "body", "message": "must be a JSON object"}])
        kind = payload.get("type")
        if isinstance(kind, str) and kind not in HANDLED_TYPES and not text_error(kind):
            return None  # another type, acknowledged; one the text policy refuses is a 422 below
        try:
            webhook = PaymentWebhook.model_validate(payload)
        except ValidationError as exc:
            raise InvalidPayment(details=field_errors(exc.errors())) from None
        return webhook.to_command()


def raw_body(event: Mapping[str, Any]) -> bytes:
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


class OrderCancelledData(TolerantReader):
    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    customer_email: Annotated[str, Field(max_length=254)] | None = None
    reason: str | None = None


class OrderCancelledNotice(TolerantReader):
    """``detail`` of tandem.sales OrderCancelled v1 or OrderRejected v1, as far as billing cares."""

    metadata: EventMetadata
    data: OrderCancelledData

    def to_command(self) -> SettleCancelledOrder:
        return SettleCancelledOrder(
            order_id=self.data.order_id,
            customer_email=self.data.customer_email,
            reason=self.data.reason,
            rejected=self.metadata.event_type == "OrderRejected",
        )


class PlacedCustomer(TolerantReader):
    email: Annotated[str, Field(min_length=3, max_length=254)]


class OrderPlacedData(TolerantReader):
    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    customer: PlacedCustomer
    gross_total: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class OrderPlacedNotice(TolerantReader):
    """``detail`` of tandem.sales OrderPlaced v1: billing learns the order exists (a payment naming it
    matches) and what it costs (a payment far beyond that is held for review)."""

    metadata: EventMetadata
    data: OrderPlacedData

    def to_command(self) -> RecordOrder:
        return RecordOrder(
            order_id=self.data.order_id,
            customer_email=self.data.customer.email,
            gross_total=self.data.gross_total,
            currency=self.data.currency,
        )


def order_notice(detail_type: str | None) -> type[OrderPlacedNotice] | type[OrderCancelledNotice]:
    """The reader of a sales order event billing listens to (OrderPlaced; OrderCancelled and OrderRejected)."""
    return OrderPlacedNotice if detail_type == "OrderPlaced" else OrderCancelledNotice
