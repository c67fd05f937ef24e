"""Shared helpers for the core runtime tests (fixture app, queue draining)."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

FIXTURE_APP = Path(__file__).parent / "fixture_app"
FIXTURE_TEMPLATE = FIXTURE_APP / "template.yaml"
REAL_TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def copy_fixture(tmp_path: Path) -> Path:
    """A private copy of the fixture app (for tests that edit handler files)."""
    dest = tmp_path / "app"
    shutil.copytree(FIXTURE_APP, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "template.yaml"


def drain(rt: Any, queue_logical_id: str, *, expect: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Receive (and delete) messages until ``expect`` arrived or ``timeout``; bodies + attributes.

    ``queue_logical_id``: a logical id of the fixture app, or a queue URL."""
    sqs = rt.client("sqs")
    url = queue_logical_id if queue_logical_id.startswith("https://") else rt.physical_id(queue_logical_id)
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        for m in resp.get("Messages", []):
            try:
                body = json.loads(m["Body"])
            except ValueError:
                body = m["Body"]
            out.append(
                {
                    "body": body,
                    "attributes": {k: v.get("StringValue") for k, v in (m.get("MessageAttributes") or {}).items()},
                }
            )
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if len(out) >= expect:
            # a short grace period shows unexpected extra messages
            time.sleep(0.05)
            continue_resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            for m in continue_resp.get("Messages", []):
                try:
                    extra = json.loads(m["Body"])
                except ValueError:
                    extra = m["Body"]
                out.append({"body": extra, "attributes": {}})
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            return out
        time.sleep(0.02)
    return out


def put_event(rt: Any, source: str, detail: dict[str, Any], detail_type: str = "Thing") -> dict[str, Any]:
    return rt.client("events").put_events(
        Entries=[
            {
                "Source": source,
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": rt.physical_id("Bus"),
            }
        ]
    )


def new_queue(rt: Any, name: str) -> tuple[str, str]:
    """A queue created by the test itself: (url, arn)."""
    sqs = rt.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


class Spy:
    """Wraps a function's handler (``with Spy(rt, "Fn") as spy``): ``spy.events`` it received."""

    def __init__(self, rt: Any, logical_id: str, before: Any = None) -> None:
        self.module = rt.lambdas.module_for(logical_id)
        self.original = self.module.lambda_handler
        # Every execution environment of the function runs the spy, and no new one (without it) is made.
        self.spec = rt.lambdas.spec(logical_id)
        self.environments = [
            m for name, m in list(sys.modules.items()) if name.split("__")[0] == f"_local_runtime_fn_{logical_id}"
        ]
        self.cap = self.spec.reserved_concurrency
        self.before = before  # called with the event first (may raise or sleep)
        self.events: list[Any] = []
        self.times: list[float] = []
        self.clock = rt.clock

    def __enter__(self) -> Spy:
        def spying(original: Any) -> Any:
            def spy(event: Any, context: Any) -> Any:
                self.events.append(event)
                self.times.append(self.clock.time())
                if self.before is not None:
                    self.before(event)
                return original(event, context)

            return spy

        self.originals = [module.lambda_handler for module in self.environments]
        for module in self.environments:
            module.lambda_handler = spying(module.lambda_handler)
        self.spec.reserved_concurrency = len(self.environments)
        return self

    def __exit__(self, *exc: object) -> None:
        for module, original in zip(self.environments, self.originals, strict=True):
            module.lambda_handler = original
        self.spec.reserved_concurrency = self.cap
