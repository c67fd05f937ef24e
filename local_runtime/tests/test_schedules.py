from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from core_helpers import FIXTURE_TEMPLATE, Spy
from local_runtime.provision import ScheduleInfo
from local_runtime.schedules import Cron, next_fire

from local_runtime import LocalRuntime


def dt(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


def test_rate_expressions() -> None:
    start = dt("2030-01-01T00:00:00")
    assert next_fire("rate(5 minutes)", dt("2030-01-01T00:07:00"), anchor=start) == dt("2030-01-01T00:10:00")
    assert next_fire("rate(1 hour)", start) == dt("2030-01-01T01:00:00")
    assert next_fire("rate(2 days)", start) == dt("2030-01-03T00:00:00")


def test_cron_fields_lists_ranges_steps_and_names() -> None:
    # 03:00 every day
    assert next_fire("cron(0 3 * * ? *)", dt("2030-01-01T03:00:00")) == dt("2030-01-02T03:00:00")
    # every 15 minutes during 9-17 on weekdays (AWS: 1=SUN, MON-FRI = 2-6); 2030-01-05 is a Saturday
    assert next_fire("cron(0/15 9-17 ? * MON-FRI *)", dt("2030-01-04T17:50:00")) == dt("2030-01-07T09:00:00")
    # lists, month names, a year
    assert next_fire("cron(10,40 8 1 JAN,JUL ? 2031)", dt("2030-06-01T00:00:00")) == dt("2031-01-01T08:10:00")
    # day of week by number: 1 = Sunday
    assert next_fire("cron(0 12 ? * 1 *)", dt("2030-01-01T00:00:00")) == dt("2030-01-06T12:00:00")
    with pytest.raises(ValueError):
        Cron.parse("* * * *")


def test_at_and_timezones() -> None:
    assert next_fire("at(2030-05-01T10:00:00)", dt("2030-01-01T00:00:00")) == dt("2030-05-01T10:00:00")
    assert next_fire("at(2030-05-01T10:00:00)", dt("2030-06-01T00:00:00")) is None
    assert next_fire("cron(0 9 * * ? *)", dt("2030-01-01T00:00:00"), "Europe/Paris") == dt("2030-01-01T08:00:00")


def test_schedules_fire_on_the_clock_and_on_demand() -> None:
    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000) as rt:
        listed = {s["name"]: s for s in rt.schedules.list()}
        every = listed["fixture-test-every-minute"]
        assert every["kind"] == "scheduler" and every["expression"] == "rate(1 minute)"
        assert every["target"] == rt.lambdas.spec("EchoFunction").arn and every["next"]
        nightly = next(s for s in listed.values() if s["logical_id"] == "EchoFunctionNightly")
        assert nightly["kind"] == "rule" and nightly["expression"] == "cron(0 3 * * ? *)"
        # rate(1 minute) at 1000x: about every 60 ms. A loaded machine fires fewer (a run still going
        # makes the next one skip its turn), never more than the clock allows.
        with Spy(rt, "EchoFunction") as spy:
            started = time.monotonic()
            time.sleep(1.0)
            elapsed = time.monotonic() - started
            assert rt.wait_idle(5)
        fired = [e for e in spy.events if e == {"from": "scheduler", "record": False}]
        assert 3 <= len(fired) <= elapsed / 0.060 + 2
        result = rt.schedules.fire("EchoFunctionNightly")
        assert result["errored"] is False
        assert result["payload"]["event"] == {"from": "nightly", "record": False}
        by_name = rt.schedules.fire("fixture-test-every-minute")
        assert by_name["payload"]["event"] == {"from": "scheduler", "record": False}
        with pytest.raises(KeyError):
            rt.schedules.fire("nope")

        # a scheduled rule's target gets the "Scheduled Event" through its InputTransformer / InputPath
        echo = rt.lambdas.spec("EchoFunction").arn
        transformer = {
            "InputPathsMap": {"type": "$.detail-type", "source": "$.source"},
            "InputTemplate": '{"kind": <type>, "from": "<source>", "record": false}',
        }
        for name, target in (
            ("probe-transformed", {"Id": "t", "Arn": echo, "InputTransformer": transformer}),
            ("probe-path", {"Id": "p", "Arn": echo, "InputPath": "$.detail"}),
        ):
            rt.schedules.schedules.append(
                ScheduleInfo(name, name, "default", "rate(1 day)", None, "ENABLED", target, "rule")
            )
        transformed = rt.schedules.fire("probe-transformed")["payload"]["event"]
        assert transformed == {"kind": "Scheduled Event", "from": "aws.events", "record": False}
        assert rt.schedules.fire("probe-path")["payload"]["event"] == {}


def test_a_schedule_that_cannot_deliver_sends_its_payload_to_the_targets_dlq() -> None:
    from core_helpers import drain, new_queue

    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000) as rt:
        url, dlq_arn = new_queue(rt, "schedule-dlq")
        missing = rt.lambdas.spec("EchoFunction").arn + "-gone"
        target = {"Arn": missing, "Input": '{"from": "orphan"}', "DeadLetterConfig": {"Arn": dlq_arn}}
        rt.schedules.schedules.append(
            ScheduleInfo("Orphan", "orphan", "default", "rate(1 minute)", None, "ENABLED", target, "scheduler")
        )
        rt.schedules.stop()
        rt.schedules.start()  # pick up the new schedule

        message = drain(rt, url, expect=1, timeout=5)[0]  # it fires every 60 ms: take the first

        assert message["body"] == {"from": "orphan"}
        assert message["attributes"]["TARGET_ARN"] == missing


def test_a_schedule_does_not_fire_again_while_its_last_firing_is_in_flight() -> None:
    """At 1000x, rate(1 minute) is due every 60 ms: firings that find the last one still queued or
    running are skipped (counted), instead of queueing up behind it without bound."""
    import threading

    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000) as rt:
        release, started = threading.Event(), []
        real_invoke = rt.lambdas.invoke

        def slow(name: str, event: object, **kwargs: object) -> object:
            if event == {"from": "scheduler", "record": False}:
                started.append(time.monotonic())
                release.wait(5)
            return real_invoke(name, event, **kwargs)

        rt.lambdas.invoke = slow  # type: ignore[method-assign]
        try:
            deadline = time.monotonic() + 5
            while not started and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.5)  # ~8 more firings fall due while the first one runs
            assert len(started) == 1
            assert rt.tracker.count <= 2  # the running firing (and its invocation), no backlog
            skipped = next(s for s in rt.schedules.list() if s["name"] == "fixture-test-every-minute")["skipped"]
            assert skipped >= 3
            release.set()
            deadline = time.monotonic() + 5
            while len(started) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(started) >= 2  # once it is over, the schedule fires again
        finally:
            release.set()
            del rt.lambdas.invoke
