"""What every context's outgoing mail shares: headers nobody can add to, HTML nobody can inject into.

Mail is composed as plain text by the domain (``sales.domain.notices``, ``billing.domain.mail``,
``crm.leads.domain.model``); the adapters send it through SES with these helpers only:

- the subject and the recipient are checked with the stdlib ``email`` package's own rules
  (``policy.default`` and ``email.headerregistry.Address`` refuse CR and LF), so no text, whoever typed it,
  can add a header (``Bcc:``) — a refused one raises ``UnsafeMail`` and the mail is not sent;
- a mail without attachments is text only (``simple_content``); a raw MIME mail (``mime``: the order
  confirmation with its PDF) has an HTML alternative that is the plain text with every character escaped
  (``html.escape``) in a ``pre-wrap`` block: derived from the text, never composed with anyone's text, so
  ``<script>`` in a name (a value stored before the text policy, an event from elsewhere) arrives as
  ``&lt;script&gt;``.

Pure (stdlib only).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from tandem.shared.text import text_error


class UnsafeMail(ValueError):
    """A subject or recipient that could add a header or is not one address: the mail is not sent."""


def checked_subject(subject: str) -> str:
    """``subject`` unchanged, or ``UnsafeMail`` when it holds a line break (a header would start there)
    or anything else the one text policy refuses."""
    try:
        EmailMessage(policy=policy.default)["Subject"] = subject
    except ValueError as exc:
        raise UnsafeMail(f"subject refused: {exc}") from exc
    if error := text_error(subject):
        raise UnsafeMail(f"subject refused: {error}")
    return subject


def checked_address(address: str) -> str:
    """``address`` unchanged when it is exactly one address without line breaks, else ``UnsafeMail``."""
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError) as exc:  # the stdlib parser raises IndexError on some malformed input
        raise UnsafeMail(f"recipient refused: {exc}") from exc
    if parsed.addr_spec != address or text_error(address):
        raise UnsafeMail("recipient refused: not exactly one address")
    return address


def html_part(text: str) -> str:
    """The HTML alternative of a plain-text mail: the text, every character escaped, lines kept."""
    return (
        '<!DOCTYPE html><html><body><div style="white-space: pre-wrap; font-family: sans-serif">'
        f"{html.escape(text)}</div></body></html>"
    )


def simple_content(subject: str, text: str) -> dict[str, Any]:
    """SES v2 ``Content`` of a mail without attachments: the checked subject and the text only. No HTML part,
    so nothing to inject into (and the local runtime's moto, which keeps one body of a simple message, shows
    the text); a mail that needs one is sent as ``mime`` (``ses:SendRawEmail``)."""
    return {
        "Simple": {
            "Subject": {"Data": checked_subject(subject), "Charset": "UTF-8"},
            "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
        }
    }


def mime(sender: str, to: str, subject: str, text: str, attachments: Iterable[tuple[str, str, bytes]] = ()) -> bytes:
    """A raw message (SES ``Raw`` content): text and escaped HTML alternatives, then each attachment
    as ``(filename, content type, data)``; headers set through ``policy.default``, which refuses CR/LF."""
    message = EmailMessage(policy=policy.default)
    try:
        message["From"] = sender
        message["To"] = checked_address(to)
        message["Subject"] = checked_subject(subject)
    except ValueError as exc:
        raise UnsafeMail(str(exc)) from exc
    message.set_content(text, charset="utf-8")
    message.add_alternative(html_part(text), subtype="html", charset="utf-8")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
