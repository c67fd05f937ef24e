"""The Ticket aggregate: a conversation with one requester, its status, and who works on it.

Statuses (``rules.TRANSITIONS``)::

    new ──► open ◄──► pending ◄──► on_hold      every one of them ──► solved ──► closed
     │        ▲                                  solved ──► open (the requester wrote again)
     └────────┴── any status but closed ──► closed  (final: a reply opens a new ticket, ``linked_to`` it)

A message from the requester reopens a ``pending`` or ``solved`` ticket; an out-of-office reply is appended
and changes nothing. A merged ticket is closed with ``merged_into`` set; threading follows that link.
``version`` is the stored item's version (optimistic locking); ``events`` the unit of work turns into
outbox items. Methods that change state return True, False for an idempotent repeat, and raise when refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from tandem.shared.envelope import DomainEvent
from tandem.support.domain import rules
from tandem.support.domain.errors import InvalidTicketTransition, MergeRefused, TicketClosed, TicketMerged
from tandem.support.domain.events import (
    TicketAssigned,
    TicketMessageReceived,
    TicketOpened,
    TicketReplied,
    TicketSlaBreached,
    TicketSlaWarning,
    TicketStatusChanged,
)
from tandem.support.domain.events import TicketMerged as TicketMergedEvent
from tandem.support.domain.kb import KbSuggestion
from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage, reply_threading
from tandem.support.domain.numbering import format_ticket_number
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.domain.sla import SlaFacts, SlaState, SlaTarget, escalated, news
from tandem.support.domain.sla_clock import StatusChange


@dataclass
class Ticket:
    id: UUID
    number: int
    subject: str
    requester: Requester
    channel: Channel
    opened_at: datetime
    status: TicketStatus = TicketStatus.NEW
    priority: Priority = Priority.NORMAL
    assignee: str | None = None
    tags: frozenset[str] = frozenset()
    ccs: frozenset[str] = frozenset()  # normalised addresses (rules.normalized_email)
    messages: list[TicketMessage] = field(default_factory=list)
    # (since, status): the SLA clock pauses over the pending and on_hold stretches of this history
    status_history: list[tuple[datetime, TicketStatus]] = field(default_factory=list)
    merged_into: UUID | None = None
    linked_to: UUID | None = None  # the closed ticket this one continues
    # What the SLA needs besides the history (docs/support-desk.md "SLAs wired"): our first reply, the oldest
    # requester message still unanswered after our last reply, and the warnings/breaches already raised.
    first_replied_at: datetime | None = None
    awaiting_reply_since: datetime | None = None
    sla_warned: frozenset[SlaTarget] = frozenset()
    sla_breached: frozenset[SlaTarget] = frozenset()
    # The knowledge-base articles that fitted the ticket when it opened, best first (shown to agents only).
    kb_suggestions: tuple[KbSuggestion, ...] = ()
    version: int = 0  # 0: never stored
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open(
        cls,
        ticket_id: UUID,
        number: int,
        subject: str,
        first: TicketMessage,
        *,
        requester: Requester,
        channel: Channel,
        priority: Priority = Priority.NORMAL,
        linked_to: UUID | None = None,
    ) -> Ticket:
        """A new ticket with its first message; ``number`` comes from the adapter's gapless counter."""
        ticket = cls(ticket_id, number, subject, requester, channel, first.at, priority=priority, linked_to=linked_to)
        ticket.messages.append(first)
        ticket.status_history.append((first.at, TicketStatus.NEW))
        ticket.events.append(
            TicketOpened(
                ticket_id=ticket_id,
                number=ticket.reference,
                subject=subject,
                requester_email=requester.email,
                requester_sub=requester.customer_sub,
                channel=channel.value,
                priority=priority.value,
                opened_at=first.at,
                linked_to=linked_to,
                excerpt=rules.excerpt(first.body_text),
            )
        )
        return ticket

    @property
    def reference(self) -> str:
        return format_ticket_number(self.number)

    def _knows(self, message: TicketMessage) -> bool:
        return any(m.id == message.id for m in self.messages) or self.has_message(message.message_id)

    def receive(self, message: TicketMessage) -> bool:
        """The customer's side wrote: appended (its sender becomes a CC if not the requester); a pending or
        solved ticket reopens unless it is an out-of-office reply. False for a message already here."""
        if message.direction is not Direction.INBOUND:
            raise ValueError("receive takes inbound messages")
        if self._knows(message):
            return False
        self._refuse_if_final()
        self.messages.append(message)
        if not self.is_party(message.sender):
            self.ccs = self.ccs | {rules.normalized_email(message.sender)}
        if not message.auto_reply and self.awaiting_reply_since is None:
            self.awaiting_reply_since = message.at
        self.events.append(
            TicketMessageReceived(
                ticket_id=self.id,
                number=self.reference,
                message_id=message.id,
                from_email=message.sender,
                received_at=message.at,
                auto_reply=message.auto_reply,
                excerpt=rules.excerpt(message.body_text),
                requester_email=self.requester.email,
            )
        )
        if not message.auto_reply and self.status in rules.REOPENED_BY_REQUESTER:
            self._move(TicketStatus.OPEN, message.at)
        return True

    def reply(self, message: TicketMessage, then: TicketStatus | None = None) -> bool:
        """An agent's answer (emailed to the requester with ``message.message_id``); the ticket moves to
        ``then``, or from new to open when not told."""
        if message.direction is not Direction.OUTBOUND or not message.message_id or not message.author:
            raise ValueError("reply takes outbound messages with a Message-ID and an author")
        if self._knows(message):
            return False
        self._refuse_if_final()
        threading = reply_threading(self.messages)
        self.messages.append(message)
        self._answered(message.at)
        self.events.append(
            TicketReplied(
                ticket_id=self.id,
                number=self.reference,
                message_id=message.id,
                email_message_id=message.message_id,
                in_reply_to=threading.in_reply_to,
                to_email=self.requester.email,
                replied_by=message.author,
                replied_at=message.at,
                excerpt=rules.excerpt(message.body_text),
                requester_email=self.requester.email,
            )
        )
        target = then or (TicketStatus.OPEN if self.status is TicketStatus.NEW else self.status)
        if target is not self.status:
            if not rules.may_move(self.status, target):
                raise InvalidTicketTransition(details={"ticket_id": str(self.id), "from": self.status, "to": target})
            self._move(target, message.at)
        return True

    def add_note(self, message: TicketMessage) -> bool:
        """An internal note: never emailed, no event; allowed on a closed ticket (what happened after)."""
        if message.direction is not Direction.NOTE:
            raise ValueError("add_note takes notes")
        if self._knows(message):
            return False
        if self.merged_into is not None:
            raise TicketMerged(details={"ticket_id": str(self.id), "merged_into": str(self.merged_into)})
        self.messages.append(message)
        return True

    def _answered(self, at: datetime) -> None:
        """Our reply meets the first-response target (once) and the pending next response; the next one
        starts a new cycle, so its warning and breach may be raised again."""
        self.first_replied_at = self.first_replied_at or at
        self.awaiting_reply_since = None
        self.sla_warned = self.sla_warned - {SlaTarget.NEXT_RESPONSE}
        self.sla_breached = self.sla_breached - {SlaTarget.NEXT_RESPONSE}

    def sla_facts(self) -> SlaFacts:
        """What ``sla.sla_state`` reads: the history, our first reply, what waits for an answer, and when the
        ticket was solved (the latest move to solved/closed; None once reopened)."""
        history = [StatusChange(status, at) for at, status in self.status_history]
        done = history[-1].at if history and history[-1].status in rules.SLA_STOPPED else None
        return SlaFacts(
            opened_at=self.opened_at,
            history=history,
            first_replied_at=self.first_replied_at,
            awaiting_reply_since=self.awaiting_reply_since,
            solved_at=done,
        )

    def record_sla(self, state: SlaState, at: datetime) -> bool:
        """Raise what ``state`` shows that was not raised yet: one ``TicketSlaWarning`` per target warned, one
        ``TicketSlaBreached`` per target breached. New breaches escalate the priority one step (once per
        check, whatever the number of targets breached). False when there is nothing new."""
        if self.merged_into is not None or self.status in rules.SLA_STOPPED:
            return False
        found = news(state, self.sla_warned, self.sla_breached)
        if not found.warnings and not found.breaches:
            return False
        due = {t.target: t.due_at for t in state.targets}
        for target in sorted(found.warnings):
            self.events.append(
                TicketSlaWarning(
                    ticket_id=self.id,
                    number=self.reference,
                    target=target.value,
                    priority=self.priority.value,
                    due_at=due[target],
                    warned_at=at,
                    assignee=self.assignee,
                )
            )
        before = self.priority
        if found.breaches:
            self.priority = escalated(before)
        for target in sorted(found.breaches):
            self.events.append(
                TicketSlaBreached(
                    ticket_id=self.id,
                    number=self.reference,
                    target=target.value,
                    priority=before.value,
                    escalated_to=self.priority.value,
                    due_at=due[target] or at,
                    breached_at=at,
                    assignee=self.assignee,
                    requester_email=self.requester.email,
                )
            )
        self.sla_warned = self.sla_warned | found.warnings
        self.sla_breached = self.sla_breached | found.breaches
        return True

    def _refuse_if_final(self) -> None:
        if self.merged_into is not None:
            raise TicketMerged(details={"ticket_id": str(self.id), "merged_into": str(self.merged_into)})
        if self.status is TicketStatus.CLOSED:
            raise TicketClosed(details={"ticket_id": str(self.id)})

    def _move(self, to: TicketStatus, at: datetime) -> None:
        frm = self.status
        self.status = to
        self.status_history.append((at, to))
        self.events.append(
            TicketStatusChanged(
                ticket_id=self.id,
                number=self.reference,
                from_status=frm.value,
                to_status=to.value,
                changed_at=at,
                requester_email=self.requester.email,
            )
        )

    def change_status(self, to: TicketStatus, at: datetime) -> bool:
        """An agent's move; False when the ticket already has that status."""
        if to is self.status:
            return False
        self._refuse_if_final()
        if not rules.may_move(self.status, to):
            raise InvalidTicketTransition(details={"ticket_id": str(self.id), "from": self.status, "to": to})
        self._move(to, at)
        return True

    def change_priority(self, to: Priority) -> bool:
        if to is self.priority:
            return False
        self._refuse_if_final()
        self.priority = to
        return True

    def assign(self, agent: str | None, at: datetime) -> bool:
        """Give the ticket to ``agent`` (a sub), or to nobody with None."""
        if agent == self.assignee:
            return False
        self._refuse_if_final()
        previous, self.assignee = self.assignee, agent
        self.events.append(
            TicketAssigned(
                ticket_id=self.id, number=self.reference, assignee=agent, previous_assignee=previous, assigned_at=at
            )
        )
        return True

    def retag(self, tags: frozenset[str]) -> bool:
        if tags == self.tags:
            return False
        self._refuse_if_final()
        self.tags = tags
        return True

    def is_party(self, address: str) -> bool:
        """The requester or a CC: who may thread a reply by quoting the ticket's reference in a subject."""
        wanted = rules.normalized_email(address)
        return wanted == rules.normalized_email(self.requester.email) or wanted in self.ccs

    def has_message(self, message_id: str | None) -> bool:
        return message_id is not None and any(m.message_id == message_id for m in self.messages)

    def merge_into(self, target: Ticket, at: datetime) -> bool:
        """Close this ticket into ``target``: its requester and CCs become CCs there, so their replies that
        quote either reference still thread. Refused into itself, into a merged or closed ticket."""
        if self.merged_into == target.id:
            return False
        if target.id == self.id or target.merged_into is not None or target.status is TicketStatus.CLOSED:
            raise MergeRefused(details={"ticket_id": str(self.id), "into": str(target.id)})
        self._refuse_if_final()
        target.ccs = (target.ccs | self.ccs | {rules.normalized_email(self.requester.email)}) - {
            rules.normalized_email(target.requester.email)
        }
        self.merged_into = target.id
        self._move(TicketStatus.CLOSED, at)
        self.events.append(
            TicketMergedEvent(
                ticket_id=self.id,
                number=self.reference,
                merged_into=target.id,
                merged_into_number=target.reference,
                merged_at=at,
                requester_email=self.requester.email,
            )
        )
        return True
