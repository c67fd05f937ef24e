"""Support inbound-email figures for `make bench` (section 7), measured on the runtime bench/run.py started.

a. inbound email -> ticket stored, p50/p95: one realistic raw message at a time over HTTP
   (POST /_local/inbound-email: the template's SES receipt rule, S3 put, async invocation of
   SupportInboundEmailFunction), timed until the function's TransactWriteItems (ticket, message,
   number, dedupe record, outbox) has committed. No polling: a botocore ``after-call`` hook wakes the
   bench the moment that call answers 200, so the figure has no poll interval in it.
b. N inbound messages end to end, messages/s: distinct senders and Message-IDs, four in five new
   tickets and one in five a reply threading by In-Reply-To onto an earlier one, posted by 4 clients;
   counted when all N are stored, and again when everything they caused (acknowledgement emails,
   outbox relay, CRM timeline) is done. Afterwards GET /tickets with an agent token checks that exactly
   the new ones became tickets (so every reply threaded and nothing was lost or doubled).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

SUPPORT = "support@tandem.example"
INBOUND_FUNCTION = "SupportInboundEmailFunction"
CLIENTS = 4
# 24 KiB of "PDF": enough that the attachment path (S3 put per file) is part of what is measured.
ATTACHMENT = base64.encodebytes(b"%PDF-1.4 bench " + bytes(range(256)) * 96).decode().replace("\n", "\r\n")
BODY = (
    "Hello,\r\n\r\nthe invoice attached lists two items we never ordered (lines 3 and 4). Could you check\r\n"
    "and send a corrected one? Our order number is in the subject.\r\n\r\nThanks,\r\n{name}\r\n\r\n-- \r\n"
    "{name} | Purchasing | Example GmbH\r\n"
)
QUOTED_REPLY = (
    "Any news on this? We need the corrected invoice for the month-end close.\r\n\r\n"
    "On Mon, 7 Dec 2026 at 09:30, {name} <{address}> wrote:\r\n> Hello,\r\n>\r\n"
    "> the invoice attached lists two items we never ordered.\r\n"
)


class StoredTickets:
    """A botocore ``after-call`` hook: counts the inbound function's committed TransactWriteItems and wakes
    whoever waits for a count (each stored inbound message is exactly one such commit)."""

    def __init__(self, function_name: str) -> None:
        self.function_name = function_name
        self.count = 0
        self.lost_races = 0  # transactions cancelled (the number counter taken meanwhile): retried
        self._changed = threading.Condition()

    def __call__(self, http_response: Any = None, **_kwargs: Any) -> None:
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") != self.function_name:
            return
        if http_response is None or http_response.status_code != 200:
            with self._changed:
                self.lost_races += 1
            return
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= count, timeout=timeout)


class FailedInvocations:
    """Counts attempts of one function that errored (left to the asynchronous retry, a minute later on AWS and
    here), by wrapping the runtime's async invoker's attempt callable: the bench reads, changes nothing."""

    def __init__(self, rt: Any, logical_id: str) -> None:
        self.count = 0
        invoker = rt.lambdas._async  # the runtime's internals: bench-only, read-only use
        attempt = invoker.invoke

        def counted(function: str, event: Any) -> Any:
            result = attempt(function, event)
            if function == logical_id and result.errored:
                self.count += 1
            return result

        invoker.invoke = counted


def raw_message(address: str, name: str, message_id: str, *, in_reply_to: str | None = None) -> bytes:
    """A Thunderbird/Gmail-shaped message: multipart/mixed with text + HTML alternatives and a PDF; a reply
    is plain text quoting the first message, with In-Reply-To/References (what every client sends)."""
    common = (
        f"From: {name} <{address}>\r\nTo: Example Support <{SUPPORT}>\r\nMessage-ID: {message_id}\r\n"
        "Date: Mon, 07 Dec 2026 09:30:00 +0100\r\nMIME-Version: 1.0\r\n"
        "User-Agent: Mozilla/5.0 Thunderbird/115.5.0\r\n"
    )
    if in_reply_to:
        body = QUOTED_REPLY.format(name=name, address=address)
        return (
            f"{common}Subject: Re: Invoice 2026-0412 lists items we never ordered\r\n"
            f"In-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\n"
            f"Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n{body}"
        ).encode()
    text = BODY.format(name=name)
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.split("\r\n") if line) + "</body></html>"
    return (
        f"{common}Subject: =?utf-8?q?Invoice_2026-0412_lists_items_we_never_ordered?=\r\n"
        'Content-Type: multipart/mixed; boundary="mixed"\r\n\r\n'
        '--mixed\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        f"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        f"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--alt--\r\n"
        '--mixed\r\nContent-Type: application/pdf; name="invoice-2026-0412.pdf"\r\n'
        'Content-Disposition: attachment; filename="invoice-2026-0412.pdf"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{ATTACHMENT}\r\n--mixed--\r\n"
    ).encode()


_connections = threading.local()


def deliver(rt: Any, raw: bytes) -> None:
    """POST /_local/inbound-email on a kept-alive connection per client thread."""
    connection = getattr(_connections, "connection", None)
    if connection is None:
        connection = _connections.connection = http.client.HTTPConnection(rt.host, rt.port, timeout=60)
    connection.request("POST", "/_local/inbound-email", body=raw, headers={"content-type": "message/rfc822"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 202:
        raise SystemExit(f"bench: POST /_local/inbound-email answered {response.status}: {body[:300]!r}")


def bench_latency(rt: Any, stored: StoredTickets, runs: int) -> None:
    print(f"\n7a. Inbound email -> ticket stored, {runs} sequential messages over HTTP")
    print("    (POST /_local/inbound-email -> receipt rule -> S3 -> async SupportInboundEmailFunction -> committed")
    print("     transaction; timed by a botocore after-call hook on that commit, no polling)")
    domain = f"lat-{uuid.uuid4().hex[:6]}.example"
    began = time.perf_counter()  # a first message, untimed in the figures: the function may still be cold
    target = stored.count + 1
    deliver(rt, raw_message(f"warm@{domain}", "Warm Up", f"<{uuid.uuid4().hex}@{domain}>"))
    if not stored.wait_for(target, timeout=60):
        raise SystemExit("bench: the first inbound message was not stored after 60 s")
    first = time.perf_counter() - began
    rt.wait_idle(timeout=30)
    answered, committed = [], []
    for i in range(runs):
        raw = raw_message(f"c{i}@{domain}", f"Customer {i}", f"<{uuid.uuid4().hex}@{domain}>")
        target = stored.count + 1
        began = time.perf_counter()
        deliver(rt, raw)
        answered.append(time.perf_counter() - began)
        if not stored.wait_for(target, timeout=30):
            raise SystemExit(f"bench: message {i} not stored after 30 s")
        committed.append(time.perf_counter() - began)
        rt.wait_idle(timeout=30)  # acknowledgement, relay, CRM: done before the next one, outside the timing
    for label, samples in (("POST answered (S3 put, async queued)", answered), ("ticket stored", committed)):
        print(f"   {label:40s} p50 {_ms(percentile(samples, 50))}  p95 {_ms(percentile(samples, 95))}")
    print(f"   {'(first message, before these runs)':40s}     {_ms(first)}")


def bench_throughput(rt: Any, stored: StoredTickets, total: int) -> None:
    replies = total // 5
    fresh = total - replies
    print(
        f"\n7b. {total:,} inbound messages end to end ({fresh:,} new tickets, {replies:,} replies threading by "
        f"In-Reply-To), {CLIENTS} clients"
    )
    domain = f"tp-{uuid.uuid4().hex[:6]}.example"
    firsts = [(f"c{i}@{domain}", f"Customer {i}", f"<{uuid.uuid4().hex}@{domain}>") for i in range(fresh)]
    raws = [raw_message(*first) for first in firsts]
    # Replies to the earliest tickets go last, so the message they answer has long been stored.
    raws += [
        raw_message(address, name, f"<{uuid.uuid4().hex}@{domain}>", in_reply_to=first_id)
        for address, name, first_id in firsts[:replies]
    ]
    target, lost_before = stored.count + total, stored.lost_races
    failed = FailedInvocations(rt, INBOUND_FUNCTION)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(lambda raw: deliver(rt, raw), raws))
    posted = time.perf_counter() - began
    if not stored.wait_for(target, timeout=max(120.0, total * 0.5)):
        raise SystemExit(f"bench: only {total - (target - stored.count)} of {total} messages stored")
    all_stored = time.perf_counter() - began
    rt.wait_idle(timeout=max(120.0, total * 0.5))
    settled = time.perf_counter() - began
    print(f"   {'all posted (202)':40s} {posted:8.1f} s   {total / posted:7.1f} messages/s")
    print(f"   {'all stored (committed)':40s} {all_stored:8.1f} s   {total / all_stored:7.1f} messages/s")
    print(f"   {'all settled (acks, relay, CRM timeline)':40s} {settled:8.1f} s   {total / settled:7.1f} messages/s")
    print(
        f"   {stored.lost_races - lost_before:,} transactions lost the number counter's race and were retried "
        f"in the invocation; {failed.count} invocations failed and were left to the async retry"
    )
    tickets = _tickets_of_domain(rt, domain)
    verdict = "ok" if tickets == fresh else f"MISMATCH: expected {fresh:,}"
    print(f"   GET /tickets (agent token): {tickets:,} new tickets from these senders, {verdict}")


def _tickets_of_domain(rt: Any, domain: str) -> int:
    """Tickets whose requester writes from ``domain``, paged through GET /tickets on a fresh connection (the
    clients' kept-alive ones may have been closed by the server while the bench waited)."""
    connection = http.client.HTTPConnection(rt.host, rt.port, timeout=60)
    try:
        token = _get(connection, "/_local/token?sub=bench-agent&groups=support", None)["token"]
        count, cursor = 0, None
        while True:
            path = "/tickets?limit=100" + (f"&next_token={urllib.parse.quote(cursor)}" if cursor else "")
            page = _get(connection, path, token)
            count += sum(1 for t in page["items"] if t["requester_email"].endswith("@" + domain))
            cursor = page.get("next_token")
            if not cursor:
                return count
    finally:
        connection.close()


def _get(connection: http.client.HTTPConnection, path: str, token: str | None) -> Any:
    connection.request("GET", path, headers={"authorization": f"Bearer {token}"} if token else {})
    response = connection.getresponse()
    body = json.loads(response.read() or b"null")
    if response.status != 200:
        raise SystemExit(f"bench: GET {path} answered {response.status}: {body}")
    return body


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"
