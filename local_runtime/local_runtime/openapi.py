"""One OpenAPI document for the whole API, generated from the handlers' own Powertools resolvers.

The template knows which routes exist, which function serves each and how they are secured; the
Powertools resolvers know the request/response schemas. Neither alone is the API, so for every function
the API routes to, this imports its handler module (under its own environment, via the core's
``module_for``), asks each module-level object with ``get_openapi_json_schema`` for its document, keeps
only the operations the template really routes to that function, merges ``components`` and adds each
operation's security from the template. Routes no resolver documents still appear, as stubs.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from .apigateway import HTTP_METHODS, Route, RouteTable

log = logging.getLogger("local_runtime.openapi")
_PARAM = re.compile(r"\{([^}/]+?)\+?\}")
_STUB_VERSION = "3.0.3"
OpenApiDocument = dict[str, Any]  # an OpenAPI document as parsed JSON: objects all the way down


def resolvers_in(module: ModuleType) -> list[tuple[str, Any]]:
    """Module-level objects that can describe themselves (Powertools ApiGatewayResolver and friends)."""
    found = []
    for name, obj in vars(module).items():
        if isinstance(obj, type) or isinstance(obj, ModuleType):
            continue
        if callable(getattr(obj, "get_openapi_json_schema", None)):
            found.append((name, obj))
    return found


def build_document(
    table: RouteTable,
    module_for: Callable[[str], ModuleType],
    *,
    title: str,
    description: str | None = None,
    server_url: str | None = None,
    version: str = "1.0",
) -> OpenApiDocument:
    """The merged OpenAPI document (see module docstring)."""
    doc: dict[str, Any] = {"openapi": None, "info": {"title": title, "version": version}, "paths": {}}
    if description:
        doc["info"]["description"] = description
    if server_url:
        doc["servers"] = [{"url": server_url, "description": "local runtime"}]
    components: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    documented: set[tuple[str, str]] = set()  # (template resource, METHOD) already covered
    tags: dict[str, dict[str, Any]] = {}
    descriptions: set[str] = set()
    for function, origin, schema in _resolver_schemas(table, module_for, title, warnings):
        doc["openapi"] = doc["openapi"] or schema.get("openapi")
        _merge_components(components, schema.get("components") or {}, origin, warnings)
        _keep_routed(doc["paths"], table, function, schema, documented)
        for tag in schema.get("tags") or []:
            tags.setdefault(tag["name"], tag)
        descriptions.add((schema.get("info") or {}).get("description") or "")
    if len(descriptions) == 1 and "" not in descriptions:
        # Every resolver describes the API the same way: that text says more than the template's one line.
        doc["info"]["description"] = descriptions.pop()
    used = {name for item in doc["paths"].values() for op in item.values() for name in op.get("tags") or []}
    if used:
        doc["tags"] = [tags.get(name, {"name": name}) for name in sorted(used)]
    for route in table.routes:
        # CORS preflights (a mock, or an OPTIONS the function answers) are not operations of the API.
        if route.integration == "mock" or route.method == "OPTIONS" or (route.resource, route.method) in documented:
            continue
        _add_stub(doc["paths"], route)
    schemes = {
        r.authorizer.name: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Cognito user pool token; locally: GET /_local/token?sub=<id>&groups=<g1,g2>",
        }
        for r in table.routes
        if r.authorizer is not None and r.authorizer.enforced
    }
    if schemes:
        components.setdefault("securitySchemes", {}).update(schemes)
    if components:
        doc["components"] = components
    doc["openapi"] = doc["openapi"] or _STUB_VERSION
    if warnings:
        doc["info"]["x-local-warnings"] = warnings
        for warning in warnings:
            log.warning("openapi: %s", warning)
    return doc


def _resolver_schemas(
    table: RouteTable, module_for: Callable[[str], ModuleType], title: str, warnings: list[str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(function, "Function.attr", OpenAPI dict) for every resolver of every function the API routes to."""
    for function in dict.fromkeys(r.function for r in table.routes if r.function):
        try:
            module = module_for(function)
        except Exception as exc:  # a broken handler must not take the docs down
            warnings.append(f"{function}: cannot import handler ({type(exc).__name__}: {exc})")
            continue
        for name, resolver in resolvers_in(module):
            try:
                schema = json.loads(resolver.get_openapi_json_schema(title=title))
            except Exception as exc:
                warnings.append(f"{function}.{name}: get_openapi_json_schema failed ({type(exc).__name__}: {exc})")
                continue
            yield function, f"{function}.{name}", schema


def _keep_routed(
    paths: dict[str, Any],
    table: RouteTable,
    function: str,
    schema: dict[str, Any],
    documented: set[tuple[str, str]],
) -> None:
    """Copy the operations the template routes to ``function``, with the template's security."""
    for path, item in (schema.get("paths") or {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            match = table.match(method.upper(), _PARAM.sub("__param__", path))
            if match is None or match.route.function != function:
                continue
            operation = copy.deepcopy(operation)
            operation["security"] = _security(match.route)
            paths.setdefault(path, {})[method] = operation
            documented.add((match.route.resource, match.route.method))


def _security(route: Route) -> list[dict[str, list[str]]]:
    if route.authorizer is None:
        return []
    return [{route.authorizer.name: list(route.scopes)}]


def _merge_components(into: dict[str, dict[str, Any]], new: dict[str, Any], origin: str, warnings: list[str]) -> None:
    for section, entries in new.items():
        target = into.setdefault(section, {})
        for name, value in (entries or {}).items():
            if name in target and target[name] != value:
                warnings.append(f"{origin}: components.{section}.{name} differs from an earlier one; kept the first")
                continue
            target[name] = value


def _add_stub(paths: dict[str, Any], route: Route) -> None:
    """A minimal operation for a route no resolver documents (so the document lists every route)."""
    path = _PARAM.sub(lambda m: "{" + m.group(1) + "}", route.resource)
    methods = [route.method.lower()] if route.method != "ANY" else ["get", "post", "put", "patch", "delete"]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(route.resource)
    ]
    for method in methods:
        if method in paths.get(path, {}):
            continue
        operation: dict[str, Any] = {
            "summary": f"{route.method} {route.resource} -> {route.function or route.integration}",
            "description": "Not described by a Powertools resolver; generated from the template.",
            "responses": {"default": {"description": "Whatever the function returns"}},
            "security": _security(route),
        }
        if parameters:
            operation["parameters"] = parameters
        paths.setdefault(path, {})[method] = operation


def api_title(table: RouteTable, template_description: str, stack_name: str) -> str:
    """The API's title: its own (when the template names it), else the first words of the template's
    Description (SAM titles an API with the stack name, which says little)."""
    api = table.default_api
    if api is not None and api.title and api.title != stack_name:
        return api.title
    first = template_description.strip().splitlines()[:1]
    head = first[0].split(":", 1)[0].strip() if first else ""
    return head if 0 < len(head) <= 60 else f"{stack_name} API"


def deployed_server(table: RouteTable) -> dict[str, object] | None:
    """The execute-api URL the template's API gets once deployed, as an OpenAPI server with variables."""
    api = table.default_api
    if api is None:
        return None
    return {
        "url": "https://{restApiId}.execute-api.{region}.amazonaws.com/" + api.stage,
        "description": "deployed stack (sam deploy prints the URL)",
        "variables": {
            "restApiId": {"default": "example", "description": "the RestApi id (stack output)"},
            "region": {"default": "eu-central-1", "description": "the stack's region"},
        },
    }


SWAGGER_UI = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} - local API docs</title>
  <link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js" crossorigin></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "/_local/openapi.json",
      dom_id: "#swagger-ui",
      persistAuthorization: true,
      tryItOutEnabled: true
    }});
  </script>
</body>
</html>
"""


def swagger_page(title: str) -> str:
    """Swagger UI from the public CDN (it runs in the developer's browser) over /_local/openapi.json."""
    import html

    return SWAGGER_UI.format(title=html.escape(title))
