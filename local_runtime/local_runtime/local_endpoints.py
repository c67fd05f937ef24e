"""Dev-only endpoints under ``/_local/`` (never in the template): tokens, schedules, mail, events, docs.

They talk to the core runtime only through the documented API (``RuntimeView``: ``rt.schedules``,
``rt.events``, ``rt.lambdas``, ``rt.stack``...), so they work the same in ``make run`` and in tests.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from . import mail, openapi, tokens
from .apigateway import RouteTable
from .eventbus import EventDelivery
from .lambda_host import LambdaHost
from .proxy import Request, Response, parse_query
from .runtime_view import RuntimeView
from .schedules import Scheduler
from .template import Stack

log = logging.getLogger("local_runtime.http")

ENDPOINTS: list[tuple[str, str, str]] = [
    ("GET", "/_local/", "this index"),
    (
        "GET",
        "/_local/token?sub=<id>&groups=<g1,g2>[&email=..][&email_verified=true|false][&token_use=id|access]"
        "[&scope=..][&ttl=3600][&pool=<UserPool logical id>]",
        "a locally signed token with the claims Cognito puts in it (an ID token unless token_use=access or a "
        "scope is given; email_verified defaults to true when an email is given; send Authorization: Bearer "
        "<token>); loopback binds only",
    ),
    ("GET", "/_local/schedules", "schedules (Scheduler schedules and scheduled rules)"),
    ("POST", "/_local/schedules/<name>/fire", "run a schedule's target now"),
    ("GET", "/_local/emails", "mail SES has sent, newest first"),
    ("POST", "/_local/inbound-email", "deliver a raw MIME message through the template's SES receipt rules"),
    ("GET", "/_local/events?limit=N", "the most recent events on the buses, newest first"),
    (
        "GET",
        "/_local/logs?correlation_id=<id or prefix>[&function=<logical id>][&limit=N]",
        "what functions printed (their structured log lines) for one flow, oldest first, from the last 10,000 lines",
    ),
    ("GET", "/_local/openapi.json", "OpenAPI document of the API, from the handlers' Powertools resolvers"),
    ("GET", "/_local/docs", "Swagger UI over /_local/openapi.json"),
]


def is_loopback(host: str) -> bool:
    """True when ``host`` (a bind address or name) is reachable from this machine only."""
    name = host.strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name: loopback only if every address it resolves to is
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return False
        return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def tokens_refused(host: str, allow_remote_tokens: bool) -> str | None:
    """Why ``/_local/token`` must not mint tokens on this bind address (None: it may)."""
    if allow_remote_tokens or is_loopback(host):
        return None
    return (
        f"Refusing to mint tokens: the runtime listens on {host}, reachable from other machines, and "
        "anyone reaching /_local/token could sign in as any user and group. Bind to 127.0.0.1, or start "
        "with --allow-remote-tokens if the network is trusted."
    )


def _json(status: int, value: Any) -> Response:
    return Response(status, [("Content-Type", "application/json")], json.dumps(value, default=str).encode())


def user_pools(stack: Stack, region: str) -> list[tokens.UserPool]:
    """The template's user pools with their ids and first app client id, for minting tokens."""
    clients: dict[str, str] = {}
    for res in stack.by_type("AWS::Cognito::UserPoolClient"):
        pool = (res.properties or {}).get("UserPoolId")
        if pool and res.physical_id:
            clients.setdefault(str(pool), str(res.physical_id))
    pools = []
    for res in stack.by_type("AWS::Cognito::UserPool"):
        arn = (res.attributes or {}).get("Arn")
        pool_id = tokens.pool_id_from_arn(str(arn)) if arn else str(res.physical_id)
        pools.append(tokens.UserPool(pool_id, region, clients.get(pool_id, "local-client"), res.logical_id))
    return pools


class LocalEndpoints:
    """Routes ``/_local/...`` requests to small handlers."""

    def __init__(self, rt: RuntimeView, table: RouteTable, *, allow_remote_tokens: bool = False) -> None:
        self.rt = rt
        self.table = table
        self.pools = user_pools(self._stack, rt.region)
        self.token_refusal = tokens_refused(str(rt.host), allow_remote_tokens)
        self._get: dict[str, Callable[[Request], Response]] = {
            "": self.index,
            "token": self.token,
            "schedules": self.schedules,
            "emails": self.emails,
            "events": self.events,
            "logs": self.logs,
            "openapi.json": self.openapi_json,
            "docs": self.docs,
        }

    # What the endpoints use exists once the runtime is provisioned (``serve`` runs after that).
    @property
    def _stack(self) -> Stack:
        assert self.rt.stack is not None, "provision() first"
        return self.rt.stack

    @property
    def _lambdas(self) -> LambdaHost:
        assert self.rt.lambdas is not None, "provision() first"
        return self.rt.lambdas

    @property
    def _schedules(self) -> Scheduler:
        assert self.rt.schedules is not None, "provision() first"
        return self.rt.schedules

    @property
    def _events(self) -> EventDelivery:
        assert self.rt.events is not None, "provision() first"
        return self.rt.events

    def handle(self, request: Request) -> Response:
        name = request.path[len("/_local") :].strip("/")
        try:
            if request.method == "GET" and name in self._get:
                return self._get[name](request)
            if request.method == "POST" and name == "inbound-email":
                return self.inbound_email(request)
            parts = name.split("/")
            if request.method == "POST" and len(parts) == 3 and parts[0] == "schedules" and parts[2] == "fire":
                return self.fire(unquote(parts[1]))
        except Exception as exc:  # dev endpoints answer with the reason instead of a dropped connection
            log.exception("%s %s failed", request.method, request.path)
            return _json(500, {"message": f"{type(exc).__name__}: {exc}"})
        return _json(404, {"message": f"No local endpoint {request.method} {request.path}", "endpoints": self._index()})

    @staticmethod
    def _index() -> list[dict[str, str]]:
        return [{"method": m, "path": p, "description": d} for m, p, d in ENDPOINTS]

    def index(self, request: Request) -> Response:
        return _json(200, {"endpoints": self._index()})

    def token(self, request: Request) -> Response:
        if self.token_refusal:
            return _json(403, {"message": self.token_refusal})
        query, _ = parse_query(request.query)
        query = query or {}
        pool = self._pool(query.get("pool"))
        if pool is None:
            return _json(
                404,
                {
                    "message": f"No user pool {query.get('pool')!r}",
                    "pools": [p.logical_id for p in self.pools],
                },
            )
        groups = [g.strip() for g in query.get("groups", "").split(",") if g.strip()]
        try:
            ttl = int(query.get("ttl", tokens.DEFAULT_TTL_SECONDS))
        except ValueError:
            return _json(400, {"message": "ttl must be an integer number of seconds"})
        verified = query.get("email_verified", "true")
        token_use = query.get("token_use", "id")
        if verified not in ("true", "false") or token_use not in ("id", "access"):
            return _json(400, {"message": "email_verified must be true or false, token_use id or access"})
        token = tokens.mint(
            pool,
            query.get("sub") or "local-user",
            groups=groups,
            email=query.get("email"),
            email_verified=verified == "true",
            token_use=token_use,
            scope=query.get("scope"),
            ttl=ttl,
            # Wall-clock time, as the gateway verifies it: a token belongs to the developer's real session,
            # and a sped-up runtime clock would otherwise issue tokens that are "not yet valid".
        )
        return _json(200, {"token": token, "pool": pool.logical_id, "expires_in": ttl})

    def _pool(self, name: str | None) -> tokens.UserPool | None:
        """The named pool; by default the first one an enforced authorizer of the API trusts."""
        if not self.pools:
            return tokens.UserPool(f"{self.rt.region}_local", self.rt.region) if not name else None
        if name:
            return next((p for p in self.pools if name in (p.logical_id, p.pool_id)), None)
        trusted = {i for r in self.table.routes if r.authorizer is not None for i in r.authorizer.issuers}
        return next((p for p in self.pools if p.issuer in trusted), self.pools[0])

    def schedules(self, request: Request) -> Response:
        return _json(200, {"schedules": self._schedules.list()})

    def fire(self, name: str) -> Response:
        try:
            result = self._schedules.fire(name)
        except KeyError:  # the core's lookup accepts name, logical id and group/name
            names = [str(s.get("name")) for s in self._schedules.list()]
            return _json(404, {"message": f"No schedule {name!r}", "schedules": names})
        return _json(200, {"fired": name, "result": result})

    def emails(self, request: Request) -> Response:
        return _json(200, {"emails": mail.sent_emails(self.rt.account_id, self.rt.region)})

    def events(self, request: Request) -> Response:
        query, _ = parse_query(request.query)
        try:
            limit = int((query or {}).get("limit", 100))
        except ValueError:
            return _json(400, {"message": "limit must be an integer"})
        return _json(200, {"events": self._events.recent(limit=max(0, limit))})

    def logs(self, request: Request) -> Response:
        query, _ = parse_query(request.query)
        query = query or {}
        try:
            limit = int(query.get("limit", 1000))
        except ValueError:
            return _json(400, {"message": "limit must be an integer"})
        lines = self._lambdas.console.ring.query(
            correlation_id=query.get("correlation_id") or None, function=query.get("function") or None, limit=limit
        )
        return _json(200, {"lines": lines})

    def inbound_email(self, request: Request) -> Response:
        if not request.body:
            return _json(400, {"message": "POST the raw MIME message as the request body"})
        lambdas = self._lambdas
        inbound = mail.InboundMail(
            rules=mail.receipt_rules(self._stack.resources),
            put_object=self._put_object,
            invoke=lambda arn, event: lambdas.invoke(arn, event).payload,
            invoke_async=lambdas.invoke_async,
            now=self.rt.clock.time,
        )
        query, _ = parse_query(request.query)
        recipients = [r for r in (query or {}).get("to", "").split(",") if r] or None
        try:
            result = inbound.deliver(request.body, recipients=recipients)
        except mail.NoMatchingRule as exc:
            return _json(422, {"message": str(exc)})
        return _json(202, result.as_json())

    def _put_object(self, bucket: str, key: str, data: bytes) -> None:
        self.rt.clients("s3").put_object(Bucket=bucket, Key=key, Body=data)

    def openapi_json(self, request: Request) -> Response:
        document = openapi.build_document(
            self.table,
            self._lambdas.module_for,
            title=self._title(),
            description=(self._stack.original.get("Description") or "").strip() or None,
            server_url=self.rt.url or None,
        )
        return _json(200, document)

    def _title(self) -> str:
        return openapi.api_title(self.table, str(self._stack.original.get("Description") or ""), self.rt.stack_name)

    def docs(self, request: Request) -> Response:
        page = openapi.swagger_page(self._title()).encode()
        return Response(200, [("Content-Type", "text/html; charset=utf-8")], page)
