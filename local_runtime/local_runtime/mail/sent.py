"""What SES (v1 and v2, simple, template and raw) has "sent", read straight from moto's SES backend.

moto keeps every accepted message in ``ses_backends[account][region].sent_messages``; SES v2 sends land in
the same list.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from .headers import addresses, dedupe, header_dict

_HTML = re.compile(r"<\s*(html|body|p|div|br|table|a|span|h[1-6])\b", re.I)


def sent_emails(account_id: str, region: str) -> list[dict[str, Any]]:
    """Every message moto's SES has accepted, newest first."""
    from moto.ses.models import ses_backends

    backend = ses_backends[account_id][region]
    return [describe_sent(m) for m in reversed(list(backend.sent_messages))]


def describe_sent(message: Any) -> dict[str, Any]:
    """One moto message (Message, RawMessage, TemplateMessage) as plain JSON."""
    if hasattr(message, "raw_data"):
        return _describe_raw(message)
    destinations = getattr(message, "destinations", {}) or {}
    if not isinstance(destinations, dict):
        destinations = {}
    out: dict[str, Any] = {
        "id": message.id,
        "kind": "template" if hasattr(message, "template") else "simple",
        "from": message.source,
        "to": list(destinations.get("ToAddresses", [])),
        "cc": list(destinations.get("CcAddresses", [])),
        "bcc": list(destinations.get("BccAddresses", [])),
        "subject": getattr(message, "subject", None),
        "text": None,
        "html": None,
        "headers": {},
    }
    if hasattr(message, "template"):
        out.update({"template": message.template, "template_data": message.template_data})
    else:
        body = message.body or ""
        # moto keeps one body (HTML if both were given): tell them apart by looking at it
        out["html" if _HTML.search(body) else "text"] = body
    return out


def _describe_raw(message: Any) -> dict[str, Any]:
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    to = addresses(parsed, "To")
    cc = addresses(parsed, "Cc")
    listed = {a.lower() for a in to + cc}
    envelope = [parseaddr(d)[1] for d in message.destinations or []]
    bcc = addresses(parsed, "Bcc") or [a for a in envelope if a and a.lower() not in listed]
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    attachments = [
        {
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "size": len(part.get_payload(decode=True) or b""),
        }
        for part in parsed.iter_attachments()
    ]
    return {
        "id": message.id,
        "kind": "raw",
        "from": message.source or str(parsed.get("From", "")),
        "to": to,
        "cc": cc,
        "bcc": dedupe(bcc),
        "subject": str(parsed.get("Subject", "")) or None,
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
        "headers": header_dict(parsed),
        "attachments": attachments,
    }
