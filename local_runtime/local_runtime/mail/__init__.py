"""Mail, both ways: what SES has "sent" (``sent``) and inbound delivery via receipt rules (``inbound``)."""

from __future__ import annotations

from .inbound import InboundMail, InboundResult, NoMatchingRule, ReceiptRule, receipt_rules
from .receipt_event import receipt_event
from .sent import describe_sent, sent_emails

__all__ = [
    "InboundMail",
    "InboundResult",
    "NoMatchingRule",
    "ReceiptRule",
    "describe_sent",
    "receipt_event",
    "receipt_rules",
    "sent_emails",
]
