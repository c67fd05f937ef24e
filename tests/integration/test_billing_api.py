"""BillingApiFunction under moto: invoices, their PDFs and credit notes for the finance group."""

from __future__ import annotations

import base64
import copy
import json
import re
import uuid

import pytest

FN = "BillingApiFunction"
SAMPLE_ID = "8d2f4a6b-1c3e-4f5a-9b7c-2d4e6f8a0b1c"


def _for(event: dict, invoice_id: str) -> dict:
    """The sample aimed at ``invoice_id`` (ids are random at issue)."""
    return json.loads(json.dumps(event).replace(SAMPLE_ID, invoice_id))


def _call(stack, event: dict) -> tuple[int, dict]:
    response = stack.call(FN, event)
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def invoice(stack, sample) -> dict:
    return stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))


def test_get_invoice_shows_lines_breakdown_totals_and_amount_due(stack, sample, invoice):
    status, body = _call(stack, _for(sample("billing_api/get_invoice"), invoice["invoice_id"]))

    assert status == 200
    assert body["number"] == invoice["number"] and body["status"] == "issued"
    assert (body["net_total"], body["tax_total"], body["gross_total"]) == ("44.99", "7.00", "51.99")
    assert body["amount_due"] == "51.99" and body["amount_paid"] == "0.00" and body["overpaid_amount"] == "0.00"
    assert [line["net"] for line in body["lines"]] == ["25.00", "19.99"]
    assert body["customer"]["billing_address"]["country"] == "GB" and body["credit_notes"] == []


def test_unknown_or_malformed_invoice_ids_are_404(stack, sample):
    assert _call(stack, _for(sample("billing_api/get_invoice"), str(uuid.uuid4())))[0] == 404
    assert _call(stack, _for(sample("billing_api/get_invoice"), "not-a-uuid"))[0] == 404


def test_list_invoices_filters_by_status_and_order(stack, sample, invoice):
    _, all_ = _call(stack, sample("billing_api/list_invoices"))
    _, issued = _call(stack, sample("billing_api/list_invoices_by_status"))
    _, by_order = _call(stack, sample("billing_api/list_invoices_by_order"))
    paid = copy.deepcopy(sample("billing_api/list_invoices_by_status"))
    paid["queryStringParameters"] = {"status": "paid"}
    paid["multiValueQueryStringParameters"] = {"status": ["paid"]}
    _, none_paid = _call(stack, paid)

    assert [i["id"] for i in all_["items"]] == [invoice["invoice_id"]] and all_["next_token"] is None
    assert [i["id"] for i in issued["items"]] == [invoice["invoice_id"]]
    assert [i["id"] for i in by_order["items"]] == [invoice["invoice_id"]]
    assert none_paid["items"] == []


def test_bad_status_filter_is_422(stack, sample):
    assert _call(stack, sample("billing_api/list_invoices_bad_status"))[0] == 422


def _listing(sample, **params: str) -> dict:
    event = copy.deepcopy(sample("billing_api/list_invoices"))
    event["queryStringParameters"] = params
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in params.items()}
    return event


@pytest.mark.parametrize(
    "token",
    [
        "x" * 2048,
        base64.urlsafe_b64encode(b"[" * 1536).decode(),  # 2048 characters of nested JSON
        base64.urlsafe_b64encode(json.dumps({"PK": "INVOICE#x"}).encode()).decode(),
    ],
    ids=["not-base64", "deeply-nested", "forged-key"],
)
def test_any_page_token_up_to_2048_characters_we_did_not_issue_is_422(stack, sample, token):
    status, body = _call(stack, _listing(sample, next_token=token))

    assert status == 422 and body["error"]["code"] == "invalid_page_token"


def test_invoices_page_with_next_token(stack, sample):
    for order in ("order-a", "order-b", "order-c"):
        event = copy.deepcopy(sample("billing_fulfillment/issue_invoice"))
        event["order"]["order_id"] = order
        stack.call("BillingFulfillmentFunction", event)

    _, first = _call(stack, _listing(sample, limit="2"))
    _, second = _call(stack, _listing(sample, limit="2", next_token=first["next_token"]))

    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_token"] is None
    assert len({i["id"] for i in first["items"] + second["items"]}) == 3


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("list_invoices_wrong_group", 403),
        ("list_invoices_unauthenticated", 401),
        ("create_credit_note_wrong_group", 403),
    ],
)
def test_only_finance_may_use_the_billing_api(stack, sample, case, expected):
    assert _call(stack, sample(f"billing_api/{case}"))[0] == expected


def test_pdf_is_returned_as_binary_application_pdf(stack, sample, invoice):
    response = stack.call(FN, _for(sample("billing_api/get_invoice_pdf"), invoice["invoice_id"]))

    assert response["statusCode"] == 200 and response["isBase64Encoded"] is True
    headers = response.get("multiValueHeaders") or {}
    content_type = (response.get("headers") or {}).get("Content-Type") or headers.get("Content-Type", [None])[0]
    assert content_type == "application/pdf"
    assert base64.b64decode(response["body"]).startswith(b"%PDF")


def test_the_pdf_is_rendered_and_stored_on_the_first_request_only(stack, sample, invoice):
    import boto3

    s3 = boto3.client("s3", region_name="eu-central-1")
    bucket = stack.physical["DocumentsBucket"]
    assert s3.list_objects_v2(Bucket=bucket).get("Contents") is None  # issue does not write the PDF

    first = stack.call(FN, _for(sample("billing_api/get_invoice_pdf"), invoice["invoice_id"]))
    [stored] = s3.list_objects_v2(Bucket=bucket)["Contents"]
    second = stack.call(FN, _for(sample("billing_api/get_invoice_pdf"), invoice["invoice_id"]))

    assert first["statusCode"] == 200 and base64.b64decode(first["body"]).startswith(b"%PDF")
    assert stored["Key"] == f"invoices/{invoice['number'][4:8]}/{invoice['number']}.pdf"
    assert second["body"] == first["body"]
    assert len(s3.list_object_versions(Bucket=bucket).get("Versions", [])) == 1  # stored once


def test_full_credit_note_credits_the_invoice_with_a_cn_number(stack, sample, invoice):
    response = stack.call(FN, _for(sample("billing_api/create_credit_note"), invoice["invoice_id"]))
    status, note = response["statusCode"], json.loads(response["body"])

    assert status == 201 and _header(response, "Location") == f"/invoices/{invoice['invoice_id']}"
    assert re.fullmatch(r"CN-\d{4}-000001", note["number"]) and note["invoice_number"] == invoice["number"]
    assert note["gross_total"] == "51.99"
    _, shown = _call(stack, _for(sample("billing_api/get_invoice"), invoice["invoice_id"]))
    assert shown["status"] == "credited" and shown["amount_due"] == "0.00"
    assert shown["credit_notes"] == [{"id": note["id"], "number": note["number"], "gross_total": "51.99"}]


def test_crediting_a_fully_credited_invoice_is_409(stack, sample, invoice):
    event = _for(sample("billing_api/create_credit_note"), invoice["invoice_id"])
    _call(stack, event)

    status, body = _call(stack, event)

    assert status == 409 and body["error"]["code"] == "invoice_already_credited"


def test_partial_credit_notes_cannot_credit_more_than_remains(stack, sample, invoice):
    partial = _for(sample("billing_api/create_credit_note_partial"), invoice["invoice_id"])  # 1 of 2 mugs
    status, first = _call(stack, partial)
    assert status == 201 and first["gross_total"] == "15.00"
    assert _call(stack, partial)[0] == 201  # the second mug
    status, body = _call(stack, partial)  # no mug left
    assert status == 409 and body["error"]["code"] == "credit_exceeds_invoice"

    status, rest = _call(stack, _for(sample("billing_api/create_credit_note"), invoice["invoice_id"]))
    assert status == 201 and rest["gross_total"] == "21.99"  # the book: 19.99 + 10 %
    _, shown = _call(stack, _for(sample("billing_api/get_invoice"), invoice["invoice_id"]))
    assert shown["status"] == "credited"
    assert sum(float(n["gross_total"]) for n in shown["credit_notes"]) == pytest.approx(51.99)
    assert [n["number"][-6:] for n in shown["credit_notes"]] == ["000001", "000002", "000003"]


def test_invalid_credit_note_request_is_422_and_unknown_invoice_404(stack, sample, invoice):
    assert _call(stack, _for(sample("billing_api/create_credit_note_invalid"), invoice["invoice_id"]))[0] == 422
    assert _call(stack, _for(sample("billing_api/create_credit_note"), str(uuid.uuid4())))[0] == 404
    unknown_line = _for(sample("billing_api/create_credit_note_partial"), invoice["invoice_id"])
    unknown_line["body"] = json.dumps({"reason": "x", "lines": [{"line_number": 9, "quantity": 1}]})
    assert _call(stack, unknown_line)[0] == 422


def _with_body(event: dict, body: dict) -> dict:
    return copy.deepcopy(event) | {"body": json.dumps(body)}


def _header(response: dict, name: str) -> str | None:
    multi = response.get("multiValueHeaders") or {}
    return (response.get("headers") or {}).get(name) or (multi.get(name) or [None])[0]


def test_the_same_idempotency_key_and_body_answers_the_first_credit_note_again(stack, sample, invoice):
    event = _for(sample("billing_api/create_credit_note_idempotent"), invoice["invoice_id"])

    first = _call(stack, event)
    replayed = stack.call(FN, copy.deepcopy(event))
    second = replayed["statusCode"], json.loads(replayed["body"])

    assert first[0] == second[0] == 201 and first[1] == second[1]
    assert _header(replayed, "Location") == f"/invoices/{invoice['invoice_id']}"
    notes = [i for i in stack.items("BillingTable") if i.get("type") == "credit_note"]
    assert len(notes) == 1
    [record] = [i for i in stack.items("BillingTable") if i.get("type") == "idempotency_key"]
    assert record["PK"].startswith("IDEMKEY#") and "cn-2f1e7a9c" not in json.dumps(record, default=str)


def test_the_same_idempotency_key_with_another_body_is_refused(stack, sample, invoice):
    event = _for(sample("billing_api/create_credit_note_idempotent"), invoice["invoice_id"])
    partial = {"reason": "Goods returned by the customer", "lines": [{"line_number": 1, "quantity": 1}]}
    assert _call(stack, _with_body(event, partial))[0] == 201

    status, body = _call(stack, _with_body(event, {"reason": "Something else"}))

    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    assert len([i for i in stack.items("BillingTable") if i.get("type") == "credit_note"]) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9"])
def test_an_invalid_idempotency_key_is_422_and_credits_nothing(stack, sample, invoice, key):
    event = _for(sample("billing_api/create_credit_note_idempotent"), invoice["invoice_id"])
    event["headers"]["Idempotency-Key"], event["multiValueHeaders"]["Idempotency-Key"] = key, [key]

    status, body = _call(stack, event)

    assert status == 422 and body["error"]["code"] == "invalid_idempotency_key"
    assert [i for i in stack.items("BillingTable") if i.get("type") == "credit_note"] == []


def test_a_refused_credit_note_does_not_use_up_its_idempotency_key(stack, sample, invoice):
    event = _for(sample("billing_api/create_credit_note_idempotent"), invoice["invoice_id"])
    too_much = {"reason": "Too much", "lines": [{"line_number": 1, "quantity": 999}]}
    assert _call(stack, _with_body(event, too_much))[0] == 409

    status, _ = _call(stack, _with_body(event, {"reason": "Goods returned by the customer"}))

    assert status == 201


def test_the_pdf_routes_openapi_description_tells_clients_to_accept_application_pdf(stack):
    schema = stack.module(FN).app.get_openapi_schema()

    assert "Accept: application/pdf" in schema.paths["/invoices/{id}/pdf"].get.description


def test_the_openapi_document_gives_the_pdf_its_media_type_and_the_credit_note_its_location(stack):
    paths = json.loads(stack.module(FN).app.get_openapi_json_schema())["paths"]

    pdf = paths["/invoices/{id}/pdf"]["get"]
    assert pdf["operationId"] == "getInvoicePdf" and list(pdf["responses"]["200"]["content"]) == ["application/pdf"]
    credit = paths["/invoices/{id}/credit-notes"]["post"]
    assert credit["operationId"] == "createCreditNote" and "Location" in credit["responses"]["201"]["headers"]
    assert "idempotency-key" in {p["name"].lower() for p in credit["parameters"]}
    listing = paths["/invoices"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listing == {"$ref": "#/components/schemas/InvoiceList"}


def test_the_pdf_says_what_the_law_asks_in_any_script(stack, sample):
    """Seller (the template's placeholders) and buyer VAT ids, the date of supply (the order's day in Paris),
    the exemption note of the zero-rated line and every amount with its cents, read back from the PDF."""
    from tests.unit.billing.pdf_text import lines

    issued = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice_b2b"))
    response = stack.call(FN, _for(sample("billing_api/get_invoice_pdf"), issued["invoice_id"]))
    text = lines(base64.b64decode(response["body"]))

    assert text[:3] == ["Tandem Ltd", "1 Market Street, 10115 Berlin, DE", "VAT ID: DE000000000"]
    bill_to = text[text.index("Bill to") + 1 :]
    assert bill_to[0] == "Zoë Łukasiewicz 李" and "VAT ID: FR40303265045" in bill_to[:7]
    assert "Date of supply | 2027-01-01" in text
    assert "2 | Double-entry for cyclists (BOOK-042) | 1 | 36.00 EUR | 0 % * | 36.00 EUR" in text
    assert "* VAT exempt" in text
    assert "Please pay to IBAN DE00 0000 0000 0000 0000 00, BIC TANDDEXXXXX, quoting " + issued["number"] + "." in text
    assert "Total | 66.00 EUR" in text
    status, body = _call(stack, _for(sample("billing_api/get_invoice"), issued["invoice_id"]))
    assert body["customer"]["vat_id"] == "FR40303265045" and body["supply_date"] == "2027-01-01"
