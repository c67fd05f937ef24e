"""The OpenAPI document as a frontend team meets it: committed and current, complete (every operation typed,
described and named), clean under Redocly and Spectral, and good enough for a generated TypeScript client
that compiles under ``tsc --strict``.

``docs/openapi.json`` is what ``make openapi`` writes and ``GET /_local/openapi.json`` serves; the node
tools come from ``clients/typescript`` (pinned there, installed by ``make test``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"
LINT_EXCEPTIONS = ROOT / "docs" / "openapi-lint.yaml"
CLIENT = ROOT / "clients" / "typescript"
BIN = CLIENT / "node_modules" / ".bin"
METHODS = ("get", "put", "post", "delete", "patch")
ERROR_REF = "#/components/schemas/ErrorResponse"
MONEY_FIELDS = re.compile(r"(^|_)(total|amount|price|net|tax|balance|debit|credit|paid|due|outstanding)$")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text())


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def node_tool(name: str) -> Path:
    tool = BIN / name
    if not tool.exists():
        pytest.fail(f"{tool} is missing: run `make test` (it installs {CLIENT.relative_to(ROOT)} with npm ci)")
    return tool


def test_the_committed_document_is_what_the_handlers_describe_today():
    fresh = subprocess.run(
        [sys.executable, "-m", "local_runtime.openapi_export", "--template", "template.yaml"]
        + ["--param", "PaymentWebhookSecret=whsec_local", "--examples", "docs/openapi-examples.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    ).stdout
    assert json.loads(fresh) == json.loads(DOCUMENT.read_text()), "docs/openapi.json is stale: run `make openapi`"
    assert "x-local-warnings" not in json.loads(fresh)["info"], json.loads(fresh)["info"].get("x-local-warnings")


def test_every_operation_has_a_stable_id_a_summary_a_description_and_a_typed_success(document):
    ids = []
    for method, path, operation in operations(document):
        where = f"{method} {path}"
        ids.append(operation.get("operationId"))
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", operation.get("operationId") or ""), where
        assert operation.get("summary") and operation["summary"] != where, where
        assert "Who may call:" in operation.get("description", ""), where
        assert len(operation["description"].split("Who may call:")[0].strip()) > 20, f"{where}: say what it does"
        assert operation.get("tags"), where
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert successes, f"{where} declares no success response"
        for status, response in successes.items():
            content = response.get("content") or {}
            assert content, f"{where} {status} has no content"
            for media_type, body in content.items():
                schema = body.get("schema") or {}
                if media_type == "application/json":
                    assert "$ref" in schema, f"{where} {status}: a named schema, so clients get a named type"
                else:
                    assert schema.get("format") == "binary", f"{where} {status} {media_type}"
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    assert {"placeOrder", "listInvoices", "receivePurchaseOrder"} <= set(ids)


def test_every_error_answer_is_the_one_error_schema(document):
    for method, path, operation in operations(document):
        errors = {status: r for status, r in operation["responses"].items() if status[0] in "45"}
        assert errors, f"{method} {path} declares no error"
        for status, response in errors.items():
            assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (method, path, status)
        if "503" in errors:
            assert "Retry-After" in errors["503"]["headers"], (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= set(errors), (method, path)
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in errors, (method, path)
    details = document["components"]["schemas"]["ErrorDetail"]["properties"]["details"]
    assert {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"}} in details["anyOf"]


def test_no_component_is_left_unused(document):
    text = json.dumps({k: v for k, v in document.items() if k != "components"})
    schemas = json.dumps(document["components"]["schemas"])
    for name in document["components"]["schemas"]:
        ref = f'"#/components/schemas/{name}"'
        assert ref in text or ref in schemas, f"{name} is never used"


def test_every_list_has_the_one_page_shape_and_the_same_paging_parameters(document):
    lists = 0
    for _method, path, operation in operations(document):
        success = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        schema = resolve(document, success.get("schema", {}))
        if "next_token" not in schema.get("properties", {}):
            continue
        lists += 1
        assert set(schema["properties"]) == {"items", "next_token"}, path
        assert schema["properties"]["items"]["type"] == "array" and "$ref" in schema["properties"]["items"]["items"]
        params = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert params["limit"]["default"] == 25 and params["limit"]["maximum"] == 100, path
        assert params["next_token"]["anyOf"][0]["maxLength"] == 2048, path
    assert lists >= 8


def test_closed_sets_are_enums_money_has_a_pattern_and_times_a_format(document):
    checked = {"enum": 0, "money": 0, "time": 0}
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            options = [resolve(document, s) for s in spec.get("anyOf", [spec])]
            strings = [s for s in options if s.get("type") == "string" or "enum" in s]
            if not strings:
                continue
            where = f"{name}.{field}"
            if field in ("status", "payment_method", "tax_category", "kind", "type") and name != "ErrorDetail":
                assert all("enum" in s or "const" in s for s in strings), f"{where} is a closed set: an enum"
                checked["enum"] += 1
            elif MONEY_FIELDS.search(field) and not name.endswith("Request") and "rate" not in field:
                assert all(s.get("pattern") for s in strings), f"{where} is money: a pattern"
                checked["money"] += 1
            elif field.endswith("_at"):
                assert all(s.get("format") == "date-time" for s in strings), f"{where}: format date-time"
                checked["time"] += 1
            elif field.endswith("_date") or field in ("date", "due", "issued_on"):
                assert all(s.get("format") == "date" for s in strings), f"{where}: format date"
    assert checked["enum"] >= 4 and checked["money"] >= 6 and checked["time"] >= 3, checked
    order = document["components"]["schemas"]["OrderView"]["properties"]
    assert resolve(document, order["status"])["enum"] and resolve(document, order["payment_method"])["enum"]


def test_headers_the_api_reads_and_sends_are_declared(document):
    def header_names(operation: dict[str, Any]) -> set[str]:
        return {p["name"].lower() for p in operation.get("parameters", []) if p["in"] == "header"}

    place = document["paths"]["/orders"]["post"]
    assert "idempotency-key" in header_names(place)
    assert "Location" in place["responses"]["201"]["headers"]
    credit = document["paths"]["/invoices/{id}/credit-notes"]["post"]
    assert "idempotency-key" in header_names(credit) and "Location" in credit["responses"]["201"]["headers"]
    webhook = document["paths"]["/payments/webhook"]["post"]
    assert "tandem-signature" in header_names(webhook)
    assert webhook["requestBody"]["content"]["application/json"]["schema"]
    assert "token" not in webhook["responses"]["401"]["description"].lower()
    pdf = document["paths"]["/invoices/{id}/pdf"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]


def test_examples_are_valid_instances_of_their_schemas(document):
    examples = 0
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            for body in (response.get("content") or {}).values():
                for name, example in (body.get("examples") or {}).items():
                    schema = {**body["schema"], "components": document["components"]}
                    errors = [e.message for e in Draft202012Validator(schema).iter_errors(example["value"])]
                    assert not errors, f"{method} {path} {status} example {name}: {errors[:3]}"
                    examples += 1
    assert examples >= 10


def _lint_findings() -> list[dict[str, str]]:
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}
    redocly = subprocess.run(
        [str(node_tool("redocly")), "lint", str(DOCUMENT), "--config", "redocly.yaml", "--format", "json"],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    spectral = subprocess.run(
        [str(node_tool("spectral")), "lint", str(DOCUMENT), "--ruleset", ".spectral.yaml", "--format", "json"],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    findings = [
        {"tool": "redocly", "rule": p["ruleId"], "severity": p["severity"], "where": p["location"][0]["pointer"]}
        for p in json.loads(redocly.stdout)["problems"]
    ]
    findings += [
        {
            "tool": "spectral",
            "rule": p["code"],
            "severity": ["error", "warn", "info", "hint"][p["severity"]],
            "where": "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in p["path"]),
        }
        for p in json.loads(spectral.stdout[spectral.stdout.index("[") :])
    ]
    return findings


def test_redocly_and_spectral_find_no_error_and_only_the_warnings_listed_with_a_reason():
    listed = yaml.safe_load(LINT_EXCEPTIONS.read_text()) or []
    assert all(entry.get("reason", "").strip() for entry in listed), "every listed warning needs a reason"
    findings = _lint_findings()
    assert not [f for f in findings if f["severity"] == "error"]
    keys = {(e["tool"], e["rule"], e["where"]) for e in listed}
    unexplained = [f for f in findings if (f["tool"], f["rule"], f["where"]) not in keys]
    assert not unexplained, f"new lint warnings: fix them or list them with a reason in {LINT_EXCEPTIONS.name}"
    stale = keys - {(f["tool"], f["rule"], f["where"]) for f in findings}
    assert not stale, f"{LINT_EXCEPTIONS.name} lists warnings that no longer occur: remove them"


def test_a_generated_typescript_client_compiles_under_strict_with_typed_orders_pages_and_errors():
    generated = CLIENT / "src" / "generated" / "tandem-api.d.ts"
    subprocess.run(
        [str(node_tool("openapi-typescript")), str(DOCUMENT), "--output", str(generated)],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    compiled = subprocess.run(
        [str(node_tool("tsc")), "--project", "tsconfig.json"], cwd=CLIENT, capture_output=True, text=True, timeout=300
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_the_typescript_checks_fail_when_the_document_loses_a_type(document, tmp_path):
    """The compile check above can fail: an order status that is any string breaks contract.ts."""
    broken = json.loads(json.dumps(document))
    broken["components"]["schemas"]["OrderStatus"] = {"type": "string"}
    (tmp_path / "openapi.json").write_text(json.dumps(broken))
    (tmp_path / "src" / "generated").mkdir(parents=True)
    (tmp_path / "src" / "contract.ts").write_text((CLIENT / "src" / "contract.ts").read_text())
    (tmp_path / "tsconfig.json").write_text((CLIENT / "tsconfig.json").read_text())
    (tmp_path / "node_modules").symlink_to(CLIENT / "node_modules")
    subprocess.run(
        [str(node_tool("openapi-typescript")), "openapi.json", "--output", "src/generated/tandem-api.d.ts"],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=True,
    )
    compiled = subprocess.run(
        [str(node_tool("tsc")), "--project", "tsconfig.json"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert compiled.returncode != 0 and "contract.ts(" in compiled.stdout, compiled.stdout
