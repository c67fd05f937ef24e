"""`make bench`, support: the ``sla-check`` batch over N open tickets in moto (default 10,000; BENCH_SLA_TICKETS).

Run in its own process (bench/run.py starts it after the runtime stops): moto in-process, SupportTable as
template.yaml defines it, the tickets written straight to the table (normal priority, opened on a working
Monday over the last hours). Two figures: a run with nothing new to raise (what nearly every 5-minute run is:
GSI3 pages + the state of each ticket) and a run where a tenth of them breach (one transaction each, through
the local runtime's item-level TransactWriteItems, as `make run` has it). Each is split into the time spent
inside the GSI3 Query calls (moto answering + botocore parsing) and the rest (our code; transactions).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "tandem"), str(ROOT), str(ROOT / "local_runtime")]
TICKETS = int(os.environ.get("BENCH_SLA_TICKETS", "10000"))
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def main() -> None:
    os.environ.update(AWS_DEFAULT_REGION="eu-central-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    import boto3
    from moto import mock_aws
    from samtranslator.yaml_helper import yaml_parse
    from tandem.shared.aws.dynamo import to_attributes
    from tandem.shared.clock import Clock
    from tandem.shared.correlation import MessageContext
    from tandem.support.adapters import items
    from tandem.support.adapters.dynamodb import DynamoUnitOfWork
    from tandem.support.bootstrap import sla_settings
    from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
    from tandem.support.domain.model import Ticket
    from tandem.support.service import MailSettings, SupportService

    from local_runtime import dynamodb_transactions

    # What `make run` does too: moto's own TransactWriteItems deep-copies the whole table per call (O(table)),
    # which would make the breaching run measure moto's rollback copy of 10,000 items a thousand times.
    dynamodb_transactions.install()

    table = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]["SupportTable"]["Properties"]
    with mock_aws():
        client = boto3.client("dynamodb")
        keys = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        client.create_table(TableName="support", **{k: table[k] for k in keys})
        started = time.perf_counter()
        batch = []
        for n in range(TICKETS):
            at = MONDAY + timedelta(seconds=n)
            first = TicketMessage(uuid4(), Direction.INBOUND, f"c{n}@example.com", "Hello", at, f"<{n}@ex.com>")
            ticket = Ticket.open(
                uuid4(), n + 1, "Help", first, requester=Requester(email=f"c{n}@example.com"), channel=Channel.EMAIL
            )
            if n % 10:  # nine in ten answered at once: only first response and resolution left, nothing due
                ticket.first_replied_at = at + timedelta(minutes=5)
            batch.append({"PutRequest": {"Item": to_attributes(items.ticket_item(ticket, version=1))}})
            if len(batch) == 25:
                client.batch_write_item(RequestItems={"support": batch})
                batch = []
        if batch:
            client.batch_write_item(RequestItems={"support": batch})
        print(f"  {TICKETS:,} open tickets written in {time.perf_counter() - started:.1f} s")

        in_moto = [0.0]  # seconds spent inside the listing's Query calls (moto answering, botocore parsing)
        query = client.query

        def timed_query(**request: object) -> object:
            began = time.perf_counter()
            try:
                return query(**request)
            finally:
                in_moto[0] += time.perf_counter() - began

        client.query = timed_query  # type: ignore[method-assign]

        def run(at: datetime) -> tuple[float, object]:
            in_moto[0] = 0.0
            service = SupportService(
                lambda: DynamoUnitOfWork("support", client),
                Clock(now=lambda: at),
                store=None,  # type: ignore[arg-type]
                mailer=None,  # type: ignore[arg-type]
                mail=MailSettings(support_address="support@tandem.example", secrets=lambda: (b"k" * 32,)),
                sla=sla_settings(),
            )
            began = time.perf_counter()
            check = service.run_sla_check(MessageContext.fresh())
            return time.perf_counter() - began, check

        quiet, check = run(MONDAY + timedelta(hours=2))
        ours = quiet - in_moto[0]
        print(f"  sla-check, nothing new: {quiet:.1f} s for {TICKETS:,} tickets  ({check})")
        print(
            f"    of which GSI3 Query calls (moto + botocore): {in_moto[0]:.1f} s; "
            f"our code (items -> Ticket, SLA state): {ours:.1f} s = {ours / TICKETS * 1000:.2f} ms per ticket"
        )
        if os.environ.get("BENCH_SLA_QUIET_ONLY"):
            return
        busy, check = run(MONDAY + timedelta(days=1, hours=2))
        print(
            f"  sla-check, {check.breaches:,} breaches + {check.warnings:,} warnings: {busy:.1f} s "  # type: ignore[attr-defined]
            f"(GSI3 Query calls {in_moto[0]:.1f} s; the rest is our code and one transaction per ticket with news)"
        )


if __name__ == "__main__":
    print(f"\n8. Support — sla-check over {TICKETS:,} open tickets (moto in one process; seeded by BatchWriteItem)")
    main()
