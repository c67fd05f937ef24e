"""SupportSlaCheckFunction and the SLA watch under moto, on a clock the test moves: warnings and breaches once
each, escalation, the pause while pending, a reply meeting the target, paging over the sparse GSI3."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.support.bootstrap import services
from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.service import SupportService

MONDAY = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # 09:30 in Paris (BusinessTimeZone), a working Monday
CTX = MessageContext.fresh()


class Moving:
    def __init__(self) -> None:
        self.at = MONDAY

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def desk(stack, monkeypatch):
    """The support service of SupportSlaCheckFunction's environment, on a clock the test moves."""
    for key, value in stack.environment("SupportSlaCheckFunction").items():
        monkeypatch.setenv(key, value)
    built = services()
    clock = Moving()
    service = SupportService(
        built.uow, Clock(now=clock.now, sleep=lambda _: None), store=built.store, mailer=built.mailer,
        mail=built.mail, sla=built.sla,
    )  # fmt: skip
    service.moving = clock  # type: ignore[attr-defined]
    return service


def _open(service: SupportService, *, priority: Priority = Priority.NORMAL, minutes: int = 0) -> Ticket:
    at = MONDAY + timedelta(minutes=minutes)
    first = TicketMessage(uuid4(), Direction.INBOUND, "ada@example.com", "Broken lid", at, f"<{uuid4()}@ex.com>")
    with service.uow() as uow:
        ticket = Ticket.open(
            uuid4(), uow.tickets.next_number(), "Broken lid", first,
            requester=Requester(email="ada@example.com"), channel=Channel.EMAIL, priority=priority,
        )  # fmt: skip
        uow.tickets.add(ticket)
        uow.commit()
    return ticket


def _sla_events(stack) -> list[tuple[str, dict]]:
    return sorted(
        (i["detail_type"], json.loads(i["detail"])["data"])
        for i in stack.items("SupportTable")
        if i["type"] == "outbox" and i["detail_type"].startswith("TicketSla")
    )


def _at(service, hours: float) -> None:
    service.moving.at = MONDAY + timedelta(hours=hours)


def test_a_warning_and_a_breach_are_raised_once_each_and_the_breach_escalates(stack, desk):
    ticket = _open(desk, priority=Priority.URGENT)  # first response: 1 business hour
    _at(desk, 0.5)
    assert desk.run_sla_check(CTX).warnings == 0
    _at(desk, 0.8)
    warned = desk.run_sla_check(CTX)
    assert (warned.checked, warned.warnings, warned.breaches, warned.complete) == (1, 1, 0, True)
    assert desk.run_sla_check(CTX).warnings == 0  # once
    _at(desk, 1.5)
    breached = desk.run_sla_check(CTX)
    assert (breached.breaches, breached.escalated) == (1, ("T-000001",))
    assert desk.run_sla_check(CTX).breaches == 0
    [(kind_b, breach), (kind_w, warning)] = _sla_events(stack)
    assert (kind_b, kind_w) == ("TicketSlaBreached", "TicketSlaWarning")
    assert breach["target"] == warning["target"] == "first_response" and breach["escalated_to"] == "urgent"
    assert breach["due_at"] == warning["due_at"] == "2026-12-07T09:30:00Z"
    with desk.uow() as uow:
        stored = uow.tickets.get(ticket.id)
    assert stored is not None and stored.sla_breached and stored.priority is Priority.URGENT


def test_a_breach_escalates_normal_to_high_and_the_view_shows_each_target(stack, desk):
    ticket = _open(desk)
    _at(desk, 24 * 2)  # Wednesday: 8 business hours of first response long gone
    assert desk.run_sla_check(CTX).escalated == ("T-000001",)
    with desk.uow() as uow:
        stored = uow.tickets.get(ticket.id)
    assert stored is not None and stored.priority is Priority.HIGH
    state = desk.sla_of(stored)
    first = next(t for t in state.targets if t.target == "first_response")
    assert first.breached and first.remaining < timedelta(0) and first.due_at is not None


def test_the_clock_pauses_while_pending_and_a_reply_meets_the_first_response(stack, desk):
    waiting = _open(desk)
    answered = _open(desk)
    with desk.uow() as uow:
        for ticket_id, change in ((waiting.id, "pending"), (answered.id, "reply")):
            ticket = uow.tickets.get(ticket_id)
            assert ticket is not None
            if change == "pending":
                ticket.change_status(TicketStatus.PENDING, MONDAY + timedelta(minutes=10))
            else:
                reply = TicketMessage(
                    uuid4(), Direction.OUTBOUND, "support@tandem.example", "On it", MONDAY + timedelta(minutes=10),
                    f"<{uuid4()}@tandem.example>", author="agent-1",
                )  # fmt: skip
                ticket.reply(reply)
            uow.tickets.save(ticket)
            uow.commit()
    _at(desk, 24 * 2)
    check = desk.run_sla_check(CTX)
    assert (check.checked, check.warnings, check.breaches) == (2, 0, 0)


def test_solved_tickets_leave_the_index_and_the_batch_pages(stack, desk):
    tickets = [_open(desk, minutes=n) for n in range(5)]
    with desk.uow() as uow:
        ticket = uow.tickets.get(tickets[0].id)
        assert ticket is not None
        ticket.change_status(TicketStatus.SOLVED, MONDAY + timedelta(minutes=30))
        uow.tickets.save(ticket)
        uow.commit()
    _at(desk, 24 * 2)
    check = desk.run_sla_check(CTX, page_size=2)
    assert (check.checked, check.breaches, check.complete) == (4, 4, True)
    assert desk.run_sla_check(CTX, page_size=2, max_tickets=3).complete is False


def test_the_scheduled_function_runs_the_check(stack, sample):
    result = stack.call("SupportSlaCheckFunction", sample("support_sla_check/scheduled_check"))
    assert result == {"checked": 0, "warnings": 0, "breaches": 0, "escalated": [], "complete": True, "skipped": 0}


def test_a_run_that_loses_a_race_re_reads_the_ticket(stack, desk, monkeypatch):
    ticket = _open(desk, priority=Priority.URGENT)
    _at(desk, 1.5)
    original = type(desk)._raise_news
    moved: list[bool] = []

    def racing(self, listed, now, context):  # another writer stores the ticket between the listing and the save
        if not moved:
            moved.append(True)
            with self.uow() as uow:
                current = uow.tickets.get(listed.id)
                current.assign("agent-2", now)
                uow.tickets.save(current)
                uow.commit()
        return original(self, replace(listed), now, context)

    monkeypatch.setattr(type(desk), "_raise_news", racing)
    assert desk.run_sla_check(CTX).breaches == 1
    with desk.uow() as uow:
        stored = uow.tickets.get(ticket.id)
    assert stored is not None and stored.assignee == "agent-2" and stored.sla_breached
