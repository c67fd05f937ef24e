"""Asynchronous invocations (InvocationType=Event) with AWS's retries, event age and destinations.

Why a timer heap: AWS waits about a minute before a retry. A worker sleeping that out would
stall every invocation queued behind it, so a failed attempt hands its event to ``Timers``
(on the runtime clock) and frees the worker; the retry goes back to the pool when due.
Events older than ``MaximumEventAgeInSeconds`` go to the on-failure destination instead.

It knows the host only through callables (``invoke``, ``retry_delay``) and where records go only
through ``deliver``: ``LambdaHost`` owns an ``AsyncInvoker``, not the other way round.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from local_runtime.clock import Clock
from local_runtime.console import Caller, caller
from local_runtime.lambda_model import FunctionSpec, InvocationResult
from local_runtime.timers import Timers
from local_runtime.tracking import Tracker

log = logging.getLogger(__name__)

DEFAULT_RETRIES = 2
DEFAULT_MAX_EVENT_AGE = 21600  # seconds (six hours)

Invoke = Callable[[str, Any], InvocationResult]  # (function, event) -> result: one synchronous attempt
Deliver = Callable[[str, Any], object]  # (arn, payload): a destination or dead-letter queue receives payload


@dataclass
class _Job:
    spec: FunctionSpec
    event: Any
    request_id: str
    expires: float  # clock time after which the event is too old to (re)try
    attempts: int = 0
    last: InvocationResult | None = None
    on_done: Callable[[], None] | None = None  # called once the job leaves the tracker (done or dropped)


class AsyncInvoker:
    """A worker pool for attempts, ``Timers`` for back-offs; each job counted by ``tracker``.

    ``invoke(function, event)`` runs one attempt; ``retry_delay(attempt)`` is the clock seconds before
    the next one; ``deliver(arn, payload)`` reaches destinations and dead-letter queues.
    """

    def __init__(
        self,
        invoke: Invoke,
        *,
        clock: Clock,
        tracker: Tracker,
        retry_delay: Callable[[int], float],
        deliver: Deliver | None = None,
        workers: int = 8,
    ) -> None:
        self.invoke = invoke
        self.clock = clock
        self.tracker = tracker
        self.retry_delay = retry_delay
        self.deliver = deliver
        self.stopped = False
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda-async")
        self._timers = Timers(clock, name="lambda-retries")

    def submit(self, spec: FunctionSpec, event: Any, on_done: Callable[[], None] | None = None) -> str:
        request_id = str(uuid.uuid4())
        if self.stopped:
            if on_done is not None:
                on_done()
            return request_id  # the runtime is stopping: nothing new starts
        cfg = spec.event_invoke_config or {}
        max_age = float(cfg.get("MaximumEventAgeInSeconds", DEFAULT_MAX_EVENT_AGE))
        job = _Job(spec, event, request_id, expires=self.clock.time() + max_age, on_done=on_done)
        self.tracker.enter()
        self._enqueue(job)
        return request_id

    def _enqueue(self, job: _Job) -> None:
        if self.stopped:
            self._done(job)
            return
        try:
            self._pool.submit(self._attempt, job)
        except RuntimeError:  # pool shut down
            self._done(job)

    def _done(self, job: _Job) -> None:
        """The job is over (finished, or dropped by a stop): out of the tracker, then its ``on_done``."""
        self.tracker.exit()
        if job.on_done is not None:
            try:
                job.on_done()
            except Exception:
                log.exception("local_runtime: on_done of %s failed", job.spec.logical_id)

    def _attempt(self, job: _Job) -> None:
        finished = True
        try:
            if self.stopped:
                return
            if self.clock.time() >= job.expires:
                self._finish(job, "EventAgeExceeded")
                return
            job.attempts += 1
            attempt = caller.set(Caller(attempt=job.attempts))  # the console says which attempt it is
            try:
                job.last = self.invoke(job.spec.logical_id, job.event)
            finally:
                caller.reset(attempt)
            if not job.last.errored:
                self._finish(job, "Success")
                return
            retries = int((job.spec.event_invoke_config or {}).get("MaximumRetryAttempts", DEFAULT_RETRIES))
            if job.attempts > retries:
                self._finish(job, "RetriesExhausted")
                return
            due = min(self.clock.time() + self.retry_delay(job.attempts), job.expires)
            try:
                self._timers.call_at(due, functools.partial(self._enqueue, job))
            except RuntimeError:  # stopping
                return
            finished = False
        except Exception:  # never let a worker die silently
            log.exception("local_runtime: async invocation of %s failed", job.spec.logical_id)
        finally:
            if finished:
                self._done(job)

    def _finish(self, job: _Job, condition: str) -> None:
        """The on-success/on-failure destination record, or the event to the function's DLQ."""
        if self.stopped:
            return
        spec, failed = job.spec, condition != "Success"
        dest_cfg = (spec.event_invoke_config or {}).get("DestinationConfig") or {}
        target = (dest_cfg.get("OnFailure" if failed else "OnSuccess") or {}).get("Destination")
        if target:
            self._send(target, self._record(job, condition), failed)
        elif failed and spec.dead_letter_arn:
            self._send(spec.dead_letter_arn, job.event, failed, raw=True)

    def _record(self, job: _Job, condition: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "requestContext": {
                "requestId": job.request_id,
                "functionArn": f"{job.spec.arn}:$LATEST",
                "condition": condition,
                "approximateInvokeCount": job.attempts,
            },
            "requestPayload": job.event,
        }
        if job.last is not None:
            record["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST"}
            if job.last.errored:
                record["responseContext"]["functionError"] = "Unhandled"
            record["responsePayload"] = job.last.payload
        return record

    def _send(self, arn: str, body: object, failed: bool, raw: bool = False) -> None:
        if self.deliver is None:
            log.warning("local_runtime: no delivery for destination %s, record dropped", arn)
            return
        if arn.split(":")[2:3] == ["events"] and not raw:
            result = "Failure" if failed else "Success"
            body = {"source": "lambda", "detail-type": f"Lambda Function Invocation Result - {result}", "detail": body}
        try:
            self.deliver(arn, body)
        except Exception as e:
            log.warning("local_runtime: destination %s: %s: %s, record dropped", arn, type(e).__name__, e)

    def stop(self) -> None:
        """Pending retries are dropped (their work is no longer in flight); running attempts finish."""
        self.stopped = True
        for callback in self._timers.stop():
            callback()  # each is ``_enqueue(job)``: with ``stopped`` set it drops the job (``_done``)
        self._pool.shutdown(wait=False)  # queued attempts see ``stopped`` and return at once
