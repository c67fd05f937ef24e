"""SalesFulfillmentFunction (saga tasks) and SalesOnPaymentReceivedFunction under moto, with their samples."""

from __future__ import annotations

import copy
import json

import pytest
from tandem.shared.aws import bootstrap

from .test_sales_api import CATALOG


@pytest.fixture
def order_id(stack, sample) -> str:
    """A placed card order (31.17 EUR) for ada@example.com."""
    for number, (name, changes) in enumerate(CATALOG):
        event = sample(name)
        event["detail"]["data"].update(changes)
        event["detail"]["metadata"]["event_id"] = f"00000000-0000-4000-8000-{number:012d}"
        stack.call("SalesOnProductChangedFunction", event)
    response = stack.call("SalesApiFunction", sample("sales_api/place_order"))
    assert response["statusCode"] == 201, response
    return json.loads(response["body"])["id"]


@pytest.fixture
def task_calls(stack) -> list[tuple[str, dict]]:
    """SendTaskSuccess / SendTaskFailure calls (moto accepts any token)."""
    calls: list[tuple[str, dict]] = []
    bootstrap.client("stepfunctions").meta.events.register(
        "provide-client-params.sfn", lambda model, params, **_: calls.append((model.name, dict(params)))
    )
    return calls


def _action(stack, sample, name: str, order_id: str, **changes):
    event = {**copy.deepcopy(sample(f"sales_fulfillment/{name}")), "order_id": order_id, **changes}
    return stack.call("SalesFulfillmentFunction", event)


def _order(stack, order_id: str) -> dict:
    return next(i for i in stack.items("SalesTable") if i.get("PK") == f"ORDER#{order_id}")


def _events(stack, event_type: str) -> list[dict]:
    return [
        json.loads(i["detail"])["data"]
        for i in stack.items("SalesTable")
        if i["type"] == "outbox" and i["detail_type"] == event_type
    ]


def _payment(sample, order_id: str, *, amount: str = "31.17", event_id: str | None = None) -> dict:
    event = sample("sales_on_payment_received/payment_received")
    event["detail"]["data"].update({"order_id": order_id, "amount": amount})
    if event_id:
        event["detail"]["metadata"]["event_id"] = event_id
    return event


def test_begin_returns_the_order_for_the_saga_and_is_idempotent(stack, sample, order_id):
    first = _action(stack, sample, "begin", order_id)
    again = _action(stack, sample, "begin", order_id)

    assert first == again
    assert first["order_id"] == order_id and first["gross_total"] == "31.17" and first["payment_method"] == "card"
    assert first["payment_timeout_seconds"] == 900 and isinstance(first["payment_timeout_seconds"], int)
    assert first["lines"][0] == {
        "sku": "TEA-001",
        "name": "Green tea, 100 g",
        "quantity": 3,
        "unit_price": "4.90",
        "tax_category": "reduced",
        "tax_rate": "0.10",
    }
    assert first["customer"]["billing_address"]["country"] == "GB" and first["tax_rounding"] == "total"
    assert first["status"] == "placed" and first["correlation_id"] == "web-order-1"  # the placing request's


def test_events_of_an_action_carry_the_sagas_correlation_and_execution_ids(stack, sample, order_id):
    _action(stack, sample, "confirm", order_id, correlation_id="corr-saga-1")

    [metadata] = [
        json.loads(i["detail"])["metadata"]
        for i in stack.items("SalesTable")
        if i["type"] == "outbox" and i["detail_type"] == "OrderConfirmed"
    ]
    assert metadata["correlation_id"] == "corr-saga-1"
    assert metadata["causation_id"] == sample("sales_fulfillment/confirm")["execution_id"]


def test_begin_from_another_execution_raises_saga_already_started(stack, sample, order_id):
    _action(stack, sample, "begin", order_id)

    with pytest.raises(Exception) as raised:
        _action(stack, sample, "begin", order_id, execution_id="arn:aws:states:eu-central-1:1:execution:x:other")

    assert type(raised.value).__name__ == "SagaAlreadyStarted"


def test_reject_records_order_rejected_once(stack, sample, order_id):
    first = _action(stack, sample, "reject", order_id)
    again = _action(stack, sample, "reject", order_id)

    assert first == again == {"order_id": order_id, "status": "rejected"}
    assert _events(stack, "OrderRejected") == [
        {
            "order_id": order_id,
            "customer_email": "ada@example.com",
            "reason": "out_of_stock",
            "shortages": [{"sku": "TEA-001", "requested": 3, "available": 1}],
            "payment_id": None,
            "paid_amount": None,
        }
    ]


def test_confirm_then_confirm_again_changes_nothing(stack, sample, order_id):
    first = _action(stack, sample, "confirm", order_id)
    again = _action(stack, sample, "confirm", order_id)

    assert first == again == {"order_id": order_id, "status": "confirmed"}
    assert _events(stack, "OrderConfirmed") == [
        {
            "order_id": order_id,
            "customer_email": "ada@example.com",
            "invoice_id": "inv-5b1e6f0a",
            "invoice_number": "INV-2026-000042",
        }
    ]


def test_confirm_after_the_order_shipped_answers_shipped(stack, sample, order_id):
    _action(stack, sample, "confirm", order_id)
    stack.call("SalesApiFunction", _ship_event(sample, order_id))

    assert _action(stack, sample, "confirm", order_id) == {"order_id": order_id, "status": "shipped"}
    assert len(_events(stack, "OrderConfirmed")) == 1


def test_payment_timeout_after_the_payment_arrived_raises_payment_already_received(stack, sample, order_id, task_calls):
    _action(stack, sample, "await_payment", order_id)
    stack.call("SalesOnPaymentReceivedFunction", _payment(sample, order_id))
    before = _order(stack, order_id)

    with pytest.raises(Exception) as raised:
        _action(stack, sample, "cancel", order_id)

    assert type(raised.value).__name__ == "PaymentAlreadyReceived"  # the Catch name: the saga invoices
    assert _order(stack, order_id) == before and _events(stack, "OrderCancelled") == []
    assert _action(stack, sample, "confirm", order_id)["status"] == "confirmed"


def test_cancelling_a_paid_order_names_the_payment(stack, sample, order_id):
    stack.call("SalesOnPaymentReceivedFunction", _payment(sample, order_id))

    _action(stack, sample, "cancel", order_id, reason="fulfillment_failed")

    [cancelled] = _events(stack, "OrderCancelled")
    assert (cancelled["payment_id"], cancelled["paid_amount"]) == ("pay-3c9d1e", "31.17")


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "7d1f0c2a-0000-4000-8000-000000000000"])
def test_a_payment_for_an_order_sales_does_not_know_is_unknown_order_not_a_failure(
    stack, sample, order_id, task_calls, bad_id
):
    result = stack.call("SalesOnPaymentReceivedFunction", _payment(sample, bad_id))

    assert result == {"order_id": bad_id, "outcome": "unknown_order"} and task_calls == []


def test_confirming_a_cancelled_order_raises_order_not_confirmable(stack, sample, order_id):
    _action(stack, sample, "cancel", order_id)

    with pytest.raises(Exception) as raised:
        _action(stack, sample, "confirm", order_id)

    assert type(raised.value).__name__ == "OrderNotConfirmable"


def test_cancel_is_idempotent_and_records_one_order_cancelled(stack, sample, order_id):
    first = _action(stack, sample, "cancel", order_id)
    again = _action(stack, sample, "cancel", order_id)

    assert first == again == {"order_id": order_id, "status": "cancelled"}
    assert _events(stack, "OrderCancelled") == [
        {
            "order_id": order_id,
            "customer_email": "ada@example.com",
            "reason": "payment_timeout",
            "was_confirmed": False,
            "invoice_id": None,
            "payment_id": None,
            "paid_amount": None,
        }
    ]


def test_await_payment_stores_the_token_and_a_later_payment_completes_it(stack, sample, order_id, task_calls):
    _action(stack, sample, "await_payment", order_id)
    order = _order(stack, order_id)
    assert order["status"] == "awaiting_payment" and order["task_token"]
    assert task_calls == []

    result = stack.call("SalesOnPaymentReceivedFunction", _payment(sample, order_id))

    assert result["outcome"] == "resumed"
    assert task_calls == [
        (
            "SendTaskSuccess",
            {
                "taskToken": order["task_token"],
                "output": json.dumps({"payment_id": "pay-3c9d1e", "amount": "31.17", "currency": "EUR"}),
            },
        )
    ]


def test_a_payment_before_the_wait_completes_the_wait_at_once(stack, sample, order_id, task_calls):
    assert stack.call("SalesOnPaymentReceivedFunction", _payment(sample, order_id))["outcome"] == "recorded"
    assert task_calls == []

    _action(stack, sample, "await_payment", order_id)

    assert [name for name, _ in task_calls] == ["SendTaskSuccess"]
    assert json.loads(task_calls[0][1]["output"])["payment_id"] == "pay-3c9d1e"


def test_a_payment_that_does_not_cover_the_order_is_ignored(stack, sample, order_id, task_calls):
    _action(stack, sample, "await_payment", order_id)

    result = stack.call("SalesOnPaymentReceivedFunction", _payment(sample, order_id, amount="31.16"))

    assert result["outcome"] == "not_covering" and task_calls == []
    assert "payment" not in _order(stack, order_id)


def test_payment_event_delivered_twice_leaves_the_same_state(stack, sample, order_id, task_calls):
    _action(stack, sample, "await_payment", order_id)
    event = _payment(sample, order_id)
    stack.call("SalesOnPaymentReceivedFunction", event)
    before = _order(stack, order_id)

    stack.call("SalesOnPaymentReceivedFunction", event)
    stack.call(
        "SalesOnPaymentReceivedFunction", _payment(sample, order_id, event_id="99999999-0000-4000-8000-000000000001")
    )

    assert _order(stack, order_id) == before


def test_await_payment_on_a_cancelled_order_fails_the_task(stack, sample, order_id, task_calls):
    stack.call("SalesApiFunction", _cancel_event(sample, order_id))

    _action(stack, sample, "await_payment", order_id)

    assert [(name, params["error"]) for name, params in task_calls] == [("SendTaskFailure", "OrderCancelled")]


def _cancel_event(sample, order_id: str) -> dict:
    event = sample("sales_api/cancel_order")
    old = event["pathParameters"]["id"]
    event["path"] = event["path"].replace(old, order_id)
    event["pathParameters"] = {"id": order_id}
    return event


def _ship_event(sample, order_id: str) -> dict:
    ship = sample("sales_api/ship_order")
    ship["path"] = ship["path"].replace(ship["pathParameters"]["id"], order_id)
    ship["pathParameters"] = {"id": order_id}
    return ship


def test_ship_after_confirmation_records_order_shipped(stack, sample, order_id):
    _action(stack, sample, "confirm", order_id)
    ship = _ship_event(sample, order_id)

    response = stack.call("SalesApiFunction", ship)
    again = stack.call("SalesApiFunction", ship)

    assert response["statusCode"] == 200 and json.loads(response["body"])["status"] == "shipped"
    assert again["statusCode"] == 409
    assert _events(stack, "OrderShipped") == [
        {
            "order_id": order_id,
            "customer_email": "ada@example.com",
            "lines": [{"sku": "TEA-001", "quantity": 3}, {"sku": "MUG-002", "quantity": 1}],
        }
    ]


def test_cancelling_a_confirmed_order_tells_billing_about_the_invoice(stack, sample, order_id):
    _action(stack, sample, "confirm", order_id)

    response = stack.call("SalesApiFunction", _cancel_event(sample, order_id))

    assert response["statusCode"] == 200
    [cancelled] = _events(stack, "OrderCancelled")
    assert cancelled["was_confirmed"] is True and cancelled["invoice_id"] == "inv-5b1e6f0a"


def test_a_rejected_order_cannot_be_cancelled(stack, sample, order_id):
    _action(stack, sample, "reject", order_id)

    response = stack.call("SalesApiFunction", _cancel_event(sample, order_id))

    assert response["statusCode"] == 409 and json.loads(response["body"])["error"]["code"] == "order_not_cancellable"


def test_unknown_action_is_refused(stack, sample, order_id):
    with pytest.raises(Exception) as raised:
        stack.call("SalesFulfillmentFunction", {"action": "teleport", "order_id": order_id})

    assert type(raised.value).__name__ == "UnknownSagaAction"
