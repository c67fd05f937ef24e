"""What the support service needs from the outside world, as Protocols (the adapters implement them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page
from tandem.shared.request_keys import KeyRecord
from tandem.support.domain.assistant import Conversation
from tandem.support.domain.csat import CsatRating
from tandem.support.domain.kb import Article, ArticleStatus
from tandem.support.domain.mail_message import Attachment
from tandem.support.domain.mailbox import InboundRecord, OutboundMail, StoredFile
from tandem.support.domain.model import Ticket
from tandem.support.domain.threads import TicketFacts


class TicketRepository(Protocol):
    """Tickets with their thread: read at once (consistently), written by the unit of work's ``commit``."""

    def get(self, ticket_id: UUID) -> Ticket | None: ...
    def facts(self, ticket_id: UUID) -> TicketFacts | None:
        """What threading needs of a ticket, without its messages."""
        ...

    def facts_by_number(self, number: int) -> TicketFacts | None: ...
    def ticket_of_message_id(self, message_id: str) -> UUID | None:
        """The ticket an email Message-ID (inbound or ours) was stored on."""
        ...

    def next_number(self) -> int:
        """The next ticket number; the commit refuses it (a lost race, retried) if another ticket took it."""
        ...

    def last_assigned(self) -> str | None:
        """The agent round-robin gave the latest ticket to (kept with the counter, read by ``next_number``)."""
        ...

    def add(self, ticket: Ticket) -> None:
        """Stage a new ticket, its number (the counter item moves in the same transaction) and messages."""
        ...

    def save(self, ticket: Ticket) -> None:
        """Stage the ticket if nobody changed it since it was read, with the messages it did not have then."""
        ...

    def add_files(self, ticket_id: UUID, message_id: UUID, files: Sequence[StoredFile]) -> None: ...
    def files(self, ticket_id: UUID) -> dict[UUID, tuple[StoredFile, ...]]:
        """The stored files of each message of the ticket."""
        ...

    def list_newest(
        self,
        *,
        limit: int,
        cursor: str | None,
        status: str | None = None,
        priority: str | None = None,
        assignee: str | None = None,
        tag: str | None = None,
    ) -> Page[Ticket]:
        """Newest first, filtered by ``status`` and ``priority``/``assignee``/``tag`` when given."""
        ...

    def sla_watched(self, *, limit: int, cursor: str | None) -> Page[Ticket]:
        """Tickets whose SLA clock may still run (new, open, pending, on_hold), oldest first, without messages."""
        ...

    def csat(self, ticket_id: UUID) -> CsatRating | None:
        """The ticket's rating, if the requester gave one."""
        ...

    def add_csat(self, ticket_id: UUID, rating: CsatRating) -> None:
        """Stage the rating; the commit fails (``CsatAlreadyRecorded``) when the ticket has one."""
        ...

    def list_owned(self, customer_sub: str, *, status: str | None, limit: int, cursor: str | None) -> Page[Ticket]:
        """The tickets a signed-in customer opened (``requester.customer_sub``), newest first."""
        ...


class InboundRepository(Protocol):
    """Inbound deliveries: one record per (mailbox, Message-ID or body hash), the rejected ones listed."""

    def seen(self, mailbox: str, key: str) -> InboundRecord | None: ...
    def add(self, record: InboundRecord) -> None:
        """Stage the record; the commit fails (a duplicate delivery) when the key is already stored."""
        ...

    def rejected(self, *, limit: int, cursor: str | None) -> Page[InboundRecord]: ...
    def mark_undeliverable(self, address: str, *, since: datetime, reason: str) -> None:
        """Stage: nothing more is sent to ``address`` (a permanent delivery failure)."""
        ...

    def undeliverable(self, address: str) -> bool: ...
    def acknowledgements_sent(self, address: str, hour: datetime) -> int: ...
    def count_acknowledgement(self, address: str, hour: datetime, *, seen: int) -> None:
        """Stage the hour's count of acknowledgements to ``address`` as ``seen + 1``."""
        ...


class RequestKeys(Protocol):
    """Idempotency-Key records (tandem.shared.request_keys) of ``POST /tickets``."""

    def get(self, caller: str, key: str) -> KeyRecord | None: ...
    def claim(self, record: KeyRecord, *, now: datetime) -> None: ...


class KbRepository(Protocol):
    """Knowledge-base articles; every staged write also moves the KB's version (what search caches on)."""

    def get(self, article_id: UUID) -> Article | None: ...
    def add(self, article: Article) -> None:
        """Stage a new article (and its published copy when it is published)."""
        ...

    def save(self, article: Article) -> None:
        """Stage the article if nobody wrote it since it was read; its published copy follows its status."""
        ...

    def list_newest(self, *, status: ArticleStatus | None, limit: int, cursor: str | None) -> Page[Article]: ...
    def version(self) -> int:
        """The KB's version: changes with every article write (0 before the first)."""
        ...

    def published(self) -> list[Article]:
        """Every published article (their own partition: no scan, no draft read)."""
        ...


class ConversationRepository(Protocol):
    """The assistant's conversations (kept a day after their latest turn)."""

    def get(self, conversation_id: UUID) -> Conversation | None: ...
    def save(self, conversation: Conversation, at: datetime) -> None:
        """Stage it under its version: the commit fails (ConcurrentConversationUpdate) if it was written since."""
        ...


class UnitOfWork(Protocol):
    @property
    def tickets(self) -> TicketRepository: ...
    @property
    def inbound(self) -> InboundRepository: ...
    @property
    def request_keys(self) -> RequestKeys: ...
    @property
    def surveys(self) -> Surveys: ...
    @property
    def kb(self) -> KbRepository: ...
    @property
    def conversations(self) -> ConversationRepository: ...
    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...  # without a commit: nothing is written
    def record(self, envelope: Envelope[DomainEvent]) -> None: ...
    def commit(self) -> None: ...  # DuplicateDelivery, ConcurrentTicketUpdate


class RawMailStore(Protocol):
    """The raw MIME of every inbound message (stored by SES before anything parses it), and the files."""

    def raw(self, key: str) -> bytes: ...
    def put_file(self, message_id: UUID, attachment: Attachment) -> str:
        """Store one attachment under (message, attachment id); the object key."""
        ...

    def file(self, key: str) -> bytes: ...
    def put_body(self, message_id: UUID, name: str, content: str, content_type: str) -> str:
        """Store one form of a message's body (``text``: the whole text; ``html``: the sanitised HTML); the key."""
        ...


class Surveys(Protocol):
    """Which tickets' requesters got the satisfaction survey: at most once per ticket, ever."""

    def claim(self, ticket_id: UUID, *, to: str, at: datetime) -> None:
        """Stage: the survey goes out now; the commit fails (``SurveyAlreadySent``) when it went out before."""
        ...

    def release(self, ticket_id: UUID, *, at: datetime) -> None:
        """Stage: forget a claim whose mail could not be sent, so the consumer's retry may send it."""
        ...


class AgentRoster(Protocol):
    """Who takes new tickets in turn: the agents' subs in a stable order (empty: nobody, tickets wait)."""

    def agents(self) -> tuple[str, ...]: ...


class Mailer(Protocol):
    def send(self, mail: OutboundMail) -> str:
        """Send ``mail`` as raw MIME with its threading headers; the provider's message id."""
        ...
