"""Capturing a lead: rules, bot trap, duplicates, events (service with in-memory fakes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from tandem.crm.leads.domain.commands import AcknowledgeLead, CaptureLead
from tandem.crm.leads.domain.errors import ConcurrentSubmission, DuplicateSubmission, InvalidLead, LeadNotFound
from tandem.crm.leads.domain.model import Acknowledgement, Lead
from tandem.crm.leads.domain.rules import submission_fingerprint
from tandem.crm.leads.service import LeadsService
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import http_status
from tandem.shared.paging import Page

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CTX = MessageContext("corr", "req")


class FakeLeads(dict):
    """Committed leads by id (``get`` is the repository's); ``add`` collects into the unit of work."""

    def __init__(self, uow: FakeLeadUnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    def add(self, lead):
        self.uow._pending.append(("lead", lead, lead.dedup_until, lead.created_at))

    def list_newest(self, limit, cursor):
        return Page(items=sorted(self.values(), key=lambda lead: lead.created_at, reverse=True)[:limit])


class FakeLeadUnitOfWork:
    """Keeps committed leads, dedup claims and outbox envelopes in dicts."""

    def __init__(self) -> None:
        self.leads: dict[UUID, Lead] = FakeLeads(self)
        self.claims: dict[str, tuple[UUID, datetime]] = {}
        self.outbox: list = []
        self.transactions = 0
        self._pending: list = []

    def __enter__(self):
        self._pending = []
        return self

    def __exit__(self, *exc_info):
        self._pending = []

    def record(self, envelope):
        self._pending.append(("event", envelope))

    def commit(self):
        for entry in self._pending:
            if entry[0] == "lead":
                _, lead, until, now = entry
                claim = self.claims.get(lead.fingerprint)
                if claim and claim[1] > now:
                    raise DuplicateSubmission(claim[0])
        self.transactions += 1
        for entry in self._pending:
            if entry[0] == "lead":
                self.leads[entry[1].id] = entry[1]
                self.claims[entry[1].fingerprint] = (entry[1].id, entry[2])
            else:
                self.outbox.append(entry[1])
        self._pending = []


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[Acknowledgement] = []

    def send(self, message: Acknowledgement) -> str:
        self.sent.append(message)
        return f"m{len(self.sent)}"


def _command(**overrides) -> CaptureLead:
    fields = {"name": "Ada Lovelace", "email": "Ada@Example.com", "message": "Need a quote", "consent": True}
    return CaptureLead(**{**fields, **overrides})


def _service(uow=None, *, at=NOW, sleep=lambda _: None, mailer=None, quota=None) -> LeadsService:
    uow = uow or FakeLeadUnitOfWork()
    return LeadsService(
        lambda: uow, Clock(now=lambda: at, sleep=sleep), mailer=mailer or FakeMailer(), quota=quota or FakeQuota()
    )


def _capture(uow, command=None, at=NOW):
    return _service(uow, at=at).capture_lead(command or _command(), CTX)


def test_a_submission_becomes_a_lead_and_one_lead_captured_event_in_one_transaction():
    uow = FakeLeadUnitOfWork()
    result = _capture(uow)

    assert result.stored
    assert uow.transactions == 1
    [envelope] = uow.outbox
    assert envelope.data.lead_id == result.lead_id
    assert envelope.metadata.correlation_id == "corr" and envelope.metadata.causation_id == "req"
    assert envelope.metadata.event_id != result.lead_id


def test_a_filled_honeypot_gets_an_id_but_nothing_is_stored():
    uow = FakeLeadUnitOfWork()
    result = _capture(uow, _command(honeypot="http://spam.example"))
    assert isinstance(result.lead_id, UUID) and not result.stored
    assert uow.transactions == 0 and uow.leads == {}


def test_the_same_email_and_message_within_ten_minutes_is_the_same_lead():
    uow = FakeLeadUnitOfWork()
    first = _capture(uow)
    same = _command(email="ada@example.com ", message="need   a QUOTE")
    again = _capture(uow, same, at=NOW + timedelta(minutes=9))
    assert again.lead_id == first.lead_id and not again.stored
    assert len(uow.leads) == 1 and len(uow.outbox) == 1


def test_after_ten_minutes_or_with_another_message_it_is_a_new_lead():
    uow = FakeLeadUnitOfWork()
    first = _capture(uow)
    other = _capture(uow, _command(message="Something else"))
    later = _capture(uow, at=NOW + timedelta(minutes=11))
    assert len({first.lead_id, other.lead_id, later.lead_id}) == 3


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "<b>Ada</b>", "must not contain HTML markup"),
        ("message", "hi <script>alert(1)</script>", "must not contain HTML markup"),
        ("name", "Ada\nBcc: x@example.com", "must be a single line"),
        ("email", "not-an-email", "must be a valid email address"),
        ("name", "   ", "must not be empty"),
    ],
)
def test_the_domain_refuses_what_the_form_refuses(field, value, message):
    with pytest.raises(InvalidLead) as refused:
        _command(**{field: value})
    assert {"field": field, "message": message} in refused.value.details


def test_harmless_angle_brackets_are_allowed():
    assert _command(message="x < y and I <3 Tandem").message


def test_fingerprint_ignores_case_and_spacing_of_email_and_message():
    assert submission_fingerprint("A@B.com", "Hello  World") == submission_fingerprint("a@b.com ", "hello world")


def test_a_missing_or_malformed_lead_id_is_not_found():
    empty = _service(FakeLeadUnitOfWork())

    with pytest.raises(LeadNotFound):
        empty.get_lead(str(uuid4()))
    with pytest.raises(LeadNotFound):
        empty.get_lead("../../etc/passwd")


class FakeQuota:
    """Counts per (address key, day) like the DynamoDB counter item."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, object], int] = {}

    def take(self, email, day, *, limit):
        key = (submission_fingerprint(email, ""), day)
        if self.counts.get(key, 0) >= limit:
            return False
        self.counts[key] = self.counts.get(key, 0) + 1
        return True


def _acknowledge(event, mailer, quota, at=NOW):
    return _service(at=at, mailer=mailer, quota=quota).acknowledge_lead(AcknowledgeLead.of(event))


def test_the_acknowledgement_has_a_constant_subject_and_a_plain_text_body_with_the_name():
    uow, mailer = FakeLeadUnitOfWork(), FakeMailer()
    _capture(uow, _command(name="Ada Visit-cheap-pills.example Lovelace"))
    result = _acknowledge(uow.outbox[0].data, mailer, FakeQuota())
    [mail] = mailer.sent
    assert result.sent and result.message_id == "m1"
    assert mail.to == "Ada@Example.com" and mail.subject == "We received your message"
    assert "pills" not in mail.subject
    assert "Hello Ada Visit-cheap-pills.example Lovelace" in mail.text and "Need a quote" not in mail.text


def test_an_address_gets_at_most_three_acknowledgements_per_utc_day():
    uow, mailer, quota = FakeLeadUnitOfWork(), FakeMailer(), FakeQuota()
    for n in range(4):
        _capture(uow, _command(message=f"Question {n}"))
    events = [envelope.data for envelope in uow.outbox]
    results = [_acknowledge(event, mailer, quota) for event in events]
    assert [r.sent for r in results] == [True, True, True, False]
    assert len(mailer.sent) == 3 and results[3].message_id is None
    tomorrow = _acknowledge(events[3], mailer, quota, at=NOW + timedelta(days=1))
    assert tomorrow.sent


def test_the_acknowledgement_is_sent_without_marketing_consent():
    uow, mailer = FakeLeadUnitOfWork(), FakeMailer()
    _capture(uow, _command(consent=False))
    assert _acknowledge(uow.outbox[0].data, mailer, FakeQuota()).sent


class ConflictOnceUnitOfWork(FakeLeadUnitOfWork):
    """The first commit loses a race: an identical submission commits first, ours is cancelled."""

    def __init__(self, rival: Lead | None = None, conflicts: int = 1) -> None:
        super().__init__()
        self.rival, self.conflicts, self.attempts = rival, conflicts, 0

    def commit(self):
        self.attempts += 1
        if self.attempts <= self.conflicts:
            if self.rival is not None:
                self.leads[self.rival.id] = self.rival
                self.claims[self.rival.fingerprint] = (self.rival.id, NOW + timedelta(minutes=10))
            raise ConcurrentSubmission()
        super().commit()


def test_a_transaction_conflict_is_retried_once_and_returns_the_rivals_lead_id():
    rival = Lead.capture(_command(), lead_id=uuid4(), now=NOW)
    uow, pauses = ConflictOnceUnitOfWork(rival), []

    result = _service(uow, sleep=pauses.append).capture_lead(_command(), CTX)

    assert (result.lead_id, result.stored) == (rival.id, False)
    assert uow.attempts == 2 and len(pauses) == 1 and 0 < pauses[0] <= 0.1
    assert uow.outbox == []


def test_a_conflict_with_something_else_stores_our_lead_on_the_retry():
    uow = ConflictOnceUnitOfWork()
    result = _service(uow).capture_lead(_command(), CTX)
    assert result.stored and list(uow.leads) == [result.lead_id] and len(uow.outbox) == 1


def test_a_second_conflict_in_a_row_is_a_409_conflict():
    uow = ConflictOnceUnitOfWork(conflicts=2)
    with pytest.raises(ConcurrentSubmission) as raised:
        _service(uow).capture_lead(_command(), CTX)
    assert http_status(raised.value) == 409 and uow.attempts == 2


@pytest.mark.parametrize(
    "overrides",
    [{"name": "Ada\r\nBcc: everyone@example.com"}, {"email": "ada@example.com\r\nBcc: everyone@example.com"}],
)
def test_an_event_with_header_breaking_text_is_never_mailed(overrides):
    uow = FakeLeadUnitOfWork()
    _capture(uow)
    event = uow.outbox[0].data.model_copy(update=overrides)
    mailer, quota = FakeMailer(), FakeQuota()
    with pytest.raises(ValueError):
        _acknowledge(event, mailer, quota)
    assert mailer.sent == [] and quota.counts == {}
