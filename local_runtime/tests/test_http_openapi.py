"""OpenAPI merge from real Powertools resolvers, without a runtime (fake ``module_for``)."""

from __future__ import annotations

import types

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.models import Tag
from http_testkit import api_template, table_for
from local_runtime.openapi import build_document, resolvers_in
from local_runtime.openapi_export import attach_examples
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


def _described_module(description: str, tags: list[Tag]) -> types.ModuleType:
    module = types.ModuleType("described_app")
    app = APIGatewayRestResolver(enable_validation=True)
    app.configure_openapi(title="x", description=description, tags=tags)

    @app.post("/items", tags=["items"])
    def create(thing: Thing) -> Thing:
        return thing

    @app.get("/items/<item>", tags=["items", "reading"])
    def get(item: str) -> Thing:
        return Thing(name=item)

    module.app = app  # type: ignore[attr-defined]
    return module


def test_the_resolvers_shared_description_and_their_declared_tags_reach_the_document() -> None:
    module = _described_module("The whole API, told once.", [Tag(name="items", description="Things")])

    doc = build_document(table_for(api_template()), lambda _: module, title="T", description="template line")

    assert doc["info"]["description"] == "The whole API, told once."
    # declared tags keep their description; a tag only used by an operation is still declared, by name
    assert doc["tags"] == [{"name": "items", "description": "Things"}, {"name": "reading"}]


def test_resolvers_that_describe_the_api_differently_leave_the_templates_description() -> None:
    modules = {"ItemsFunction": _described_module("one", []), "FilesFunction": _described_module("two", [])}

    doc = build_document(table_for(api_template()), modules.__getitem__, title="T", description="template line")

    assert doc["info"]["description"] == "template line"


def test_recorded_answers_become_the_examples_of_declared_json_responses_only() -> None:
    doc = build_document(table_for(api_template()), lambda _: _items_module(), title="T")
    recorded = {"POST /items": {"200": {"name": "tea"}, "418": {"name": "teapot"}}, "GET /nowhere": {"200": {}}}

    attached = attach_examples(doc, recorded)

    assert attached == 1
    examples = doc["paths"]["/items"]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
    assert [e["value"] for e in examples.values()] == [{"name": "tea"}]
    assert "418" not in doc["paths"]["/items"]["post"]["responses"]
