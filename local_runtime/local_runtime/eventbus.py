"""EventBridge rule targets moto does not deliver (Lambda, Step Functions), plus an event tail.

Why: moto's ``Rule.send_to_targets`` raises NotImplementedError for Lambda and Step
Functions targets, which makes the whole ``put_events`` fail. We compute each target's
input as AWS does (Input, InputPath, InputTransformer) and deliver on a worker pool so
``put_events`` returns at once; failed deliveries go to the target's DeadLetterConfig.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local_runtime.app import LocalRuntime

_active: EventDelivery | None = None
_originals: dict[str, Any] = {}
CUSTOM_SERVICES = ("lambda", "states")


def _service(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""


def _iso(value: Any) -> str:
    """EventBridge's ``time``: ISO 8601 UTC without fractions."""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        try:
            dt = datetime.fromtimestamp(float(value), UTC)
        except (TypeError, ValueError):
            return str(value) if value else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def aws_event(moto_event: dict[str, Any]) -> dict[str, Any]:
    """The event as AWS hands it to targets (moto keeps time as epoch + ingestion-time)."""
    return {
        "version": moto_event.get("version", "0"),
        "id": moto_event["id"],
        "detail-type": moto_event["detail-type"],
        "source": moto_event["source"],
        "account": moto_event["account"],
        "time": _iso(moto_event.get("time")),
        "region": moto_event["region"],
        "resources": moto_event.get("resources", []),
        "detail": moto_event.get("detail", {}),
    }


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


def target_input(target: dict[str, Any], event: dict[str, Any], ingestion_time: Any) -> Any:
    """What a target receives: Input (constant JSON), InputPath, InputTransformer or the event."""
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


def input_transform(template: str, paths: dict[str, str], event: dict[str, Any], ingestion_time: Any) -> Any:
    """AWS InputTransformer: a placeholder outside quotes gets the JSON value (strings quoted),
    inside quotes the raw text. moto's ``EventTemplateParser`` never quotes strings, so
    ``{"k": <kind>}`` would not be JSON; only its JSONPath library (jsonpath_ng) is reused.
    """
    from jsonpath_ng.ext import parse

    values: dict[str, Any] = {}
    for name, path in paths.items():
        matches = parse(path).find(event)
        values[name] = matches[0].value if matches else None
    values.setdefault("aws.events.event.json", event)
    values.setdefault("aws.events.event", event)
    values.setdefault("aws.events.event.ingestion-time", _iso(ingestion_time))

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


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


def install() -> None:
    """Patch ``Rule.send_to_targets`` (targets) and ``EventsBackend.put_events`` (event tail)."""
    from moto.events.models import EventsBackend, Rule

    if _originals:
        return
    _originals["send_to_targets"] = Rule.send_to_targets
    _originals["put_events"] = EventsBackend.put_events

    def send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        delivery = _active
        if delivery is None:
            return _originals["send_to_targets"](self, original_event, transform_input)
        if not self.event_pattern.matches_event(original_event):
            return None
        event = aws_event(original_event)
        moto_targets = []
        for target in self.targets:
            service = _service(target["Arn"])
            if service in CUSTOM_SERVICES or (
                service == "sqs" and ("Input" in target or "InputPath" in target)
            ):
                try:
                    payload = target_input(target, event, original_event.get("ingestion-time"))
                except Exception as e:  # a bad transformer is a failed delivery
                    delivery.dead_letter(self.arn, target, event, "TransformationError", str(e))
                    continue
                delivery.submit(self.arn, target, payload)
            else:
                moto_targets.append(target)
        if moto_targets:
            saved = self.targets
            self.targets = moto_targets
            try:
                _originals["send_to_targets"](self, original_event, transform_input)
            finally:
                self.targets = saved
        return None

    def put_events(self: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries = _originals["put_events"](self, events)
        delivery = _active
        if delivery is not None:
            for ev, entry in zip(events, entries, strict=False):
                if "EventId" in entry:
                    delivery.record(self, ev, entry["EventId"])
        return entries

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    EventsBackend.put_events = put_events  # type: ignore[method-assign]


class EventDelivery:
    """Worker pool delivering rule targets, and the ring buffer of recent events."""

    def __init__(self, rt: LocalRuntime, max_recent: int = 500) -> None:
        global _active
        self.rt = rt
        self._recent: deque[dict[str, Any]] = deque(maxlen=max_recent)
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="event-delivery")
        _active = self

    # ------------------------------------------------------------------ tail
    def record(self, backend: Any, entry: dict[str, Any], event_id: str) -> None:
        try:
            detail = json.loads(entry.get("Detail") or "{}")
        except ValueError:
            detail = entry.get("Detail")
        bus = (entry.get("EventBusName") or "default").split("/")[-1]
        self._recent.appendleft(
            {
                "version": "0",
                "id": event_id,
                "detail-type": entry.get("DetailType"),
                "source": entry.get("Source"),
                "account": backend.account_id,
                "time": _iso(entry.get("Time") or datetime.now(UTC)),
                "region": backend.region_name,
                "resources": entry.get("Resources", []),
                "detail": detail,
                "event-bus-name": bus,
            }
        )

    def recent(self, limit: int = 100) -> list[dict[str, Any]]:
        """Most recent events put on any bus, newest first."""
        return list(self._recent)[: max(0, limit)]

    def clear(self) -> None:
        self._recent.clear()

    # ------------------------------------------------------------------ delivery
    def submit(self, rule_arn: str, target: dict[str, Any], payload: Any) -> None:
        self.rt.tracker.enter()
        try:
            self._pool.submit(self._deliver, rule_arn, target, payload)
        except RuntimeError:
            self.rt.tracker.exit()

    def _deliver(self, rule_arn: str, target: dict[str, Any], payload: Any) -> None:
        arn = target["Arn"]
        try:
            service = _service(arn)
            if service == "lambda":
                self.rt.lambdas.invoke_async(arn, payload)
            elif service == "states":
                import uuid

                self.rt.client("stepfunctions").start_execution(
                    stateMachineArn=arn, name=str(uuid.uuid4()), input=json.dumps(payload)
                )
            elif service == "sqs":
                body = payload if isinstance(payload, str) else json.dumps(payload)
                kwargs: dict[str, Any] = {}
                group = (target.get("SqsParameters") or {}).get("MessageGroupId")
                if group:
                    kwargs["MessageGroupId"] = group
                self.rt._send_to_queue_arn(arn, body) if not kwargs else self._sqs_fifo(arn, body, kwargs)
        except Exception as e:
            self.dead_letter(rule_arn, target, payload, type(e).__name__, str(e))
        finally:
            self.rt.tracker.exit()

    def _sqs_fifo(self, arn: str, body: str, kwargs: dict[str, Any]) -> None:
        sqs = self.rt.client("sqs")
        url = sqs.get_queue_url(QueueName=arn.split(":")[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=body, **kwargs)

    def dead_letter(
        self, rule_arn: str, target: dict[str, Any], payload: Any, code: str, message: str
    ) -> None:
        """AWS sends the undeliverable event to the target's DLQ with these attributes."""
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not dlq:
            sys.stderr.write(f"local_runtime: delivery to {target.get('Arn')} failed ({code}: {message})\n")
            return
        try:
            sqs = self.rt.client("sqs")
            url = sqs.get_queue_url(QueueName=dlq.split(":")[-1])["QueueUrl"]
            attrs = {
                "RULE_ARN": rule_arn,
                "TARGET_ARN": target.get("Arn", ""),
                "ERROR_CODE": code,
                "ERROR_MESSAGE": message[:256] or code,
            }
            sqs.send_message(
                QueueUrl=url,
                MessageBody=payload if isinstance(payload, str) else json.dumps(payload),
                MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()},
            )
        except Exception:
            traceback.print_exc()

    def put_destination_event(self, bus_arn: str, entry: dict[str, Any]) -> None:
        """Async-invocation destination of type EventBridge."""
        self.rt.client("events").put_events(
            Entries=[
                {
                    "Source": "lambda",
                    "DetailType": entry["DetailType"],
                    "Detail": json.dumps(entry["Detail"]),
                    "EventBusName": bus_arn,
                }
            ]
        )

    def stop(self) -> None:
        global _active
        self._pool.shutdown(wait=False, cancel_futures=True)
        if _active is self:
            _active = None
