"""Support items <-> domain objects (SupportTable, single-table design; ``dynamodb.py`` lists the access patterns).

Items are read as plain ``dict[str, object]`` and every value is converted on the way in: a stored value of
the wrong shape fails here, loudly, not three calls later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from tandem.shared.aws.cursor import is_time_and_id
from tandem.shared.clock import epoch_seconds, iso
from tandem.support.domain.assistant import Conversation, Role, Turn
from tandem.support.domain.csat import CsatRating
from tandem.support.domain.kb import Article, ArticleStatus, KbLanguage, KbSuggestion
from tandem.support.domain.mailbox import InboundOutcome, InboundRecord, StoredFile
from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import SLA_STOPPED, Priority, TicketStatus
from tandem.support.domain.sla import SlaTarget
from tandem.support.domain.threads import TicketFacts

Item = Mapping[str, object]
ALL_TICKETS = "TICKETS"  # GSI2PK of every ticket, newest first over GSI2SK
ALL_REJECTED = "REJECTED"  # GSI2PK of every rejected inbound message
SLA_ACTIVE = "SLA"  # GSI3PK of the tickets whose SLA clock may still run (new, open, pending, on_hold)
INDEX_KEYS = ("GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK")  # what a copy of the ticket item must not carry
COUNTER_KEY = {"PK": "COUNTER#ticket", "SK": "COUNTER"}
ACK_COUNT_KEEP = timedelta(hours=2)  # the hourly count is read for one hour; TTL removes it after
ALL_ARTICLES = "KB_ARTICLES"  # GSI2PK of every knowledge-base article, newest first over GSI2SK
PUBLISHED_ARTICLES = "KB_PUBLISHED"  # PK of the partition that holds a copy of each published article
KB_VERSION_KEY = {"PK": "KB_VERSION", "SK": "KB_VERSION"}  # ``version``: moved by every article write
CONVERSATION_KEEP = timedelta(days=1)  # an assistant conversation's time to live after its latest turn


def ticket_key(ticket_id: UUID | str) -> dict[str, str]:
    return {"PK": f"TICKET#{ticket_id}", "SK": "TICKET"}


def number_key(number: int) -> dict[str, str]:
    return {"PK": f"TICKETNO#{number}", "SK": "TICKETNO"}


def message_id_key(message_id: str) -> dict[str, str]:
    return {"PK": f"MSGID#{message_id}", "SK": "MSGID"}


def dedupe_key(mailbox: str, key: str) -> dict[str, str]:
    return {"PK": f"INBOUND#{mailbox}#{key}", "SK": "INBOUND"}


def rejected_key(record_id: UUID | str) -> dict[str, str]:
    return {"PK": f"REJECTED#{record_id}", "SK": "REJECTED"}


def undeliverable_key(address: str) -> dict[str, str]:
    return {"PK": f"UNDELIVERABLE#{address}", "SK": "UNDELIVERABLE"}


def ack_key(address: str, hour: datetime) -> dict[str, str]:
    return {"PK": f"ACK#{address}#{iso(hour)}", "SK": "ACK"}


def _str(item: Item, name: str) -> str:
    return str(item[name])


def _opt(item: Item, name: str) -> str | None:
    value = item.get(name)
    return None if value is None else str(value)


def _list(item: Item, name: str) -> list[object]:
    value = item.get(name) or []
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValueError(f"{name} is not a list")
    return list(value)


def _int(value: object) -> int:
    if not isinstance(value, int | float | str) and not hasattr(value, "__int__"):
        raise ValueError("not a number")
    return int(str(value))


# --- tickets -------------------------------------------------------------------------------------------


def ticket_item(ticket: Ticket, *, version: int) -> dict[str, object]:
    opened = iso(ticket.opened_at)
    return {
        **ticket_key(ticket.id),
        "type": "ticket",
        "version": version,
        "GSI2PK": ALL_TICKETS,
        "GSI2SK": f"{opened}#{ticket.id}",
        "id": str(ticket.id),
        "number": ticket.number,
        "subject": ticket.subject,
        "requester": {
            k: v
            for k, v in {
                "email": ticket.requester.email,
                "name": ticket.requester.name,
                "customer_sub": ticket.requester.customer_sub,
            }.items()
            if v is not None
        },
        "requester_sub": ticket.requester.customer_sub,
        "channel": ticket.channel.value,
        "opened_at": opened,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "assignee": ticket.assignee,
        "tags": sorted(ticket.tags),
        "ccs": sorted(ticket.ccs),
        "status_history": [[iso(at), status.value] for at, status in ticket.status_history],
        "merged_into": str(ticket.merged_into) if ticket.merged_into else None,
        "linked_to": str(ticket.linked_to) if ticket.linked_to else None,
        "first_replied_at": iso(ticket.first_replied_at) if ticket.first_replied_at else None,
        "awaiting_reply_since": iso(ticket.awaiting_reply_since) if ticket.awaiting_reply_since else None,
        "sla_warned": sorted(ticket.sla_warned),
        "sla_breached": sorted(ticket.sla_breached),
        "kb_suggestions": [
            {"article_id": str(s.article_id), "title": s.title, "score": str(s.score)} for s in ticket.kb_suggestions
        ],
        **sla_index(ticket),
    }


def sla_index(ticket: Ticket) -> dict[str, str]:
    """GSI3 (sparse): only tickets the ``sla-check`` batch must look at; a put without it drops the ticket."""
    if ticket.merged_into is not None or ticket.status in SLA_STOPPED:
        return {}
    return {"GSI3PK": SLA_ACTIVE, "GSI3SK": f"{iso(ticket.opened_at)}#{ticket.id}"}


def _instant(item: Item, name: str) -> datetime | None:
    value = item.get(name)
    return None if value is None else datetime.fromisoformat(str(value))


def owner_partition(customer_sub: str) -> str:
    return f"OWNER#{customer_sub}"


def owner_item(ticket: Ticket, *, version: int) -> dict[str, object] | None:
    """The ticket's copy in its requester's index (signed-in customers only): PK=OWNER#<sub>,
    SK=TICKET#<opened ISO>#<id>; rewritten with the ticket in every transaction that stores it."""
    sub = ticket.requester.customer_sub
    if not sub:
        return None
    copy = {k: v for k, v in ticket_item(ticket, version=version).items() if k not in INDEX_KEYS}
    return {
        **copy,
        "PK": owner_partition(sub),
        "SK": f"TICKET#{iso(ticket.opened_at)}#{ticket.id}",
        "type": "owned_ticket",
    }


def is_owner_cursor(customer_sub: str) -> Callable[[dict[str, str]], bool]:
    """Only keys of THIS owner's index: ``PK=OWNER#<sub>``, ``SK=TICKET#<time>#<id>``."""

    def issued(plain: dict[str, str]) -> bool:
        sort_key = str(plain.get("SK", ""))
        return (
            set(plain) == {"PK", "SK"}
            and plain["PK"] == owner_partition(customer_sub)
            and sort_key.startswith("TICKET#")
            and is_time_and_id(sort_key.removeprefix("TICKET#"))
        )

    return issued


def ticket_from_item(item: Item, messages: Sequence[TicketMessage] = ()) -> Ticket:
    requester = item["requester"]
    if not isinstance(requester, Mapping):
        raise ValueError("requester is not a map")
    history: list[tuple[datetime, TicketStatus]] = []
    for entry in _list(item, "status_history"):
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise ValueError("status_history entry is not a pair")
        history.append((datetime.fromisoformat(str(entry[0])), TicketStatus(str(entry[1]))))
    merged, linked = _opt(item, "merged_into"), _opt(item, "linked_to")
    return Ticket(
        id=UUID(_str(item, "id")),
        number=_int(item["number"]),
        subject=_str(item, "subject"),
        requester=Requester(
            email=str(requester["email"]),
            name=_opt(requester, "name"),
            customer_sub=_opt(requester, "customer_sub"),
        ),
        channel=Channel(_str(item, "channel")),
        opened_at=datetime.fromisoformat(_str(item, "opened_at")),
        status=TicketStatus(_str(item, "status")),
        priority=Priority(_str(item, "priority")),
        assignee=_opt(item, "assignee"),
        tags=frozenset(str(t) for t in _list(item, "tags")),
        ccs=frozenset(str(c) for c in _list(item, "ccs")),
        messages=sorted(messages, key=lambda m: m.at),
        status_history=history,
        merged_into=UUID(merged) if merged else None,
        linked_to=UUID(linked) if linked else None,
        first_replied_at=_instant(item, "first_replied_at"),
        awaiting_reply_since=_instant(item, "awaiting_reply_since"),
        sla_warned=frozenset(SlaTarget(str(t)) for t in _list(item, "sla_warned")),
        sla_breached=frozenset(SlaTarget(str(t)) for t in _list(item, "sla_breached")),
        kb_suggestions=tuple(_suggestion(s) for s in _list(item, "kb_suggestions")),  # none on older items
        version=_int(item["version"]),
    )


def _suggestion(entry: object) -> KbSuggestion:
    if not isinstance(entry, Mapping):
        raise ValueError("a KB suggestion is not a map")
    return KbSuggestion(UUID(str(entry["article_id"])), str(entry["title"]), float(str(entry["score"])))


def facts_from_item(item: Item) -> TicketFacts:
    merged = _opt(item, "merged_into")
    requester = item["requester"]
    if not isinstance(requester, Mapping):
        raise ValueError("requester is not a map")
    return TicketFacts(
        id=UUID(_str(item, "id")),
        status=TicketStatus(_str(item, "status")),
        requester_email=str(requester["email"]),
        ccs=frozenset(str(c) for c in _list(item, "ccs")),
        merged_into=UUID(merged) if merged else None,
    )


def message_item(ticket_id: UUID, message: TicketMessage) -> dict[str, object]:
    return {
        "PK": f"TICKET#{ticket_id}",
        "SK": f"MSG#{iso(message.at)}#{message.id}",
        "type": "ticket_message",
        "id": str(message.id),
        "direction": message.direction.value,
        "sender": message.sender,
        "body_text": message.body_text,
        "at": iso(message.at),
        "message_id": message.message_id,
        "attachment_ids": list(message.attachment_ids),
        "author": message.author,
        "auto_reply": message.auto_reply,
        "body_key": message.body_key,
        "html_key": message.html_key,
        "body_truncated": message.body_truncated,
    }


def message_from_item(item: Item) -> TicketMessage:
    return TicketMessage(
        id=UUID(_str(item, "id")),
        direction=Direction(_str(item, "direction")),
        sender=_str(item, "sender"),
        body_text=_str(item, "body_text"),
        at=datetime.fromisoformat(_str(item, "at")),
        message_id=_opt(item, "message_id"),
        attachment_ids=tuple(str(a) for a in _list(item, "attachment_ids")),
        author=_opt(item, "author"),
        auto_reply=bool(item.get("auto_reply")),
        body_key=_opt(item, "body_key"),
        html_key=_opt(item, "html_key"),
        body_truncated=bool(item.get("body_truncated")),
    )


def files_item(ticket_id: UUID, message_id: UUID, files: Sequence[StoredFile]) -> dict[str, object]:
    return {
        "PK": f"TICKET#{ticket_id}",
        "SK": f"FILES#{message_id}",
        "type": "ticket_files",
        "message_id": str(message_id),
        "files": [
            {
                k: v
                for k, v in {
                    "id": f.id,
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "size": f.size,
                    "key": f.key,
                    "content_id": f.content_id,
                    "inline": f.inline,
                }.items()
                if v is not None
            }
            for f in files
        ],
    }


def files_from_item(item: Item) -> tuple[UUID, tuple[StoredFile, ...]]:
    files: list[StoredFile] = []
    for entry in _list(item, "files"):
        if not isinstance(entry, Mapping):
            raise ValueError("a stored file is not a map")
        files.append(
            StoredFile(
                id=str(entry["id"]),
                filename=str(entry["filename"]),
                content_type=str(entry["content_type"]),
                size=_int(entry["size"]),
                key=str(entry["key"]),
                content_id=_opt(entry, "content_id"),
                inline=bool(entry.get("inline")),
            )
        )
    return UUID(_str(item, "message_id")), tuple(files)


# --- inbound deliveries --------------------------------------------------------------------------------


def inbound_item(record: InboundRecord) -> dict[str, object]:
    return {
        "type": "inbound",
        "id": str(record.id),
        "mailbox": record.mailbox,
        "key": record.key,
        "raw_key": record.raw_key,
        "received_at": iso(record.received_at),
        "outcome": record.outcome.value,
        "ticket_id": str(record.ticket_id) if record.ticket_id else None,
        "sender": record.sender,
        "subject": record.subject,
        "message_id": record.message_id,
        "size": record.size,
        "reason": record.reason,
        "detail": record.detail,
    }


def dedupe_item(record: InboundRecord) -> dict[str, object]:
    return {**inbound_item(record), **dedupe_key(record.mailbox, record.key)}


def rejected_item(record: InboundRecord) -> dict[str, object]:
    return {
        **inbound_item(record),
        **rejected_key(record.id),
        "type": "inbound_rejected",
        "GSI2PK": ALL_REJECTED,
        "GSI2SK": f"{iso(record.received_at)}#{record.id}",
    }


def inbound_from_item(item: Item) -> InboundRecord:
    ticket = _opt(item, "ticket_id")
    return InboundRecord(
        id=UUID(_str(item, "id")),
        mailbox=_str(item, "mailbox"),
        key=_str(item, "key"),
        raw_key=_str(item, "raw_key"),
        received_at=datetime.fromisoformat(_str(item, "received_at")),
        outcome=InboundOutcome(_str(item, "outcome")),
        ticket_id=UUID(ticket) if ticket else None,
        sender=_opt(item, "sender"),
        subject=_opt(item, "subject"),
        message_id=_opt(item, "message_id"),
        size=_int(item.get("size") or 0),
        reason=_opt(item, "reason"),
        detail=_opt(item, "detail"),
    )


def ack_expiry(hour: datetime) -> int:
    return epoch_seconds(hour + ACK_COUNT_KEEP)


def survey_key(ticket_id: UUID) -> dict[str, str]:
    """In the ticket's partition: read with the thread, written apart from the versioned ticket item."""
    return {"PK": f"TICKET#{ticket_id}", "SK": "CSAT#SURVEY"}


def csat_key(ticket_id: UUID) -> dict[str, str]:
    return {"PK": f"TICKET#{ticket_id}", "SK": "CSAT#RATING"}


def csat_item(ticket_id: UUID, rating: CsatRating) -> dict[str, object]:
    item: dict[str, object] = {**csat_key(ticket_id), "type": "csat", "rating": rating.rating, "at": iso(rating.at)}
    if rating.comment:
        item["comment"] = rating.comment
    return item


def csat_from_item(item: Item) -> CsatRating:
    comment = item.get("comment")
    return CsatRating(
        int(str(item["rating"])), str(comment) if comment else None, datetime.fromisoformat(str(item["at"]))
    )


# --- the knowledge base ---------------------------------------------------------------------------------


def article_key(article_id: UUID | str) -> dict[str, str]:
    return {"PK": f"KBARTICLE#{article_id}", "SK": "KBARTICLE"}


def published_key(article_id: UUID | str) -> dict[str, str]:
    return {"PK": PUBLISHED_ARTICLES, "SK": f"ARTICLE#{article_id}"}


def _article_fields(article: Article) -> dict[str, object]:
    return {
        "id": str(article.id),
        "title": article.title,
        "body": article.body,
        "status": article.status.value,
        "tags": sorted(article.tags),
        "language": article.language.value,
        "author": article.author,
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
        "published_at": iso(article.published_at) if article.published_at else None,
    }


def article_item(article: Article, *, version: int) -> dict[str, object]:
    """The article itself, listed newest first on GSI2 (``KB_ARTICLES``) for the desk."""
    return {
        **article_key(article.id),
        "type": "kb_article",
        "version": version,
        "GSI2PK": ALL_ARTICLES,
        "GSI2SK": f"{iso(article.created_at)}#{article.id}",
        **_article_fields(article),
    }


def published_item(article: Article, *, version: int) -> dict[str, object]:
    """The copy a search index is built from: present only while the article is published, so drafts are
    never even read by the public path."""
    return {**published_key(article.id), "type": "kb_published", "version": version, **_article_fields(article)}


def article_from_item(item: Item) -> Article:
    published = _instant(item, "published_at")
    return Article(
        id=UUID(_str(item, "id")),
        title=_str(item, "title"),
        body=_str(item, "body"),
        author=_str(item, "author"),
        created_at=datetime.fromisoformat(_str(item, "created_at")),
        updated_at=datetime.fromisoformat(_str(item, "updated_at")),
        status=ArticleStatus(_str(item, "status")),
        tags=frozenset(str(t) for t in _list(item, "tags")),
        language=KbLanguage(_str(item, "language")),
        version=_int(item["version"]),
        published_at=published,
    )


def conversation_key(conversation_id: UUID | str) -> dict[str, str]:
    return {"PK": f"CONVERSATION#{conversation_id}", "SK": "CONVERSATION"}


def conversation_item(conversation: Conversation, *, version: int, at: datetime) -> dict[str, object]:
    return {
        **conversation_key(conversation.id),
        "type": "assistant_conversation",
        "version": version,
        "id": str(conversation.id),
        "started_at": iso(conversation.started_at),
        "turns": [[t.role.value, t.text] for t in conversation.turns],
        "ticket_id": str(conversation.ticket_id) if conversation.ticket_id else None,
        "ticket_number": conversation.ticket_number,
        "expires_at": epoch_seconds(at + CONVERSATION_KEEP),
    }


def conversation_from_item(item: Item) -> Conversation:
    turns = []
    for entry in _list(item, "turns"):
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise ValueError("a turn is not a pair")
        turns.append(Turn(Role(str(entry[0])), str(entry[1])))
    ticket = _opt(item, "ticket_id")
    return Conversation(
        id=UUID(_str(item, "id")),
        started_at=datetime.fromisoformat(_str(item, "started_at")),
        turns=turns,
        ticket_id=UUID(ticket) if ticket else None,
        ticket_number=_opt(item, "ticket_number"),
        version=_int(item["version"]),
    )
