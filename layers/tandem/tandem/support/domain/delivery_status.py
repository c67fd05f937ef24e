"""Delivery status notifications (RFC 3464): which of our messages bounced, for whom, and whether for good.

A DSN is ``multipart/report; report-type=delivery-status`` with a ``message/delivery-status`` part (one
block of per-message fields, then one block per recipient: ``Final-Recipient``, ``Action``, ``Status``)
and the original's headers as ``text/rfc822-headers`` or the whole original as ``message/rfc822``. The
original's Message-ID is ours (every outbound message carries one), which is how the bounce finds its ticket.
Real MTAs bend the format, so every read here tolerates what it cannot understand and says less instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from enum import StrEnum

from tandem.support.domain import mail_headers
from tandem.support.domain.rules import normalized_email


class DeliveryAction(StrEnum):
    FAILED = "failed"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    RELAYED = "relayed"
    EXPANDED = "expanded"


@dataclass(frozen=True, slots=True)
class FailedRecipient:
    address: str  # normalised
    action: DeliveryAction
    status: str | None  # the enhanced status code (RFC 3463), e.g. "5.1.1"
    diagnostic: str | None  # the remote server's words, for the agent

    @property
    def permanent(self) -> bool:
        """A failure that retrying will not fix: the address gets marked undeliverable. A failure without a
        status code counts as permanent (RFC 3464 makes ``Action: failed`` final)."""
        return self.action is DeliveryAction.FAILED and not (self.status or "").startswith("4")


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    original_message_id: str | None  # with angle brackets; None when the report leaves the original out
    recipients: tuple[FailedRecipient, ...]

    @property
    def permanent_failures(self) -> tuple[str, ...]:
        return tuple(r.address for r in self.recipients if r.permanent)


STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


def is_delivery_report(message: Message) -> bool:
    return message.get_content_type() == "multipart/report" and (
        str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def delivery_report(message: Message) -> DeliveryReport | None:
    """The report of a DSN, or None when ``message`` is not one."""
    if not is_delivery_report(message):
        return None
    recipients: list[FailedRecipient] = []
    original: str | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            recipients.extend(_recipients(part))
        elif kind in ("text/rfc822-headers", "message/rfc822") and original is None:
            original = _original_message_id(part)
    return DeliveryReport(original_message_id=original, recipients=tuple(recipients))


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a ``message/delivery-status`` part: parsed by the stdlib into messages, or,
    when an MTA's format defeated that, split by hand."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    parser = HeaderParser(policy=policy.compat32)
    return [parser.parsestr(block.strip() + "\n") for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()]


def _recipients(part: Message) -> list[FailedRecipient]:
    found = []
    for block in _blocks(part):
        address = _typed_address(block.get("Final-Recipient") or block.get("Original-Recipient"))
        action = _action(block.get("Action"))
        if address is None or action is None:
            continue  # the per-message block, or a recipient block we cannot read
        status = STATUS_CODE.search(str(block.get("Status", "")))
        diagnostic = mail_headers.one_line_or_none(block.get("Diagnostic-Code"))
        found.append(FailedRecipient(address, action, status.group(0) if status else None, diagnostic))
    return found


def _typed_address(value: object) -> str | None:
    """``rfc822; ada@example.com`` -> ``ada@example.com``."""
    if value is None:
        return None
    address = str(value).rpartition(";")[2].strip()
    return normalized_email(address) if "@" in address else None


def _action(value: object) -> DeliveryAction | None:
    try:
        return DeliveryAction(str(value).strip().lower().split()[0]) if value else None
    except (ValueError, IndexError):
        return None


def _original_message_id(part: Message) -> str | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        original = inner[0] if isinstance(inner, list) and inner else None
    else:
        content = part.get_content() if isinstance(part, EmailMessage) else part.get_payload(decode=False)
        original = HeaderParser(policy=policy.default).parsestr(str(content))
    if not isinstance(original, Message):
        return None
    ids = mail_headers.message_ids(mail_headers.raw_header(original, "Message-ID"))
    return ids[0] if ids else None
