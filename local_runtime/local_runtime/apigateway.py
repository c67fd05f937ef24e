"""The REST APIs of a translated template, compiled once into a route table.

Routes come from each ``AWS::ApiGateway::RestApi`` Body (what samtranslator writes: swagger 2 or
OpenAPI 3 ``paths`` with ``x-amazon-apigateway-integration``). Everything that can be worked out ahead
of time (function per route, authorizer, gateway responses, stage, mock/CORS answers) is, so a request
only walks a small trie.

Resource selection follows API Gateway REST: at each path level a literal segment beats ``{param}``,
which beats a greedy ``{proxy+}``; the method is chosen after the resource (exact, then ANY), so a
known path with an unknown method is "Missing Authentication Token", as on AWS.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .gateway_responses import GatewayResponses, static_headers

ANY_METHOD = "x-amazon-apigateway-any-method"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_SUB_TARGET = re.compile(r"functions/\$\{([A-Za-z0-9]+)(?:\.Arn)?\}/invocations")
_ARN_TARGET = re.compile(r"functions/(arn:[^/]+?)/invocations")

Resolver = Callable[[Any], Any]
FunctionLookup = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Authorizer:
    """A security scheme of the API. Only ``cognito_user_pools`` is enforced locally."""

    name: str
    type: str
    issuers: frozenset[str] = frozenset()
    header: str = "Authorization"

    @property
    def enforced(self) -> bool:
        return self.type == "cognito_user_pools"


@dataclass(frozen=True)
class MockResponse:
    """A ``mock`` integration's default answer (SAM's CORS preflight is one)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: str


@dataclass
class RestApi:
    """One RestApi: identity, stage and the per-API settings a request needs."""

    logical_id: str
    api_id: str
    stage: str
    title: str
    stage_variables: dict[str, str] | None
    gateway_responses: GatewayResponses
    binary_media_types: tuple[str, ...] = ()
    body: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Route:
    """One method on one resource, with everything decided at load time."""

    api: RestApi
    resource: str
    method: str  # upper-case, or "ANY"
    integration: str  # aws_proxy | mock | <other: not emulated>
    function: str | None = None  # logical id of the function for aws_proxy
    authorizer: Authorizer | None = None
    scopes: tuple[str, ...] = ()
    mock: MockResponse | None = None
    resource_id: str = ""

    @property
    def public(self) -> bool:
        return self.authorizer is None

    def describe_auth(self) -> str:
        if self.authorizer is None:
            return "public"
        if not self.authorizer.enforced:
            return f"{self.authorizer.name} ({self.authorizer.type}: NOT enforced locally)"
        return self.authorizer.name


class _Node:
    __slots__ = ("static", "param", "param_name", "greedy", "greedy_name", "methods", "resource")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.param_name = ""
        self.greedy: _Node | None = None
        self.greedy_name = ""
        self.methods: dict[str, Route] = {}
        self.resource = ""


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str] | None


class RouteTable:
    """Routes of every API (merged without stage prefix, like ``sam local start-api``)."""

    def __init__(self, apis: list[RestApi], routes: list[Route]) -> None:
        self.apis = apis
        self.routes = routes
        self._root = _Node()
        for route in routes:
            self._add(route)

    def _add(self, route: Route) -> None:
        node = self._root
        for segment in _segments(route.resource):
            if segment.startswith("{") and segment.endswith("+}"):
                node.greedy = node.greedy or _Node()
                node.greedy_name = segment[1:-2]
                node = node.greedy
                break
            if segment.startswith("{") and segment.endswith("}"):
                node.param = node.param or _Node()
                node.param_name = segment[1:-1]
                node = node.param
            else:
                node = node.static.setdefault(segment, _Node())
        node.resource = route.resource
        node.methods.setdefault(route.method, route)  # first API wins on a clash

    def match(self, method: str, path: str) -> Match | None:
        """The route for ``method path`` (raw, percent-encoded path) or None (-> 403/404 response)."""
        found = _walk(self._root, _segments(path), 0, {})
        if found is None:
            return None
        node, params = found
        route = node.methods.get(method) or node.methods.get("ANY")
        if route is None:
            return None
        return Match(route, params or None)

    @property
    def default_api(self) -> RestApi | None:
        return self.apis[0] if self.apis else None


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s != ""]


def _walk(node: _Node, segments: list[str], i: int, params: dict[str, str]) -> tuple[_Node, dict[str, str]] | None:
    if i == len(segments):
        if node.methods:
            return node, params
        return None
    segment = segments[i]
    child = node.static.get(segment)
    if child is not None:
        found = _walk(child, segments, i + 1, params)
        if found:
            return found
    if node.param is not None:
        found = _walk(node.param, segments, i + 1, {**params, node.param_name: unquote(segment)})
        if found:
            return found
    if node.greedy is not None and node.greedy.methods:
        return node.greedy, {**params, node.greedy_name: unquote("/".join(segments[i:]))}
    return None


# --------------------------------------------------------------------------- loading from a template


def load_route_table(
    resources: Mapping[str, Mapping[str, Any]],
    *,
    resolve: Resolver = lambda value: value,
    function_for_arn: FunctionLookup = lambda arn: None,
    api_id_for: Callable[[str], str | None] = lambda logical_id: None,
) -> RouteTable:
    """Compile every ``AWS::ApiGateway::RestApi`` with a Body in translated CloudFormation ``resources``.

    ``resolve`` resolves intrinsics (stage names, pool ARNs); ``function_for_arn`` maps a resolved
    function ARN to a logical id for URIs the SAM-shaped regex cannot read; ``api_id_for`` gives the
    provisioned RestApi id, if any.
    """
    apis: list[RestApi] = []
    routes: list[Route] = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::ApiGateway::RestApi":
            continue
        body = (resource.get("Properties") or {}).get("Body")
        if not isinstance(body, dict):
            continue
        api = _load_api(logical_id, body, resources, resolve, api_id_for)
        apis.append(api)
        authorizers = _authorizers(body, resolve)
        default_security = body.get("security")
        for resource_path, methods in (body.get("paths") or {}).items():
            if not isinstance(methods, dict):
                continue
            for key, operation in methods.items():
                method = "ANY" if key == ANY_METHOD else key.upper() if key in HTTP_METHODS else None
                if method is None or not isinstance(operation, dict):
                    continue
                routes.append(
                    _route(
                        api,
                        resource_path,
                        method,
                        operation,
                        default_security,
                        authorizers,
                        resources,
                        resolve,
                        function_for_arn,
                    )
                )
    return RouteTable(apis, routes)


def _load_api(
    logical_id: str,
    body: dict[str, Any],
    resources: Mapping[str, Mapping[str, Any]],
    resolve: Resolver,
    api_id_for: Callable[[str], str | None],
) -> RestApi:
    stage, variables = "prod", None
    for res in resources.values():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::ApiGateway::Stage" and props.get("RestApiId") == {"Ref": logical_id}:
            stage = str(resolve(props.get("StageName", stage)))
            if props.get("Variables"):
                variables = {str(k): str(v) for k, v in resolve(props["Variables"]).items()}
            break
    responses = dict(body.get("x-amazon-apigateway-gateway-responses") or {})
    for res in resources.values():  # stand-alone AWS::ApiGateway::GatewayResponse resources
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::ApiGateway::GatewayResponse" and props.get("RestApiId") == {"Ref": logical_id}:
            responses[props.get("ResponseType")] = {
                "statusCode": props.get("StatusCode"),
                "responseParameters": props.get("ResponseParameters") or {},
                "responseTemplates": props.get("ResponseTemplates") or {},
            }
    title = resolve((body.get("info") or {}).get("title", logical_id))
    binary = tuple(str(t).replace("~1", "/") for t in body.get("x-amazon-apigateway-binary-media-types") or ())
    return RestApi(
        logical_id=logical_id,
        api_id=api_id_for(logical_id) or _fake_api_id(logical_id),
        stage=stage,
        title=str(title),
        stage_variables=variables,
        gateway_responses=GatewayResponses.from_body(resolve(responses)),
        binary_media_types=binary,
        body=body,
    )


def _fake_api_id(logical_id: str) -> str:
    """Stable 10-character id, like a real one, when the RestApi is not provisioned."""
    return hashlib.sha1(logical_id.encode()).hexdigest()[:10]


def _authorizers(body: dict[str, Any], resolve: Resolver) -> dict[str, Authorizer]:
    schemes = (body.get("components") or {}).get("securitySchemes") or body.get("securityDefinitions") or {}
    found: dict[str, Authorizer] = {}
    for name, scheme in schemes.items():
        config = scheme.get("x-amazon-apigateway-authorizer") or {}
        kind = str(config.get("type") or scheme.get("x-amazon-apigateway-authtype") or scheme.get("type", "")).lower()
        issuers: set[str] = set()
        if kind == "cognito_user_pools":
            from .tokens import issuer, pool_id_from_arn

            for arn in resolve(config.get("providerARNs") or []):
                parts = str(arn).split(":")
                region = parts[3] if len(parts) > 3 else ""
                issuers.add(issuer(region, pool_id_from_arn(str(arn))))
        found[name] = Authorizer(name, kind, frozenset(issuers), str(scheme.get("name") or "Authorization"))
    return found


def _route(
    api: RestApi,
    resource_path: str,
    method: str,
    operation: dict[str, Any],
    default_security: Any,
    authorizers: dict[str, Authorizer],
    resources: Mapping[str, Mapping[str, Any]],
    resolve: Resolver,
    function_for_arn: FunctionLookup,
) -> Route:
    integration = operation.get("x-amazon-apigateway-integration") or {}
    kind = str(integration.get("type", "")).lower()
    authorizer, scopes = None, ()
    security = operation.get("security", default_security) or []
    for requirement in security:
        for name, required_scopes in (requirement or {}).items():
            if name != "NONE" and name in authorizers:
                authorizer, scopes = authorizers[name], tuple(required_scopes or ())
                break
        if authorizer:
            break
    function = None
    mock = None
    if kind == "aws_proxy":
        function = _function_of(integration.get("uri"), resources, resolve, function_for_arn)
    elif kind == "mock":
        mock = _mock_response(integration)
    resource_id = hashlib.sha1(f"{api.logical_id}{resource_path}".encode()).hexdigest()[:6]
    return Route(api, resource_path, method, kind, function, authorizer, scopes, mock, resource_id)


def _function_of(
    uri: Any,
    resources: Mapping[str, Mapping[str, Any]],
    resolve: Resolver,
    function_for_arn: FunctionLookup,
) -> str | None:
    """Logical id of the function an ``aws_proxy`` uri names (``${Fn.Arn}``, an alias, or an ARN)."""
    raw = uri.get("Fn::Sub") if isinstance(uri, dict) else uri
    if isinstance(raw, list):
        raw = raw[0]
    if isinstance(raw, str) and (m := _SUB_TARGET.search(raw)):
        target = m.group(1)
        res = resources.get(target) or {}
        if res.get("Type") == "AWS::Lambda::Alias":  # AutoPublishAlias: ${FnAliaslive}
            fn = (res.get("Properties") or {}).get("FunctionName")
            if isinstance(fn, dict) and "Ref" in fn:
                return str(fn["Ref"])
        if res.get("Type", "AWS::Lambda::Function") in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
            return target
    resolved = resolve(uri)
    if isinstance(resolved, str) and (m := _ARN_TARGET.search(resolved)):
        return function_for_arn(m.group(1))
    return None


def _mock_response(integration: dict[str, Any]) -> MockResponse:
    default = (integration.get("responses") or {}).get("default") or {}
    headers = static_headers(default.get("responseParameters"), "method.response.header.")
    templates = default.get("responseTemplates") or {}
    body = templates.get("application/json", next(iter(templates.values()), "")) if templates else ""
    return MockResponse(int(default.get("statusCode", 200)), tuple(headers), body)
