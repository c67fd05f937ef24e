"""EventBridge rule targets delivered by the runtime, plus a tail of recent events.

Why: moto's ``Rule.send_to_targets`` raises NotImplementedError for Lambda and Step
Functions targets (which makes the whole ``put_events`` fail), mis-quotes InputTransformer
output for SQS and ignores target dead-letter queues. Here only ENABLED rules with an event
pattern match (a scheduled rule fires on its schedule, not on events); each target's input
is computed as AWS does and delivered on a worker pool (``Targets.deliver``), so
``put_events`` returns at once; failed deliveries go to the target's DeadLetterConfig.
Archives, log groups and API destinations stay with moto.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from local_runtime.targets import Targets, handles, input_for
from local_runtime.targets import iso as _iso
from local_runtime.tracking import Tracker

if TYPE_CHECKING:  # moto is imported when the hooks are installed
    from moto.events.models import EventsBackend, Rule
    from moto.events.utils import EventMessageType

log = logging.getLogger(__name__)
_active: EventDelivery | None = None
_originals: dict[str, Any] = {}


def aws_event(moto_event: EventMessageType) -> dict[str, Any]:
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


def rule_matches(rule: Rule, moto_event: EventMessageType) -> bool:
    """AWS: a DISABLED rule never fires; a rule without a pattern (schedule only) never matches an event."""
    if rule.state != "ENABLED":
        return False
    if not rule.event_pattern.get_pattern():  # moto's EventPattern.load(None) would match everything
        return False
    return bool(rule.event_pattern.matches_event(moto_event))


def _cache_jsonpath() -> None:
    """Memoise ``jsonpath_ng.ext.parse``: moto parses eight JSONPaths per archive target per event
    (``EventTemplateParser.parse``, ~1 ms each, under the AWS-call lock). Parsed paths are immutable."""
    import functools

    import jsonpath_ng.ext

    if not hasattr(jsonpath_ng.ext.parse, "cache_info"):
        jsonpath_ng.ext.parse = functools.lru_cache(maxsize=512)(jsonpath_ng.ext.parse)


def install() -> None:
    """Patch ``Rule.send_to_targets`` (targets) and ``EventsBackend.put_events`` (event tail)."""
    from moto.events.models import EventsBackend, Rule

    if _originals:
        return
    _cache_jsonpath()
    _originals["send_to_targets"] = Rule.send_to_targets
    _originals["put_events"] = EventsBackend.put_events

    def send_to_targets(self: Rule, original_event: EventMessageType, transform_input: bool = True) -> None:
        delivery = _active
        if delivery is None:
            return _originals["send_to_targets"](self, original_event, transform_input)
        if not rule_matches(self, original_event):
            return None
        event = aws_event(original_event)
        delivery.count_targets(event["id"], len(self.targets))
        moto_targets = []
        for target in self.targets:
            if not handles(target["Arn"]):
                moto_targets.append(target)
                continue
            try:
                payload = input_for(target, event, original_event.get("ingestion-time"))
            except Exception as e:  # a bad transformer is a failed delivery
                delivery.dead_letter(self.arn, target, event, "TransformationError", str(e))
                continue
            delivery.submit(self.arn, target, payload)
        if moto_targets:
            saved = self.targets
            self.targets = moto_targets  # under the AWS-call lock: no other thread sees this
            try:
                _originals["send_to_targets"](self, original_event, transform_input)
            finally:
                self.targets = saved
        return None

    def put_events(self: EventsBackend, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries = _originals["put_events"](self, events)
        delivery = _active
        if delivery is not None:
            for ev, entry in zip(events, entries, strict=False):
                if "EventId" in entry:
                    delivery.record(self, ev, entry["EventId"])
                    delivery.announce(ev, entry["EventId"])
        return entries

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    EventsBackend.put_events = put_events  # type: ignore[method-assign]


class EventDelivery:
    """Worker pool delivering rule targets (through ``targets``), and the ring buffer of recent events.

    ``tracker`` counts the deliveries queued or running, for ``wait_idle``.
    """

    def __init__(self, targets: Targets, tracker: Tracker, max_recent: int = 500) -> None:
        global _active
        self.targets = targets
        self.tracker = tracker
        self.stopped = False
        self._recent: deque[dict[str, Any]] = deque(maxlen=max_recent)
        self._targets_of: dict[str, int] = {}  # event id -> targets its matching rules have, until announced
        self.console = targets.lambdas.console
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="event-delivery")
        _active = self

    # ------------------------------------------------------------------ tail
    def record(self, backend: EventsBackend, entry: dict[str, Any], event_id: str) -> None:
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

    def count_targets(self, event_id: str, targets: int) -> None:
        """A matching rule's targets, counted for the event's console line (``put_events`` runs under the
        AWS-call lock: its rules match one at a time, and ``announce`` follows in the same call)."""
        self._targets_of[event_id] = self._targets_of.get(event_id, 0) + targets

    def announce(self, entry: Mapping[str, object], event_id: str) -> None:
        """The event's console line, once every rule has matched it (``put_events`` returned)."""
        bus = str(entry.get("EventBusName") or "default").split("/")[-1]
        targets = self._targets_of.pop(event_id, 0)
        self.console.event_put(bus, str(entry.get("Source")), str(entry.get("DetailType")), targets)

    def recent(self, limit: int = 100) -> list[dict[str, Any]]:
        """Most recent events put on any bus, newest first."""
        return list(self._recent)[: max(0, limit)]

    def clear(self) -> None:
        self._recent.clear()

    # ------------------------------------------------------------------ delivery
    def submit(self, rule_arn: str, target: dict[str, Any], payload: object) -> None:
        if self.stopped:
            return
        self.tracker.enter()
        try:
            self._pool.submit(self._deliver, rule_arn, target, payload)
        except RuntimeError:
            self.tracker.exit()

    def _deliver(self, rule_arn: str, target: dict[str, Any], payload: object) -> None:
        try:
            if self.stopped:  # the runtime is stopping: its moto may already be another runtime's
                return
            self.targets.deliver(target["Arn"], payload, target=target)
        except Exception as e:
            if not self.stopped:
                self.dead_letter(rule_arn, target, payload, type(e).__name__, str(e))
        finally:
            self.tracker.exit()

    def dead_letter(self, rule_arn: str, target: dict[str, Any], payload: object, code: str, message: str) -> None:
        """AWS sends the undeliverable event to the target's DLQ with these attributes."""
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not dlq:
            log.warning("local_runtime: delivery to %s failed (%s: %s)", target.get("Arn"), code, message)
            return
        attrs = {
            "RULE_ARN": rule_arn,
            "TARGET_ARN": target.get("Arn", ""),
            "ERROR_CODE": code,
            "ERROR_MESSAGE": message[:256] or code,
        }
        self.targets.dead_letter(dlq, payload, attrs)

    def stop(self) -> None:
        """No delivery starts after this; queued ones return at once (and leave the tracker)."""
        global _active
        self.stopped = True
        self._pool.shutdown(wait=False)
        if _active is self:
            _active = None
