"""Keeps per-request state in module globals, as Powertools' resolver does, and sleeps while holding it."""

from __future__ import annotations

import os
import threading
import time
import uuid

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()
ENVIRONMENT = uuid.uuid4().hex  # one per import: per execution environment
IMPORTED_UNDER = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
CURRENT: dict[str, object] = {}  # the request being served, in a module global
BUSY = threading.Lock()  # an environment serves one invocation at a time: never contended
OVERLAPS: list[str] = []


def _serve(answer: dict[str, object]) -> dict[str, object]:
    if not BUSY.acquire(blocking=False):
        OVERLAPS.append(ENVIRONMENT)
        BUSY.acquire()
    try:
        CURRENT.clear()
        CURRENT.update(answer)
        time.sleep(0.01)
        return {**CURRENT, "environment": ENVIRONMENT, "path": app.current_event.path}
    finally:
        BUSY.release()


@app.get("/things/<name>")
def read(name: str) -> dict[str, object]:
    return _serve({"read": name})


@app.post("/things")
def write() -> tuple[dict[str, object], int]:
    return _serve({"wrote": app.current_event.json_body["name"]}), 201


def handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
