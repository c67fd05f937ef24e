"""Customer timeline use cases with in-memory fakes: once per event, payments found through links."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest
from tandem.crm.customers import service as customers_service
from tandem.crm.customers.domain.commands import RecordActivity, Viewer
from tandem.crm.customers.domain.errors import CustomerNotFound, CustomerNotYetKnown, DuplicateActivity
from tandem.crm.customers.domain.model import Customer, CustomerRef, customer_id_for
from tandem.crm.customers.inbound import CommerceEvent
from tandem.shared.clock import Clock
from tandem.shared.errors import InvalidPageToken, TransactionConflict
from tandem.shared.paging import Page

SAMPLES = Path(__file__).resolve().parents[4] / "events" / "crm_on_commerce_event"
ADA = uuid5(NAMESPACE_URL, "tandem:customer:ada@example.com")
SALES = Viewer(sub="sub-sam", staff=True)


def command(name: str, **data_changes) -> RecordActivity:
    event = json.loads((SAMPLES / f"{name}.json").read_text())
    event["detail"]["data"].update(data_changes)
    return CommerceEvent.model_validate(event["detail"]).to_command()


class FakeCrm:
    def __init__(self) -> None:
        self.customers: dict[UUID, Customer] = {}
        self.timelines: dict[UUID, dict[UUID, object]] = {}
        self.links: dict[tuple[str, str], CustomerRef] = {}
        self.conflicts_to_raise = 0

    def get(self, customer_id: UUID) -> Customer | None:
        return self.customers.get(customer_id)

    def owner_of(self, links):
        return next((self.links[link] for link in links if link in self.links), None)

    def of_subject(self, subject):
        return self.owner_of((("SUBJECT", subject),))

    def timeline(self, customer, limit, cursor):
        entries = sorted(self.timelines.get(customer.id, {}).values(), key=lambda e: e.occurred_at)
        return Page(items=entries[:limit])

    def unit_of_work(self):
        return FakeUnitOfWork(self)


class FakeCustomers:
    """The unit of work's repository: reads the committed table, collects the activity to add."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.get, self.owner_of, self.timeline = uow.crm.get, uow.crm.owner_of, uow.crm.timeline
        self.of_subject = uow.crm.of_subject

    def add_activity(self, customer, activity):
        self.uow.pending = (customer, activity)


class FakeUnitOfWork:
    def __init__(self, crm: FakeCrm) -> None:
        self.crm, self.pending = crm, None
        self.customers = FakeCustomers(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.pending = None

    def commit(self):
        customer, activity = self.pending
        if self.crm.conflicts_to_raise:
            self.crm.conflicts_to_raise -= 1
            raise TransactionConflict()
        timeline = self.crm.timelines.setdefault(customer.id, {})
        if activity.entry.event_id in timeline:
            raise DuplicateActivity()
        timeline[activity.entry.event_id] = activity.entry
        known = self.crm.customers.get(customer.id)
        self.crm.customers[customer.id] = Customer(
            id=customer.id,
            email=known.email if known else customer.email,
            name=activity.customer_name or (known.name if known else None),
            created_at=known.created_at if known else activity.entry.occurred_at,
            subjects=(known.subjects if known else frozenset()) | {activity.customer_sub} - {None},
        )
        subject = (("SUBJECT", activity.customer_sub),) if activity.customer_sub else ()
        for link in (*activity.links, *subject):
            self.crm.links[link] = customer


def _service(crm: FakeCrm, pauses: list | None = None) -> customers_service.CustomersService:
    return customers_service.CustomersService(
        crm.unit_of_work, Clock(sleep=(pauses if pauses is not None else []).append)
    )


def record(crm: FakeCrm, activity: RecordActivity, pauses: list | None = None):
    return _service(crm, pauses).record_activity(activity)


def test_customer_id_is_uuid5_of_the_lower_cased_email():
    assert customer_id_for("Ada@Example.COM") == ADA


def test_order_placed_creates_the_customer_with_name_and_first_timeline_entry():
    crm = FakeCrm()

    result = record(crm, command("order_placed"))

    assert result.recorded and result.customer_id == ADA
    assert crm.customers[ADA].name == "Ada Lovelace" and crm.customers[ADA].email == "ada@example.com"
    [entry] = crm.timelines[ADA].values()
    assert entry.summary == "Order placed: 3 items, EUR 36.00" and entry.event_type == "OrderPlaced"


def test_duplicate_event_adds_one_entry():
    crm = FakeCrm()
    first = record(crm, command("order_placed"))
    second = record(crm, command("order_placed"))

    assert first.recorded and not second.recorded
    assert len(crm.timelines[ADA]) == 1


def test_payment_without_email_is_attributed_through_the_order_link():
    crm = FakeCrm()
    record(crm, command("order_placed"))

    result = record(crm, command("payment_received", invoice_id=None))

    assert result.customer_id == ADA
    assert [e.event_type for e in crm.timelines[ADA].values()] == ["OrderPlaced", "PaymentReceived"]


def test_payment_whose_order_is_not_known_yet_is_raised_for_a_later_retry():
    crm = FakeCrm()
    with pytest.raises(CustomerNotYetKnown):
        record(crm, command("payment_received"))
    assert crm.timelines == {}


def test_conflicting_writes_are_retried_then_raised():
    crm = FakeCrm()
    crm.conflicts_to_raise = 1
    pauses: list[float] = []
    assert record(crm, command("order_placed"), pauses).recorded and len(pauses) == 1

    crm.conflicts_to_raise = customers_service.RECORD_ATTEMPTS
    with pytest.raises(TransactionConflict):
        record(crm, command("invoice_issued"))


def test_customer_lookups_by_email_and_id():
    crm = FakeCrm()
    record(crm, command("order_placed"))

    service = _service(crm)

    assert [c.id for c in service.find_customers(" ADA@example.com ", limit=25).items] == [ADA]
    assert service.find_customers("nobody@example.com", limit=25) == Page(items=[], cursor=None)
    with pytest.raises(InvalidPageToken):
        service.find_customers("ada@example.com", limit=25, cursor="anything")
    assert service.get_customer(str(ADA), SALES).name == "Ada Lovelace"
    with pytest.raises(CustomerNotFound):
        service.get_customer("not-a-uuid", SALES)
    with pytest.raises(CustomerNotFound):
        service.customer_timeline(str(customer_id_for("nobody@example.com")), SALES, limit=10)


def test_a_customer_reads_only_the_record_their_sub_ordered_on_never_by_email():
    crm = FakeCrm()
    record(crm, command("order_placed", customer_sub="sub-ada"))
    service = _service(crm)
    ada, bob = Viewer(sub="sub-ada", staff=False), Viewer(sub="sub-bob", staff=False)

    assert service.get_customer(str(ADA), ada).subjects == {"sub-ada"}
    assert service.get_customer("me", ada).id == ADA
    assert service.customer_timeline("me", ada, limit=10)[1].items
    for customer_id in (str(ADA), "me"):  # bob may carry Ada's email in his token: it is no key
        with pytest.raises(CustomerNotFound):
            service.get_customer(customer_id, bob)
        with pytest.raises(CustomerNotFound):
            service.customer_timeline(customer_id, bob, limit=10)
