"""The support desk's use cases: ``SupportService`` is composed of one class per group (``base`` holds what
they share). Inbound mail (``mail_in``), the agent's desk (``desk``: reading, replies;
``triage``: status, priority, assignee, tags, notes, merges) and the customer's side (``customer``: the web
form, the app, a customer's own tickets and answers), notices after the fact (``notify``: the satisfaction
survey, the team lead's SLA note), ratings (``satisfaction``), the knowledge base (``kb``: articles, search, the
suggestions stored on new tickets) and the assistant (``assistant``: answers from articles, handoff to a ticket)."""

from __future__ import annotations

from tandem.support.service.assistant import Assistant, AssistantAnswer
from tandem.support.service.base import MailSettings
from tandem.support.service.customer import CustomerDesk, Opened
from tandem.support.service.desk import Desk, MessageBody, TicketThread
from tandem.support.service.kb import KnowledgeBase
from tandem.support.service.mail_in import MailIn, Received
from tandem.support.service.notify import Notify
from tandem.support.service.satisfaction import Satisfaction
from tandem.support.service.sla import SlaCheck, SlaWatch
from tandem.support.service.triage import Triage


class SupportService(MailIn, Assistant, CustomerDesk, Desk, Triage, SlaWatch, Notify, Satisfaction):
    """Every support use case; built by ``bootstrap.services()``."""


__all__ = [
    "Assistant",
    "AssistantAnswer",
    "CustomerDesk",
    "Desk",
    "KnowledgeBase",
    "MailSettings",
    "MessageBody",
    "Opened",
    "Received",
    "SlaCheck",
    "SupportService",
    "TicketThread",
]
