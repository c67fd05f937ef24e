"""One way to compute a target's input and deliver to it, for rules, schedules and destinations.

Why: EventBridge rules, scheduled rules, Scheduler schedules and async-invocation
destinations all end in "send this payload to that ARN". AWS computes a rule target's input
from ``Input``, ``InputPath`` or ``InputTransformer``; then Lambda is invoked asynchronously,
Step Functions starts an execution, SQS receives a message and an event bus a new event.
The input functions are pure; ``Targets`` delivers, with the runtime's clients and Lambda host.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from local_runtime.clients import Clients
from local_runtime.lambda_host import LambdaHost

SERVICES = ("lambda", "states", "sqs", "events")

log = logging.getLogger(__name__)


def service_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 and parts[0] == "arn" else ""


def handles(arn: str) -> bool:
    """Targets delivered here; others (archives, log groups, API destinations) stay with moto."""
    service = service_of(arn)
    return service in ("lambda", "states", "sqs") or (service == "events" and ":event-bus/" in arn)


def iso(value: Any) -> str:
    """EventBridge's ``time``: ISO 8601 UTC without fractions (from a datetime or epoch seconds)."""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        try:
            dt = datetime.fromtimestamp(float(value), UTC)
        except (TypeError, ValueError):
            return str(value) if value else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------- input
def input_for(target: dict[str, Any], event: Any, ingestion_time: Any = None) -> Any:
    """What a target receives: Input (constant JSON), InputPath, InputTransformer, else the event."""
    if "Input" in target:
        try:
            return json.loads(target["Input"])
        except ValueError:
            return target["Input"]
    if "InputPath" in target:
        return json_path(target["InputPath"], event)
    transformer = target.get("InputTransformer")
    if transformer:
        return input_transform(
            transformer.get("InputTemplate") or "",
            transformer.get("InputPathsMap") or {},
            event,
            ingestion_time,
        )
    return event


def json_path(path: str, doc: Any) -> Any:
    """JSONPath subset used by InputPath: ``$`` and ``$.a.b`` (and ``$.a[0]``)."""
    if path in ("$", "", None):
        return doc
    if not path.startswith("$."):
        raise ValueError(f"unsupported InputPath {path!r}")
    value = doc
    for part in path[2:].split("."):
        index = None
        if part.endswith("]") and "[" in part:
            part, _, idx = part[:-1].partition("[")
            index = int(idx)
        value = value[part] if part else value
        if index is not None:
            value = value[index]
    return value


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def input_transform(template: str, paths: dict[str, str], event: Any, ingestion_time: Any = None) -> Any:
    """AWS InputTransformer: a placeholder outside quotes gets the JSON value (strings quoted),
    inside quotes the raw text. (moto's ``EventTemplateParser`` never quotes strings, so
    ``{"k": <kind>}`` would not be JSON; only its JSONPath library, jsonpath_ng, is reused.)
    """
    from jsonpath_ng.ext import parse

    values: dict[str, Any] = {}
    for name, path in paths.items():
        matches = parse(path).find(event)
        values[name] = matches[0].value if matches else None
    values.setdefault("aws.events.event.json", event)
    values.setdefault("aws.events.event", event)
    values.setdefault("aws.events.event.ingestion-time", iso(ingestion_time))

    out: list[str] = []
    in_string = False
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "\\" and in_string:
            out.append(template[i : i + 2])
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        elif ch == "<":
            m = _PLACEHOLDER.match(template, i)
            if m and m.group(1) in values:
                value = values[m.group(1)]
                if in_string:  # inside a JSON string: the raw text, escaped
                    text = value if isinstance(value, str) else json.dumps(value)
                    out.append(json.dumps(text)[1:-1])
                else:
                    out.append(json.dumps(value))
                i = m.end()
                continue
        out.append(ch)
        i += 1
    text = "".join(out)
    try:
        return json.loads(text)
    except ValueError:
        return text


# --------------------------------------------------------------------- delivery
def body(payload: object) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload)


class Targets:
    """Sends payloads to ARNs: Lambda through ``lambdas``, the other services through ``clients``."""

    def __init__(self, clients: Clients, lambdas: LambdaHost) -> None:
        self.clients = clients
        self.lambdas = lambdas

    def send_to_queue(self, queue_arn: str, message: str, **kwargs: Any) -> None:
        """SendMessage to a queue given by ARN (``kwargs``: MessageGroupId, MessageAttributes...)."""
        sqs = self.clients("sqs")
        url = sqs.get_queue_url(QueueName=queue_arn.split(":")[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=message, **kwargs)

    def dead_letter(self, dlq_arn: str, payload: object, attributes: dict[str, str]) -> None:
        """Send what could not be delivered to a target's DLQ, with AWS's string message attributes.

        Never raises: a DLQ that is itself unreachable is logged (on AWS the event would be dropped).
        """
        try:
            self.send_to_queue(
                dlq_arn,
                body(payload),
                MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
            )
        except Exception as e:
            log.warning("local_runtime: dead-letter queue %s: %s: %s", dlq_arn, type(e).__name__, e)

    def deliver(
        self,
        target_arn: str,
        payload: Any,
        *,
        target: dict[str, Any] | None = None,
        sync: bool = False,
        on_done: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """Send ``payload`` to a Lambda function (async, or sync with ``sync=True``), state machine,
        queue or event bus (``payload`` is then an event: source, detail-type, detail). Raises on
        failure, so callers can dead-letter. ``target``: the rule target (SqsParameters).
        ``on_done``: for an async Lambda invocation, called once it is over (see ``invoke_async``)."""
        service = service_of(target_arn)
        if service == "lambda":
            if sync:
                r = self.lambdas.invoke(target_arn, payload)
                return {"target": target_arn, "errored": r.errored, "payload": r.payload, "request_id": r.request_id}
            return {"target": target_arn, "request_id": self.lambdas.invoke_async(target_arn, payload, on_done=on_done)}
        if service == "states":
            out = self.clients("stepfunctions").start_execution(
                stateMachineArn=target_arn, name=str(uuid.uuid4()), input=json.dumps(payload)
            )
            return {"target": target_arn, "executionArn": out["executionArn"]}
        if service == "sqs":
            kwargs: dict[str, Any] = {}
            group = ((target or {}).get("SqsParameters") or {}).get("MessageGroupId")
            if group:
                kwargs["MessageGroupId"] = group
            self.send_to_queue(target_arn, body(payload), **kwargs)
            return {"target": target_arn, "sent": True}
        if service == "events" and ":event-bus/" in target_arn and isinstance(payload, dict):
            entry = {
                "Source": payload.get("source", ""),
                "DetailType": payload.get("detail-type", ""),
                "Detail": json.dumps(payload.get("detail", {})),
                "Resources": payload.get("resources", []),
                "EventBusName": target_arn,
            }
            out = self.clients("events").put_events(Entries=[entry])
            if out.get("FailedEntryCount"):
                raise RuntimeError(f"put_events to {target_arn} failed: {out['Entries']}")
            return {"target": target_arn, "sent": True}
        raise ValueError(f"target {target_arn} not supported locally")
