"""place_order with in-memory fakes: Idempotency-Key rules, ownership, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tandem.sales import service
from tandem.sales.domain.commands import Caller, Customer, parse_order_id
from tandem.sales.domain.errors import InvalidOrder, NotYourOrder
from tandem.shared import request_keys
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import TransactionConflict
from tandem.shared.request_keys import IdempotencyKeyReused, InvalidIdempotencyKey

from .builders import ADA, NOW, FakeStore, command
from .builders import service as sales_service

CONTEXT = MessageContext(correlation_id="corr-1", causation_id="req-1")
CUSTOMER = Caller(sub="sub-ada", verified_email=" Ada@Example.com ", groups=frozenset({"customer"}))
SALES = Caller(sub="sub-sam", verified_email="sam@tandem.example", groups=frozenset({"sales"}))
BODY = {"lines": [{"sku": "TEA-001", "quantity": 3}], "payment_method": "card"}


def _place(store, *, caller=CUSTOMER, key=None, body=BODY, cmd=None, now=NOW):
    return sales_service(store, now=now).place_order(
        cmd or command(), caller, CONTEXT, service.KeyedRequest(key=key, body=body)
    )


def test_an_order_and_its_event_are_stored_together():
    store = FakeStore()

    placed = _place(store)

    assert not placed.replayed and list(store.orders) == [placed.order_id]
    assert [e.metadata.event_type for e in store.outbox] == ["OrderPlaced"]
    assert store.outbox[0].metadata.correlation_id == "corr-1"


def test_same_key_same_body_replays_the_first_response():
    store = FakeStore()
    first = _place(store, key="k-1")

    again = _place(store, key="k-1", body={"payment_method": "card", "lines": [{"quantity": 3, "sku": "TEA-001"}]})

    assert again.replayed and again.response == first.response and len(store.orders) == 1


def test_same_key_other_body_is_refused():
    store = FakeStore()
    _place(store, key="k-1")

    with pytest.raises(IdempotencyKeyReused):
        _place(store, key="k-1", body={**BODY, "payment_method": "invoice"})


def test_an_expired_key_record_no_longer_replays():
    store = FakeStore()
    _place(store, key="k-1")
    store.keys.clear()  # as TTL would; the record's own expiry is checked too

    later = _place(store, key="k-1", now=NOW + request_keys.WINDOW + timedelta(seconds=1))

    assert not later.replayed and len(store.orders) == 2


def test_a_race_lost_to_the_same_key_replays_the_winner():
    store = FakeStore()
    winner = _place(store, key="k-1")
    store.load_for_placement = lambda skus, key: (dict(store.catalog), None)  # read before the winner committed

    loser = _place(store, key="k-1")

    assert loser.replayed and loser.order_id == winner.order_id and len(store.orders) == 1


def test_transaction_conflicts_are_retried_then_raised():
    store = FakeStore()
    store.conflicts = 2
    assert not _place(store).replayed

    store.conflicts = service.ATTEMPTS
    with pytest.raises(TransactionConflict):
        _place(store)


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "new\nline"])
def test_malformed_keys_are_refused(key):
    with pytest.raises(InvalidIdempotencyKey):
        _place(FakeStore(), key=key)


def test_keys_of_255_printable_characters_are_fine():
    assert request_keys.checked("~" * 255) == "~" * 255


def test_a_customer_orders_only_for_their_own_verified_email_in_any_case_and_spacing():
    store = FakeStore()
    assert _place(store).order_id  # " Ada@Example.com " == "ada@example.com"

    other = Caller(sub="sub-x", verified_email="charles@example.com", groups=frozenset({"customer"}))
    unverified = Caller(sub="sub-y", verified_email=None, groups=frozenset({"customer"}))
    for caller in (other, unverified):
        with pytest.raises(NotYourOrder):
            _place(store, caller=caller)
    assert _place(store, caller=SALES).order_id


def test_an_order_belongs_to_the_sub_that_placed_it_never_to_an_email():
    store = FakeStore()
    mine = _place(store).order_id
    by_staff = _place(store, caller=SALES).order_id  # for Ada's email, but placed by sales: no customer owner
    orders = sales_service(store)
    assert store.orders[mine][1].customer_sub == "sub-ada" and store.orders[by_staff][1].customer_sub is None
    assert store.outbox[0].data.customer_sub == "sub-ada"

    same_email = Caller(sub="sub-bob", verified_email="ADA@example.com", groups=frozenset({"customer"}))
    assert orders.list_orders(same_email, limit=10, cursor=None).items == []
    assert [o.id for o in orders.list_orders(CUSTOMER, limit=10, cursor=None).items] == [mine]
    for order_id in (mine, by_staff):
        with pytest.raises(Exception) as hidden:
            orders.get_order(order_id, same_email)
        assert type(hidden.value).__name__ == "OrderNotFound"
    with pytest.raises(Exception) as hidden:
        orders.get_order(by_staff, CUSTOMER)
    assert type(hidden.value).__name__ == "OrderNotFound"


def test_an_invalid_order_writes_nothing_and_keeps_the_key_free():
    store = FakeStore()
    with pytest.raises(InvalidOrder):
        _place(store, key="k-1", cmd=command(("NOPE", 1)))

    assert store.orders == {} and store.keys == {} and store.commits == 0


def test_fingerprint_ignores_key_order_and_whitespace():
    assert request_keys.fingerprint({"a": 1, "b": [1, 2]}) == request_keys.fingerprint({"b": [1, 2], "a": 1})
    assert request_keys.fingerprint({"a": 1}) != request_keys.fingerprint({"a": 2})


def test_customers_see_their_own_orders_staff_see_all():
    store = FakeStore()
    mine = _place(store).order_id
    grace = Customer(email="grace@example.com", name="Grace", billing_address=ADA.billing_address)
    theirs = _place(store, caller=SALES, cmd=command(customer=grace)).order_id

    orders = sales_service(store)
    assert [o.id for o in orders.list_orders(CUSTOMER, limit=10, cursor=None).items] == [mine]
    assert {o.id for o in orders.list_orders(SALES, limit=10, cursor=None).items} == {mine, theirs}
    with pytest.raises(Exception) as hidden:
        orders.get_order(parse_order_id(str(theirs)), CUSTOMER)
    assert type(hidden.value).__name__ == "OrderNotFound"
