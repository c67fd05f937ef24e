"""Fire EventBridge Scheduler schedules and scheduled rules on the runtime clock.

Why: moto stores schedules but never fires them. We parse ``rate()``, ``cron()`` (AWS's
6-field form) and ``at()``, fire due targets on the (possibly sped-up) clock, and let
developers fire any schedule now with ``fire(name)``.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from local_runtime.clock import Clock
from local_runtime.provision.records import RuleInfo, ScheduleInfo
from local_runtime.targets import Targets, input_for, service_of

log = logging.getLogger(__name__)

_MONTHS = {
    m: i + 1 for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])
}
_DAYS = {d: i + 1 for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}
_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def _field(text: str, lo: int, hi: int, names: dict[str, int] | None = None) -> set[int] | None:
    """One cron field -> allowed values; None means any (``*`` or ``?``)."""
    text = text.strip().upper()
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", ""):
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names), _value(b, names)
        else:
            start = _value(part, names)
            end = hi if step > 1 else start
        if not (lo <= start <= hi and lo <= end <= hi):
            raise ValueError(f"cron value out of range in {text!r}")
        values.update(range(start, end + 1, step))
    return values


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text in names:
        return names[text]
    return int(text)


@dataclass
class Cron:
    """AWS cron: minutes hours day-of-month month day-of-week year (day-of-week 1=SUN)."""

    minutes: set[int] | None
    hours: set[int] | None
    days: set[int] | None
    months: set[int] | None
    weekdays: set[int] | None
    years: set[int] | None

    @classmethod
    def parse(cls, text: str) -> Cron:
        parts = text.split()
        if len(parts) != 6:
            raise ValueError(f"cron needs 6 fields, got {text!r}")
        return cls(
            _field(parts[0], 0, 59),
            _field(parts[1], 0, 23),
            _field(parts[2], 1, 31),
            _field(parts[3], 1, 12, _MONTHS),
            _field(parts[4], 1, 7, _DAYS),
            _field(parts[5], 1970, 2199),
        )

    def _day_ok(self, d: datetime) -> bool:
        if self.years is not None and d.year not in self.years:
            return False
        if self.months is not None and d.month not in self.months:
            return False
        if self.days is not None and d.day not in self.days:
            return False
        aws_weekday = (d.isoweekday() % 7) + 1  # Sunday=1 ... Saturday=7
        return self.weekdays is None or aws_weekday in self.weekdays

    def next_after(self, after: datetime) -> datetime | None:
        """First matching minute strictly after ``after`` (same tz), within ~5 years."""
        start = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        hours = sorted(self.hours) if self.hours is not None else list(range(24))
        minutes = sorted(self.minutes) if self.minutes is not None else list(range(60))
        day = start.replace(hour=0, minute=0)
        for _ in range(366 * 5):
            if self._day_ok(day):
                for h in hours:
                    for m in minutes:
                        candidate = day.replace(hour=h, minute=m)
                        if candidate >= start:
                            return candidate
            day = (day + timedelta(days=1)).replace(hour=0, minute=0)
        return None


def next_fire(
    expression: str, after: datetime, timezone: str | None = None, anchor: datetime | None = None
) -> datetime | None:
    """Next firing time (UTC) of ``rate()``, ``cron()`` or ``at()`` strictly after ``after``."""
    expr = expression.strip()
    tz = ZoneInfo(timezone) if timezone else UTC
    m = re.fullmatch(r"rate\(\s*(\d+)\s+(\w+)\s*\)", expr)
    if m:
        seconds = int(m.group(1)) * _RATE_UNITS[m.group(2).lower()]
        base = anchor or after
        n = int((after - base).total_seconds() // seconds) + 1
        return base + timedelta(seconds=n * seconds)
    m = re.fullmatch(r"cron\((.*)\)", expr)
    if m:
        nxt = Cron.parse(m.group(1)).next_after(after.astimezone(tz))
        return nxt.astimezone(UTC) if nxt else None
    m = re.fullmatch(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)", expr)
    if m:
        when = datetime.fromisoformat(m.group(1)).replace(tzinfo=tz).astimezone(UTC)
        return when if when > after else None
    raise ValueError(f"unsupported schedule expression {expression!r}")


class Scheduler:
    """Fires schedules on ``clock``; ``fire(name)`` runs one now. Targets are reached through ``targets``.

    ``rules``: the stack's rules (a scheduled rule's event names its rule's ARN); ``account_id`` and
    ``region``: where the "Scheduled Event" says it comes from.
    """

    def __init__(
        self,
        schedules: list[ScheduleInfo],
        *,
        targets: Targets,
        clock: Clock,
        account_id: str,
        region: str,
        rules: Sequence[RuleInfo] = (),
    ) -> None:
        self.schedules = schedules
        self.targets = targets
        self.clock = clock
        self.account_id = account_id
        self.region = region
        self.rules = list(rules)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next: dict[int, datetime | None] = {}
        # Schedules whose last firing (an async Lambda invocation) is still queued, running or waiting
        # for a retry: they skip their due firings until it is over (see ``_fire``).
        self._in_flight: set[int] = set()
        self._lock = threading.Lock()
        self.skipped: dict[str, int] = {}  # schedule name -> firings skipped because the last one was in flight

    # ------------------------------------------------------------------ lookup
    def find(self, name: str) -> list[ScheduleInfo]:
        found = [s for s in self.schedules if name in (s.name, s.logical_id, f"{s.group}/{s.name}")]
        if not found:
            raise KeyError(f"no such schedule: {name}")
        return found

    def list(self) -> list[dict[str, Any]]:
        now = self.clock.now()
        out = []
        for i, s in enumerate(self.schedules):
            nxt = self._next.get(i)
            if nxt is None and i not in self._next:
                try:
                    nxt = next_fire(s.expression, now, s.timezone)
                except ValueError:
                    nxt = None
            out.append(
                {
                    "name": s.name,
                    "logical_id": s.logical_id,
                    "kind": s.kind,
                    "group": s.group,
                    "expression": s.expression,
                    "timezone": s.timezone,
                    "state": s.state,
                    "target": s.target.get("Arn"),
                    "next": nxt.strftime("%Y-%m-%dT%H:%M:%SZ") if nxt else None,
                    "skipped": self.skipped.get(s.name, 0),
                }
            )
        return out

    # ------------------------------------------------------------------ firing
    def _payload(self, s: ScheduleInfo) -> Any:
        """A scheduled rule's target gets the "Scheduled Event" through its Input/InputPath/
        InputTransformer; a Scheduler target gets its Input (else ``{}``)."""
        if s.kind != "rule":
            return input_for(s.target, {})
        rule = next((r for r in self.rules if r.name == s.name), None)
        now = self.clock.now()
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.account_id,
            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.region,
            "resources": [rule.arn] if rule else [],
            "detail": {},
        }
        return input_for(s.target, event, now)

    def _run_target(self, s: ScheduleInfo, sync: bool, on_done: Callable[[], None] | None = None) -> Any:
        return self.targets.deliver(s.target["Arn"], self._payload(s), target=s.target, sync=sync, on_done=on_done)

    def _dead_letter(self, s: ScheduleInfo, error: Exception) -> None:
        """Scheduler sends what it could not deliver to the target's DLQ (else it is only logged)."""
        arn, dlq = s.target.get("Arn"), (s.target.get("DeadLetterConfig") or {}).get("Arn")
        log.warning("local_runtime: schedule %s -> %s: %s: %s", s.name, arn, type(error).__name__, error)
        if not dlq:
            return
        attrs = {
            "ERROR_CODE": type(error).__name__,
            "ERROR_MESSAGE": (str(error) or type(error).__name__)[:256],
            "TARGET_ARN": str(arn or ""),
        }
        self.targets.dead_letter(dlq, self._payload(s), attrs)

    def fire(self, name: str) -> Any:
        """Run the target of schedule ``name`` now (Lambda synchronously, to show the result)."""
        results = [self._run_target(s, sync=True) for s in self.find(name)]
        return results[0] if len(results) == 1 else results

    def _fire(self, i: int, s: ScheduleInfo) -> None:
        """Fire a due schedule, unless its previous firing of a Lambda target is not over yet.

        Why: on a sped-up clock a ``rate(1 minute)`` schedule is due every 60 ms of real time, faster
        than its function can run while other work shares the process; every firing would be queued
        on the async pool anyway, so the backlog would grow without bound, delay every other async
        invocation and keep the runtime from ever being idle. AWS would run overlapping invocations
        in parallel containers; here a firing that finds the last one still in flight is skipped
        (counted in ``skipped``), as if it had coalesced with it.
        """
        arn = s.target.get("Arn", "")
        is_lambda = service_of(arn) == "lambda"
        if is_lambda:
            with self._lock:
                if i in self._in_flight:
                    self.skipped[s.name] = self.skipped.get(s.name, 0) + 1
                    log.debug("local_runtime: schedule %s skipped: its last firing is still in flight", s.name)
                    return
                self._in_flight.add(i)
        try:
            self._run_target(s, sync=False, on_done=(lambda: self._landed(i)) if is_lambda else None)
        except Exception as e:
            if is_lambda:
                self._landed(i)
            self._dead_letter(s, e)

    def _landed(self, i: int) -> None:
        with self._lock:
            self._in_flight.discard(i)

    # ------------------------------------------------------------------ clock loop
    def start(self) -> None:
        if not self.schedules:
            return
        now = self.clock.now()
        for i, s in enumerate(self.schedules):
            try:
                self._next[i] = next_fire(s.expression, now, s.timezone, anchor=now)
            except ValueError as e:
                self._next[i] = None
                log.warning("local_runtime: schedule %s: %s", s.name, e)
        self._anchor = now
        # Each loop owns its stop event: a loop still finishing a firing when stop() gave up waiting
        # must not come back to life when start() runs again (two loops would fire every schedule twice).
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(self._stop,), name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def _loop(self, stop: threading.Event) -> None:
        clock = self.clock
        while not stop.is_set():
            now = clock.now()
            due = [(i, t) for i, t in self._next.items() if t is not None and t <= now]
            for i, t in due:
                if stop.is_set():  # held mid-batch: the rest fire after start() recomputes them
                    break
                s = self.schedules[i]
                try:
                    self._next[i] = next_fire(s.expression, t, s.timezone, anchor=self._anchor)
                except ValueError:
                    self._next[i] = None
                if s.state != "ENABLED":
                    continue
                self._fire(i, s)
            upcoming = [t for t in self._next.values() if t is not None]
            wait = min(((min(upcoming) - clock.now()).total_seconds()), 3600.0) if upcoming else 3600.0
            stop.wait(min(max(clock.real_seconds(wait), 0.001), 0.5))
