"""Commands the support context accepts (imperative names, one use case each). The service that handles
them, and the HTTP models that build them, come with the wiring (docs/support-desk.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tandem.support.domain.assistant import Turn
from tandem.support.domain.kb import ArticleStatus, KbLanguage
from tandem.support.domain.messages import Channel, Requester
from tandem.support.domain.rules import Priority, TicketStatus


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """From the web form, the app or the assistant (email opens tickets through ``resolve_thread``)."""

    subject: str
    body_text: str
    requester: Requester
    channel: Channel
    priority: Priority = Priority.NORMAL
    honeypot: str = ""  # the web form's hidden field: anything in it was typed by a bot, nothing is stored
    about: str = ""  # what the KB suggestions look for; empty: the subject and the first message


@dataclass(frozen=True, slots=True)
class ReplyToTicket:
    ticket_id: UUID
    body_text: str
    then: TicketStatus | None = None  # the status after the reply; None: new becomes open, others stay
    attachment_ids: tuple[str, ...] = ()
    canned: str | None = None  # a name of ``canned.STANDARD_REPLIES``: rendered for the ticket, ``body_text`` unused


@dataclass(frozen=True, slots=True)
class AddNote:
    ticket_id: UUID
    body_text: str


@dataclass(frozen=True, slots=True)
class UpdateTicket:
    """``PATCH /tickets/{id}``: only what is given changes (``assignee=""`` unassigns)."""

    ticket_id: UUID
    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: str | None = None
    tags: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class TicketQuery:
    """``GET /tickets`` for the desk: each filter given must match (``tag``: one of the ticket's tags)."""

    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: str | None = None
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class MergeTicket:
    ticket_id: UUID
    into: UUID


@dataclass(frozen=True, slots=True)
class ReceiveEmail:
    """SES stored a message (``<raw prefix><ses_message_id>`` in the inbound-mail bucket) for ``recipients``
    (the envelope recipients the receipt rule accepted)."""

    ses_message_id: str
    recipients: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SendSurvey:
    """A ticket was solved: its requester gets the satisfaction survey, once per ticket ever."""

    ticket_id: UUID


@dataclass(frozen=True, slots=True)
class RecordCsat:
    """``POST /csat/{token}``: the survey link's token, a rating 1..5 and an optional comment."""

    token: str
    rating: int
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class TellTeamLead:
    """An SLA target was breached (``TicketSlaBreached``): the team lead gets a plain-text note of it."""

    ticket_id: UUID
    number: str
    target: str
    priority: str
    escalated_to: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class WriteArticle:
    """``POST /kb/articles``: a new knowledge-base article (a draft unless ``status`` says otherwise)."""

    title: str
    body: str
    status: ArticleStatus = ArticleStatus.DRAFT
    tags: frozenset[str] = frozenset()
    language: KbLanguage = KbLanguage.EN


@dataclass(frozen=True, slots=True)
class EditArticle:
    """``PATCH /kb/articles/{id}``: only what is given changes; ``expected_version`` (the ``version`` the
    editor read) refuses the edit with 409 when someone wrote since."""

    article_id: UUID
    title: str | None = None
    body: str | None = None
    status: ArticleStatus | None = None
    tags: frozenset[str] | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class AskAssistant:
    """``POST /assistant/ask``: a question, the conversation it continues (``conversation_id``, else the
    client's ``history`` of a chat that has none yet), whom to answer if it becomes a ticket, and whether
    the person asked for a human."""

    question: str
    conversation_id: UUID | None = None
    history: tuple[Turn, ...] = ()
    name: str | None = None
    email: str | None = None
    human: bool = False
