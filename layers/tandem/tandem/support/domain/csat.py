"""Customer satisfaction (CSAT): one survey per ticket when it is first solved, one rating per ticket.

The survey link carries a token signed like the thread tokens (``tokens.signed_id``: the ticket id and an
80-bit HMAC, rotating secrets), with a purpose prefix of its own, so a thread token from a Message-ID is no
rating link and a rating link threads nothing. The token is the only credential of ``POST /csat/{token}``:
whoever holds the mail may rate, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tandem.support.domain import tokens
from tandem.support.domain.errors import CsatAlreadyRecorded, CsatLinkInvalid, TicketNotSolved
from tandem.support.domain.numbering import format_ticket_number
from tandem.support.domain.rules import TicketStatus

PURPOSE = b"tandem.support.csat-token.v1:"
RATINGS = range(1, 6)  # 1 (very unhappy) .. 5 (very happy)
COMMENT_MAX = 2000


@dataclass(frozen=True, slots=True)
class CsatRating:
    rating: int
    comment: str | None
    at: datetime


def csat_token(ticket_id: UUID, secret: bytes) -> str:
    return tokens.signed_id(ticket_id, secret, PURPOSE)


def ticket_of(token: str, secrets: Sequence[bytes]) -> UUID:
    """The ticket a survey link names; a malformed, forged or foreign token is ``CsatLinkInvalid`` (404)."""
    ticket_id = tokens.verified_id(token.strip().lower(), secrets, PURPOSE) if len(token) <= 64 else None
    if ticket_id is None:
        raise CsatLinkInvalid()
    return ticket_id


def survey_link(base: str, ticket_id: UUID, secret: bytes) -> str:
    return f"{base.rstrip('/')}/{csat_token(ticket_id, secret)}"


def rate(
    history: Sequence[tuple[datetime, TicketStatus]],
    existing: CsatRating | None,
    rating: int,
    comment: str | None,
    at: datetime,
) -> CsatRating:
    """The rating to store: a ticket that was never solved cannot be rated (409), a rated one not again (409)."""
    if existing is not None:
        raise CsatAlreadyRecorded()
    if not any(status is TicketStatus.SOLVED for _, status in history):
        raise TicketNotSolved()
    if rating not in RATINGS:
        raise ValueError("a rating is 1 to 5")
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValueError(f"a comment has at most {COMMENT_MAX} characters")
    return CsatRating(rating, text or None, at)


def survey_text(number: int, subject: str, name: str | None, link: str) -> str:
    """The survey mail's plain text (escaped by the mail helpers wherever it becomes HTML)."""
    greeting = f"Hello {name}," if name else "Hello,"
    return (
        f"{greeting}\n\nwe have solved your ticket {format_ticket_number(number)} ({subject}). How did we do?\n\n"
        f"Rate our answer from 1 to 5, with a comment if you like:\n{link}\n\n"
        "One click is enough; the link works once. If something is still wrong, simply reply to this email."
    )
