"""The one text policy at every route (issue 9, finding 3): every free-text field of every JSON body in
docs/openapi.json refuses NUL, CRLF (a header injection), the right-to-left override, zero-width
characters and markup with a 4xx, and nothing is stored: no item in any table, no event, no email.

The fields are found by walking the document (every string property, in nested objects and array items,
that no enum, format or pattern restricts), so a new field is covered as soon as it is declared; a valid
body per operation comes from ``VALID_BODIES``, and an operation missing there fails the test, so a new
route is covered as soon as it is written.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.api_contract import ApiContract
from tests.e2e.commerce import ADDRESS, Shop, order_body
from tests.e2e.probes import nothing_stored, send, token_for

pytestmark = pytest.mark.e2e

DOCUMENT = ApiContract.committed().document
POLICY_KEYWORD = "x-text-policy"  # tandem.shared.text.POLICY_KEYWORD
# Free-text-typed fields that are identifiers or codes, checked by their own rules (a lookup, ISO 4217,
# the EU VAT formats) rather than the text policy; anything else must carry x-text-policy.
NOT_TEXT = {
    "createProduct": {"sku", "currency"},
    "updateProduct": {"currency"},
    "placeOrder": {"currency", "customer.vat_id"},
    "applyHeldPayment": {"invoice_id"},
    "receiveStock": {"sku"},
    "adjustStock": {"sku"},
    "countStock": {"sku"},
}
HOSTILE = {
    "NUL": "A\u0000b",
    "CRLF header": "Ab\r\nBcc: evil@example.com",
    "right-to-left override": "a\u202eb",
    "zero-width space": "a\u200bb",
    "markup": "<b>x",
}


def _valid_bodies(sku: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """operationId -> (the URL to send to, a body the operation accepts). Path ids are placeholders where a
    valid body then gets 404 (the body is validated before any lookup), real where it needs to be."""
    product = {
        "name": "Text policy mug",
        "currency": "EUR",
        "unit_price": "9.50",
        "tax_category": "standard",
        "reorder_point": 1,
        "reorder_quantity": 5,
        "active": True,
    }
    address = {**ADDRESS, "line2": "Building B"}  # every optional text field present, so each is probed
    return {
        "submitContactForm": (
            "/forms/contact",
            {
                "name": "Ada Lovelace",
                "email": "text-policy@example.com",
                "message": "Hello,\nplease call me.",
                "consent": True,
                "company": "Analytical Engines",
                "website": "",
            },
        ),
        "placeOrder": (
            "/orders",
            order_body(sku, 1, currency="EUR")
            | {"customer": {**order_body(sku, 1)["customer"], "billing_address": address, "vat_id": "FR40303265045"}},
        ),
        "cancelOrder": ("/orders/probe-1/cancel", {"reason": "Ordered twice"}),
        "createProduct": ("/products", {**product, "sku": f"TXT-{uuid.uuid4().hex[:8].upper()}"}),
        "updateProduct": (f"/products/{sku}", product | {"name": f"Widget {sku}"}),
        "receiveStock": ("/stock/receipts", {"sku": sku, "quantity": 1, "reference": "DN-1"}),
        "adjustStock": ("/stock/adjustments", {"sku": sku, "delta": 1, "reason": "Found one"}),
        "countStock": ("/stock/counts", {"sku": sku, "counted": 6, "reason": "Stock take"}),
        "createCreditNote": ("/invoices/probe-1/credit-notes", {"reason": "Damaged on delivery"}),
        "markRefundPaid": ("/refunds/probe-1/paid", {"reference": "re_123"}),
        "applyHeldPayment": ("/payments/probe-1/apply", {"invoice_id": "probe-2"}),
        "replyToTicket": (f"/tickets/{uuid.uuid4()}/replies", {"body_text": "Hello,\nhere it is.", "then": "pending"}),
        "submitSupportForm": (
            "/forms/support",
            {
                "name": "Ada Lovelace",
                "email": "text-policy@example.com",
                "subject": "The lid was broken",
                "message": "Hello,\nmy parcel arrived damaged.",
                "website": "",
            },
        ),
        "openTicket": ("/tickets", {"subject": "Where is my order?", "body_text": "Hello,\nit was due Monday."}),
        "addTicketNote": (f"/tickets/{uuid.uuid4()}/notes", {"body_text": "Called the carrier:\nparcel lost."}),
        "updateTicket": (f"/tickets/{uuid.uuid4()}", {"priority": "high", "tags": ["billing"]}),
        "mergeTicket": (f"/tickets/{uuid.uuid4()}/merge", {"into": str(uuid.uuid4())}),
        # a forged link: the body is checked (422) before the token (404), so nothing can be stored either way
        "rateTicket": (f"/csat/{'a' * 26}-{'b' * 16}", {"rating": 4, "comment": "Quick answer,\nthank you."}),
        "writeArticle": ("/kb/articles", {"title": "Resetting a password", "body": "Open Settings.\n\nChoose Reset."}),
        "editArticle": (f"/kb/articles/{uuid.uuid4()}", {"title": "Resetting a password", "body": "Open Settings."}),
        "askAssistant": (
            "/assistant/ask",
            {
                "question": "How do I reset\nmy password?",
                "history": [{"role": "user", "text": "Hello"}, {"role": "assistant", "text": "Hi"}],
                "name": "Ada Lovelace",
                "email": "text-policy@example.com",
            },
        ),
        "createSalaryStructure": (
            "/payroll/structures",
            {
                "name": "Text policy probe",
                "currency": "EUR",
                "components": [
                    {"name": "basic_salary", "kind": "earning", "rule": {"type": "fixed", "amount": "1.00"}}
                ],
            },
        ),
        "startPayrollRun": ("/payroll/runs", {"period": "2026-12"}),
        "rejectPayrollRun": (f"/payroll/runs/{uuid.uuid4()}/reject", {"reason": "Bonus missing:\nplease add it."}),
        "reversePayrollRun": (f"/payroll/runs/{uuid.uuid4()}/reversal", {"reason": "Wrong salary:\nreverse it."}),
        "hireEmployee": (
            "/employees",
            {
                "name": "Text Policy",
                "email": "text-policy@tandem.example",
                "country": "DE",
                "hire_date": "2026-01-05",
                "base_salary": "3000.00",
                "position": "Engineer",
                "department": "Engineering",
                "cost_centre": "CC-100",
                "iban": "DE89 3704 0044 0532 0130 00",
                "bic": "COBADEFFXXX",
                "tax_code": "standard",
            },
        ),
        "changeEmployee": (
            f"/employees/{uuid.uuid4()}/changes",
            {
                "effective_date": "2026-12-16",
                "position": "Lead",
                "department": "Platform",
                "cost_centre": "CC-2",
                "tax": {"tax_code": "standard"},
            },
        ),
        "terminateEmployee": (
            f"/employees/{uuid.uuid4()}/termination",
            {"termination_date": "2027-01-31", "reason": "Resigned"},
        ),
        "submitJobApplication": (
            "/forms/job-application",
            {
                "name": "Grace Hopper",
                "email": "text-policy@example.com",
                "position": "Compiler Engineer",
                "message": "Hello,\nI wrote the first compiler.",
                "links": ["https://github.com/grace"],
                "cv": {"filename": "cv.pdf", "content_type": "application/pdf", "size": 1000},
                "website": "",
            },
        ),
        "hireCandidate": (
            f"/candidates/{uuid.uuid4()}/hire",
            {
                "country": "DE",
                "hire_date": "2027-01-04",
                "base_salary": "3000.00",
                "position": "Engineer",
                "department": "Engineering",
                "cost_centre": "CC-100",
                "iban": "DE89 3704 0044 0532 0130 00",
                "bic": "COBADEFFXXX",
                "tax_code": "standard",
            },
        ),
        "requestLeave": ("/me/leave-requests", {"kind": "paid", "start": "2027-02-01", "end": "2027-02-02"}),
        "rejectLeave": (f"/leave-requests/{uuid.uuid4()}/reject", {"reason": "Release week,\nsorry."}),
        "receivePaymentEvent": (
            "/payments/webhook",
            {
                "id": f"evt_text_{uuid.uuid4().hex[:8]}",
                "type": "payment.succeeded",
                "order_id": "text-policy-probe",
                "amount": "1.00",
                "currency": "EUR",
            },
        ),
    }


def _json_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if "application/json" in ((operation.get("requestBody") or {}).get("content") or {})
    ]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _free_text(
    schema: dict[str, Any], path: tuple[str | int, ...] = (), policy: str | None = None
) -> Iterator[tuple[tuple[str | int, ...], str | None]]:
    """Every free-text string in ``schema`` (no enum, const, format or pattern restricts it): its path and
    its ``x-text-policy`` (``single-line``, ``multi-line``; None for an id-like field without it)."""
    schema = _resolve(schema)
    policy = schema.get(POLICY_KEYWORD, policy)
    for option in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        yield from _free_text(option, path, policy)
    kind = schema.get("type")
    if kind == "string" and not {"enum", "const", "format", "pattern"} & set(schema):
        yield path, policy
    for name, field in (schema.get("properties") or {}).items():
        yield from _free_text(field, (*path, name))
    if kind == "array" and "items" in schema:
        yield from _free_text(schema["items"], (*path, 0))


def _fields(operation: dict[str, Any]) -> dict[str, tuple[tuple[str | int, ...], str | None]]:
    found = _free_text(operation["requestBody"]["content"]["application/json"]["schema"])
    return {".".join(map(str, path)): (path, policy) for path, policy in found}


def _with(body: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target: Any = changed
    for step in path[:-1]:
        if isinstance(step, str):
            target = target.setdefault(step, {})
        else:
            target = target[step]
    target[path[-1]] = value
    return changed


OPERATIONS = _json_operations()


def test_every_json_operation_has_a_valid_body_here():
    """A new route with a JSON body must get a valid body in VALID_BODIES, so its text fields are probed."""
    known = set(_valid_bodies("SKU-1"))
    assert {operation["operationId"] for _, _, operation in OPERATIONS} <= known


def test_every_free_text_field_is_held_to_the_one_text_policy():
    """Every free-text field of every request body is a SingleLine/MultiLine field (tandem.shared.text),
    except the listed identifiers and codes."""
    unmarked = {
        operation["operationId"]: {name for name, (_, policy) in _fields(operation).items() if policy is None}
        for _, _, operation in OPERATIONS
    }
    assert {op: names for op, names in unmarked.items() if names} == NOT_TEXT


def test_the_walk_finds_the_free_text_fields():
    fields = {operation["operationId"]: _fields(operation) for _, _, operation in OPERATIONS}
    assert {"customer.name", "customer.billing_address.line1", "customer.billing_address.city"} <= set(
        fields["placeOrder"]
    )
    assert "reason" in fields["cancelOrder"] and "reason" in fields["createCreditNote"]
    assert fields["submitContactForm"]["message"][1] == "multi-line"
    assert fields["submitContactForm"]["name"][1] == "single-line"


@pytest.fixture(scope="module")
def sku(http, runtime) -> str:
    return Shop(http, runtime).product(stock=5)


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[operation["operationId"] for _, _, operation in OPERATIONS]
)
def test_hostile_text_in_every_free_text_field_is_a_4xx_and_stores_nothing(http, runtime, sku, method, path, operation):
    url, valid = _valid_bodies(sku)[operation["operationId"]]
    token = token_for(http, method, path)

    with nothing_stored(http, runtime):
        for field, policy in _fields(operation).values():
            for case, value in HOSTILE.items():
                if case == "CRLF header" and policy == "multi-line":
                    continue  # lines are what a multi-line field takes (CRLF becomes \n); it never reaches a header
                raw = json.dumps(_with(valid, field, value)).encode()
                status, response = send(http, method, path, raw, token, target=url)
                assert 400 <= status < 500, (field, case, status, response)
                assert response["error"]["code"] and response["error"]["message"], (field, case, response)

    # The same body without the hostile text passes validation: the 4xx were the text policy's.
    raw = json.dumps(valid).encode()
    status, response = send(http, method, path, raw, token, target=url)
    assert status < 500 and status not in (400, 422), (status, response)


def test_the_422_names_the_field_and_what_is_wrong(http):
    status, response = http.post(
        "/forms/contact",
        {
            "name": "Ada\u202e",
            "email": "text-policy@example.com",
            "message": "Hi",
            "consent": True,
            "company": "A\u0000",
        },
    )

    assert status == 422
    details = {d["field"]: d["message"] for d in response["error"]["details"]}
    assert details == {
        "name": "must not contain bidirectional control characters (found U+202E)",
        "company": "must not contain control characters (found U+0000)",
    }
