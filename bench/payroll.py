"""Payroll, wired: a run from start to ``calculated`` over the real service and DynamoDB adapter on in-process
moto, for N employees (default 1,000), counting DynamoDB round trips.

``.venv/bin/python bench/payroll.py [N ...]``. The tasks are called one after the other as the state machine
would (snapshot, each batch, finish), without the interpreter and the Lambda hops; the HR read model is loaded
through the service's own ``learn`` (not timed). Transactions use the local runtime's item-level backup
(``local_runtime.dynamodb_transactions``), as ``make run`` does: moto's own deep-copies the table per item.
Staff: DE employees, one in seven hired on the 16th, one in five with two unpaid days. Not in ``make bench`` yet.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "tandem"), str(ROOT / "local_runtime"), str(ROOT)]
CREDENTIALS = {"AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
for key, value in CREDENTIALS.items():
    os.environ.setdefault(key, value)


class NoTokens:
    def succeed(self, token: str, output: dict[str, object]) -> None: ...
    def fail(self, token: str, error: str, cause: str) -> None: ...


def table(client) -> str:
    from samtranslator.yaml_helper import yaml_parse

    props = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]["PayrollTable"]["Properties"]
    keys = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    client.create_table(TableName="payroll-bench", **{k: props[k] for k in keys},
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})  # fmt: skip
    return "payroll-bench"


def run(count: int) -> None:
    import boto3
    from moto import mock_aws
    from tandem.payroll.adapters.dynamodb import DynamoUnitOfWork
    from tandem.payroll.domain.codec import structure_document, structure_of
    from tandem.payroll.domain.commands import CreateStructure, LearnHire, LearnUnpaidLeave
    from tandem.payroll.domain.demo import demo_structure
    from tandem.payroll.domain.work_calendar import UnpaidLeaveDay
    from tandem.payroll.service import PayrollService
    from tandem.shared.clock import Clock
    from tandem.shared.correlation import MessageContext

    from local_runtime import dynamodb_transactions

    dynamodb_transactions.install()  # as the local runtime does: moto's own copies every table per item
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-central-1")
        name = table(client)
        service = PayrollService(lambda: DynamoUnitOfWork(name, client), Clock(), tokens=NoTokens())
        service.create_structure(CreateStructure(structure_of(structure_document(demo_structure()))), "bench")
        for n in range(count):
            eid = f"emp-{n:06d}"
            hired = date(2026, 12, 16) if n % 7 == 0 else date(2020, 1, 1)
            salary = Decimal(2000 + n % 5000)
            hire = LearnHire(
                eid, f"Employee {n}", f"e{n}@x.example", "DE", hired, salary, Decimal(1), None, None, "s", "m"
            )
            service.learn(hire)
            if n % 5 == 0:
                days = (UnpaidLeaveDay(date(2026, 12, 9)), UnpaidLeaveDay(date(2026, 12, 10)))
                service.learn(LearnUnpaidLeave(eid, f"leave-{n}", days))
        calls: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))
        started = time.perf_counter()
        record = service.start_run("2026-12", "bench", MessageContext.fresh())
        batches = service.snapshot(record.run.run_id)
        for number in batches:
            service.compute_batch(record.run.run_id, number)
        finished = service.finish(record.run.run_id)
        elapsed = time.perf_counter() - started
        assert finished.run.status.value == "calculated" and finished.totals is not None
        assert finished.totals.employees + finished.failure_count == count
        total = sum(calls.values())
        print(f"{count:>6} employees: {elapsed:6.1f} s start to calculated ({elapsed / count * 1000:.1f} ms each); "
              f"{total} DynamoDB calls = {total / count:.3f} per employee {dict(calls)}")  # fmt: skip


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [1000]:
        run(size)
