"""The Powertools detail ``powertools_router`` relies on, and what the patch gives."""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from local_runtime import powertools_router


def event(path: str) -> dict[str, Any]:
    return {"httpMethod": "GET", "path": path, "headers": {}, "requestContext": {}}


def test_resolve_stores_the_event_on_the_class_base_router() -> None:
    # The reason for the patch: if Powertools stops assigning BaseRouter.current_event, it is not needed.
    source = APIGatewayRestResolver.resolve.__code__
    assert "BaseRouter" in source.co_names and "current_event" in source.co_names
    assert "lambda_context" in source.co_names


def test_each_thread_resolves_its_own_event() -> None:
    assert powertools_router.install()
    assert powertools_router.install()  # idempotent
    assert all(isinstance(BaseRouter.__dict__[name], powertools_router.Scoped) for name in powertools_router.SCOPED)
    both_inside = threading.Barrier(2, timeout=5)
    app = APIGatewayRestResolver()

    @app.get("/<name>")
    def read(name: str) -> dict[str, str]:
        both_inside.wait()  # the other thread has resolved its own event meanwhile
        return {"name": name, "path": app.current_event.path}

    answers: dict[str, Any] = {}

    def run(name: str) -> None:
        answers[name] = app.resolve(event(f"/{name}"), None)["body"]

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert answers == {"a": '{"name":"a","path":"/a"}', "b": '{"name":"b","path":"/b"}'}
    BaseRouter.current_event = "set on the class"  # what resolve does: stays in this thread
    seen: list[object] = []
    other = threading.Thread(target=lambda: seen.append(getattr(BaseRouter, "current_event", None)))
    other.start()
    other.join(5)
    assert seen == [None] and BaseRouter.current_event == "set on the class"
