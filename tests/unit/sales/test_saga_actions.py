"""The sales saga actions and the PaymentReceived consumer with in-memory fakes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tandem.sales import saga
from tandem.sales.domain.commands import Caller, CancelOrder, ReceivedPayment, RecordPayment
from tandem.sales.domain.errors import (
    ConcurrentOrderUpdate,
    InvalidSagaInput,
    OrderNotConfirmable,
    PaymentAlreadyReceived,
)
from tandem.sales.domain.model import Order, OrderStatus
from tandem.sales.service import ATTEMPTS
from tandem.shared.correlation import MessageContext
from tandem.shared.saga import UnknownSagaAction

from .builders import FakeStore, FakeTasks, order, service

EXECUTION = "arn:aws:states:eu-central-1:1:execution:OrderFulfillment:run-1"
PAID = ReceivedPayment(payment_id="pay-1", amount=Decimal("16.17"), currency="EUR")  # covers TEA-001 x 3
SALES = Caller(sub="sub-sam", verified_email="sam@tandem.example", groups=frozenset({"sales"}))


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def _stored(store: FakeStore, **changes: Any) -> Order:
    placed = order(("TEA-001", 3))
    placed.correlation_id = "req-placed"
    placed.events.clear()
    for name, value in changes.items():
        setattr(placed, name, value)
    store.orders[placed.id] = (1, placed)
    return placed


def _run(store: FakeStore, action: str, placed: Order, tasks: FakeTasks | None = None, **fields: Any) -> dict:
    event = {"action": action, "order_id": str(placed.id), **fields}
    return saga.actions(service(store, tasks=tasks)).dispatch(event)


def _cancel_timeout(store: FakeStore, placed: Order) -> dict:
    return _run(store, "cancel", placed, reason="payment_timeout", execution_id=EXECUTION)


def test_begin_returns_the_status_and_the_correlation_id_of_the_placing_request(store):
    placed = _stored(store)

    result = _run(store, "begin", placed, execution_id=EXECUTION)

    assert result["status"] == "placed" and result["correlation_id"] == "req-placed"
    assert result["order_id"] == str(placed.id) and result["gross_total"] == "16.17"


def test_begin_on_an_order_cancelled_meanwhile_says_so(store):
    placed = _stored(store, status=OrderStatus.CANCELLED)

    assert _run(store, "begin", placed, execution_id=EXECUTION)["status"] == "cancelled"


def test_events_carry_the_sagas_correlation_id_and_execution_as_cause(store):
    placed = _stored(store)

    _run(
        store,
        "confirm",
        placed,
        invoice_id="inv-1",
        invoice_number="INV-1",
        correlation_id="corr-from-saga",
        execution_id=EXECUTION,
    )

    [envelope] = store.outbox
    assert (envelope.metadata.correlation_id, envelope.metadata.causation_id) == ("corr-from-saga", EXECUTION)


def test_a_long_execution_arn_keeps_its_unique_tail_as_the_cause(store):
    placed = _stored(store)
    arn = "arn:aws:states:eu-central-1:123456789012:execution:" + "m" * 80 + ":run-42"

    _run(store, "reject", placed, shortages=[], execution_id=arn)

    assert store.outbox[0].metadata.causation_id == arn[-128:] and arn.endswith(":run-42")


def test_without_a_correlation_id_events_keep_the_one_stored_on_the_order(store):
    placed = _stored(store)

    _run(store, "reject", placed, shortages=[])

    [envelope] = store.outbox
    assert (envelope.metadata.correlation_id, envelope.metadata.causation_id) == ("req-placed", "reject")


def test_payment_timeout_on_an_order_whose_payment_arrived_raises_and_changes_nothing(store):
    placed = _stored(store, status=OrderStatus.AWAITING_PAYMENT, task_token="t-1", payment=PAID)

    with pytest.raises(PaymentAlreadyReceived):
        _cancel_timeout(store, placed)

    assert store.commits == 0 and store.outbox == []
    assert store.get(placed.id).status is OrderStatus.AWAITING_PAYMENT


def test_payment_timeout_without_a_payment_cancels(store):
    placed = _stored(store, status=OrderStatus.AWAITING_PAYMENT, task_token="t-1")

    assert _cancel_timeout(store, placed) == {"order_id": str(placed.id), "status": "cancelled"}
    assert _cancel_timeout(store, placed)["status"] == "cancelled"  # the retry: same answer, nothing new
    assert len(store.outbox) == 1


def test_payment_timeout_with_a_payment_too_small_cancels(store):
    short = ReceivedPayment(payment_id="pay-2", amount=Decimal("16.16"), currency="EUR")
    placed = _stored(store, status=OrderStatus.AWAITING_PAYMENT, payment=short)

    assert _cancel_timeout(store, placed)["status"] == "cancelled"


def test_an_already_cancelled_order_answers_cancelled_even_if_a_payment_came_later(store):
    placed = _stored(store, status=OrderStatus.CANCELLED, payment=PAID)

    assert _cancel_timeout(store, placed)["status"] == "cancelled"


def test_closing_a_paid_order_names_the_payment_to_refund(store):
    cancelled, rejected = _stored(store, payment=PAID), _stored(store, payment=PAID)

    _run(store, "cancel", cancelled, reason="fulfillment_failed")
    _run(store, "reject", rejected, shortages=[{"sku": "TEA-001", "requested": 3, "available": 0}])

    events = [e.data for e in store.outbox]
    assert [(e.payment_id, e.paid_amount) for e in events] == [("pay-1", Decimal("16.17"))] * 2
    assert events[0].model_dump(mode="json")["paid_amount"] == "16.17"


def test_closing_an_unpaid_order_names_no_payment(store):
    placed = _stored(store)

    _run(store, "cancel", placed, reason="fulfillment_failed")

    assert (store.outbox[0].data.payment_id, store.outbox[0].data.paid_amount) == (None, None)


def test_confirm_on_a_shipped_order_with_its_invoice_answers_shipped(store):
    placed = _stored(store, status=OrderStatus.SHIPPED, invoice_id="inv-1", invoice_number="INV-1")

    result = _run(store, "confirm", placed, invoice_id="inv-1", invoice_number="INV-1")

    assert result == {"order_id": str(placed.id), "status": "shipped"} and store.commits == 0
    with pytest.raises(OrderNotConfirmable):
        _run(store, "confirm", placed, invoice_id="inv-2", invoice_number="INV-2")


def test_lost_races_are_retried_then_raised_as_concurrent_order_update(store):
    placed = _stored(store)
    store.races = ATTEMPTS

    with pytest.raises(ConcurrentOrderUpdate):
        service(store).cancel_order(CancelOrder(placed.id, "customer_request"), SALES, MessageContext("c", "c"))

    assert store.get(placed.id).status is OrderStatus.PLACED


def test_an_unknown_action_is_refused_by_name(store):
    placed = _stored(store)

    with pytest.raises(UnknownSagaAction):
        _run(store, "teleport", placed)


def test_input_an_action_cannot_use_is_invalid_saga_input_and_changes_nothing(store):
    placed = _stored(store)

    with pytest.raises(InvalidSagaInput) as refused:
        _run(store, "confirm", placed, invoice_number="INV-1")  # no invoice_id

    assert [d["field"] for d in refused.value.details] == ["invoice_id"] and store.commits == 0


# ---- PaymentReceived


def _paid(store: FakeStore, order_id: str, tasks: FakeTasks, payment: ReceivedPayment = PAID) -> str:
    return service(store, tasks=tasks).payment_received(RecordPayment(order_id, payment), MessageContext("c", "e"))


def test_a_covering_payment_resumes_the_waiting_saga_reading_the_order_once(store):
    placed = _stored(store, status=OrderStatus.AWAITING_PAYMENT, task_token="t-1")
    tasks = FakeTasks()

    assert _paid(store, str(placed.id), tasks) == "resumed"
    assert store.reads == 1
    assert tasks.calls == [("succeed", "t-1", {"payment_id": "pay-1", "amount": "16.17", "currency": "EUR"})]


def test_a_wait_that_already_ended_is_reported_as_task_gone(store):
    placed = _stored(store, status=OrderStatus.AWAITING_PAYMENT, task_token="t-1")

    assert _paid(store, str(placed.id), FakeTasks(waiting=False)) == "task_gone"
    assert store.get(placed.id).payment == PAID


def test_a_payment_that_does_not_cover_is_decided_on_the_read_that_is_written(store):
    placed = _stored(store, status=OrderStatus.AWAITING_PAYMENT, task_token="t-1")
    tasks = FakeTasks()

    outcome = _paid(store, str(placed.id), tasks, ReceivedPayment("pay-2", Decimal("16.16"), "EUR"))

    assert outcome == "not_covering" and store.reads == 1 and store.commits == 0 and tasks.calls == []


def test_a_payment_before_the_wait_is_recorded(store):
    placed = _stored(store)

    assert _paid(store, str(placed.id), FakeTasks()) == "recorded"
    assert store.get(placed.id).payment == PAID


@pytest.mark.parametrize("order_id", ["not-a-uuid", "00000000-0000-4000-8000-000000000000", "x" * 500])
def test_an_order_id_sales_never_issued_is_unknown_order(store, order_id):
    assert _paid(store, order_id, FakeTasks()) == "unknown_order"
    assert store.commits == 0


def test_a_payment_without_an_order_is_no_order(store):
    assert _paid(store, None, FakeTasks()) == "no_order"  # type: ignore[arg-type]
