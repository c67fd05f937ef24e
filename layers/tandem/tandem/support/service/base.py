"""What every group of support use cases shares: the collaborators ``bootstrap`` gives the service, and the one
way a ticket changes (read, decide, write under its version with its events, retry a lost race)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.errors import TransactionConflict
from tandem.shared.retry import retrying
from tandem.support.domain.errors import ConcurrentTicketUpdate, TicketNumberTaken
from tandem.support.domain.mail_message import MailLimits
from tandem.support.domain.mailbox import ACKNOWLEDGEMENTS_PER_HOUR
from tandem.support.domain.messages import Channel, Requester, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import Priority, next_agent
from tandem.support.domain.sla import SlaSettings
from tandem.support.ports import AgentRoster, Mailer, RawMailStore, UnitOfWork

DEFAULT_CSAT_LINK_BASE = "https://tandem.example/csat"
DEFAULT_TEAM_LEAD_ADDRESS = "support-lead@tandem.example"
ATTEMPTS = 4  # a write that loses a race (version, number) is re-read and re-decided this often
# Inbound mail is asynchronous and every new ticket takes the one gapless number counter, so a burst of mail
# is a queue on that item: `make bench` saw 8 concurrent invocations lose 62 races over 40 messages, and
# with 4 tries ~5 % of messages gave up and waited for Lambda's async retry a minute later (a reply arriving
# meanwhile found no ticket and opened a new one). Nobody waits on this path, so it retries longer.
INBOUND_ATTEMPTS = 12
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MailSettings:
    """The support address (``SupportAddress``: mailbox, sender, Reply-To base, Message-ID domain), the thread
    token secrets (the first signs, all verify), the size limits and the hourly acknowledgement cap."""

    support_address: str
    secrets: Callable[[], tuple[bytes, ...]]
    limits: MailLimits = MailLimits()
    acknowledgements_per_hour: int = ACKNOWLEDGEMENTS_PER_HOUR
    raw_prefix: str = "inbound/"  # the receipt rule's S3 ObjectKeyPrefix
    csat_link_base: str = DEFAULT_CSAT_LINK_BASE  # ``CsatLinkBase``: the survey link is ``<base>/<token>``
    team_lead_address: str = DEFAULT_TEAM_LEAD_ADDRESS  # ``SupportTeamLeadAddress``: told of SLA breaches


class ServiceBase:
    """A unit of work FACTORY (a new one per call), the clock, the mail store, the mailer and the settings."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        store: RawMailStore,
        mailer: Mailer,
        mail: MailSettings,
        sla: SlaSettings | None = None,
        agents: AgentRoster | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.store = store
        self.mailer = mailer
        self.mail = mail
        self.sla = sla or SlaSettings()  # the business calendar and the policies per priority
        self.agents = agents  # round-robin over these; None: new tickets wait unassigned

    def _open(
        self,
        uow: UnitOfWork,
        ticket_id: UUID,
        subject: str,
        first: TicketMessage,
        *,
        requester: Requester,
        channel: Channel,
        priority: Priority = Priority.NORMAL,
        linked_to: UUID | None = None,
        about: str = "",
    ) -> Ticket:
        """THE place a ticket opens, whatever the channel: the next number, ``TicketOpened``, the round-robin
        agent (``TicketAssigned``, no author), the knowledge-base suggestions (``_suggest``, on ``about`` when
        given) — all staged for the caller's one transaction."""
        number = uow.tickets.next_number()
        ticket = Ticket.open(
            ticket_id,
            number,
            subject,
            first,
            requester=requester,
            channel=channel,
            priority=priority,
            linked_to=linked_to,
        )
        agents = self.agents.agents() if self.agents is not None else ()
        agent = next_agent(agents, uow.tickets.last_assigned())
        if agent is not None:
            ticket.assign(agent, first.at)
        self._suggest(ticket, about)
        uow.tickets.add(ticket)
        return ticket

    def _suggest(self, ticket: Ticket, about: str = "") -> None:
        """Attach the articles that fit a new ticket; ``KnowledgeBase`` does it, this base knows no articles."""

    def _record(self, uow: UnitOfWork, events: list[DomainEvent], context: MessageContext) -> None:
        moment = self.clock.now()
        for event in events:
            uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=self.clock.new_id()))

    def _retrying(self, attempt: Callable[[], T], attempts: int = ATTEMPTS) -> T:
        return retrying(
            attempt,
            on=(ConcurrentTicketUpdate, TicketNumberTaken, TransactionConflict),
            attempts=attempts,
            sleep=self.clock.sleep,
        )

    def _secret(self) -> bytes:
        return self.mail.secrets()[0]
