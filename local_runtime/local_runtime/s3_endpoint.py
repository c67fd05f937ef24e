"""S3 over a socket, for browsers: presigned POST uploads and presigned GET links work on ``make run``.

Why: functions presign against S3's public endpoint by default (``https://<bucket>.s3.amazonaws.com/``);
code inside the runtime's process reaches it (moto intercepts botocore there), a browser does not. So
the runtime listens on a second loopback port, points every boto3 S3 client of the process at it with
the standard ``AWS_ENDPOINT_URL_S3`` (presigned URLs then name that port), and tells moto to treat that
address as S3 (``MOTO_S3_CUSTOM_ENDPOINTS``, read by moto on every request: in-process calls to it stay
in-process). What arrives on the socket is handed to moto's own S3 dispatch, so moto answers exactly as
it answers an SDK call: form uploads fire the bucket's notifications, CORS follows the bucket's rules,
errors keep S3's codes. Nothing here emulates S3.

Why a port of its own: path-style S3 puts the bucket first in the path (``/<bucket>/<key>``), which
would collide with the API's routes on the API's port. The business code and ``sam build`` never see
any of this: only the runtime's process environment carries the endpoint.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping, MutableMapping
from typing import ClassVar

from .http_server import HttpServer
from .proxy import Request, Response

log = logging.getLogger("local_runtime.s3")

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_S3"  # botocore's standard per-service endpoint setting
MOTO_ENDPOINTS_VARIABLE = "MOTO_S3_CUSTOM_ENDPOINTS"
# Hop-by-hop or recomputed: what moto answers is sent whole with a fresh Content-Length.
_DROPPED_RESPONSE_HEADERS = frozenset({"content-length", "connection", "transfer-encoding"})
_TOO_LARGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>EntityTooLarge</Code><Message>The local runtime '
    b"takes request bodies of up to 10 MB.</Message></Error>"
)


def url_host(bind_host: str) -> str:
    """The host presigned URLs name: the bind address when it is one IP, else loopback.

    An IP literal keeps botocore on path-style URLs (``/<bucket>/<key>``), which need no DNS; a name such
    as ``localhost`` would get virtual-host URLs (``<bucket>.localhost``) that not every client resolves.
    A wildcard bind (0.0.0.0, ::) is reachable on loopback too.
    """
    name = bind_host.strip("[]")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return "127.0.0.1"
    if address.is_unspecified:
        return "127.0.0.1"
    return f"[{name}]" if address.version == 6 else name


class S3Endpoint:
    """A running S3 listener: ``url``, ``environment()`` for the process, ``stop()``."""

    # The last port per bind host. boto3 clients live as long as the process (the layer caches them), so a
    # later runtime in the same process (a test session starts several) listens where the first one did and
    # the clients built then keep working; only when that port is taken does it pick another.
    _last_port: ClassVar[dict[str, int]] = {}

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = self._listen(host, port or self._last_port.get(host, 0))
        self.port = self._server.port
        self._last_port[host] = self.port
        self.url = f"http://{url_host(host)}:{self.port}"
        self._netloc = self.url.split("://", 1)[1]

        self._exported: tuple[MutableMapping[str, str], dict[str, str | None]] | None = None

    def _listen(self, host: str, port: int) -> HttpServer:
        try:
            return HttpServer(self.handle, self.too_large, host, port)
        except OSError:  # the remembered port is in use now: any free one
            return HttpServer(self.handle, self.too_large, host, 0)

    def environment(self) -> dict[str, str]:
        """What the process needs: boto3 clients presign and call here, moto takes this address for S3."""
        return {ENDPOINT_VARIABLE: self.url, MOTO_ENDPOINTS_VARIABLE: self.url}

    def export(self, environment: MutableMapping[str, str]) -> None:
        """Put ``environment()`` into ``environment`` (the process's); ``stop()`` puts back what was there."""
        variables = self.environment()
        self._exported = (environment, {ENDPOINT_VARIABLE: environment.get(ENDPOINT_VARIABLE)})
        known = [url for url in (environment.get(MOTO_ENDPOINTS_VARIABLE) or "").split(",") if url]
        variables[MOTO_ENDPOINTS_VARIABLE] = ",".join([*known, self.url] if self.url not in known else known)
        environment.update(variables)

    def handle(self, request: Request) -> Response:
        """Forward one request into moto's S3 dispatch and answer what moto answers."""
        response = self._moto(request.method, request.path, request.query, request.headers, request.body)
        origin = request.header("Origin")
        if origin and request.method != "OPTIONS" and not _has_header(response, "Access-Control-Allow-Origin"):
            response.headers.extend(self._cors_headers(request, origin))
        return response

    def _cors_headers(self, request: Request, origin: str) -> list[tuple[str, str]]:
        """The bucket's CORS answer for a browser's actual request, where moto's handler leaves it out.

        moto adds it to object requests but not to a form upload's (POST on the bucket), so the browser would
        hide a stored upload's 204 from the page. The rules are still moto's: ask it the preflight question
        for this origin and method, and pass on what it allows.
        """
        question = [("Origin", origin), ("Access-Control-Request-Method", request.method)]
        preflight = self._moto("OPTIONS", request.path, "", question, b"")
        if preflight.status != 200:
            return []
        return [
            (name, value)
            for name, value in preflight.headers
            if name.lower() in ("access-control-allow-origin", "access-control-expose-headers")
        ]

    def _moto(self, method: str, path: str, query: str, headers: list[tuple[str, str]], body: bytes) -> Response:
        from botocore.awsrequest import AWSPreparedRequest
        from botocore.compat import HTTPHeaders
        from moto.core.botocore_stubber import BotocoreStubber

        forwarded = HTTPHeaders()
        for name, value in headers:
            if name.lower() != "host":
                forwarded[name] = value
        # moto reads path-style buckets from the Host it knows as S3 (a browser may have used another name).
        forwarded["Host"] = self._netloc
        url = f"{self.url}{path}" + (f"?{query}" if query else "")
        prepared = AWSPreparedRequest(method, url, forwarded, body, stream_output=False)
        answer = BotocoreStubber().process_request(prepared)
        if answer is None:  # moto has no S3 route for it (cannot happen for /-paths; kept honest)
            return Response(404, [("Content-Type", "text/plain")], b"not an S3 request")
        status, response_headers, response_body = answer
        return Response(int(status), _header_list(response_headers), _bytes(response_body))

    @staticmethod
    def too_large(request: Request) -> Response:
        return Response(400, [("Content-Type", "application/xml")], _TOO_LARGE)

    def stop(self) -> None:
        """Closes the port and puts back the process's S3 endpoint. moto keeps taking this address as S3: a
        client cached while it was set still calls it, and moto answers in-process, port or no port."""
        self._server.stop()
        if self._exported is not None:
            environment, before = self._exported
            self._exported = None
            for name, value in before.items():
                if value is None:
                    environment.pop(name, None)
                else:
                    environment[name] = value


def _has_header(response: Response, name: str) -> bool:
    return any(key.lower() == name.lower() for key, _ in response.headers)


def _header_list(headers: Mapping[str, object] | Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), str(v)) for k, v in items if str(k).lower() not in _DROPPED_RESPONSE_HEADERS]


def _bytes(body: str | bytes | bytearray | None) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)
