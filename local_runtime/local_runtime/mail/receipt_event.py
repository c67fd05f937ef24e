"""The event SES's receipt-rule LambdaAction sends (AWS's documented "Sample incoming email event")."""

from __future__ import annotations

from email.message import Message
from typing import Any

from .headers import split_addresses, unfold

_COMMON_ADDRESS_HEADERS = (
    ("From", "from"),
    ("Sender", "sender"),
    ("Reply-To", "replyTo"),
    ("To", "to"),
    ("Cc", "cc"),
    ("Bcc", "bcc"),
)


def receipt_event(
    message: Message,
    *,
    message_id: str,
    source: str,
    destination: list[str],
    recipients: list[str],
    timestamp: str,
    function_arn: str,
    invocation_type: str,
) -> dict[str, Any]:
    """One SES record, without the body (the Lambda action never carries it).

    ``message`` is parsed with the compat32 policy so header values stay as written (quotes included).
    """
    headers = [
        {"name": "Return-Path", "value": f"<{source}>"},
        {"name": "X-SES-Spam-Verdict", "value": "PASS"},
        {"name": "X-SES-Virus-Verdict", "value": "PASS"},
        *({"name": k, "value": unfold(v)} for k, v in message.items()),
    ]
    common: dict[str, Any] = {"returnPath": source}
    for header, key in _COMMON_ADDRESS_HEADERS:
        values = [unfold(v) for v in message.get_all(header, [])]
        if values:
            common[key] = [v.strip() for v in split_addresses(values)]
    for header, key in (("Date", "date"), ("Message-ID", "messageId"), ("Subject", "subject")):
        if message.get(header) is not None:
            common[key] = unfold(message.get(header))
    verdict = {"status": "PASS"}
    receipt = {
        "timestamp": timestamp,
        "processingTimeMillis": 1,
        "recipients": recipients,
        **{k: dict(verdict) for k in ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict")},
        "action": {"type": "Lambda", "functionArn": function_arn, "invocationType": invocation_type},
    }
    mail = {
        "timestamp": timestamp,
        "source": source,
        "messageId": message_id,
        "destination": destination,
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": common,
    }
    return {"Records": [{"eventSource": "aws:ses", "eventVersion": "1.0", "ses": {"mail": mail, "receipt": receipt}}]}
