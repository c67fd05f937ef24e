"""Order-to-cash figures for `make bench` (section 6), measured on the runtime bench/run.py started.

a. DynamoDB round trips of placing an order and of issuing its invoice   vs  the minimum each needs
b. orders per second end to end (API -> saga -> invoice -> confirmed)   vs  the same DynamoDB calls
   made directly against moto, in the same process, one order after another
c. p50 time from POST /orders to the saga's execution SUCCEEDED
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

ORDER = {
    "name": "Bench Buyer",
    "billing_address": {"line1": "1 Bench Road", "city": "Lyon", "postal_code": "69001", "country": "FR"},
}
# The least each step can do: one read batch of the catalog + one transaction for the order; one
# read of the series counter + one transaction for the invoice (number, document, order claim, outbox).
MINIMUM = {("SalesApiFunction", "place order"): 2, ("BillingFulfillmentFunction", "issue invoice"): 2}


class Shop:
    def __init__(self, rt: Any, call_api: Any) -> None:
        self.rt, self.call = rt, call_api
        self.inventory = call_api(rt, "GET", "/_local/token?sub=bench-inv&groups=inventory")[1]["token"]
        self.sales = call_api(rt, "GET", "/_local/token?sub=bench-sales&groups=sales")[1]["token"]

    def product(self, stock: int) -> str:
        sku = f"BENCH-{uuid.uuid4().hex[:8].upper()}"
        status, body = self.call(
            self.rt,
            "POST",
            "/products",
            {
                "sku": sku,
                "name": "Bench widget",
                "unit_price": "9.90",
                "currency": "EUR",
                "tax_category": "standard",
                "reorder_point": 0,
                "reorder_quantity": 1,
                "active": True,
            },
            token=self.inventory,
        )
        assert status == 201, body
        status, body = self.call(
            self.rt, "POST", "/stock/receipts", {"sku": sku, "quantity": stock}, token=self.inventory
        )
        assert status == 201, body
        self.rt.wait_idle(timeout=10)  # sales learns the product from ProductCreated
        return sku

    def place(self, sku: str) -> dict:
        body = {
            "customer": {"email": f"b.{uuid.uuid4().hex[:8]}@example.com", **ORDER},
            "lines": [{"sku": sku, "quantity": 1}],
            "payment_method": "invoice",
        }
        status, order = self.call(self.rt, "POST", "/orders", body, token=self.sales)
        assert status == 201, order
        return order

    def status(self, order_id: str) -> str:
        return self.call(self.rt, "GET", f"/orders/{order_id}", token=self.sales)[1]["status"]


def _per_function(calls: Counter, names: dict[str, str], function: str) -> int:
    return sum(n for (name, _), n in calls.items() if names.get(name, name) == function)


def bench_round_trips(shop: Shop, counter: Any, names: dict[str, str]) -> Counter:
    """Calls of placing an order and of issuing an invoice, and of one whole order by operation."""
    sku = shop.product(stock=10)
    counter.take()
    shop.place(sku)
    placed = counter.take()
    shop.rt.wait_idle(timeout=30)  # the rest of the flow, without polling the API
    flow = placed + counter.take()

    task = json.loads((ROOT / "events" / "billing_fulfillment" / "issue_invoice.json").read_text())
    task["order"]["order_id"] = str(uuid.uuid4())
    shop.rt.invoke("BillingFulfillmentFunction", task)
    issued = counter.take()
    shop.rt.wait_idle(timeout=30)
    counter.take()

    print("\n6a. DynamoDB round trips of the order-to-cash commands (counted with the botocore hook)")
    for label, calls, function in (
        ("place order", placed, "SalesApiFunction"),
        ("issue invoice", issued, "BillingFulfillmentFunction"),
    ):
        n, least = _per_function(calls, names, function), MINIMUM[(function, label)]
        flag = "" if n <= least else "   <- above minimum"
        print(f"   {label:16s} {function:30s} {n:3d} calls (minimum {least}){flag}")
    per_function: Counter = Counter()
    operations: Counter = Counter()
    for (function, operation), n in flow.items():
        per_function[names.get(function, function)] += n
        operations[operation] += n
    print(
        f"   one invoice order end to end, {sum(flow.values())} calls: "
        + ", ".join(f"{f} {n}" for f, n in sorted(per_function.items()))
    )
    print(f"   by operation: {dict(sorted(operations.items()))}")
    return operations


def bench_throughput(shop: Shop, operations: Counter, orders: int) -> None:
    print(f"\n6b. Orders per second end to end: {orders} invoice orders from 8 clients, until all is done")
    sku = shop.product(stock=orders)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        placed = list(pool.map(lambda _: shop.place(sku), range(orders)))
    shop.rt.wait_idle(timeout=300)  # every saga, email, posting and timeline entry done
    e2e = orders / (time.perf_counter() - started)
    unconfirmed = [o["id"] for o in placed if shop.status(o["id"]) != "confirmed"]
    if unconfirmed:
        raise SystemExit(f"bench: {len(unconfirmed)} orders not confirmed")

    client, table = shop.rt.client("dynamodb"), shop.rt.physical_id("IdempotencyTable")
    started = time.perf_counter()
    for i in range(orders):
        _replay(client, table, operations, f"{i}-{uuid.uuid4().hex[:6]}")
    direct = orders / (time.perf_counter() - started)
    calls = sum(operations.values())
    print(f"   {'same DynamoDB calls, direct to moto':40s} {direct:7.1f} orders/s  ({calls} calls per order)  1.00x")
    print(f"   {'API -> saga -> invoice, local runtime':40s} {e2e:7.1f} orders/s   {e2e / direct:5.2f}x")


def _replay(client: Any, table: str, operations: Counter, tag: str) -> None:
    """One order's DynamoDB calls, made directly: writes as puts, reads as gets of what was put."""
    key = {"id": {"S": f"bench-direct-{tag}"}}
    for operation, n in operations.items():
        for j in range(n):
            if operation == "TransactWriteItems":
                client.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": {"id": {"S": f"bench-direct-{tag}-{j}-{k}"}}}}
                        for k in range(3)
                    ]
                )
            elif operation in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"):
                client.put_item(TableName=table, Item=key)
            else:
                client.get_item(TableName=table, Key=key)


def bench_saga_latency(shop: Shop, runs: int) -> None:
    """From the moment POST /orders is sent to the execution's own stopDate: no polling skews it."""
    print(f"\n6c. POST /orders -> OrderFulfillment execution SUCCEEDED, {runs} sequential orders")
    sfn = shop.rt.client("stepfunctions")
    machine = shop.rt.physical_id("OrderFulfillmentStateMachine")
    sku = shop.product(stock=runs)
    sent: dict[str, datetime] = {}
    for _ in range(runs):
        moment = datetime.now(UTC)
        sent[shop.place(sku)["id"]] = moment
        shop.rt.wait_idle(timeout=30)
    samples = []
    for execution in sfn.list_executions(stateMachineArn=machine, statusFilter="SUCCEEDED")["executions"]:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        order_id = json.loads(described["input"]).get("detail", {}).get("data", {}).get("order_id")
        if order_id in sent:
            samples.append((described["stopDate"] - sent[order_id]).total_seconds())
    if len(samples) != runs:
        raise SystemExit(f"bench: {runs - len(samples)} executions did not succeed")
    samples.sort()
    print(
        f"   p50 {statistics.median(samples) * 1000:8.2f} ms   p95 {samples[int(0.95 * (runs - 1))] * 1000:8.2f} ms"
        "   (for scale: MiniStack ~290 ms from an API call to a two-step state machine's success)"
    )
