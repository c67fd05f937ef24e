"""Payroll, wired: a run from start to ``calculated`` over the real service and DynamoDB adapter on in-process
moto, for N employees, counting DynamoDB round trips; printed beside issue 11's goal.

``.venv/bin/python bench/payroll.py [N ...]`` (default 1,000 and 10,000; ``make bench`` runs it, QUICK only
1,000). The tasks are called one after the other as the state machine would (snapshot, each batch, finish),
without the interpreter and the Lambda hops. Transactions use the local runtime's item-level backup
(``local_runtime.dynamodb_transactions``), as ``make run`` does: moto's own deep-copies the table per item.
Staff: DE employees, one in seven hired on the 16th, one in five with two unpaid days; December, so each batch
also asks for 11 earlier months of year-to-date slips (none exist here: the bench's first run of the year).
The HR read model is folded from the same facts ``learn`` takes, in memory, and saved through the adapter 99
to a transaction (not timed: loading 10,000 employees one ``learn`` at a time would take longer than the run).
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

GOAL_SECONDS, GOAL_RATIO = 60.0, 12.0  # issue 11: 10,000 under 60 s, and <= 12x the 1,000 figure
SAVED_PER_TRANSACTION = 99


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


def staff(count: int) -> list:
    """Each employee's read model, folded from the facts HR's events carry (as ``PayrollService.learn``)."""
    from tandem.payroll.domain.commands import LearnHire, LearnUnpaidLeave
    from tandem.payroll.domain.read_model import EmployeeReadModel
    from tandem.payroll.domain.work_calendar import UnpaidLeaveDay

    employees = []
    for n in range(count):
        eid = f"emp-{n:06d}"
        hired = date(2026, 12, 16) if n % 7 == 0 else date(2020, 1, 1)
        salary = Decimal(2000 + n % 5000)
        employee = EmployeeReadModel(eid)
        LearnHire(eid, f"Employee {n}", f"e{n}@x.example", "DE", hired, salary, Decimal(1), None, None, "s",
                  "m").applied_to(employee)  # fmt: skip
        if n % 5 == 0:
            days = (UnpaidLeaveDay(date(2026, 12, 9)), UnpaidLeaveDay(date(2026, 12, 10)))
            LearnUnpaidLeave(eid, f"leave-{n}", days).applied_to(employee)
        employees.append(employee)
    return employees


def run(count: int) -> tuple[float, int]:
    """Seconds from ``start_run`` to ``calculated``, and the DynamoDB calls it made. The process's CPU time is
    printed too: on a shared machine the wall time moves with the load, the CPU time much less."""
    import boto3
    from moto import mock_aws
    from tandem.payroll.adapters.dynamodb import DynamoUnitOfWork
    from tandem.payroll.domain.codec import structure_document, structure_of
    from tandem.payroll.domain.commands import CreateStructure
    from tandem.payroll.domain.demo import demo_structure
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
        employees = staff(count)
        for start in range(0, count, SAVED_PER_TRANSACTION):
            with DynamoUnitOfWork(name, client) as uow:
                for employee in employees[start : start + SAVED_PER_TRANSACTION]:
                    uow.employees.save(employee)
                uow.commit()
        calls: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))
        started, cpu = time.perf_counter(), time.process_time()
        record = service.start_run("2026-12", "bench", MessageContext.fresh())
        batches = service.snapshot(record.run.run_id)
        for number in batches:
            service.compute_batch(record.run.run_id, number)
        finished = service.finish(record.run.run_id)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert finished.run.status.value == "calculated" and finished.totals is not None
        assert finished.totals.employees + finished.failure_count == count
        total = sum(calls.values())
        detail = ", ".join(f"{n} {operation}" for operation, n in sorted(calls.items()))
        print(
            f"   {count:>6,} employees   {elapsed:6.1f} s start to calculated ({elapsed / count * 1000:.1f} ms each;"
            f" CPU {cpu:.1f} s)   {total:,} DynamoDB calls = {total / count:.3f} per employee ({detail})",
            flush=True,
        )
        return elapsed, total


def main(sizes: list[int]) -> None:
    print(
        "\n11. Payroll run start -> calculated (bench/payroll.py; service + adapter on in-process moto, tasks called"
        f" in order; goal: 10,000 < {GOAL_SECONDS:.0f} s and <= {GOAL_RATIO:.0f}x the 1,000 figure)"
    )
    if sizes == [1000]:
        print("   quick: 1,000 only (10,000 takes minutes)")
    seconds = {size: run(size)[0] for size in sizes}
    if 10_000 in seconds:
        verdict = "meets" if seconds[10_000] < GOAL_SECONDS else "misses"
        print(f"   10,000 in {seconds[10_000]:.1f} s: {verdict} the {GOAL_SECONDS:.0f} s goal")
    if 1000 in seconds and 10_000 in seconds:
        ratio = seconds[10_000] / seconds[1000]
        verdict = "meets" if ratio <= GOAL_RATIO else "misses"
        print(f"   10,000 / 1,000 = {ratio:.1f}x: {verdict} the <= {GOAL_RATIO:.0f}x goal (10x would be linear)")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10_000])
