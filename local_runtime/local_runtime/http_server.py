"""The socket side: a stdlib ThreadingHTTPServer on a background thread.

Deliberately thin: it parses HTTP, enforces the 10 MB body limit before reading (API Gateway answers
413 without taking the payload), hands a ``Request`` to the API pipeline or to ``/_local/``, and
writes the answer in one ``sendall`` with TCP_NODELAY so keep-alive clients never wait on Nagle /
delayed-ACK (that alone would add ~40 ms per request). One thread per connection; handlers are
thread-safe in the core, so concurrent requests just work.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .apigateway import RouteTable
from .proxy import MAX_BODY_BYTES, Request, Response
from .runtime_view import RuntimeView

log = logging.getLogger("local_runtime.http")
App = Callable[[Request], Response]
_REASONS = BaseHTTPRequestHandler.responses


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app: App, too_large: Callable[[Request], Response]) -> None:
        self.app = app
        self.too_large = too_large
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)


class _Headers:
    """Request headers as they arrived, with case-insensitive ``get`` (what the handler needs).

    Replaces ``http.client.parse_headers`` (the email package: ~80 us per request, most of the
    server's own cost) with a plain line parser.
    """

    __slots__ = ("_items", "_index")

    def __init__(self) -> None:
        self._items: list[tuple[str, str]] = []
        self._index: dict[str, str] = {}

    def add(self, name: str, value: str) -> None:
        self._items.append((name, value))
        self._index[name.lower()] = value

    def extend_last(self, more: str) -> None:
        name, value = self._items[-1]
        self._items[-1] = (name, f"{value} {more}")
        self._index[name.lower()] = self._items[-1][1]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._index.get(name.lower(), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    server_version = "local-runtime"
    timeout = 120  # idle keep-alive connections end eventually
    server: _Server
    raw_requestline: bytes  # set by ``handle_one_request`` before ``parse_request``

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def parse_request(self) -> bool:  # noqa: C901 - mirrors the stdlib checks it replaces
        """Request line and headers, as the stdlib does but without the email parser."""
        self.command = None  # type: ignore[assignment]
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) != 3 or not words[2].startswith("HTTP/"):
            self.send_error(400, f"Bad request line {self.requestline!r}")
            return False
        command, path, version = words
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            self.send_error(505, f"Unsupported HTTP version {version}")
            return False
        self.command, self.path, self.request_version = command, path, version
        headers = _Headers()
        while True:
            line = self.rfile.readline(65537)
            if len(line) > 65536 or len(headers) > 100:
                self.send_error(431, "Request header fields too large")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            text = line.decode("iso-8859-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and len(headers):
                headers.extend_last(text.strip())
                continue
            name, sep, value = text.partition(":")
            if not sep or not name or name != name.strip():
                self.send_error(400, "Malformed header line")
                return False
            headers.add(name, value.strip())
        self.headers = headers  # type: ignore[assignment]
        connection = (headers.get("Connection") or "").lower()
        self.close_connection = connection == "close" if version == "HTTP/1.1" else connection != "keep-alive"
        if (headers.get("Expect") or "").lower() == "100-continue" and version == "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def log_message(self, format: str, *args: Any) -> None:  # access lines come from the pipeline
        log.debug(format, *args)

    def _dispatch(self) -> None:
        target = self.path
        if not target.startswith("/"):  # absolute-form request target
            target = "/" + target.split("://", 1)[-1].partition("/")[2]
        path, _, query = target.partition("?")
        path = path.split("#", 1)[0]
        headers = self.headers.items()
        request = Request(
            self.command,
            path,
            query,
            headers,
            b"",
            self.client_address[0],
            self.request_version,
            self.server.server_address[1],
        )
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._write(self.server.too_large(request))
            return
        request.body = body
        try:
            response = self.server.app(request)
        except Exception:
            log.exception("%s %s failed inside the local runtime", self.command, path)
            response = Response(
                500,
                [("Content-Type", "application/json")],
                b'{"message": "local runtime error (see its console)"}',
            )
        self._write(response)

    def _read_body(self) -> bytes | None:
        """The request body, or None when it is over the limit (the rest is not read)."""
        length = self.headers.get("Content-Length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                size = 0
            if size > MAX_BODY_BYTES:
                return None
            return self.rfile.read(size) if size > 0 else b""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                total += size
                if total > MAX_BODY_BYTES:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        return b""

    def _write(self, response: Response) -> None:
        reason = _REASONS.get(response.status, ("",))[0]
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        lines.extend(f"{k}: {v}" for k, v in response.headers if k.lower() not in ("content-length", "connection"))
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        body = b"" if self.command == "HEAD" else response.body
        try:
            self.wfile.write(head + body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def __getattr__(self, name: str) -> Any:
        """Any other method (``TRACE``, ``FOO``) reaches the pipeline too, which answers it as API Gateway
        does a method no route has (its MISSING_AUTHENTICATION_TOKEN response), never the stdlib's 501."""
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)


class HttpServer:
    """A running server: ``url``, ``port`` and ``stop()`` (what ``LocalRuntime`` expects from ``serve``)."""

    def __init__(
        self, app: App, too_large: Callable[[Request], Response], host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._server = _Server((host, port), app, too_large)
        self.host = host
        self.port = int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="local-runtime-http",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, then cut idle keep-alive connections so their threads end too."""
        self._server.shutdown()
        self._server.server_close()
        with self._server.connections_lock:
            connections = list(self._server.connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)


class Dispatcher:
    """``/_local/...`` to the dev endpoints, everything else to the API pipeline."""

    def __init__(self, api: App, local: App) -> None:
        self.api = api
        self.local = local

    def __call__(self, request: Request) -> Response:
        if request.path == "/_local" or request.path.startswith("/_local/"):
            return self.local(request)
        return self.api(request)


def serve(rt: RuntimeView) -> HttpServer:
    """Start serving ``rt``'s APIs and dev endpoints on ``rt.host:rt.port`` (0 = any free port).

    Called by ``LocalRuntime.start()`` after provisioning; sets ``rt.port`` to the bound port.
    ``/_local/token`` mints tokens only on a loopback bind, unless ``rt.allow_remote_tokens`` is true
    (the CLI's ``--allow-remote-tokens`` sets it).
    """
    from .gateway import ApiGateway
    from .local_endpoints import LocalEndpoints

    assert rt.lambdas is not None, "provision() first"
    table = route_table_for(rt)
    gateway = ApiGateway(table, rt.lambdas.invoke, account_id=rt.account_id)
    local = LocalEndpoints(rt, table, allow_remote_tokens=rt.allow_remote_tokens)
    server = HttpServer(Dispatcher(gateway.handle, local.handle), gateway.too_large, rt.host, rt.port)
    rt.port = server.port
    return server


def routes_summary(rt: RuntimeView) -> dict[str, Any]:
    """``{"routes": [...]}`` for ``summary()`` (the runtime adds it once it serves; < 1 ms, never stale)."""
    from .gateway import describe_routes

    return {"routes": describe_routes(route_table_for(rt))}


def route_table_for(rt: RuntimeView) -> RouteTable:
    """Compile the route table from the core's translated template."""
    from .apigateway import load_route_table

    stack, lambdas = rt.stack, rt.lambdas
    assert stack is not None and lambdas is not None, "provision() first"

    def function_for_arn(arn: str) -> str | None:
        try:
            return str(lambdas.spec(arn).logical_id)
        except KeyError:
            return None

    def api_id_for(logical_id: str) -> str | None:
        resource = stack.resources.get(logical_id)
        physical = getattr(resource, "physical_id", None)
        return str(physical) if physical else None

    return load_route_table(
        stack.translated.get("Resources") or {},
        resolve=stack.resolve,
        function_for_arn=function_for_arn,
        api_id_for=api_id_for,
    )
