"""Request and response models of the support API (the edge; the domain never sees them)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tandem.shared import request_keys, text
from tandem.shared.auth import Identity
from tandem.shared.errors import ValidationFailed
from tandem.shared.openapi import ItemsPage
from tandem.shared.paging import Page
from tandem.shared.request_keys import Reply
from tandem.shared.text import MultiLine, SingleLine
from tandem.support.domain.assistant import MAX_TURNS, QUESTION_MAX, AnswerType, HandoffReason, Role, Turn
from tandem.support.domain.commands import AskAssistant, EditArticle, OpenTicket, RecordCsat, UpdateTicket, WriteArticle
from tandem.support.domain.csat import COMMENT_MAX, CsatRating
from tandem.support.domain.errors import EmailNotVerified
from tandem.support.domain.kb import BODY_MAX, TITLE_MAX, Article, ArticleStatus, KbLanguage, KbSuggestion
from tandem.support.domain.kb_search import Passage
from tandem.support.domain.mail_body import resolve_cid_references
from tandem.support.domain.mailbox import InboundRecord, StoredFile
from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.domain.sla import TargetState
from tandem.support.service import AssistantAnswer, MessageBody, TicketThread

REPLY_MAX = 20_000
ReplyStatus = Literal["open", "pending", "on_hold", "solved"]


AGENT_SUB = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$"  # an agent's token ``sub`` (a Cognito sub is a UUID)
TAG = r"^[a-z0-9][a-z0-9_-]{0,31}$"
TAGS_MAX = 20
NOTE_MAX = 20_000
CannedName = Literal["received", "need_details", "solved"]  # canned.STANDARD_REPLIES


class ReplyRequest(BaseModel):
    """An agent's answer, emailed to the requester: their own text (``body_text``) or a saved answer
    (``canned``, its placeholders filled for the ticket), exactly one; ``then`` is the ticket's status
    afterwards."""

    body_text: Annotated[str, MultiLine(REPLY_MAX)] | None = None
    canned: CannedName | None = Field(default=None, description="A canned reply, rendered for this ticket")
    then: ReplyStatus | None = Field(default=None, description="The status after the reply; default: new -> open")

    @model_validator(mode="after")
    def _one_body(self) -> ReplyRequest:
        if (self.body_text is None) == (self.canned is None):
            raise ValueError("give exactly one of body_text and canned")
        if self.body_text is not None and not self.body_text:
            raise ValueError("body_text is empty")
        return self


class TicketPatch(BaseModel):
    """``PATCH /tickets/{id}``: only the fields given change. ``assignee: null`` unassigns; ``tags`` replaces
    the whole set. The status moves only along the ticket's transitions (409 otherwise)."""

    model_config = ConfigDict(extra="forbid")

    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: Annotated[str | None, Field(pattern=AGENT_SUB, description="An agent's sub; null unassigns")] = None
    tags: Annotated[list[Annotated[str, Field(pattern=TAG)]] | None, Field(max_length=TAGS_MAX)] = None

    @model_validator(mode="after")
    def _something(self) -> TicketPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one of status, priority, assignee, tags")
        for name in ("status", "priority", "tags"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def to_command(self, ticket_id: UUID) -> UpdateTicket:
        given = self.model_fields_set
        return UpdateTicket(
            ticket_id=ticket_id,
            status=self.status,
            priority=self.priority,
            assignee=(self.assignee or "") if "assignee" in given else None,
            tags=frozenset(self.tags) if self.tags is not None else None,
        )


class NoteRequest(BaseModel):
    """An internal note: stored on the thread for agents, never emailed, never shown to the customer."""

    body_text: Annotated[str, MultiLine(NOTE_MAX)]


class MergeRequest(BaseModel):
    """Merge this ticket into ``into``, the ticket that survives."""

    into: UUID


def attachment_path(ticket_id: UUID, message_id: UUID, file_id: str) -> str:
    return f"/tickets/{ticket_id}/messages/{message_id}/attachments/{file_id}"


class AttachmentView(BaseModel):
    id: str = Field(description="a1, a2… in the message's MIME order")
    filename: str
    content_type: str
    size: int
    inline: bool
    download: str = Field(description="Path of GET /tickets/{id}/messages/{message_id}/attachments/{attachment_id}")

    @classmethod
    def of(cls, ticket_id: UUID, message_id: UUID, stored: StoredFile) -> AttachmentView:
        return cls(
            id=stored.id,
            filename=stored.filename,
            content_type=stored.content_type,
            size=stored.size,
            inline=stored.inline,
            download=attachment_path(ticket_id, message_id, stored.id),
        )


class TicketMessageView(BaseModel):
    id: UUID
    direction: Direction
    from_: str = Field(alias="from", serialization_alias="from")
    body_text: str
    at: datetime
    message_id: str | None = Field(description="The email Message-ID; none for notes and forms")
    auto_reply: bool
    attachments: list[AttachmentView]
    body_truncated: bool = Field(
        description="True: body_text is the first 100 KB of what the person wrote; the rest is at `body`"
    )
    body: str | None = Field(
        description="Path of GET /tickets/{id}/messages/{message_id}/body: the whole text (quoted history "
        "included) and the sanitised HTML; null when body_text is all there is"
    )

    @classmethod
    def of(cls, ticket_id: UUID, message: TicketMessage, files: tuple[StoredFile, ...]) -> TicketMessageView:
        return cls.model_validate(
            {
                "id": message.id,
                "direction": message.direction,
                "from": message.sender,
                "body_text": message.body_text,
                "at": message.at,
                "message_id": message.message_id,
                "auto_reply": message.auto_reply,
                "attachments": [AttachmentView.of(ticket_id, message.id, f) for f in files],
                "body_truncated": message.body_truncated,
                "body": f"/tickets/{ticket_id}/messages/{message.id}/body"
                if message.body_key or message.html_key
                else None,
            }
        )


class MessageBodyView(BaseModel):
    """A message in full. ``html`` is the sender's HTML after sanitising (no scripts, styles, handlers, forms or
    remote images), with each inline image's ``cid:`` replaced by its attachment's download path; render it in a
    sandboxed iframe and fetch those paths with the token, as for any attachment."""

    id: UUID
    text: str = Field(description="The whole text: what the person wrote, quoted history and signature included")
    html: str | None = Field(description="The sanitised HTML body, or null for a plain-text message")

    @classmethod
    def of(cls, body: MessageBody) -> MessageBodyView:
        targets = {
            f.content_id.strip("<>").lower(): attachment_path(body.ticket_id, body.message.id, f.id)
            for f in body.files
            if f.content_id
        }
        html = resolve_cid_references(body.html, targets) if body.html is not None else None
        return cls(id=body.message.id, text=body.text, html=html)


class TicketSummaryView(BaseModel):
    id: UUID
    number: str = Field(examples=["T-000123"])
    subject: str
    requester_email: str
    channel: Channel
    status: TicketStatus
    priority: Priority
    assignee: str | None
    opened_at: datetime

    @classmethod
    def fields_of(cls, ticket: Ticket) -> dict[str, object]:
        return {
            "id": ticket.id,
            "number": ticket.reference,
            "subject": ticket.subject,
            "requester_email": ticket.requester.email,
            "channel": ticket.channel,
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee": ticket.assignee,
            "opened_at": ticket.opened_at,
        }

    @classmethod
    def of(cls, ticket: Ticket) -> TicketSummaryView:
        return cls.model_validate(cls.fields_of(ticket))


class SlaTargetView(BaseModel):
    """One SLA target of the ticket's priority, in business time (``SupportHours``, holidays, paused while
    pending or on hold)."""

    target: Literal["first_response", "next_response", "resolution"]
    goal_minutes: int = Field(description="The target, in business minutes")
    due_at: datetime | None = Field(description="When it is due; null while the clock is paused or stopped")
    warn_at: datetime | None
    remaining_minutes: int = Field(description="Business minutes left; negative: overdue by that much")
    met_at: datetime | None = Field(description="When it was met (the reply, the solve); null while open")
    warned: bool
    breached: bool

    @classmethod
    def of(cls, state: TargetState, recorded_breach: bool = False) -> SlaTargetView:
        return cls(
            target=state.target.value,
            goal_minutes=int(state.goal.total_seconds() // 60),
            due_at=state.due_at,
            warn_at=state.warn_at,
            remaining_minutes=int(state.remaining.total_seconds() // 60),
            met_at=state.met_at,
            warned=state.warned,
            breached=state.breached or recorded_breach,  # raised once stays breached (e.g. after escalation)
        )


class CsatView(BaseModel):
    """A ticket's satisfaction rating, as its requester gave it from the survey link."""

    rating: int = Field(ge=1, le=5)
    comment: str | None
    at: datetime

    @classmethod
    def of(cls, rating: CsatRating) -> CsatView:
        return cls(rating=rating.rating, comment=rating.comment, at=rating.at)


class KbSuggestionView(BaseModel):
    """A knowledge-base article that fitted the ticket when it opened."""

    article_id: UUID
    title: str
    score: float = Field(description="Its BM25 score for the ticket's subject and first message")

    @classmethod
    def of(cls, suggestion: KbSuggestion) -> KbSuggestionView:
        return cls(article_id=suggestion.article_id, title=suggestion.title, score=suggestion.score)


class TicketView(TicketSummaryView):
    ccs: list[str]
    tags: list[str]
    merged_into: UUID | None
    linked_to: UUID | None
    messages: list[TicketMessageView]
    sla: list[SlaTargetView] = Field(
        default_factory=list, description="Each SLA target: due, remaining, breached (agents only; empty for customers)"
    )
    csat: CsatView | None = Field(default=None, description="The requester's satisfaction rating (agents only)")
    kb_suggestions: list[KbSuggestionView] = Field(
        default_factory=list,
        description="Up to 3 published articles that fitted the ticket when it opened (agents only; empty for "
        "customers)",
    )

    @classmethod
    def of_thread(cls, thread: TicketThread) -> TicketView:
        ticket = thread.ticket
        return cls.model_validate(
            {
                **TicketSummaryView.fields_of(ticket),
                "ccs": sorted(ticket.ccs),
                "tags": sorted(ticket.tags),
                "merged_into": ticket.merged_into,
                "linked_to": ticket.linked_to,
                "messages": [TicketMessageView.of(ticket.id, m, thread.files.get(m.id, ())) for m in ticket.messages],
                "sla": [SlaTargetView.of(t, t.target in ticket.sla_breached) for t in thread.sla.targets]
                if thread.sla
                else [],
                "csat": CsatView.of(thread.csat) if thread.csat else None,
                # thread.sla is set for agents only: what the desk sees beside the ticket
                "kb_suggestions": [KbSuggestionView.of(k) for k in ticket.kb_suggestions] if thread.sla else [],
            }
        )


class TicketList(ItemsPage[TicketSummaryView]):
    @classmethod
    def of(cls, page: Page[Ticket]) -> TicketList:
        return cls(items=[TicketSummaryView.of(t) for t in page.items], next_token=page.cursor)


class RejectedMailView(BaseModel):
    """A message that became no ticket: rejected (no usable sender, too large, unparseable) or ignored (an
    out-of-office reply that threads to no ticket). Its raw MIME stays in the mail bucket."""

    id: UUID
    mailbox: str
    received_at: datetime
    reason: Literal["no_usable_sender", "too_large", "unparseable", "auto_reply_without_ticket"]
    detail: str
    sender: str | None
    subject: str | None
    message_id: str | None
    size: int

    @classmethod
    def of(cls, record: InboundRecord) -> RejectedMailView:
        return cls.model_validate(
            {
                "id": record.id,
                "mailbox": record.mailbox,
                "received_at": record.received_at,
                "reason": record.reason,
                "detail": record.detail or "",
                "sender": record.sender,
                "subject": record.subject,
                "message_id": record.message_id,
                "size": record.size,
            }
        )


class RejectedMailList(ItemsPage[RejectedMailView]):
    @classmethod
    def of(cls, page: Page[InboundRecord]) -> RejectedMailList:
        return cls(items=[RejectedMailView.of(r) for r in page.items], next_token=page.cursor)


# --- the customer's side: the public support form and the signed-in app --------------------------------

SUBJECT_MAX, NAME_MAX, EMAIL_MAX, HONEYPOT_MAX = 200, 200, 254, 500
EMAIL_PATTERN = r"[^@\s<>\"',;()\[\]\\]+@[^@\s<>\"',;()\[\]\\]+\.[^@\s<>\"',;()\[\]\\]+"  # one address, no display name


class SupportForm(BaseModel):
    """The public support form: becomes a ticket (channel ``web_form``) and an acknowledgement email to
    ``email``. Unknown fields and wrong types are refused (strict)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str | None, Field(examples=["Ada Lovelace"]), SingleLine(NAME_MAX, min_length=0)] = None
    email: Annotated[str, Field(examples=["ada@example.com"]), SingleLine(EMAIL_MAX, min_length=3)]
    subject: Annotated[str, Field(examples=["My order arrived damaged"]), SingleLine(SUBJECT_MAX)]
    message: Annotated[str, MultiLine(REPLY_MAX)]
    website: Annotated[
        str, Field(description="Honeypot: hidden from people, leave empty"), SingleLine(HONEYPOT_MAX, 0)
    ] = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not re.fullmatch(EMAIL_PATTERN, value):
            raise PydanticCustomError("email", "must be a valid email address")
        return value

    def to_command(self) -> OpenTicket:
        requester = Requester(email=self.email, name=self.name or None)
        return OpenTicket(self.subject, self.message, requester, Channel.WEB_FORM, honeypot=self.website)


class SupportFormAccepted(BaseModel):
    """The form was received; the acknowledgement email names the ticket's number."""

    ticket_id: UUID = Field(description="Reference of the received request")
    status: Literal["received"] = "received"


class NewTicket(BaseModel):
    """A signed-in customer's new ticket (channel ``app``): theirs by the token's ``sub``, answered at the
    token's verified email."""

    model_config = ConfigDict(extra="forbid", strict=True)

    subject: Annotated[str, Field(examples=["Where is my order 1042?"]), SingleLine(SUBJECT_MAX)]
    body_text: Annotated[str, MultiLine(REPLY_MAX)]

    def to_command(self, caller: Identity) -> OpenTicket:
        if not caller.verified_email:
            raise EmailNotVerified()
        requester = Requester(email=caller.verified_email, customer_sub=caller.sub)
        return OpenTicket(self.subject, self.body_text, requester, Channel.APP)

    def reply(self, caller: Identity, key: str | None) -> Reply[Ticket]:
        """How the new ticket is answered (and what a retry with the same Idempotency-Key ``key``, checked here
        after the body, answers again), scoped to the caller's ``sub``."""
        return Reply(
            render=lambda ticket: TicketView.of_thread(TicketThread(ticket, {})).model_dump(mode="json", by_alias=True),
            fingerprint=request_keys.fingerprint(f"NewTicket:{self.model_dump_json()}"),
            caller=caller.sub,
            key=request_keys.checked(key),
        )


class CsatRequest(BaseModel):
    """A rating from the survey link: 1 (very unhappy) to 5 (very happy), an optional comment. Strict."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rating: Annotated[int, Field(ge=1, le=5, examples=[5])]
    comment: Annotated[str | None, Field(examples=["Quick and kind, thank you"]), MultiLine(COMMENT_MAX)] = None

    def to_command(self, token: str) -> RecordCsat:
        return RecordCsat(token, self.rating, self.comment or None)


class CsatRecordedView(BaseModel):
    """The rating is stored; the ticket takes no other."""

    ticket_number: str = Field(pattern=r"^T-\d{6,12}$")
    rating: int = Field(ge=1, le=5)
    status: Literal["recorded"] = "recorded"


# --- the knowledge base and the assistant ---------------------------------------------------------------

ArticleTags = Annotated[list[Annotated[str, Field(pattern=TAG)]], Field(max_length=TAGS_MAX)]


class ArticleRequest(BaseModel):
    """A new knowledge-base article: plain text, paragraphs apart by a blank line (search quotes the best
    paragraph). A draft unless ``status`` is ``published``."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(examples=["Resetting your password"]), SingleLine(TITLE_MAX)]
    body: Annotated[str, MultiLine(BODY_MAX)]
    status: ArticleStatus = ArticleStatus.DRAFT
    tags: ArticleTags = Field(default_factory=list)
    language: KbLanguage = Field(default=KbLanguage.EN, description="The language the article is written in")

    def to_command(self) -> WriteArticle:
        return WriteArticle(self.title, self.body, self.status, frozenset(self.tags), self.language)


class ArticlePatch(BaseModel):
    """Only the fields given change. ``version`` (optional): the version you read; when given and the article
    was written since, the edit is refused with 409 ``article_version_mismatch`` instead of overwriting."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str | None, SingleLine(TITLE_MAX)] = None
    body: Annotated[str | None, MultiLine(BODY_MAX)] = None
    status: ArticleStatus | None = None
    tags: ArticleTags | None = None
    version: Annotated[int | None, Field(ge=1, le=2**31, description="The version you read")] = None

    @model_validator(mode="after")
    def _something(self) -> ArticlePatch:
        if not self.model_fields_set - {"version"}:
            raise ValueError("give at least one of title, body, status, tags")
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def to_command(self, article_id: UUID) -> EditArticle:
        tags = frozenset(self.tags) if self.tags is not None else None
        return EditArticle(article_id, self.title, self.body, self.status, tags, self.version)


class ArticleView(BaseModel):
    id: UUID
    title: str
    body: str
    status: ArticleStatus
    tags: list[str]
    language: KbLanguage
    version: int = Field(description="Send it back as `version` in a PATCH to refuse lost updates")
    author: str = Field(description="The sub of the agent who wrote it")
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None

    @classmethod
    def of(cls, article: Article) -> ArticleView:
        return cls(
            id=article.id,
            title=article.title,
            body=article.body,
            status=article.status,
            tags=sorted(article.tags),
            language=article.language,
            version=article.version,
            author=article.author,
            created_at=article.created_at,
            updated_at=article.updated_at,
            published_at=article.published_at,
        )


class ArticleList(ItemsPage[ArticleView]):
    @classmethod
    def of(cls, page: Page[Article]) -> ArticleList:
        return cls(items=[ArticleView.of(a) for a in page.items], next_token=page.cursor)


class PublishedArticleView(BaseModel):
    """A published article as anyone may read it (no author, no version)."""

    id: UUID
    title: str
    body: str
    tags: list[str]
    language: KbLanguage
    published_at: datetime | None

    @classmethod
    def of(cls, article: Article) -> PublishedArticleView:
        return cls(
            id=article.id,
            title=article.title,
            body=article.body,
            tags=sorted(article.tags),
            language=article.language,
            published_at=article.published_at,
        )


class KbPassageView(BaseModel):
    article_id: UUID
    title: str
    passage: str = Field(description="The article's paragraph that fits the question best")
    score: float = Field(description="BM25 score (higher fits better; comparable within one answer)")

    @classmethod
    def of(cls, passage: Passage) -> KbPassageView:
        return cls(
            article_id=UUID(passage.article_id),
            title=passage.title,
            passage=passage.paragraph,
            score=round(passage.score, 4),
        )


SEARCH_MIN, SEARCH_MAX = 2, 500


def search_text(q: str) -> str:
    """``GET /kb/search?q=``: 2 to 500 characters of one-line text under the one text policy (422 naming
    ``q`` otherwise: a query parameter is free text too)."""
    problem = text.text_error(q) or (None if SEARCH_MIN <= len(q.strip()) <= SEARCH_MAX else "2 to 500 characters")
    if problem:
        raise ValidationFailed(details=[{"field": "q", "message": problem}])
    return q.strip()


class KbSearchResult(BaseModel):
    """Published articles only, best first."""

    hits: list[KbPassageView]


class TurnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    text: Annotated[str, MultiLine(QUESTION_MAX)]


class AssistantQuestion(BaseModel):
    """A question to the assistant. ``conversation_id`` continues a conversation (from a previous answer);
    ``history`` only starts one the server does not know. ``email`` (and ``name``) let a handoff open a
    ticket; ``human: true`` asks for a person at once."""

    model_config = ConfigDict(extra="forbid")

    question: Annotated[str, Field(examples=["How do I reset my password?"]), MultiLine(QUESTION_MAX)]
    conversation_id: UUID | None = None
    history: Annotated[list[TurnRequest], Field(max_length=MAX_TURNS)] = Field(default_factory=list)
    name: Annotated[str | None, SingleLine(NAME_MAX, min_length=0)] = None
    email: Annotated[str | None, Field(examples=["ada@example.com"]), SingleLine(EMAIL_MAX, min_length=3)] = None
    human: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(EMAIL_PATTERN, value):
            raise PydanticCustomError("email", "must be a valid email address")
        return value

    def to_command(self) -> AskAssistant:
        history = tuple(Turn(t.role, t.text) for t in self.history)
        return AskAssistant(self.question, self.conversation_id, history, self.name or None, self.email, self.human)


class AssistantTicketView(BaseModel):
    ticket_id: UUID
    number: str = Field(examples=["T-000123"])


class AssistantAnswerView(BaseModel):
    """The passages that answer the question (no generated text), or a handoff to the support desk."""

    answer_type: AnswerType
    passages: list[KbPassageView]
    conversation_id: UUID = Field(description="Send it with the next question of this conversation")
    ticket: AssistantTicketView | None = Field(description="The ticket a handoff opened; null otherwise")
    handoff_reason: HandoffReason | None
    needs_email: bool = Field(description="A handoff without an email: ask for one and send the question again")

    @classmethod
    def of(cls, answer: AssistantAnswer) -> AssistantAnswerView:
        ticket = None
        if answer.ticket_id is not None:
            ticket = AssistantTicketView(ticket_id=answer.ticket_id, number=answer.ticket_number or "")
        return cls(
            answer_type=answer.answer_type,
            passages=[KbPassageView.of(p) for p in answer.passages],
            conversation_id=answer.conversation_id,
            ticket=ticket,
            handoff_reason=answer.handoff_reason,
            needs_email=answer.needs_email,
        )
