"""The knowledge-base assistant: answers with the passages of published articles, and hands over to a person.

There is no generated prose (no hosted model): an answer IS the passages it used, each with its article.
It hands over when nothing fits (no hit above the coverage threshold) or when the person asks for a human,
either with the ``human`` flag or in the question itself ("can I talk to a person", "ich möchte mit einem
Menschen sprechen"); the handoff opens a ticket whose first message is the whole conversation, labelled turn
by turn, so web chat, form and email meet in one thread.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from tandem.shared.text import one_line

QUESTION_MAX = 1_000
MAX_TURNS = 20  # a conversation keeps its first turn and the latest ones up to this many
ASSISTANT_MIN_COVERAGE = 0.2  # a hit must match this share of the question to be an answer
ANSWER_PASSAGES = 3
SUBJECT_MAX = 200


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class AnswerType(StrEnum):
    ARTICLES = "articles"
    HANDOFF = "handoff"


class HandoffReason(StrEnum):
    NO_MATCH = "no_match"
    ASKED_FOR_HUMAN = "asked_for_human"


# "A human, please": phrases per language, matched on NFKC case-folded words (word boundaries on both sides).
# Kept to phrases that ask for a person; a bare "agent" or "person" would also match "user agent" or
# "contact person" in a real question.
ASKS_FOR_HUMAN = {
    "en": (
        r"human",
        r"real person",
        r"(talk|speak|chat) (to|with) (a |an |some)?(person|people|someone|somebody|agent|support|staff|you)",
        r"(live|support|customer service|real) agent",
        r"(a|an) (agent|representative|operator)",
        r"customer service representative",
    ),
    "de": (
        r"mensch(en)?",
        r"echte[nmr]? person",
        r"mitarbeiter(in|innen)?",
        r"(mit )?(jemandem|einer person) (sprechen|reden|chatten)",
        r"(berater|sachbearbeiter|support-mitarbeiter)(in)?",
    ),
}
_HUMAN = re.compile(
    r"\b(" + "|".join(p for phrases in ASKS_FOR_HUMAN.values() for p in phrases) + r")\b", re.IGNORECASE
)


def asks_for_human(question: str) -> bool:
    """Whether the question itself asks to be handed to a person (English or German)."""
    return _HUMAN.search(unicodedata.normalize("NFKC", question).casefold()) is not None


@dataclass(frozen=True, slots=True)
class Turn:
    role: Role
    text: str


@dataclass
class Conversation:
    """One chat with the assistant, kept (with a time to live) so that a handoff carries what was said
    without trusting the client's copy, and a retried handoff finds the ticket it already opened."""

    id: UUID
    started_at: datetime
    turns: list[Turn] = field(default_factory=list)
    ticket_id: UUID | None = None
    ticket_number: str | None = None
    version: int = 0  # 0: never stored

    def add(self, turn: Turn) -> None:
        """Append a turn; past ``MAX_TURNS`` the oldest after the first are dropped (the first says why)."""
        self.turns.append(turn)
        if len(self.turns) > MAX_TURNS:
            self.turns = [self.turns[0], *self.turns[-(MAX_TURNS - 1) :]]

    def handed_over(self, ticket_id: UUID, number: str) -> None:
        self.ticket_id, self.ticket_number = ticket_id, number

    @property
    def first_question(self) -> str:
        return next((t.text for t in self.turns if t.role is Role.USER), "")


def answer_turn(titles: Sequence[str]) -> Turn:
    """What the conversation keeps of an answer: the articles it showed (the passages are theirs)."""
    return Turn(Role.ASSISTANT, "Suggested articles: " + "; ".join(titles) if titles else "No article fits.")


_LABELS = {Role.USER: "Customer", Role.ASSISTANT: "Assistant"}


def render_conversation(turns: Sequence[Turn]) -> str:
    """The conversation as the ticket's first message: each turn labelled, turns apart by a blank line."""
    blocks = [f"{_LABELS[t.role]}:\n{t.text.strip()}" for t in turns]
    return f"Conversation with the knowledge-base assistant ({len(turns)} turns):\n\n" + "\n\n".join(blocks)


def subject_from(question: str) -> str:
    """The ticket's subject: the first question on one line, cut at ``SUBJECT_MAX``."""
    line = one_line(question) or "Question to the assistant"
    return line if len(line) <= SUBJECT_MAX else line[: SUBJECT_MAX - 1] + "…"
