"""Ticket numbers: ``T-000001`` upward, what people quote on the phone and in subjects (``[#T-000123]``).

The number is assigned by the adapter from a counter item incremented in the same transaction that stores
the ticket, so numbers are gapless and unique (docs/architecture.md, DynamoDB); here are only the spelling
rules. Six digits at least; the seven-digit ``T-1000000`` follows ``T-999999``. One spelling per number:
``T-0000123`` (a superfluous zero) is not a ticket number.
"""

from __future__ import annotations

import re

from tandem.support.domain.errors import InvalidTicketNumber

PREFIX = "T-"
DIGITS = 6
_NUMBER = re.compile(r"^T-(\d{6,12})$")
# In a subject: ``[#T-000123]``, as we write it; the case of the T and spaces inside the brackets are forgiven.
_SUBJECT_REFERENCE = re.compile(r"\[\s*#\s*[Tt]-(\d{6,12})\s*\]")


def format_ticket_number(number: int) -> str:
    if number < 1:
        raise InvalidTicketNumber(details={"number": number})
    return f"{PREFIX}{number:0{DIGITS}d}"


def _canonical(digits: str) -> int | None:
    number = int(digits)
    return number if number >= 1 and f"{number:0{DIGITS}d}" == digits else None


def parse_ticket_number(text: str) -> int:
    """``T-000123`` -> 123; anything else (``T-123``, ``T-0000123``, ``T-000000``) is refused."""
    match = _NUMBER.match(text.strip())
    number = _canonical(match.group(1)) if match else None
    if number is None:
        raise InvalidTicketNumber(details={"number": text[:40]})
    return number


def subject_references(subject: str) -> list[int]:
    """Ticket numbers quoted in a subject as ``[#T-000123]``, in order, each once."""
    found: list[int] = []
    for match in _SUBJECT_REFERENCE.finditer(subject):
        number = _canonical(match.group(1))
        if number is not None and number not in found:
            found.append(number)
    return found


def subject_with_reference(subject: str, number: int) -> str:
    """The subject of an outbound message: the ticket's reference appended unless it is already there."""
    if number in subject_references(subject):
        return subject
    reference = f"[#{format_ticket_number(number)}]"
    return f"{subject} {reference}" if subject.strip() else reference
