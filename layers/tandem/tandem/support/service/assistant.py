"""``POST /assistant/ask``: answer from published articles, or hand the conversation to the desk as a ticket.

The conversation is stored (a day's TTL) under its ``conversation_id``: a handoff then carries what was said
without trusting the client's copy, and a retried handoff finds the ticket it opened instead of opening a
second one (the conversation is written in the ticket's own transaction, under its version). A client's
``history`` is read only to start a conversation the server does not know yet (a chat that began offline).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tandem.shared.correlation import MessageContext
from tandem.shared.retry import retrying
from tandem.support.domain.assistant import (
    ANSWER_PASSAGES,
    ASSISTANT_MIN_COVERAGE,
    AnswerType,
    Conversation,
    HandoffReason,
    Role,
    Turn,
    answer_turn,
    asks_for_human,
    render_conversation,
    subject_from,
)
from tandem.support.domain.commands import AskAssistant, OpenTicket
from tandem.support.domain.errors import ConcurrentConversationUpdate
from tandem.support.domain.kb_search import Passage
from tandem.support.domain.messages import Channel, Requester
from tandem.support.domain.model import Ticket
from tandem.support.ports import UnitOfWork
from tandem.support.service.base import ATTEMPTS
from tandem.support.service.customer import CustomerDesk


@dataclass(frozen=True, slots=True)
class AssistantAnswer:
    answer_type: AnswerType
    passages: list[Passage]
    conversation_id: UUID
    ticket_id: UUID | None = None
    ticket_number: str | None = None
    handoff_reason: HandoffReason | None = None
    needs_email: bool = False


class Assistant(CustomerDesk):
    def ask(self, command: AskAssistant, context: MessageContext) -> AssistantAnswer:
        """Answer ``command.question`` with the passages that fit it; hand over (a ticket, when we have an
        address to answer) when none fits or a person is asked for. A conversation already handed over
        answers with its ticket again and opens nothing."""
        return retrying(
            lambda: self._ask(command, context),
            on=(ConcurrentConversationUpdate,),
            attempts=ATTEMPTS,
            sleep=self.clock.sleep,
        )

    def _ask(self, command: AskAssistant, context: MessageContext) -> AssistantAnswer:
        conversation = self._conversation(command)
        asked = command.human or asks_for_human(command.question)
        if conversation.ticket_id is not None:  # a retried or repeated handoff: the ticket it already opened
            return self._handed_over(conversation, HandoffReason.ASKED_FOR_HUMAN if asked else HandoffReason.NO_MATCH)
        conversation.add(Turn(Role.USER, command.question))
        passages = [] if asked else self._passages(command.question, ANSWER_PASSAGES, ASSISTANT_MIN_COVERAGE)
        if passages:
            conversation.add(answer_turn([p.title for p in passages]))
            self._store(conversation)
            return AssistantAnswer(AnswerType.ARTICLES, passages, conversation.id)
        reason = HandoffReason.ASKED_FOR_HUMAN if asked else HandoffReason.NO_MATCH
        if not command.email:
            self._store(conversation)
            return AssistantAnswer(AnswerType.HANDOFF, [], conversation.id, handoff_reason=reason, needs_email=True)
        return self._hand_over(conversation, command, reason, context)

    def _conversation(self, command: AskAssistant) -> Conversation:
        if command.conversation_id is not None:
            with self.uow() as uow:
                found = uow.conversations.get(command.conversation_id)
            if found is not None:
                return found
        conversation = Conversation(command.conversation_id or self.clock.new_id(), self.clock.now())
        for turn in command.history:  # a conversation we do not know yet: the client's copy starts it
            conversation.add(turn)
        return conversation

    def _store(self, conversation: Conversation) -> None:
        with self.uow() as uow:
            uow.conversations.save(conversation, self.clock.now())
            uow.commit()

    def _hand_over(
        self, conversation: Conversation, command: AskAssistant, reason: HandoffReason, context: MessageContext
    ) -> AssistantAnswer:
        """Open the ticket (channel ``assistant``) with the whole conversation as its first message and the
        web form's acknowledgement; the conversation, naming the ticket, is written in the same transaction."""
        opening = OpenTicket(
            subject_from(conversation.first_question),
            render_conversation(conversation.turns),
            Requester(email=command.email or "", name=command.name or None),
            Channel.ASSISTANT,
            # the person's own words: the labels and our answers would only dilute the suggestions
            about="\n\n".join(t.text for t in conversation.turns if t.role is Role.USER),
        )

        def with_conversation(uow: UnitOfWork, ticket: Ticket) -> None:
            conversation.handed_over(ticket.id, ticket.reference)
            uow.conversations.save(conversation, self.clock.now())

        self.open_ticket(opening, context, also=with_conversation)
        return self._handed_over(conversation, reason)

    @staticmethod
    def _handed_over(conversation: Conversation, reason: HandoffReason) -> AssistantAnswer:
        return AssistantAnswer(
            AnswerType.HANDOFF,
            [],
            conversation.id,
            ticket_id=conversation.ticket_id,
            ticket_number=conversation.ticket_number,
            handoff_reason=reason,
        )
