"""Counts the invocations running in this environment and in all of them (reserved concurrency 2)."""

from __future__ import annotations

import threading
import time
import uuid

ENVIRONMENT = uuid.uuid4().hex
RUNNING = 0  # in this environment
LOCK = threading.Lock()


def handler(event: dict, context: object) -> dict:
    global RUNNING
    with LOCK:
        RUNNING += 1
        here = RUNNING
    time.sleep(event.get("sleep", 0.02))
    with LOCK:
        RUNNING -= 1
    return {"environment": ENVIRONMENT, "running_here": here}
