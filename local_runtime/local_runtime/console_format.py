"""The readable console's lines: what triggered an invocation, how it ended, what it logged that matters.

Pure functions over AWS shapes only (Lambda event shapes, Lambda's error object, Powertools' JSON
log records), so they know no application. Costs are per invocation, not per line: a line is
parsed only when it is a JSON record that names a correlation id (the first such) or a level at
WARNING or above.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

FUNCTION_WIDTH = 20  # the least room the function column takes
LOUD_LEVELS = ('"level":"WARNING"', '"level":"ERROR"', '"level":"CRITICAL"')  # Powertools' compact JSON
CORRELATION_KEY = '"correlation_id":'
SHORT_ID = 8  # characters of a correlation id shown; /_local/logs accepts that prefix
# A traceback frame of the runtime itself (the host calling the handler): not the developer's code, not shown.
RUNTIME_FRAME = f'  File "{Path(__file__).resolve().parent}{os.sep}'


@dataclass
class LogDigest:
    """What the console needs from an invocation's captured output."""

    correlation_id: str | None = None
    loud_records: list[dict[str, object]] = field(default_factory=list)  # WARNING and above, in order


def digest(lines: list[str]) -> LogDigest:
    """The invocation's correlation id (Powertools' ``correlation_id`` key) and its WARNING+ records."""
    found = LogDigest()
    for line in lines:
        if not line.startswith("{"):
            continue
        loud = any(marker in line for marker in LOUD_LEVELS)
        if not loud and (found.correlation_id is not None or CORRELATION_KEY not in line):
            continue
        record = parse_record(line)
        if found.correlation_id is None and record.get("correlation_id"):
            found.correlation_id = str(record["correlation_id"])
        if loud and "level" in record:
            found.loud_records.append(record)
    return found


def parse_record(line: str) -> dict[str, object]:
    """A JSON log line as its object; any other line as ``{"message": line}``."""
    if line.startswith("{"):
        try:
            value = json.loads(line)
        except ValueError:
            return {"message": line}
        if isinstance(value, dict):
            return value
    return {"message": line}


def correlation_in(text: str) -> str | None:
    """The last correlation id a Powertools record in ``text`` carries (one search, no parsing)."""
    at = text.rfind(CORRELATION_KEY + '"')
    if at < 0:
        return None
    start = at + len(CORRELATION_KEY) + 1
    end = text.find('"', start)
    return text[start:end] if end > start else None


def trigger(event: object, async_attempt: int = 0, caller: str | None = None) -> str:
    """What invoked the function: its caller if named, else what the event says (an HTTP route, records of
    a source, an event, a schedule), else a plain invoke."""
    label = caller or _shape(event) or ("async invoke" if async_attempt else "invoke")
    if async_attempt and not label.startswith("async"):
        label = f"async {label}"
    return f"{label} (attempt {async_attempt})" if async_attempt > 1 else label


def _shape(event: object) -> str | None:
    if not isinstance(event, dict):
        return None
    if "httpMethod" in event:  # API Gateway REST (payload 1.0)
        return f"{event['httpMethod']} {event.get('path', '')}"
    http = (event.get("requestContext") or {}).get("http") if isinstance(event.get("requestContext"), dict) else None
    if isinstance(http, dict) and "method" in http:  # HTTP API (payload 2.0)
        return f"{http['method']} {event.get('rawPath', http.get('path', ''))}"
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return _records(records[0], len(records))
    if "detail-type" in event and "source" in event:
        if event["detail-type"] == "Scheduled Event":
            resources = event.get("resources") or ["?"]
            return f"schedule {_last_name(str(resources[0]))}"
        return f"event {event['source']} {event['detail-type']}"
    return None


def _records(first: Mapping[str, object], count: int) -> str:
    """``<source> <queue, table, stream or bucket> (N records)`` from the first record of a batch."""
    source = str(first.get("eventSource") or first.get("EventSource") or "records").removeprefix("aws:")
    arn = str(first.get("eventSourceARN") or first.get("EventSubscriptionArn") or "")
    s3 = first.get("s3")
    if source == "s3" and isinstance(s3, dict):
        arn = str((s3.get("bucket") or {}).get("name") or "")
    name = _last_name(arn.split("/stream/")[0]) if arn else ""
    records = f"{count} record{'s' if count != 1 else ''}"
    return f"{source} {name} ({records})" if name else f"{source} ({records})"


def _last_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def outcome(payload: object, errored: bool) -> str:
    """``ERROR <type>``, an HTTP proxy answer's status, or ``ok``."""
    if errored:
        error_type = payload.get("errorType", "Error") if isinstance(payload, dict) else "Error"
        return f"ERROR {error_type}"
    if isinstance(payload, dict) and isinstance(payload.get("statusCode"), int):
        return f"→ {payload['statusCode']}"
    return "ok"


def short(correlation_id: str | None) -> str:
    if not correlation_id:
        return ""
    shown = correlation_id if len(correlation_id) <= SHORT_ID + 1 else correlation_id[:SHORT_ID] + "…"
    return f"  corr={shown}"


def stamp() -> str:
    return datetime.now().strftime("%H:%M:%S.%f")[:-3]


def invocation_line(function: str, what: str, result: str, duration_ms: float, correlation_id: str | None) -> str:
    """``time  function  trigger outcome  duration  corr=``; ``function`` comes padded to its column."""
    head = f"{stamp()}  {function}  {what} {result}"
    return f"{head}  {duration_ms:>5.0f} ms{short(correlation_id)}"


def event_line(label: str, bus: str, source: str, detail_type: str, targets: int, correlation_id: str | None) -> str:
    """``time  event  source detail-type [on bus] → N targets  corr=``; ``label`` padded like a function."""
    on_bus = "" if bus == "default" else f" on {bus}"
    fanout = f"{targets} target{'s' if targets != 1 else ''}"
    return f"{stamp()}  {label}  {source} {detail_type}{on_bus} → {fanout}{short(correlation_id)}"


def loud_record_line(record: Mapping[str, object]) -> str:
    """A WARNING+ Powertools record condensed: level, message, where; an exception in full below."""
    where = record.get("location") or record.get("service") or ""
    text = f"    {record.get('level')}: {record.get('message')}" + (f"  ({where})" if where else "")
    exception = record.get("exception")
    if exception:
        text += "\n" + _indent(str(exception))
    return text


def error_block(payload: object) -> str:
    """Lambda's error object in full: type, message, and the traceback it carries."""
    if not isinstance(payload, dict):
        return f"    {payload!r}"
    lines = [f"    {payload.get('errorType', 'Error')}: {payload.get('errorMessage', '')}"]
    stack = [frame for frame in payload.get("stackTrace") or [] if not str(frame).startswith(RUNTIME_FRAME)]
    if stack:
        lines.append("    Traceback (most recent call last):")
        lines.append(_indent("".join(str(frame) for frame in stack).rstrip("\n")))
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
