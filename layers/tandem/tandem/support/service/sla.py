"""The SLA watch: the ``sla-check`` batch raises each warning and each breach once, and a breach escalates.

Every five minutes the batch pages through the tickets whose clock may still run (the sparse GSI3: new, open,
pending, on_hold), oldest first, computes where each stands (``sla.sla_state`` over the business calendar) and,
for what is new, stores the ticket with ``TicketSlaWarning``/``TicketSlaBreached`` in one transaction (the
outbox). A ticket changed meanwhile fails its version check and is re-read and re-decided; a ticket still
refused after that is left to the next run, which sees the same facts (nothing is raised twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tandem.shared.correlation import MessageContext
from tandem.shared.errors import TransactionConflict
from tandem.support.domain.errors import ConcurrentTicketUpdate
from tandem.support.domain.model import Ticket
from tandem.support.domain.sla import SlaState
from tandem.support.service.base import ServiceBase

PAGE_SIZE = 200
MAX_TICKETS = 50_000  # one run's bound: ~20 s of state computation; past it the run says it is incomplete


@dataclass(frozen=True, slots=True)
class SlaCheck:
    """What one run did: tickets looked at, events raised, tickets escalated, and whether it saw them all."""

    checked: int
    warnings: int
    breaches: int
    escalated: tuple[str, ...]  # ticket references
    complete: bool
    skipped: int = 0  # lost every race this run: the next run decides them again


class SlaWatch(ServiceBase):
    def sla_of(self, ticket: Ticket, at: datetime | None = None) -> SlaState:
        """Where ``ticket`` stands against its priority's targets now (for the ticket view)."""
        return self.sla.state(ticket.sla_facts(), ticket.priority, at or self.clock.now())

    def run_sla_check(
        self,
        context: MessageContext,
        at: datetime | None = None,
        *,
        page_size: int = PAGE_SIZE,
        max_tickets: int = MAX_TICKETS,
    ) -> SlaCheck:
        """Raise what is new at ``at`` (the schedule's time when the input carries it; else the clock's now)."""
        now = at or self.clock.now()
        checked = warnings = breaches = skipped = 0
        escalated: list[str] = []
        cursor: str | None = None
        while checked < max_tickets:
            with self.uow() as uow:
                page = uow.tickets.sla_watched(limit=min(page_size, max_tickets - checked), cursor=cursor)
            for ticket in page.items:
                checked += 1
                try:
                    raised = self._raise_news(ticket, now, context)
                except (ConcurrentTicketUpdate, TransactionConflict):
                    skipped += 1
                    continue
                if raised is None:
                    continue
                found = [type(e).__name__ for e in raised.events]
                warnings += found.count("TicketSlaWarning")
                breaches += found.count("TicketSlaBreached")
                if "TicketSlaBreached" in found:
                    escalated.append(raised.reference)
            cursor = page.cursor
            if cursor is None:
                return SlaCheck(checked, warnings, breaches, tuple(escalated), complete=True, skipped=skipped)
        return SlaCheck(checked, warnings, breaches, tuple(escalated), complete=False, skipped=skipped)

    def _raise_news(self, listed: Ticket, now: datetime, context: MessageContext) -> Ticket | None:
        """Store ``listed`` with its new SLA events (None: nothing new). The listing's copy is tried first (no
        extra read for the many tickets with nothing new); a lost race re-reads it consistently."""
        first = [listed]

        def attempt() -> Ticket | None:
            with self.uow() as uow:
                ticket = first.pop() if first else uow.tickets.get(listed.id)
                if ticket is None or not ticket.record_sla(self.sla_of(ticket, now), now):
                    return None
                uow.tickets.save(ticket)
                self._record(uow, ticket.events, context)
                uow.commit()
            return ticket

        return self._retrying(attempt)
