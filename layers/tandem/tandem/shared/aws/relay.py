"""Outbox relay: DynamoDB stream records of outbox items -> EventBridge ``PutEvents``.

Powertools' ``BatchProcessor`` handles one record at a time; PutEvents takes up to 10
entries, so the relay batches itself and returns the same partial-failure response shape
(``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}]}``). Publishing, parking
poison and deleting published items is ``tandem.shared.aws.publisher``, shared with the sweeper.

* Transient failures (a whole-call exception, ``InternalFailure``, throttling): streams are
  ordered and Lambda restarts a shard from the LOWEST reported sequence number, so we stop
  publishing and report the first failed record and everything after it. Entries that had
  gone through after it are published again on retry: consumers are idempotent. If the
  retries run out, the item is still in its table and the sweeper publishes it.
* Poison (PutEvents rejects it for good, or the item cannot become an entry): sent at once
  to the poison queue with the reason and NOT reported, so it cannot block the shard. If
  that send fails (or no queue is configured) the record counts as a transient failure.
* The table of each record comes from its ``eventSourceARN``, so one relay serves the
  streams of every context table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from tandem.shared.aws.publisher import OutboxPublisher, Pending

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


def table_name(event_source_arn: str | None) -> str | None:
    """``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`` -> ``<name>``."""
    resource = (event_source_arn or "").split(":", 5)[-1].split("/")
    return resource[1] if len(resource) >= 4 and resource[0] == "table" and resource[2] == "stream" else None


def _pending(raw: dict[str, Any], bus_name: str) -> Pending | None:
    """The outbox item of a stream record; None for records that are not outbox INSERTs."""
    record = DynamoDBRecord(raw)
    stream = record.dynamodb
    if record.event_name != DynamoDBRecordEventName.INSERT or stream is None:
        return None
    sequence_number = str(stream.sequence_number)
    origin = {"event_source_arn": raw.get("eventSourceARN"), "sequence_number": sequence_number}
    table = table_name(raw.get("eventSourceARN"))
    try:
        image, keys = stream.new_image, stream.keys
    except (TypeError, ValueError, KeyError):
        return Pending(table, None, None, origin, error=("InvalidOutboxItem", "NewImage cannot be read"))
    if image.get("type") != "outbox":
        return None
    return Pending(table, keys or None, image, origin).prepare(bus_name)


class OutboxRelay:
    def __init__(
        self,
        bus_name: str,
        client: EventBridgeClient,
        *,
        poison_queue_url: str | None = None,
        sqs_client: Any = None,
        logger: Any = None,
        dynamodb_client: Any = None,
    ) -> None:
        self.bus_name = bus_name
        self.publisher = OutboxPublisher(
            bus_name, client, dynamodb=dynamodb_client, poison_queue_url=poison_queue_url, sqs=sqs_client, logger=logger
        )

    def relay(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Publish in order; return the partial batch response for Lambda."""
        found = [(n, p) for n, p in ((n, _pending(r, self.bus_name)) for n, r in enumerate(records)) if p]
        pending = [p for _, p in found]
        self.publisher.publish(pending)  # poison that cannot be parked blocks the shard like a failure
        cutoff = next((n for n, p in enumerate(pending) if not p.done), None)
        failed = [] if cutoff is None else records[found[cutoff][0] :]
        return {"batchItemFailures": [{"itemIdentifier": r.get("dynamodb", {}).get("SequenceNumber")} for r in failed]}


def relay_stream_batch(event: dict[str, Any], relay: OutboxRelay) -> dict[str, Any]:
    """Entry point for the relay handler: a DynamoDB stream batch in, partial failures out."""
    return relay.relay(list(event.get("Records") or []))
