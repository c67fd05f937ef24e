"""Mail, both ways: what SES (v1 and v2, simple and raw) has "sent", and inbound delivery via receipt rules.

Sent mail is read straight from moto's SES backend (``ses_backends[account][region].sent_messages``;
SES v2 sends land in the same list). Inbound mail does what SES receiving would do for the template's
``AWS::SES::ReceiptRule`` resources: S3Action stores the raw message, LambdaAction invokes the function
with the SES receipt event. CloudFormation cannot activate a rule set, so every rule set in the
template counts as active.
"""

from __future__ import annotations

import email
import email.policy
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from typing import Any

_HTML = re.compile(r"<\s*(html|body|p|div|br|table|a|span|h[1-6])\b", re.I)
_ID_ALPHABET = string.ascii_lowercase + string.digits


# --------------------------------------------------------------------------- sent mail


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
    out: dict[str, Any] = {
        "id": message.id,
        "kind": "template" if hasattr(message, "template") else "simple",
        "from": message.source,
        "to": list(destinations.get("ToAddresses", []) if isinstance(destinations, dict) else []),
        "cc": list(destinations.get("CcAddresses", []) if isinstance(destinations, dict) else []),
        "bcc": list(destinations.get("BccAddresses", []) if isinstance(destinations, dict) else []),
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
    to = _addresses(parsed, "To")
    cc = _addresses(parsed, "Cc")
    listed = {a.lower() for a in to + cc}
    envelope = [parseaddr(d)[1] for d in message.destinations or []]
    bcc = _addresses(parsed, "Bcc") or [a for a in envelope if a and a.lower() not in listed]
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
        "bcc": _dedupe(bcc),
        "subject": str(parsed.get("Subject", "")) or None,
        "text": text.get_content() if text is not None else None,
        "html": html.get_content() if html is not None else None,
        "headers": _header_dict(parsed),
        "attachments": attachments,
    }


def _addresses(message: EmailMessage, name: str) -> list[str]:
    values = [str(v) for v in message.get_all(name, [])]
    return [addr for _, addr in getaddresses(values) if addr]


def _header_dict(message: EmailMessage) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    for key, value in message.items():
        text = str(value)
        if key in headers:
            prior = headers[key]
            headers[key] = [*prior, text] if isinstance(prior, list) else [prior, text]
        else:
            headers[key] = text
    return headers


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


# --------------------------------------------------------------------------- inbound mail


@dataclass(frozen=True)
class ReceiptRule:
    """A resolved ``AWS::SES::ReceiptRule`` (properties already free of intrinsics)."""

    name: str
    rule_set: str
    recipients: tuple[str, ...]
    actions: tuple[dict[str, Any], ...]
    enabled: bool = True
    after: str | None = None

    def accepts(self, address: str) -> bool:
        """SES matching: full address, domain, or ``.domain`` for every subdomain; none = all."""
        if not self.recipients:
            return True
        address = address.lower()
        domain = address.rpartition("@")[2]
        for recipient in self.recipients:
            r = recipient.lower()
            if r == address or r == domain or (r.startswith(".") and domain.endswith(r)):
                return True
        return False


def receipt_rules(resources: Mapping[str, Any]) -> list[ReceiptRule]:
    """Receipt rules from resolved stack resources (``.type``, ``.properties``), in rule-set sequence."""
    rules: list[ReceiptRule] = []
    for logical_id, resource in resources.items():
        if getattr(resource, "type", None) != "AWS::SES::ReceiptRule":
            continue
        props = resource.properties or {}
        rule = props.get("Rule") or {}
        rules.append(
            ReceiptRule(
                name=str(rule.get("Name") or logical_id),
                rule_set=str(props.get("RuleSetName", "")),
                recipients=tuple(str(r) for r in rule.get("Recipients") or ()),
                actions=tuple(a for a in rule.get("Actions") or () if isinstance(a, dict)),
                enabled=rule.get("Enabled", True) not in (False, "false", "False"),
                after=props.get("After"),
            )
        )
    return _sequenced(rules)


def _sequenced(rules: list[ReceiptRule]) -> list[ReceiptRule]:
    """Honour ``After`` within each rule set; otherwise keep the template sequence."""
    placed_rules: list[ReceiptRule] = []
    pending = list(rules)
    while pending:
        progressed = False
        for rule in list(pending):
            placed = {r.name for r in placed_rules}
            if rule.after is None or rule.after in placed or rule.after not in {r.name for r in rules}:
                placed_rules.append(rule)
                pending.remove(rule)
                progressed = True
        if not progressed:  # a cycle: keep template sequence rather than loop
            placed_rules.extend(pending)
            break
    return placed_rules


@dataclass
class InboundResult:
    message_id: str
    recipients: list[str]
    rules: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"messageId": self.message_id, "recipients": self.recipients, "rules": self.rules}


class NoMatchingRule(Exception):
    """No enabled receipt rule accepts any recipient of the message (SES would reject it)."""


@dataclass
class InboundMail:
    """Delivers a raw MIME message through the template's receipt rules.

    ``put_object(bucket, key, data)``, ``invoke(function_arn, event)`` (RequestResponse, returns the
    function's payload) and ``invoke_async(function_arn, event)`` are injected so this stays testable.
    """

    rules: list[ReceiptRule]
    put_object: Callable[[str, str, bytes], None]
    invoke: Callable[[str, dict[str, Any]], Any]
    invoke_async: Callable[[str, dict[str, Any]], None]
    now: Callable[[], float] = time.time

    def deliver(self, raw: bytes, *, recipients: list[str] | None = None) -> InboundResult:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        envelope = recipients or _dedupe(
            _addresses(parsed, "To") + _addresses(parsed, "Cc") + _addresses(parsed, "Bcc")
        )
        message_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(40))
        result = InboundResult(message_id, envelope)
        timestamp = _iso(self.now())
        source = parseaddr(str(parsed.get("Return-Path") or parsed.get("From") or ""))[1]
        matched = False
        for rule in self.rules:
            if not rule.enabled:
                continue
            accepted = [r for r in envelope if rule.accepts(r)]
            if not accepted:
                continue
            matched = True
            done, stop = self._run_actions(
                rule, raw, parsed, message_id, source, envelope, accepted, timestamp
            )
            result.rules.append(
                {"rule": rule.name, "ruleSet": rule.rule_set, "recipients": accepted, "actions": done}
            )
            if stop:
                break
        if not matched:
            names = [f"{r.name} -> {list(r.recipients) or 'all'}" for r in self.rules] or [
                "(none in the template)"
            ]
            who = ", ".join(envelope) or "no recipient"
            raise NoMatchingRule(f"No enabled SES receipt rule accepts {who}; rules: {'; '.join(names)}")
        return result

    def _run_actions(
        self,
        rule: ReceiptRule,
        raw: bytes,
        parsed: EmailMessage,
        message_id: str,
        source: str,
        destination: list[str],
        recipients: list[str],
        timestamp: str,
    ) -> tuple[list[dict[str, Any]], bool]:
        done: list[dict[str, Any]] = []
        for action in rule.actions:
            if "S3Action" in action:
                spec = action["S3Action"]
                key = f"{spec.get('ObjectKeyPrefix', '')}{message_id}"
                self.put_object(str(spec["BucketName"]), key, _received_headers(source) + raw)
                done.append({"type": "S3", "bucketName": spec["BucketName"], "objectKey": key})
            elif "LambdaAction" in action:
                spec = action["LambdaAction"]
                arn = str(spec["FunctionArn"])
                invocation = str(spec.get("InvocationType") or "Event")
                event = receipt_event(
                    email.message_from_bytes(raw),
                    message_id=message_id,
                    source=source,
                    destination=destination,
                    recipients=recipients,
                    timestamp=timestamp,
                    function_arn=arn,
                    invocation_type=invocation,
                )
                if invocation == "RequestResponse":
                    payload = self.invoke(arn, event)
                    disposition = payload.get("disposition") if isinstance(payload, dict) else None
                    done.append(
                        {
                            "type": "Lambda",
                            "functionArn": arn,
                            "invocationType": invocation,
                            "disposition": disposition or "CONTINUE",
                        }
                    )
                    if disposition in ("STOP_RULE", "STOP_RULE_SET"):
                        return done, disposition == "STOP_RULE_SET"
                else:
                    self.invoke_async(arn, event)
                    done.append({"type": "Lambda", "functionArn": arn, "invocationType": invocation})
            elif "StopAction" in action:
                done.append({"type": "Stop"})
                return done, True
            else:
                done.append({"type": next(iter(action), "?"), "emulated": False})
        return done, False


def _received_headers(source: str) -> bytes:
    return (f"Return-Path: <{source}>\r\nX-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n").encode()


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


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
    """The event SES's LambdaAction sends (documented "Sample incoming email event"); no body.

    ``message`` is parsed with the compat32 policy so header values stay as written (quotes included).
    """
    headers = [
        {"name": "Return-Path", "value": f"<{source}>"},
        {"name": "X-SES-Spam-Verdict", "value": "PASS"},
        {"name": "X-SES-Virus-Verdict", "value": "PASS"},
        *({"name": k, "value": _unfold(v)} for k, v in message.items()),
    ]
    common: dict[str, Any] = {"returnPath": source}
    for header, key in (
        ("From", "from"),
        ("Sender", "sender"),
        ("Reply-To", "replyTo"),
        ("To", "to"),
        ("Cc", "cc"),
        ("Bcc", "bcc"),
    ):
        values = [_unfold(v) for v in message.get_all(header, [])]
        if values:
            common[key] = [v.strip() for v in _split_addresses(values)]
    for header, key in (("Date", "date"), ("Message-ID", "messageId"), ("Subject", "subject")):
        if message.get(header) is not None:
            common[key] = _unfold(message.get(header))
    verdict = {"status": "PASS"}
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": timestamp,
                        "source": source,
                        "messageId": message_id,
                        "destination": destination,
                        "headersTruncated": False,
                        "headers": headers,
                        "commonHeaders": common,
                    },
                    "receipt": {
                        "timestamp": timestamp,
                        "processingTimeMillis": 1,
                        "recipients": recipients,
                        "spamVerdict": dict(verdict),
                        "virusVerdict": dict(verdict),
                        "spfVerdict": dict(verdict),
                        "dkimVerdict": dict(verdict),
                        "dmarcVerdict": dict(verdict),
                        "action": {
                            "type": "Lambda",
                            "functionArn": function_arn,
                            "invocationType": invocation_type,
                        },
                    },
                },
            }
        ]
    }


def _unfold(value: Any) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", str(value))


def _split_addresses(values: list[str]) -> list[str]:
    """Split header values into one entry per mailbox, keeping display names ("Doe, John" <x@y>)."""
    out: list[str] = []
    for value in values:
        current, quoted, depth = "", False, 0
        for ch in value:
            if ch == '"':
                quoted = not quoted
            elif ch == "<":
                depth += 1
            elif ch == ">":
                depth = max(0, depth - 1)
            if ch == "," and not quoted and depth == 0:
                out.append(current)
                current = ""
            else:
                current += ch
        if current.strip():
            out.append(current)
    return out
