"""OpenAPI merge from real Powertools resolvers, without a runtime (fake ``module_for``)."""

from __future__ import annotations

import types

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from http_testkit import api_template, table_for
from local_runtime.openapi import build_document, resolvers_in
from pydantic import BaseModel


class Thing(BaseModel):
    name: str


def _items_module() -> types.ModuleType:
    module = types.ModuleType("items_app")
    app = APIGatewayRestResolver(enable_validation=True)

    @app.post("/items")
    def create(thing: Thing) -> Thing:
        return thing

    @app.get("/items/<item>")
    def get(item: str) -> Thing:
        return Thing(name=item)

    @app.get("/internal")
    def internal() -> dict:
        return {}

    module.app = app  # type: ignore[attr-defined]
    module.helper = object()  # type: ignore[attr-defined]
    return module


def test_resolvers_are_found_by_their_schema_method() -> None:
    assert [name for name, _ in resolvers_in(_items_module())] == ["app"]


def test_document_keeps_template_routes_and_adds_security_and_stubs() -> None:
    modules = {"ItemsFunction": _items_module()}

    def module_for(function: str) -> types.ModuleType:
        if function not in modules:
            raise ImportError(f"no module for {function}")
        return modules[function]

    doc = build_document(
        table_for(api_template()),
        module_for,
        title="Fixture API",
        description="d",
        server_url="http://127.0.0.1:1",
    )
    assert doc["info"]["title"] == "Fixture API" and doc["servers"][0]["url"] == "http://127.0.0.1:1"
    assert doc["paths"]["/items"]["post"]["security"] == []
    assert doc["paths"]["/items/{item}"]["get"]["security"] == [{"PoolAuth": []}]
    assert "/internal" not in doc["paths"]
    assert "Thing" in doc["components"]["schemas"]
    assert doc["components"]["securitySchemes"]["PoolAuth"]["bearerFormat"] == "JWT"
    # GET /items has no resolver operation: a stub, secured per the template
    assert doc["paths"]["/items"]["get"]["security"] == [{"PoolAuth": []}]
    # FilesFunction cannot be imported: its route is still listed, and the problem is reported
    assert "/files/{proxy}" in doc["paths"]
    assert any("FilesFunction" in w for w in doc["info"]["x-local-warnings"])
