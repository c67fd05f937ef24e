"""Small shared helpers: money text, saga context, BatchGetItem with retry of unprocessed keys."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tandem.shared.aws.dynamo import BATCH_GET_ATTEMPTS, batch_get, to_attributes
from tandem.shared.correlation import from_saga
from tandem.shared.errors import PersistenceError
from tandem.shared.money import (
    Money,
    amount_text,
    currency_exponents,
    is_currency,
    minor_digits,
    minor_unit,
    minor_unit_error,
    round_to_minor,
)


def test_minor_unit_follows_the_currency_and_defaults_to_cents():
    assert minor_unit("EUR") == Decimal("0.01")
    assert minor_unit("JPY") == Decimal("1")
    assert minor_unit("KWD") == Decimal("0.001")
    assert minor_unit("XXX") == Decimal("0.01")
    assert minor_unit(None) == Decimal("0.01")
    assert Money(Decimal(1), "JPY").minor_unit == Decimal("1")


def test_minor_units_come_from_the_iso_4217_table():
    exponents = currency_exponents()
    assert len(exponents) > 150  # the whole maintained table, not a hand-written list
    assert (exponents["EUR"], exponents["JPY"], exponents["KRW"], exponents["BHD"], exponents["CLF"]) == (2, 0, 0, 3, 4)
    assert minor_digits("TND") == 3 and minor_unit("CLF") == Decimal("0.0001")
    # funds and metals without minor units are no currency a document can be in
    assert not any(is_currency(code) for code in ("XAU", "XDR", "XXX", "eur", "", None))
    with pytest.raises(ValueError):
        Money(Decimal(1), "XAU")
    with pytest.raises(ValueError):
        minor_digits("ABC")


def test_rounding_to_the_minor_unit_is_half_up_and_refuses_unknown_currencies():
    assert round_to_minor(Decimal("199.9"), "JPY") == Decimal("200") and str(round_to_minor(Decimal(0), "JPY")) == "0"
    assert str(round_to_minor(Decimal("6.012"), "EUR")) == "6.01"
    assert str(round_to_minor(Decimal("1.0005"), "KWD")) == "1.001"
    with pytest.raises(ValueError):
        round_to_minor(Decimal(1), "XXX")


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [
        ("1999", "JPY", None),
        ("1999.00", "JPY", None),
        ("1999.5", "JPY", "must be a whole number of JPY"),
        ("12.5", "EUR", None),
        ("12.505", "EUR", "must have at most 2 decimals in EUR"),
        ("1.125", "KWD", None),
        ("1", "XAU", "'XAU' is not an ISO 4217 currency with minor units"),
    ],
)
def test_an_amount_finer_than_the_minor_unit_is_named(amount, currency, error):
    assert minor_unit_error(Decimal(amount), currency) == error


def test_amount_text_shows_the_minor_digits_rounded_half_up():
    assert amount_text(Decimal("36"), "EUR") == "36.00"
    assert amount_text(Decimal("0.005"), "EUR") == "0.01"
    assert amount_text(Decimal("1234.5"), "JPY") == "1235"
    assert amount_text(Decimal("1999.00"), "JPY") == "1999"
    assert amount_text(Decimal("1.5"), "BHD") == "1.500"
    assert amount_text(Decimal("1.5"), None) == "1.50"


def test_saga_context_keeps_the_tail_of_a_long_execution_arn():
    arn = "arn:aws:states:eu-west-1:123456789012:execution:OrderFulfillment:" + "x" * 100 + "-unique"
    context = from_saga("corr-1", arn, "fallback")
    assert context.correlation_id == "corr-1"
    assert context.causation_id == arn[-128:] and context.causation_id.endswith("-unique")


def test_saga_context_without_execution_is_caused_by_the_fallback():
    assert from_saga("corr-1", None, "reserve").causation_id == "reserve"


class FakeClient:
    def __init__(self, responses):
        self.responses = list(responses)
        self.requests = []

    def batch_get_item(self, RequestItems):  # noqa: N803 - boto3's name
        self.requests.append(RequestItems)
        return self.responses.pop(0)


def test_batch_get_asks_again_for_unprocessed_keys_and_returns_plain_items():
    unprocessed = {"T": {"Keys": [to_attributes({"PK": "b"})], "ConsistentRead": True}}
    client = FakeClient(
        [
            {"Responses": {"T": [to_attributes({"PK": "a", "n": Decimal(1)})]}, "UnprocessedKeys": unprocessed},
            {"Responses": {"T": [to_attributes({"PK": "b", "n": Decimal(2)})]}},
        ]
    )
    pauses = []
    items = batch_get(client, "T", [{"PK": "a"}, {"PK": "b"}], sleep=pauses.append)
    assert items == [{"PK": "a", "n": Decimal(1)}, {"PK": "b", "n": Decimal(2)}]
    assert client.requests[0]["T"]["ConsistentRead"] is True
    assert client.requests[1] == unprocessed
    assert len(pauses) == 1


def test_batch_get_gives_up_when_keys_stay_unprocessed():
    unprocessed = {"T": {"Keys": [to_attributes({"PK": "a"})]}}
    client = FakeClient([{"Responses": {}, "UnprocessedKeys": unprocessed}] * BATCH_GET_ATTEMPTS)
    with pytest.raises(PersistenceError):
        batch_get(client, "T", [{"PK": "a"}], sleep=lambda _: None)
    assert len(client.requests) == BATCH_GET_ATTEMPTS


def test_an_inbound_event_reads_data_by_its_event_type_and_refuses_other_versions():
    from typing import Annotated, Literal

    from pydantic import Field, ValidationError
    from tandem.shared.envelope import InboundEvent, TolerantReader

    class Paid(TolerantReader):
        kind: Literal["Paid"]
        amount: Decimal

    class Refunded(TolerantReader):
        kind: Literal["Refunded"]

    class Inbound(InboundEvent):
        data: Annotated[Paid | Refunded, Field(discriminator="kind")]

    metadata = {
        "event_id": "4f7c3a52-6d1e-4c1b-9a55-0e6f1f5d2b10",
        "event_type": "Paid",
        "version": 1,
        "occurred_at": "2026-11-27T10:00:00Z",
        "correlation_id": "c",
        "causation_id": "c",
    }
    event = Inbound.model_validate({"metadata": metadata, "data": {"amount": "1.50", "extra": True}})
    assert isinstance(event.data, Paid) and event.data.amount == Decimal("1.50")
    with pytest.raises(ValidationError):
        Inbound.model_validate({"metadata": {**metadata, "version": 2}, "data": {"amount": "1.50"}})
