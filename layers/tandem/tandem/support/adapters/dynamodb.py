"""SupportTable: tickets, their threads, inbound deliveries — the only place boto3 meets it.

Access patterns (single table, ``SupportTable``; items in ``items.py``):
* ticket by id:               PK=TICKET#<id>, SK=TICKET (``version`` for optimistic locking)
* its thread:                 PK=TICKET#<id>, SK=MSG#<at ISO>#<message id> (one item per message, written once)
* its files:                  PK=TICKET#<id>, SK=FILES#<message id> (S3 keys, names, types, sizes)
* whole ticket:               Query PK=TICKET#<id> (consistent): ticket, messages and files at once
* ticket by number:           PK=TICKETNO#<n>, SK=TICKETNO -> ticket id (written once: a number is never reused)
* gapless numbers:            PK=COUNTER#ticket, SK=COUNTER, ``last``: moved from n to n + 1 only when it is n,
                              in the transaction that stores ticket n + 1
* ticket of a Message-ID:     PK=MSGID#<Message-ID>, SK=MSGID -> ticket id (every mailed message, both ways)
* one delivery per message:   PK=INBOUND#<mailbox>#<mid:… | sha256:…>, SK=INBOUND (the record: outcome, raw key)
* rejected messages:          PK=REJECTED#<id>, SK=REJECTED, GSI2PK=REJECTED, GSI2SK=<received ISO>#<id>
* all tickets newest first:   GSI2PK=TICKETS, GSI2SK=<opened ISO>#<id>
* tickets the SLA watches:    GSI3PK=SLA, GSI3SK=<opened ISO>#<id> (sparse: new, open, pending, on_hold; the
                              ticket item projected whole, so the ``sla-check`` batch reads pages, no GetItem)
* a customer's tickets:       PK=OWNER#<token sub>, SK=TICKET#<opened ISO>#<id>: a copy of the ticket item,
                              rewritten in every transaction that stores a ticket a signed-in customer opened
* undeliverable addresses:    PK=UNDELIVERABLE#<address>, SK=UNDELIVERABLE (a permanent bounce; nothing more is sent)
* acknowledgements per hour:  PK=ACK#<address>#<hour ISO>, SK=ACK, ``count`` (TTL ``expires_at``)
* round-robin's last agent:   ``last_assignee`` on the counter item, moved with the number it was given with
* satisfaction survey sent:   PK=TICKET#<id>, SK=CSAT#SURVEY (``state`` sent | released; put only if absent
                              or released: one survey per ticket, ever)
* satisfaction rating:        PK=TICKET#<id>, SK=CSAT#RATING (put only if absent: one rating per ticket)
* KB article by id:           PK=KBARTICLE#<id>, SK=KBARTICLE (``version``); every article newest first:
                              GSI2PK=KB_ARTICLES, GSI2SK=<created ISO>#<id> (the desk's list, ``status`` filter)
* published articles:         PK=KB_PUBLISHED, SK=ARTICLE#<id>: a copy of each published article, put or
                              deleted with the article in one transaction (search reads this partition only)
* KB version:                 PK=KB_VERSION, SK=KB_VERSION, ``version``: ADD 1 in every article write, so a
                              warm function rebuilds its search index only when the KB changed (one GetItem)
* assistant conversation:     PK=CONVERSATION#<id>, SK=CONVERSATION (``version``, TTL ``expires_at``, a day)
* opening a ticket from an email writes ticket, number, counter, messages, Message-ID items, the delivery
  record and the outbox items in ONE TransactWriteItems.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from tandem.shared.aws.cursor import decode_cursor, encode_cursor, newest_first_in
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.aws.request_keys import DynamoRequestKeys
from tandem.shared.clock import iso
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page
from tandem.support.adapters import items
from tandem.support.domain.assistant import Conversation
from tandem.support.domain.csat import CsatRating
from tandem.support.domain.errors import (
    ConcurrentArticleUpdate,
    ConcurrentConversationUpdate,
    ConcurrentTicketUpdate,
    CsatAlreadyRecorded,
    DuplicateDelivery,
    SurveyAlreadySent,
    TicketNumberTaken,
)
from tandem.support.domain.kb import Article, ArticleStatus
from tandem.support.domain.mailbox import InboundOutcome, InboundRecord, StoredFile
from tandem.support.domain.model import Ticket
from tandem.support.domain.threads import TicketFacts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# newest_first_in checks a key's shape, not the order: the SLA listing pages oldest first over the same shape.
_SLA_CURSOR = newest_first_in("GSI3", items.SLA_ACTIVE, sort_key="TICKET", id_prefix="TICKET#")


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on SupportTable, with the support repositories (a new one per use case call)."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.tickets = DynamoTickets(self)
        self.inbound = DynamoInbound(self)
        self.request_keys = DynamoRequestKeys(self, self.get)
        self.surveys = DynamoSurveys(self)
        self.kb = DynamoKb(self)
        self.conversations = DynamoConversations(self)

    def delete(self, key: dict[str, str], *, label: str) -> None:
        """Stage the removal of one item (an unpublished article's published copy)."""
        self._add(label, "Delete", {"Key": to_attributes(key)}, return_old=False)

    def get(self, key: dict[str, str]) -> dict[str, object] | None:
        """One item, strongly consistent (plain values), or None."""
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
        return from_attributes(response.get("Item"))

    def query_all(self, partition: str) -> list[dict[str, object]]:
        """Every item of one partition, strongly consistent (a ticket's thread)."""
        found: list[dict[str, object]] = []
        request = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ConsistentRead": True,
        }
        while True:
            with storage_errors("Query"):
                response = self.client.query(**request)
            found.extend(from_attributes(i) or {} for i in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last:
                return found
            request["ExclusiveStartKey"] = last

    def commit(self) -> None:
        try:
            super().commit()
        except ConditionFailed as failed:
            if failed.label == "dedupe":
                raise DuplicateDelivery() from failed
            if failed.label in ("counter", "number"):
                raise TicketNumberTaken() from failed
            if failed.label == "ticket":
                raise ConcurrentTicketUpdate() from failed
            if failed.label == "csat":
                raise CsatAlreadyRecorded() from failed
            if failed.label == "survey":
                raise SurveyAlreadySent() from failed
            if failed.label == "article":
                raise ConcurrentArticleUpdate() from failed
            if failed.label == "conversation":
                raise ConcurrentConversationUpdate() from failed
            raise


# GET /tickets filters: the condition on the ticket item, and the attribute each one reads
_LIST_FILTERS = {
    "status": "#status = :status",
    "priority": "#priority = :priority",
    "assignee": "#assignee = :assignee",
    "tag": "contains(#tag, :tag)",  # one element of the ``tags`` list
}
_FILTERED = {"status": "status", "priority": "priority", "assignee": "assignee", "tag": "tags"}


class DynamoTickets:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow
        self._loaded: dict[UUID, set[UUID]] = {}  # ticket -> ids of the messages stored when it was read
        self._counter_seen: int | None = None
        self._last_assignee: str | None = None

    def get(self, ticket_id: UUID) -> Ticket | None:
        found = self.uow.query_all(items.ticket_key(ticket_id)["PK"])
        ticket_items = [i for i in found if i.get("type") == "ticket"]
        if not ticket_items:
            return None
        messages = [items.message_from_item(i) for i in found if i.get("type") == "ticket_message"]
        ticket = items.ticket_from_item(ticket_items[0], messages)
        self._loaded[ticket.id] = {m.id for m in messages}
        return ticket

    def facts(self, ticket_id: UUID) -> TicketFacts | None:
        item = self.uow.get(items.ticket_key(ticket_id))
        return items.facts_from_item(item) if item else None

    def facts_by_number(self, number: int) -> TicketFacts | None:
        item = self.uow.get(items.number_key(number))
        return self.facts(UUID(str(item["ticket_id"]))) if item else None

    def ticket_of_message_id(self, message_id: str) -> UUID | None:
        item = self.uow.get(items.message_id_key(message_id))
        return UUID(str(item["ticket_id"])) if item else None

    def next_number(self) -> int:
        item = self.uow.get(items.COUNTER_KEY)
        self._counter_seen = int(str(item["last"])) if item else 0
        self._last_assignee = str(item["last_assignee"]) if item and item.get("last_assignee") else None
        return self._counter_seen + 1

    def last_assigned(self) -> str | None:
        if self._counter_seen is None:
            self.next_number()
        return self._last_assignee

    def add(self, ticket: Ticket) -> None:
        seen = self._counter_seen if self._counter_seen is not None else ticket.number - 1
        if ticket.number != seen + 1:
            raise ValueError("a ticket's number is the counter's next one")
        condition = "attribute_not_exists(#last)" if seen == 0 else "#last = :seen"
        values: dict[str, object] = {":next": ticket.number, ":type": "counter"}
        if seen:
            values[":seen"] = seen
        # Round-robin's cursor moves with the number, under the same condition: a lost race re-decides both.
        assigned = ", last_assignee = :assignee" if ticket.assignee else ""
        if ticket.assignee:
            values[":assignee"] = ticket.assignee
        self.uow.update(
            items.COUNTER_KEY,
            "SET #last = :next, #type = :type" + assigned,
            label="counter",
            condition=condition,
            names={"#last": "last", "#type": "type"},
            values=values,
        )
        self.uow.put(
            {**items.number_key(ticket.number), "type": "ticket_number", "ticket_id": str(ticket.id)},
            label="number",
            condition="attribute_not_exists(PK)",
        )
        self.uow.put(items.ticket_item(ticket, version=1), label="ticket", condition="attribute_not_exists(PK)")
        self._stage_owner(ticket, version=1)
        self._stage_messages(ticket, set())

    def save(self, ticket: Ticket) -> None:
        self.uow.put(
            items.ticket_item(ticket, version=ticket.version + 1),
            label="ticket",
            condition="#version = :expected",
            names={"#version": "version"},
            values={":expected": ticket.version},
        )
        self._stage_owner(ticket, version=ticket.version + 1)
        self._stage_messages(ticket, self._loaded.get(ticket.id, set()))

    def _stage_owner(self, ticket: Ticket, *, version: int) -> None:
        owned = items.owner_item(ticket, version=version)
        if owned is not None:  # guarded by the ticket item's condition in the same transaction
            self.uow.put(owned, label="owner_ticket")

    def _stage_messages(self, ticket: Ticket, stored: set[UUID]) -> None:
        for message in ticket.messages:
            if message.id in stored:
                continue
            self.uow.put(items.message_item(ticket.id, message), label="message", condition="attribute_not_exists(PK)")
            if message.message_id:
                self.uow.put(
                    {**items.message_id_key(message.message_id), "type": "message_id", "ticket_id": str(ticket.id)},
                    label="message_id",
                )

    def add_files(self, ticket_id: UUID, message_id: UUID, files: Sequence[StoredFile]) -> None:
        if files:
            self.uow.put(items.files_item(ticket_id, message_id, files), label="files")

    def files(self, ticket_id: UUID) -> dict[UUID, tuple[StoredFile, ...]]:
        found = self.uow.query_all(items.ticket_key(ticket_id)["PK"])
        return dict(items.files_from_item(i) for i in found if i.get("type") == "ticket_files")

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
        """Newest first; ``status``, ``priority``, ``assignee`` (equal) and ``tag`` (one of the ticket's) filter
        the page read (a filtered page may be short, its cursor still goes on)."""
        given = {"status": status, "priority": priority, "assignee": assignee, "tag": tag}
        wanted = {name: value for name, value in given.items() if value}
        request: dict[str, object] = {
            "TableName": self.uow.table_name,
            "IndexName": "GSI2",
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": to_attributes(
                {":pk": items.ALL_TICKETS, **{f":{name}": value for name, value in wanted.items()}}
            ),
        }
        if wanted:
            request["FilterExpression"] = " AND ".join(_LIST_FILTERS[name] for name in wanted)
            request["ExpressionAttributeNames"] = {f"#{name}": _FILTERED[name] for name in wanted}
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(
                cursor, newest_first_in("GSI2", items.ALL_TICKETS, sort_key="TICKET", id_prefix="TICKET#")
            )
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        tickets = [items.ticket_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(items=tickets, cursor=encode_cursor(response.get("LastEvaluatedKey")))

    def csat(self, ticket_id: UUID) -> CsatRating | None:
        item = self.uow.get(items.csat_key(ticket_id))
        return items.csat_from_item(item) if item else None

    def add_csat(self, ticket_id: UUID, rating: CsatRating) -> None:
        self.uow.put(items.csat_item(ticket_id, rating), label="csat", condition="attribute_not_exists(PK)")

    def list_owned(self, customer_sub: str, *, status: str | None, limit: int, cursor: str | None) -> Page[Ticket]:
        """The tickets ``customer_sub`` opened signed in, newest first (their owner index)."""
        values: dict[str, object] = {":pk": items.owner_partition(customer_sub), ":tickets": "TICKET#"}
        request: dict[str, object] = {
            "TableName": self.uow.table_name,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :tickets)",
        }
        if status:
            values[":status"] = status
            request["FilterExpression"] = "#status = :status"
            request["ExpressionAttributeNames"] = {"#status": "status"}
        request["ExpressionAttributeValues"] = to_attributes(values)
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, items.is_owner_cursor(customer_sub))
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        tickets = [items.ticket_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(items=tickets, cursor=encode_cursor(response.get("LastEvaluatedKey")))

    def sla_watched(self, *, limit: int, cursor: str | None) -> Page[Ticket]:
        """Tickets whose SLA may still run, oldest first, without their messages (eventually consistent: a
        stale one fails its version check on save and is re-read)."""
        request: dict[str, object] = {
            "TableName": self.uow.table_name,
            "IndexName": "GSI3",
            "Limit": limit,
            "KeyConditionExpression": "GSI3PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": items.SLA_ACTIVE}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _SLA_CURSOR)
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        tickets = [items.ticket_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(items=tickets, cursor=encode_cursor(response.get("LastEvaluatedKey")))


class DynamoInbound:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def seen(self, mailbox: str, key: str) -> InboundRecord | None:
        item = self.uow.get(items.dedupe_key(mailbox, key))
        return items.inbound_from_item(item) if item else None

    def add(self, record: InboundRecord) -> None:
        self.uow.put(items.dedupe_item(record), label="dedupe", condition="attribute_not_exists(PK)")
        if record.outcome in (InboundOutcome.REJECTED, InboundOutcome.IGNORED):  # both listed for agents
            self.uow.put(items.rejected_item(record), label="rejected")

    def rejected(self, *, limit: int, cursor: str | None) -> Page[InboundRecord]:
        request: dict[str, object] = {
            "TableName": self.uow.table_name,
            "IndexName": "GSI2",
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": items.ALL_REJECTED}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(
                cursor, newest_first_in("GSI2", items.ALL_REJECTED, sort_key="REJECTED", id_prefix="REJECTED#")
            )
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        found = [items.inbound_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(items=found, cursor=encode_cursor(response.get("LastEvaluatedKey")))

    def mark_undeliverable(self, address: str, *, since: datetime, reason: str) -> None:
        item = {**items.undeliverable_key(address), "type": "undeliverable", "since": iso(since), "reason": reason}
        self.uow.put(item, label="undeliverable")

    def undeliverable(self, address: str) -> bool:
        return self.uow.get(items.undeliverable_key(address)) is not None

    def acknowledgements_sent(self, address: str, hour: datetime) -> int:
        item = self.uow.get(items.ack_key(address, hour))
        return int(str(item["count"])) if item else 0

    def count_acknowledgement(self, address: str, hour: datetime, *, seen: int) -> None:
        # Not a guard (a lost race at worst sends one more acknowledgement in that hour): an unconditional ADD.
        self.uow.update(
            items.ack_key(address, hour),
            "SET #type = :type, expires_at = :expires ADD #count :one",
            label="acknowledgements",
            names={"#type": "type", "#count": "count"},
            values={":type": "ack_count", ":expires": items.ack_expiry(hour), ":one": 1},
        )


class DynamoSurveys:
    """``PK=TICKET#<id>, SK=CSAT#SURVEY``: the survey went out (``state`` sent) or its mail failed (released)."""

    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def claim(self, ticket_id: UUID, *, to: str, at: datetime) -> None:
        self.uow.put(
            {**items.survey_key(ticket_id), "type": "csat_survey", "state": "sent", "to": to, "at": iso(at)},
            label="survey",
            condition="attribute_not_exists(PK) OR #state = :released",
            names={"#state": "state"},
            values={":released": "released"},
        )

    def release(self, ticket_id: UUID, *, at: datetime) -> None:
        self.uow.put(
            {**items.survey_key(ticket_id), "type": "csat_survey", "state": "released", "at": iso(at)}, label="survey"
        )


_ARTICLE_CURSOR = newest_first_in("GSI2", items.ALL_ARTICLES, sort_key="KBARTICLE", id_prefix="KBARTICLE#")


class DynamoKb:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def get(self, article_id: UUID) -> Article | None:
        item = self.uow.get(items.article_key(article_id))
        return items.article_from_item(item) if item else None

    def add(self, article: Article) -> None:
        self.uow.put(items.article_item(article, version=1), label="article", condition="attribute_not_exists(PK)")
        self._stage_published(article, version=1)

    def save(self, article: Article) -> None:
        version = article.version + 1
        self.uow.put(
            items.article_item(article, version=version),
            label="article",
            condition="#version = :expected",
            names={"#version": "version"},
            values={":expected": article.version},
        )
        self._stage_published(article, version=version)

    def _stage_published(self, article: Article, *, version: int) -> None:
        # Guarded by the article's condition in the same transaction; the version moves with every write.
        if article.published:
            self.uow.put(items.published_item(article, version=version), label="published_article")
        else:
            self.uow.delete(items.published_key(article.id), label="published_article")
        self.uow.update(
            items.KB_VERSION_KEY,
            "SET #type = :type ADD #version :one",
            label="kb_version",
            names={"#type": "type", "#version": "version"},
            values={":type": "kb_version", ":one": 1},
        )

    def list_newest(self, *, status: ArticleStatus | None, limit: int, cursor: str | None) -> Page[Article]:
        values: dict[str, object] = {":pk": items.ALL_ARTICLES}
        request: dict[str, object] = {
            "TableName": self.uow.table_name,
            "IndexName": "GSI2",
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI2PK = :pk",
        }
        if status is not None:
            values[":status"] = status.value
            request["FilterExpression"] = "#status = :status"
            request["ExpressionAttributeNames"] = {"#status": "status"}
        request["ExpressionAttributeValues"] = to_attributes(values)
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _ARTICLE_CURSOR)
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        found = [items.article_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(items=found, cursor=encode_cursor(response.get("LastEvaluatedKey")))

    def version(self) -> int:
        item = self.uow.get(items.KB_VERSION_KEY)
        return int(str(item["version"])) if item else 0

    def published(self) -> list[Article]:
        return [items.article_from_item(i) for i in self.uow.query_all(items.PUBLISHED_ARTICLES)]


class DynamoConversations:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def get(self, conversation_id: UUID) -> Conversation | None:
        item = self.uow.get(items.conversation_key(conversation_id))
        return items.conversation_from_item(item) if item else None

    def save(self, conversation: Conversation, at: datetime) -> None:
        item = items.conversation_item(conversation, version=conversation.version + 1, at=at)
        if conversation.version == 0:
            self.uow.put(item, label="conversation", condition="attribute_not_exists(PK)")
            return
        self.uow.put(
            item,
            label="conversation",
            condition="#version = :expected",
            names={"#version": "version"},
            values={":expected": conversation.version},
        )
