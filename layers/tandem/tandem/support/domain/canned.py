"""Canned replies: saved answers with placeholders (``{{ticket.number}}``, ``{{requester.name}}``) an agent
inserts and edits before sending.

Rendering is substitution only, never evaluation: a placeholder is a dotted name looked up in a flat map,
a value is inserted once and never read as a template again (a requester named ``{{agent.name}}`` stays
that text), and a name nobody fills, or a ``{{`` that is not a placeholder, is refused rather than sent
half-filled. Rendered as HTML, every value is escaped; the template itself is the desk's own text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from tandem.support.domain.errors import InvalidCannedReply
from tandem.support.domain.messages import Requester

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}")
_BRACES = re.compile(r"\{\{|\}\}")
KNOWN_PLACEHOLDERS = frozenset(
    {"ticket.number", "ticket.subject", "requester.name", "requester.email", "agent.name", "company.name"}
)
# The desk's saved answers (``POST /tickets/{id}/replies`` with ``{"canned": name}``): a small fixed set in
# code, reviewed like code; storing and editing them over HTTP is a later step.
STANDARD_REPLIES: dict[str, str] = {
    "received": (
        "Hello {{requester.name}},\n\nthank you for writing to us. We have your request {{ticket.number}} "
        "({{ticket.subject}}) and will come back to you as soon as we can.\n\n{{agent.name}}\n{{company.name}}"
    ),
    "need_details": (
        "Hello {{requester.name}},\n\nto help with {{ticket.number}} we need a few more details: your order "
        "number and what you see. Just reply to this email.\n\n{{agent.name}}\n{{company.name}}"
    ),
    "solved": (
        "Hello {{requester.name}},\n\nwe believe {{ticket.number}} ({{ticket.subject}}) is solved. If anything "
        "is still wrong, reply to this email and the ticket opens again.\n\n{{agent.name}}\n{{company.name}}"
    ),
}


def placeholders_of(template: str) -> list[str]:
    """The placeholder names in ``template``, in order, each once; InvalidCannedReply for a stray ``{{``/``}}``."""
    if _BRACES.search(_PLACEHOLDER.sub("", template)):
        raise InvalidCannedReply(details=[{"field": "body", "message": "has a {{ or }} that is not a placeholder"}])
    return list(dict.fromkeys(match.group(1) for match in _PLACEHOLDER.finditer(template)))


def check_canned_reply(template: str, known: frozenset[str] = KNOWN_PLACEHOLDERS) -> None:
    """When a canned reply is saved: every placeholder is one the desk fills."""
    unknown = [name for name in placeholders_of(template) if name not in known]
    if unknown:
        raise InvalidCannedReply(
            details=[{"field": "body", "message": f"unknown placeholder {{{{{n}}}}}"} for n in unknown]
        )


def render_canned(template: str, values: Mapping[str, str], *, as_html: bool = False) -> str:
    """``template`` with every placeholder replaced by its value (HTML-escaped when ``as_html``)."""
    missing = [name for name in placeholders_of(template) if name not in values]
    if missing:
        raise InvalidCannedReply(details=[{"field": "body", "message": f"no value for {{{{{n}}}}}"} for n in missing])

    def value(match: re.Match[str]) -> str:
        text = values[match.group(1)]
        return html.escape(text) if as_html else text

    return _PLACEHOLDER.sub(value, template)


def standard_values(
    reference: str, subject: str, requester: Requester, agent_name: str, company_name: str
) -> dict[str, str]:
    """The values of ``KNOWN_PLACEHOLDERS`` for one ticket; a requester without a name is greeted by address."""
    return {
        "ticket.number": reference,
        "ticket.subject": subject,
        "requester.name": requester.name or requester.email,
        "requester.email": requester.email,
        "agent.name": agent_name,
        "company.name": company_name,
    }
