"""DynamoDB stream -> Lambda event source mappings, run by our own pollers.

Why not moto's mapping: moto invokes the function synchronously inside the write, so the
writer would wait for (and see failures of) the consumer. Like AWS, a poller per mapping
reads the stream (moto's dynamodbstreams backend), filters, batches, retries, bisects,
honours ReportBatchItemFailures and MaximumRecordAgeInSeconds, and sends exhausted or expired
batches to the on-failure destination. The position only moves past a batch once it is
handled; an internal error (e.g. the function is gone) backs off on the clock and retries.
Pollers sleep on a threading.Event that moto's stream shard ``add`` sets (no busy polling).
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from local_runtime import atomic
from local_runtime.clock import Clock
from local_runtime.lambda_host import LambdaHost
from local_runtime.lambda_model import InvocationResult
from local_runtime.provision.records import StreamMapping
from local_runtime.targets import Targets

if TYPE_CHECKING:  # moto is imported when the hooks are installed
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamShard
    from moto.events.utils import EventMessageType

log = logging.getLogger(__name__)
_wakers: dict[str, set[threading.Event]] = {}  # table name -> events of pollers
_installed = False


def install() -> None:
    """Hook ``StreamShard.add`` so a write wakes the pollers of that table."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.models.table import StreamShard

    original = StreamShard.add

    def add(self: StreamShard, old: Item | None, new: Item | None) -> None:
        original(self, old, new)
        for event in list(_wakers.get(self.table.name, ())):
            event.set()

    add.__wrapped__ = original  # type: ignore[attr-defined]
    StreamShard.add = add  # type: ignore[method-assign]
    _installed = True


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.replace(tzinfo=value.tzinfo or UTC).timestamp())
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


class StreamPoller:
    """One mapping: read -> filter -> invoke -> checkpoint, on its own thread.

    It reads the stream from moto's backends of ``account_id``/``region``, invokes through ``lambdas``,
    sends on-failure records through ``targets`` and times retries and record ages on ``clock``.
    """

    IDLE_WAIT = 1.0  # real seconds between checks when no write woke us
    RETRY_WAIT = 1.0  # clock seconds between attempts of a failing batch
    MAX_BACKOFF = 60.0  # clock seconds, after repeated internal errors

    def __init__(
        self,
        mapping: StreamMapping,
        *,
        lambdas: LambdaHost,
        targets: Targets,
        clock: Clock,
        account_id: str,
        region: str,
    ) -> None:
        self.mapping = mapping
        self.lambdas = lambdas
        self.targets = targets
        self.clock = clock
        self.account_id = account_id
        self.region = region
        p = mapping.properties
        self.batch_size = int(p.get("BatchSize", 100))
        self.max_retries = int(p.get("MaximumRetryAttempts", -1))
        self.max_record_age = float(p.get("MaximumRecordAgeInSeconds", -1))  # -1: forever
        self.bisect = str(p.get("BisectBatchOnFunctionError", False)).lower() == "true"
        self.report_failures = "ReportBatchItemFailures" in (p.get("FunctionResponseTypes") or [])
        self.on_failure = ((p.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self.enabled = str(p.get("Enabled", True)).lower() != "false"
        from moto.events.models import EventPattern

        self.filters = [
            EventPattern.load(f["Pattern"] if isinstance(f["Pattern"], str) else json.dumps(f["Pattern"]))
            for f in ((p.get("FilterCriteria") or {}).get("Filters") or [])
        ]
        self.table_name = mapping.stream_arn.split(":", 5)[5].split("/")[1]
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        self.next_seq: int | None = None  # next sequence number to read
        self._arrivals: dict[str, float] = {}  # sequence number -> clock time written (last read)
        self._init_position(p.get("StartingPosition", "LATEST"))

    # ------------------------------------------------------------------ moto access
    def _shard(self) -> StreamShard:
        from moto.dynamodb.models import dynamodb_backends

        table = dynamodb_backends[self.account_id][self.region].get_table(self.table_name)
        if table.stream_shard is None:
            raise RuntimeError(f"table {self.table_name} has no stream")
        return table.stream_shard

    def _init_position(self, position: str) -> None:
        with atomic.GATE:
            shard = self._shard()
            if position == "TRIM_HORIZON":
                self.next_seq = shard.starting_sequence_number
            else:
                self.next_seq = shard.starting_sequence_number + len(shard.items)

    def pending(self) -> bool:
        """Records written but not yet handled (or a batch in flight)."""
        if self._busy:
            return True
        if not self.enabled or self._thread is None:
            return False
        try:
            shard = self._shard()
            return shard.starting_sequence_number + len(shard.items) > (self.next_seq or 0)
        except Exception:
            return False

    def _read(self) -> list[dict[str, Any]]:
        """A batch via moto's dynamodbstreams get_shard_iterator/get_records."""
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        with atomic.GATE:
            backend = dynamodbstreams_backends[self.account_id][self.region]
            shard = self._shard()
            it = backend.get_shard_iterator(self.mapping.stream_arn, shard.id, "AT_SEQUENCE_NUMBER", str(self.next_seq))
            it.sequence_number = int(self.next_seq or 0)
            out = backend.get_records(it.arn, self.batch_size)
            backend.shard_iterators.pop(it.arn, None)
            backend.shard_iterators.pop(out["NextShardIterator"], None)
            records = copy.deepcopy(out["Records"])
        clock, arrivals = self.clock, {}
        for r in records:
            created = r["dynamodb"].get("ApproximateCreationDateTime")
            if isinstance(created, datetime):  # moto stamps the wall clock; ages follow the runtime's
                arrivals[r["dynamodb"]["SequenceNumber"]] = clock.from_real(
                    created.replace(tzinfo=created.tzinfo or UTC).timestamp()
                )
            r["awsRegion"] = self.region
            r["eventSourceARN"] = self.mapping.stream_arn
        self._arrivals = arrivals
        return [_json_safe(r) for r in records]

    # ------------------------------------------------------------------ loop
    def start(self) -> None:
        if not self.enabled:
            return
        _wakers.setdefault(self.table_name, set()).add(self.wake)
        self._thread = threading.Thread(target=self._loop, name=f"stream-{self.mapping.logical_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        _wakers.get(self.table_name, set()).discard(self.wake)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def _loop(self) -> None:
        backoff = 0.0
        while not self._stop.is_set():
            self.wake.clear()
            try:
                self._busy = True
                records = self._read()
                if records:
                    last = int(records[-1]["dynamodb"]["SequenceNumber"])
                    batch = [r for r in records if self._matches(r)]
                    if batch:
                        self._process(batch)
                    self.next_seq = last + 1  # only once the batch is handled
                    backoff = 0.0
                    continue
            except Exception as e:
                if self._stop.is_set():
                    return
                backoff = min(backoff * 2 or self.RETRY_WAIT, self.MAX_BACKOFF)
                log.warning(
                    "local_runtime: stream mapping %s: %s: %s (batch retried in %.0f s)",
                    self.mapping.logical_id,
                    type(e).__name__,
                    e,
                    backoff,
                )
                self._stop.wait(self.clock.real_seconds(backoff))
                continue
            finally:
                self._busy = False
            self.wake.wait(self.IDLE_WAIT)

    def _matches(self, record: dict[str, Any]) -> bool:
        # moto's matcher takes any JSON document; it is typed for EventBridge events only
        event = cast("EventMessageType", record)
        return not self.filters or any(f.matches_event(event) for f in self.filters)

    # ------------------------------------------------------------------ batch semantics
    def _process(self, batch: list[dict[str, Any]]) -> None:
        """Invoke until success, retries exhausted (-> on-failure destination), or bisected."""
        attempts = 0
        result: InvocationResult | None = None
        while batch and not self._stop.is_set():
            expired = self._expired(batch)
            if expired:
                self._send_failure(batch[:expired], attempts, result, "RecordAgeExceeded")
                batch = batch[expired:]
                if not batch:
                    return
            attempts += 1
            result = self.lambdas.invoke(self.mapping.function, {"Records": batch})
            failed_from: int | None = None
            if result.errored:
                failed_from = 0
            elif self.report_failures:
                failed_from = self._first_failure(batch, result.payload)
            if failed_from is None:
                return
            if failed_from > 0:
                batch = batch[failed_from:]  # checkpoint the successful prefix
            if self.max_retries >= 0 and attempts > self.max_retries:
                self._send_failure(batch, attempts, result, "RetryAttemptsExhausted")
                return
            if result.errored and self.bisect and len(batch) > 1:
                half = len(batch) // 2
                self._process(batch[:half])
                self._process(batch[half:])
                return
            self._stop.wait(self.clock.real_seconds(self.RETRY_WAIT))

    def _expired(self, batch: list[dict[str, Any]]) -> int:
        """How many leading records are older than MaximumRecordAgeInSeconds (records are in order)."""
        if self.max_record_age < 0:
            return 0
        oldest_allowed = self.clock.time() - self.max_record_age
        n = 0
        for r in batch:
            arrived = self._arrivals.get(r["dynamodb"]["SequenceNumber"])
            if arrived is None or arrived >= oldest_allowed:
                break
            n += 1
        return n

    @staticmethod
    def _first_failure(batch: list[dict[str, Any]], payload: object) -> int | None:
        """Index of the lowest reported failure; the whole batch if the response is invalid."""
        if not isinstance(payload, dict):
            return None
        failures = payload.get("batchItemFailures")
        if not failures:
            return None
        seqs = {r["dynamodb"]["SequenceNumber"]: i for i, r in enumerate(batch)}
        indexes = []
        for f in failures:
            ident = f.get("itemIdentifier") if isinstance(f, dict) else None
            if ident is None or ident == "" or ident not in seqs:
                return 0  # AWS treats a malformed response as a full failure
            indexes.append(seqs[ident])
        return min(indexes)

    def _send_failure(
        self, batch: list[dict[str, Any]], attempts: int, result: InvocationResult | None, condition: str
    ) -> None:
        """On-failure record in AWS's DynamoDB-stream format (batch metadata, not the records)."""
        if not self.on_failure:
            return
        first, last = batch[0], batch[-1]

        def arrival(r: dict[str, Any]) -> str:
            ts = r["dynamodb"].get("ApproximateCreationDateTime", 0)
            return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        spec = self.lambdas.spec(self.mapping.function)
        record: dict[str, Any] = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": spec.arn,
                "condition": condition,
                "approximateInvokeCount": attempts,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
            "version": "1.0",
            "timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "DDBStreamBatchInfo": {
                "shardId": self._shard().id,
                "startSequenceNumber": first["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": last["dynamodb"]["SequenceNumber"],
                "approximateArrivalOfFirstRecord": arrival(first),
                "approximateArrivalOfLastRecord": arrival(last),
                "batchSize": len(batch),
                "streamArn": self.mapping.stream_arn,
            },
        }
        if result is not None and result.errored:
            record["responseContext"]["functionError"] = "Unhandled"
        try:
            self.targets.send_to_queue(self.on_failure, json.dumps(record))
        except Exception as e:  # an unreachable destination must not stall the stream
            log.warning("local_runtime: on-failure destination %s: %s: %s", self.on_failure, type(e).__name__, e)


class StreamPollers:
    """All stream mappings of the stack (the keyword arguments are ``StreamPoller``'s)."""

    def __init__(
        self,
        mappings: list[StreamMapping],
        *,
        lambdas: LambdaHost,
        targets: Targets,
        clock: Clock,
        account_id: str,
        region: str,
    ) -> None:
        self.pollers = [
            StreamPoller(m, lambdas=lambdas, targets=targets, clock=clock, account_id=account_id, region=region)
            for m in mappings
        ]

    def start(self) -> None:
        for p in self.pollers:
            p.start()

    def stop(self) -> None:
        for p in self.pollers:
            p.stop()

    def pending(self) -> bool:
        return any(p.pending() for p in self.pollers)
