"""Inbound mail: what SES receiving does for the template's ``AWS::SES::ReceiptRule`` resources.

S3Action stores the raw message, LambdaAction invokes the function with the SES receipt event,
StopAction ends the rule set. CloudFormation cannot activate a rule set, so every rule set in the
template counts as active. A rule is enabled only with ``Enabled: true``, as in CloudFormation
(default false); mail a disabled rule would have taken is logged as a warning naming the rule.
"""

from __future__ import annotations

import email
import email.policy
import logging
import secrets
import string
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from .headers import addresses, dedupe
from .receipt_event import receipt_event

log = logging.getLogger("local_runtime.mail")
_ID_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class ReceiptRule:
    """A resolved ``AWS::SES::ReceiptRule`` (properties already free of intrinsics)."""

    name: str
    rule_set: str
    recipients: tuple[str, ...]
    actions: tuple[dict[str, Any], ...]
    enabled: bool = False  # CloudFormation's default
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
                enabled=str(rule.get("Enabled", False)).lower() == "true",
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
    invoke_async: Callable[[str, dict[str, Any]], object]  # the result (a request id) is not used
    now: Callable[[], float] = time.time

    def deliver(self, raw: bytes, *, recipients: list[str] | None = None) -> InboundResult:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        envelope = recipients or dedupe(addresses(parsed, "To") + addresses(parsed, "Cc") + addresses(parsed, "Bcc"))
        message_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(40))
        result = InboundResult(message_id, envelope)
        timestamp = _iso(self.now())
        source = parseaddr(str(parsed.get("Return-Path") or parsed.get("From") or ""))[1]
        matched = False
        for rule in self.rules:
            accepted = [r for r in envelope if rule.accepts(r)]
            if not accepted:
                continue
            if not rule.enabled:
                log.warning(
                    "SES receipt rule %r is disabled (Enabled defaults to false): not applied to %s",
                    rule.name,
                    ", ".join(accepted),
                )
                continue
            matched = True
            done, stop = self._run_actions(rule, raw, message_id, source, envelope, accepted, timestamp)
            result.rules.append({"rule": rule.name, "ruleSet": rule.rule_set, "recipients": accepted, "actions": done})
            if stop:
                break
        if not matched:
            raise NoMatchingRule(self._no_match_message(envelope))
        return result

    def _no_match_message(self, envelope: list[str]) -> str:
        names = [
            f"{r.name} -> {list(r.recipients) or 'all'}{'' if r.enabled else ' (disabled)'}" for r in self.rules
        ] or ["(none in the template)"]
        who = ", ".join(envelope) or "no recipient"
        return f"No enabled SES receipt rule accepts {who}; rules: {'; '.join(names)}"

    def _run_actions(
        self,
        rule: ReceiptRule,
        raw: bytes,
        message_id: str,
        source: str,
        destination: list[str],
        recipients: list[str],
        timestamp: str,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Run one rule's actions; returns what was done and whether the rule set stops here."""
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
                if invocation != "RequestResponse":
                    self.invoke_async(arn, event)
                    done.append({"type": "Lambda", "functionArn": arn, "invocationType": invocation})
                    continue
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
            elif "StopAction" in action:
                done.append({"type": "Stop"})
                return done, True
            else:
                done.append({"type": next(iter(action), "?"), "emulated": False})
        return done, False


def _received_headers(source: str) -> bytes:
    return f"Return-Path: <{source}>\r\nX-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n".encode()


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"
