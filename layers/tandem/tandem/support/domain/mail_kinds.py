"""What kind of mail arrived, and whether it may be answered automatically (RFC 3834, RFC 3464, RFC 2369).

- ``kind_of``: a person's message, an out-of-office reply (appended to its ticket without reopening it), a
  bounce (a DSN: matched to the outbound message that failed), bulk mail (lists, newsletters) or other
  machine mail (notifications, no-reply senders). Only people's messages are worth acknowledging.
- ``should_acknowledge``: no automatic answer to anything automatic, to a list, to a null Return-Path, to
  ``mailer-daemon``/``postmaster``/``no-reply`` senders, to our own messages coming back, nor past the
  hourly cap per sender: two auto-responders must never talk to each other forever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tandem.support.domain.mail_message import ParsedMessage


class MailKind(StrEnum):
    PERSONAL = "personal"
    OUT_OF_OFFICE = "out_of_office"
    BOUNCE = "bounce"
    BULK = "bulk"
    AUTOMATED = "automated"


class NoAcknowledgement(StrEnum):
    """Why no acknowledgement goes out; a message can have several reasons."""

    AUTO_SUBMITTED = "auto_submitted"  # Auto-Submitted other than "no"
    BULK_PRECEDENCE = "bulk_precedence"  # Precedence: bulk, junk, list (and auto_reply)
    MAILING_LIST = "mailing_list"  # List-Id or List-Unsubscribe
    RESPONSE_SUPPRESSED = "response_suppressed"  # X-Auto-Response-Suppress (Exchange)
    AUTO_REPLY_HEADER = "auto_reply_header"  # X-Autoreply, X-Autorespond
    NULL_RETURN_PATH = "null_return_path"  # Return-Path: <>
    ROBOT_SENDER = "robot_sender"  # mailer-daemon, postmaster, no-reply and the like
    OWN_MESSAGE = "own_message"  # a Message-ID of our own domain: our mail coming back
    DELIVERY_REPORT = "delivery_report"  # a DSN
    RATE_LIMITED = "rate_limited"  # the sender already got the hourly maximum


ROBOT_LOCAL_PART = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|notifications?)([+\-.].*)?$",
    re.IGNORECASE,
)
OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|autoreply|out of (the )?office|abwesenheitsnotiz|"
    r"automatische antwort|réponse automatique|absence|respuesta automática|fuori sede|afwezig)\b",
    re.IGNORECASE,
)
BULK_PRECEDENCES = {"bulk", "junk", "list"}


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """Whether to send the automatic acknowledgement; when not, every reason why. True in a boolean test
    exactly when it should be sent."""

    send: bool
    reasons: tuple[NoAcknowledgement, ...] = ()

    def __bool__(self) -> bool:
        return self.send


def kind_of(message: ParsedMessage) -> MailKind:
    headers = message.headers
    if message.delivery_report is not None:
        return MailKind.BOUNCE
    if _is_out_of_office(message):
        return MailKind.OUT_OF_OFFICE
    if "list-id" in headers or "list-unsubscribe" in headers or _precedence(message) in BULK_PRECEDENCES:
        return MailKind.BULK
    if _auto_submitted(message) not in ("", "no") or _is_robot(message.sender):
        return MailKind.AUTOMATED
    return MailKind.PERSONAL


def no_acknowledgement_reasons(message: ParsedMessage, our_domain: str) -> tuple[NoAcknowledgement, ...]:
    """Every reason RFC 3834 and common sense give not to answer ``message`` automatically."""
    headers = message.headers
    checks = {
        NoAcknowledgement.AUTO_SUBMITTED: _auto_submitted(message) not in ("", "no"),
        NoAcknowledgement.BULK_PRECEDENCE: _precedence(message) in BULK_PRECEDENCES | {"auto_reply"},
        NoAcknowledgement.MAILING_LIST: "list-id" in headers or "list-unsubscribe" in headers,
        NoAcknowledgement.RESPONSE_SUPPRESSED: "x-auto-response-suppress" in headers,
        NoAcknowledgement.AUTO_REPLY_HEADER: any(
            h in headers for h in ("x-autoreply", "x-autorespond", "x-auto-reply")
        ),
        NoAcknowledgement.NULL_RETURN_PATH: message.return_path == "",
        NoAcknowledgement.ROBOT_SENDER: _is_robot(message.sender),
        NoAcknowledgement.OWN_MESSAGE: _is_ours(message, our_domain),
        NoAcknowledgement.DELIVERY_REPORT: message.delivery_report is not None,
    }
    return tuple(reason for reason, applies in checks.items() if applies)


def should_acknowledge(
    message: ParsedMessage, our_domain: str, sent_to_sender_last_hour: int, hourly_limit: int
) -> Acknowledgement:
    """Send the acknowledgement only to a person's message, and at most ``hourly_limit`` an hour to one
    sender (``sent_to_sender_last_hour`` is what the adapter counted)."""
    reasons = no_acknowledgement_reasons(message, our_domain)
    if sent_to_sender_last_hour >= hourly_limit:
        reasons = (*reasons, NoAcknowledgement.RATE_LIMITED)
    return Acknowledgement(send=not reasons, reasons=reasons)


def _auto_submitted(message: ParsedMessage) -> str:
    """The Auto-Submitted keyword without its parameters (``auto-replied; owner-email=…``)."""
    return message.headers.get("auto-submitted", "").split(";")[0].strip().lower()


def _precedence(message: ParsedMessage) -> str:
    return message.headers.get("precedence", "").strip().lower()


def _is_out_of_office(message: ParsedMessage) -> bool:
    headers = message.headers
    if _auto_submitted(message) == "auto-replied" or _precedence(message) == "auto_reply":
        return True
    if any(h in headers for h in ("x-autoreply", "x-autorespond", "x-auto-reply")):
        return True
    # Outlook marks its "Automatic reply:" with X-Auto-Response-Suppress but not always Auto-Submitted: the
    # subject alone is not enough (a person may type it), the subject with a machine's header is.
    machine_said_so = "x-auto-response-suppress" in headers or _auto_submitted(message) not in ("", "no")
    return machine_said_so and bool(OUT_OF_OFFICE_SUBJECT.match(message.subject))


def _is_robot(address: str) -> bool:
    return bool(ROBOT_LOCAL_PART.match(address.partition("@")[0]))


def _is_ours(message: ParsedMessage, our_domain: str) -> bool:
    """Our Message-ID (every outbound message has one of our domain): a reflector, a forward loop or a
    misconfigured rule sent it back. Not the sender's domain: colleagues may write to support too."""
    domain = our_domain.strip().lower()
    return bool(message.message_id) and str(message.message_id).lower().rstrip(">").endswith(f"@{domain}")
