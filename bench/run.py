"""`make bench`: Tandem's speed, measured side by side in one run, printed as ratios to a baseline.

Not a test: nothing here passes or fails. Every figure is paired with the baseline it should be read
against, measured in the same run on the same machine:

1. import time of each handler in a fresh process      vs  `import boto3` alone
2. local API request latency (p50/p95)                   vs  the same handler invoked in-process
3. contact form -> acknowledgement email sent (p50)      end to end through outbox, relay, rule, consumer
4. DynamoDB round trips per operation                    vs  the minimum the operation needs
5. TransactWriteItems on a growing table                 vs  moto's own implementation
6. order to cash (bench/commerce.py): round trips vs minimum, orders/s end to end vs the same calls
   made directly against moto, p50 POST /orders -> saga SUCCEEDED
7. support inbound email (bench/support_inbound.py): email -> ticket stored p50/p95 over HTTP, 1,000 messages
   end to end (messages/s stored and settled)
8. support (bench/support_sla.py): sla-check over 10,000 open tickets in moto, nothing new / a tenth breaching,
   split into moto's Query time and ours
9. support domain (bench/support_domain.py): MIME parsing p50 over the corpus, KB search over 1,000 articles
10. support (bench/support_kb.py): KB search over 1,000 published articles through the service (p50/p95), and
   the first search that builds the index
11. payroll (bench/payroll.py): a run start -> calculated for 1,000 and for 10,000 employees (seconds, DynamoDB
   round trips per employee), beside issue 11's goal (10,000 < 60 s and <= 12x the 1,000 figure)

`--quick` (`make bench QUICK=1`, or BENCH_QUICK=1): every section scaled down so the run takes about a minute
(fewer samples, one function's imports, 20 messages, 200 tickets and no breaching run, 200 articles, a payroll
run of 1,000 only); the figures say so.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "tandem"), str(ROOT / "local_runtime")]

QUICK = "--quick" in sys.argv or os.environ.get("BENCH_QUICK", "") not in ("", "0")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20" if QUICK else "200"))
FLOWS = int(os.environ.get("BENCH_FLOWS", "5" if QUICK else "30"))
IMPORT_RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "1" if QUICK else "5"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "5" if QUICK else "40"))
SAGAS = 3 if QUICK else 30
QUICK_IMPORTS = ("SupportInboundEmailFunction",)
INBOUND_RUNS = int(os.environ.get("BENCH_INBOUND_RUNS", "5" if QUICK else "50"))
INBOUND_MESSAGES = int(os.environ.get("BENCH_INBOUND_MESSAGES", "20" if QUICK else "1000"))
SLA_TICKETS = os.environ.get("BENCH_SLA_TICKETS", "200" if QUICK else "10000")
PAYROLL_SIZES = os.environ.get("BENCH_PAYROLL_SIZES", "1000" if QUICK else "1000 10000").split()

# Published figures of the nearest Docker-free emulator (MiniStack 1.5, measured on this kind of machine;
# see shared/LOCAL-RUNTIME-NOTES.md). Printed for scale, not measured here.
MINISTACK = {"warm invoke": "13-59 ms", "API POST writing DynamoDB + PutEvents": "25-70 ms", "cold invoke": "~640 ms"}


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


# ---------------------------------------------------------------------------------------------- 1. imports
IMPORT_SNIPPET = """
import importlib.util, sys, time
t = time.perf_counter()
{body}
print(time.perf_counter() - t)
"""


def fresh_import_seconds(body: str, env: dict[str, str]) -> float:
    runs = []
    for _ in range(IMPORT_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET.format(body=body)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(runs)


def bench_imports(rt) -> None:
    scope = f"quick: only {', '.join(QUICK_IMPORTS)}" if QUICK else "every function"
    print(f"\n1. Fresh-process import time (median of {IMPORT_RUNS}; {scope})")
    base_env = {**os.environ, "PYTHONPATH": str(ROOT / "layers" / "tandem"), "AWS_DEFAULT_REGION": rt.region}
    boto3_alone = fresh_import_seconds("import boto3", base_env)
    print(f"   {'import boto3 (baseline)':40s} {ms(boto3_alone)}   1.00x")
    for logical_id, spec in sorted(rt.lambdas.functions.items()):
        if QUICK and logical_id not in QUICK_IMPORTS:
            continue
        path = spec.code_dir / (spec.handler.rpartition(".")[0] + ".py")
        body = (
            f"spec = importlib.util.spec_from_file_location('handler', {str(path)!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)"
        )
        env = {**base_env, **rt.lambdas.environment(logical_id)}
        seconds = fresh_import_seconds(body, env)
        print(f"   {logical_id:40s} {ms(seconds)}   {seconds / boto3_alone:4.2f}x")


# ---------------------------------------------------------------------------------------------- 2. latency
_connections = threading.local()


def call_api(rt, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    """One request on a kept-alive connection, as a browser or mobile app would send it."""
    connection = getattr(_connections, "connection", None)
    if connection is None:
        connection = _connections.connection = http.client.HTTPConnection(rt.host, rt.port, timeout=30)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")


def api_event(rt, method: str, path: str, resource: str, path_params: dict | None, groups: str) -> dict:
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_params,
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": "local",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": {"sub": "bench", "token_use": "id", "cognito:groups": groups}},
        },
    }


def bench_latency(rt) -> None:
    print(f"\n2. API request latency, {REQUESTS} sequential GET /leads/{{id}} (a DynamoDB read)")
    _, accepted = call_api(
        rt,
        "POST",
        "/forms/contact",
        {"name": "Bench", "email": "bench@example.com", "message": "latency", "consent": True},
    )
    lead_id = accepted["lead_id"]
    token = call_api(rt, "GET", "/_local/token?sub=bench&groups=sales")[1]["token"]
    event = api_event(rt, "GET", f"/leads/{lead_id}", "/leads/{id}", {"id": lead_id}, "sales")

    direct, over_http = [], []
    for _ in range(REQUESTS):  # interleaved so both see the same machine state
        t = time.perf_counter()
        result = rt.invoke("CrmApiFunction", event)
        direct.append(time.perf_counter() - t)
        assert result.payload["statusCode"] == 200, result.payload
        t = time.perf_counter()
        status, _ = call_api(rt, "GET", f"/leads/{lead_id}", token=token)
        over_http.append(time.perf_counter() - t)
        assert status == 200
    for label, samples in (("handler in-process (baseline)", direct), ("over HTTP via local API", over_http)):
        print(
            f"   {label:40s} p50 {ms(percentile(samples, 50))}  p95 {ms(percentile(samples, 95))}"
            f"   {percentile(samples, 50) / percentile(direct, 50):4.2f}x"
        )
    print(f"   for scale, MiniStack warm invoke: {MINISTACK['warm invoke']}")


# ---------------------------------------------------------------------------------------------- 3. flow
def sent_to(address: str) -> bool:
    from moto.ses.models import ses_backends

    return any(
        address in (m.destinations.get("ToAddresses", []) if isinstance(m.destinations, dict) else m.destinations)
        for b in ses_backends.values()
        for backend in b.values()
        for m in backend.sent_messages
    )


def bench_flow(rt) -> None:
    print(f"\n3. Contact form -> acknowledgement email sent, {FLOWS} sequential flows")
    api, flow = [], []
    for i in range(FLOWS):
        address = f"flow{i}.{uuid.uuid4().hex[:6]}@example.com"
        t = time.perf_counter()
        status, _ = call_api(
            rt, "POST", "/forms/contact", {"name": "Bench", "email": address, "message": f"flow {i}", "consent": False}
        )
        api.append(time.perf_counter() - t)
        assert status == 202
        while not sent_to(address):
            if time.perf_counter() - t > 10:
                raise SystemExit(f"no acknowledgement for {address} after 10 s")
            time.sleep(0.0005)
        flow.append(time.perf_counter() - t)
    print(f"   {'POST /forms/contact answered':40s} p50 {ms(percentile(api, 50))}  p95 {ms(percentile(api, 95))}")
    print(
        f"   {'... email sent (outbox→relay→rule→SES)':40s} p50 {ms(percentile(flow, 50))}  "
        f"p95 {ms(percentile(flow, 95))}"
    )
    print(
        f"   for scale, MiniStack API POST writing DynamoDB + PutEvents: "
        f"{MINISTACK['API POST writing DynamoDB + PutEvents']}"
    )


# ---------------------------------------------------------------------------------------------- 4. round trips
class RoundTrips:
    """Counts DynamoDB API calls per calling function (the runtime gives each its own environment)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, model, **_kwargs) -> None:
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "(runtime)")
        with self._lock:
            self.calls[(function, model.name)] += 1

    def take(self) -> Counter[tuple[str, str]]:
        with self._lock:
            calls, self.calls = self.calls, Counter()
        return calls


def bench_round_trips(rt, counter: RoundTrips) -> None:
    print("\n4. DynamoDB round trips per operation (counted with a botocore event hook)")
    names = {spec.name: logical for logical, spec in rt.lambdas.functions.items()}
    token = call_api(rt, "GET", "/_local/token?sub=bench&groups=sales")[1]["token"]
    form = {"name": "Bench", "email": f"rt.{uuid.uuid4().hex[:6]}@example.com", "message": "trips", "consent": True}

    def measure(label: str, minimum: dict[str, int], action) -> None:
        rt.wait_idle(timeout=10)
        counter.take()
        action()
        rt.wait_idle(timeout=10)
        per_function = Counter()
        for (function, _operation), n in counter.take().items():
            per_function[names.get(function, function)] += n
        for logical_id in sorted(set(per_function) | set(minimum)):
            n, least = per_function[logical_id], minimum.get(logical_id, 0)
            flag = "" if n <= least else "   <- above minimum"
            print(f"   {label:28s} {logical_id:28s} {n:3d} calls (minimum {least}){flag}")

    lead = {}
    measure(
        "submit contact form",
        {"CrmApiFunction": 1, "OutboxRelayFunction": 1, "CrmOnLeadCapturedFunction": 3},
        lambda: lead.update(call_api(rt, "POST", "/forms/contact", form)[1]),
    )
    measure("same form again (dedup)", {"CrmApiFunction": 1}, lambda: call_api(rt, "POST", "/forms/contact", form))
    measure(
        "GET /leads/{id}", {"CrmApiFunction": 1}, lambda: call_api(rt, "GET", f"/leads/{lead['lead_id']}", token=token)
    )
    measure("GET /leads", {"CrmApiFunction": 1}, lambda: call_api(rt, "GET", "/leads", token=token))
    print(
        "   (relay: delete what it published; consumer: Powertools idempotency claims the event id and saves\n"
        "    the result, plus one conditional update of the per-address daily acknowledgement quota)"
    )


# ---------------------------------------------------------------------------------------------- 5. transactions
def bench_transactions(rt) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    from local_runtime import dynamodb_transactions

    print("\n5. TransactWriteItems (2 puts) on a table of N items: moto's own vs the runtime's item-level backup")
    client, table = rt.client("dynamodb"), rt.physical_id("IdempotencyTable")
    patched, stock = DynamoDBBackend.transact_write_items, dynamodb_transactions.MOTO_TRANSACT_WRITE_ITEMS
    filled = 0
    for size in (0, 500) if QUICK else (0, 500, 2000):
        while filled < size:
            client.put_item(TableName=table, Item={"id": {"S": f"bench-fill-{filled}"}})
            filled += 1
        row = []
        for label, implementation in (("moto", stock), ("runtime", patched)):
            DynamoDBBackend.transact_write_items = implementation
            samples = []
            for i in range(20):
                t = time.perf_counter()
                client.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": {"id": {"S": f"bench-{label}-{size}-{i}-{j}"}}}}
                        for j in range(2)
                    ]
                )
                samples.append(time.perf_counter() - t)
            row.append((label, percentile(samples, 50)))
        DynamoDBBackend.transact_write_items = patched
        (_, moto_p50), (_, ours_p50) = row
        print(f"   N = {size:5d}   moto {ms(moto_p50)}   runtime {ms(ours_p50)}   {moto_p50 / ours_p50:5.1f}x faster")


def bench_commerce(rt, counter: RoundTrips) -> None:
    import commerce

    shop = commerce.Shop(rt, call_api)
    names = {spec.name: logical for logical, spec in rt.lambdas.functions.items()}
    operations = commerce.bench_round_trips(shop, counter, names)
    commerce.bench_throughput(shop, operations, ORDERS)
    commerce.bench_saga_latency(shop, runs=SAGAS)


def bench_support_inbound(rt, stored) -> None:
    import support_inbound

    support_inbound.bench_latency(rt, stored, INBOUND_RUNS)
    support_inbound.bench_throughput(rt, stored, INBOUND_MESSAGES)


def main() -> None:
    import support_inbound
    from botocore.handlers import BUILTIN_HANDLERS

    from local_runtime import LocalRuntime

    counter = RoundTrips()
    stored = support_inbound.StoredTickets(function_name="")  # named once the runtime knows the function
    # Every botocore session created from now on (the handlers' included) gets the counting hooks.
    BUILTIN_HANDLERS.append(("before-call.dynamodb", counter))
    BUILTIN_HANDLERS.append(("after-call.dynamodb.TransactWriteItems", stored))

    started = time.perf_counter()
    rt = LocalRuntime(
        str(ROOT / "template.yaml"),
        port=0,
        parameters={"Stage": "bench", "LogLevel": "WARNING", "PaymentWebhookSecret": "whsec_bench_only_secret"},
    )
    rt.start()
    stored.function_name = rt.lambdas.functions[support_inbound.INBOUND_FUNCTION].name
    if QUICK:
        print("QUICK run: every section scaled down (see each heading); figures are indicative only")
    print(
        f"Tandem bench — local runtime started in {ms(time.perf_counter() - started).strip()} "
        f"(template → moto → HTTP on {rt.url})"
    )
    try:
        bench_imports(rt)
        bench_latency(rt)
        bench_flow(rt)
        bench_round_trips(rt, counter)
        bench_transactions(rt)
        bench_commerce(rt, counter)
        bench_support_inbound(rt, stored)
    finally:
        rt.stop()
    # In its own process: it runs moto in-process, which must not meet the runtime's.
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "support_sla.py")],
        check=False,
        env={**os.environ, "BENCH_SLA_TICKETS": SLA_TICKETS, **({"BENCH_SLA_QUIET_ONLY": "1"} if QUICK else {})},
    )
    kb_articles = {"BENCH_KB_ARTICLES": "200"} if QUICK else {}
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "support_kb.py")], check=False, env={**os.environ, **kb_articles}
    )
    import support_domain

    support_domain.main(quick=QUICK)
    # Its own process too (in-process moto); the 10,000 run takes a few minutes, so QUICK runs 1,000 only.
    subprocess.run([sys.executable, str(ROOT / "bench" / "payroll.py"), *PAYROLL_SIZES], check=False, env=os.environ)
    print(f"\nbench done in {time.perf_counter() - started:.0f} s{' (quick)' if QUICK else ''}")


if __name__ == "__main__":
    main()
