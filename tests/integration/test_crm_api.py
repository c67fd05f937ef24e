"""CrmApiFunction under moto, fed the sample events from events/crm_api/."""

from __future__ import annotations

import base64
import copy
import json

import pytest

from .conftest import emf_documents


def _with_body(event: dict, body) -> dict:
    event = copy.deepcopy(event)
    event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def _types(stack) -> list[str]:
    return sorted(item["type"] for item in stack.items())


def test_valid_form_writes_lead_dedup_and_outbox_in_one_transaction(stack, api, sample, dynamodb_calls):
    status, body = api(sample("crm_api/submit_contact_form"))

    assert status == 202 and body["status"] == "received"
    assert dynamodb_calls == ["TransactWriteItems"]
    assert _types(stack) == ["lead", "lead_dedup", "outbox"]
    items = {item["type"]: item for item in stack.items()}
    assert items["lead"]["PK"] == f"LEAD#{body['lead_id']}" and items["lead"]["GSI1PK"] == "LEAD"
    detail = json.loads(items["outbox"]["detail"])
    assert detail["data"]["lead_id"] == body["lead_id"]
    assert detail["metadata"]["correlation_id"] == "web-7f3c2a"  # from X-Correlation-Id
    assert items["outbox"]["source"] == "tandem.crm" and items["outbox"]["detail_type"] == "LeadCaptured"


def test_filled_honeypot_is_accepted_and_nothing_is_stored(stack, api, sample):
    status, body = api(sample("crm_api/submit_contact_form_honeypot"))

    assert status == 202 and body["lead_id"]
    assert stack.items() == []


def test_same_email_and_message_within_ten_minutes_returns_the_same_lead(stack, api, sample, dynamodb_calls):
    event = sample("crm_api/submit_contact_form")
    _, first = api(event)
    dynamodb_calls.clear()

    status, again = api(event)

    assert status == 202 and again["lead_id"] == first["lead_id"]
    assert dynamodb_calls == ["TransactWriteItems"]  # ALL_OLD gave us the id: no extra read
    assert _types(stack) == ["lead", "lead_dedup", "outbox"]


def test_another_message_from_the_same_person_is_a_new_lead(stack, api, sample):
    event = sample("crm_api/submit_contact_form")
    _, first = api(event)
    body = {**json.loads(event["body"]), "message": "And another question"}

    _, second = api(_with_body(event, body))

    assert second["lead_id"] != first["lead_id"]
    assert _types(stack).count("lead") == 2 and _types(stack).count("outbox") == 2


VALID = {"name": "Ada Lovelace", "email": "ada@example.com", "message": "Hello", "consent": True}
BAD_INPUT = {
    "malformed json": ('{"name": "Ada", ', 400, None),
    "not an object": ('["Ada"]', 422, None),
    "empty body": ("", 422, None),
    "null body": (None, 422, None),
    "wrong types": ({**VALID, "consent": "maybe", "name": 42}, 422, {"consent", "name"}),
    "missing fields": ({"name": "Ada"}, 422, {"email", "message", "consent"}),
    "unknown field": ({**VALID, "is_admin": True}, 422, {"is_admin"}),
    "bad email": ({**VALID, "email": "not-an-email"}, 422, {"email"}),
    "script in message": ({**VALID, "message": "<script>alert(1)</script>"}, 422, {"message"}),
    "html in company": ({**VALID, "company": "<b>ACME</b>"}, 422, {"company"}),
    "too long name": ({**VALID, "name": "x" * 101}, 422, {"name"}),
    "header injection": ({**VALID, "name": "Ada\r\nBcc: all@example.com"}, 422, {"name"}),
    "one megabyte body": ({**VALID, "message": "x" * 1024 * 1024}, 413, None),
    "nested 10,000 deep": ("[" * 10_000 + "]" * 10_000, 400, None),
    "a field nested 10,000 deep": ('{"name": ' + "[" * 10_000 + "]" * 10_000 + "}", 400, None),
    "5,000-digit number": (json.dumps(VALID)[:-1] + ', "phone": ' + "9" * 5_000 + "}", 400, None),
    "4,301-digit number": (json.dumps(VALID)[:-1] + ', "consent": ' + "1" * 4_301 + "}", 400, None),
    "a list and an object for text": ({**VALID, "name": ["Ada"], "message": {"a": 1}}, 422, {"name", "message"}),
    "a number for consent": ({**VALID, "consent": 1}, 422, {"consent"}),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_gets_a_4xx_in_the_error_shape_and_stores_nothing(stack, api, sample, case):
    body, expected_status, fields = BAD_INPUT[case]
    event = sample("crm_api/submit_contact_form")
    event["body"] = body if body is None or isinstance(body, str) else json.dumps(body)

    status, response = api(event)

    assert status == expected_status, response
    assert set(response) == {"error"} and response["error"]["code"] and response["error"]["message"]
    if fields:
        assert fields <= {d["field"] for d in response["error"]["details"]}
    assert "Traceback" not in json.dumps(response)
    assert stack.items() == []


def test_sample_invalid_form_names_each_field(api, sample):
    status, response = api(sample("crm_api/submit_contact_form_invalid"))
    assert status == 422
    details = {d["field"]: d["message"] for d in response["error"]["details"]}
    assert details["name"] == "must not contain HTML markup"
    assert set(details) == {"name", "email", "message", "consent", "favourite_colour"}


def test_sample_malformed_json_is_a_400(api, sample):
    assert api(sample("crm_api/submit_contact_form_malformed_json")) == (
        400,
        {"error": {"code": "bad_request", "message": "Body is not valid JSON", "details": {}}},
    )


def test_leads_need_claims_and_the_sales_group(api, sample):
    status, body = api(sample("crm_api/list_leads_unauthenticated"))
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body = api(sample("crm_api/list_leads_wrong_group"))
    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_sales_lists_leads_newest_first_page_by_page(api, sample):
    form = sample("crm_api/submit_contact_form")
    ids = [api(_with_body(form, {**VALID, "message": f"Question {n}"}))[1]["lead_id"] for n in range(3)]
    listing = sample("crm_api/list_leads")
    listing["queryStringParameters"] = {"limit": "2"}
    listing["multiValueQueryStringParameters"] = {"limit": ["2"]}

    status, first = api(listing)
    listing["queryStringParameters"]["next_token"] = first["next_token"]
    listing["multiValueQueryStringParameters"]["next_token"] = [first["next_token"]]
    _, second = api(listing)

    assert status == 200
    assert [i["lead_id"] for i in first["items"] + second["items"]] == ids[::-1]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"next_token": "forged"}, "next_token"),
        (
            {
                "next_token": base64.urlsafe_b64encode(
                    json.dumps(  # empty key values
                        {"PK": "LEAD#", "SK": "LEAD", "GSI1PK": "LEAD", "GSI1SK": ""}
                    ).encode()
                ).decode()
            },
            "next_token",
        ),
    ],
)
def test_bad_paging_parameters_are_a_422(api, sample, query, field):
    event = sample("crm_api/list_leads")
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    status, body = api(event)
    assert status == 422 and field in {d["field"] for d in body["error"]["details"]}


def test_get_lead_returns_it_or_a_json_404(api, sample):
    _, created = api(sample("crm_api/submit_contact_form"))
    event = sample("crm_api/get_lead")
    status, body = api(event)
    assert (status, body["error"]["code"]) == (404, "lead_not_found")

    event["path"] = f"/leads/{created['lead_id']}"
    event["pathParameters"] = {"id": created["lead_id"]}
    status, lead = api(event)
    assert status == 200 and lead["lead_id"] == created["lead_id"] and lead["email"] == "ada@example.com"


def test_openapi_documents_the_routes(stack):
    schema = stack.module("CrmApiFunction").app.get_openapi_json_schema()
    paths = json.loads(schema)["paths"]
    assert {"/forms/contact", "/leads", "/leads/{id}"} <= set(paths)
    assert paths["/forms/contact"]["post"]["summary"]


def _emf_metrics(output: str) -> dict[str, object]:
    """Metric name -> value from the CloudWatch EMF lines Powertools printed."""
    found: dict[str, object] = {}
    for document in emf_documents(output):
        for directive in document["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "Tandem"
            found.update({m["Name"]: document[m["Name"]] for m in directive["Metrics"]})
    return found


def test_a_stored_lead_is_counted_as_an_emf_metric_a_repeat_is_not(api, sample, capsys):
    event = sample("crm_api/submit_contact_form")
    api(event)
    assert _emf_metrics(capsys.readouterr().out) == {"LeadCaptured": [1.0]}

    api(event)
    assert "LeadCaptured" not in _emf_metrics(capsys.readouterr().out)


def _fail_transactions(monkeypatch, error: dict, *, commit_first: bool = False, times: int = 1):
    """Make the cached DynamoDB client's TransactWriteItems fail ``times`` times.

    ``commit_first`` plays a rival that committed the very same transaction just before ours.
    """
    from botocore.exceptions import ClientError
    from tandem.shared.aws import bootstrap

    client = bootstrap.client("dynamodb")
    original, calls = client.transact_write_items, []

    def flaky(**request):
        calls.append(request)
        if len(calls) > times:
            return original(**request)
        if commit_first:
            original(**request)
        raise ClientError(error, "TransactWriteItems")

    monkeypatch.setattr(client, "transact_write_items", flaky)
    return calls


CONFLICT = {
    "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
    "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}, {"Code": "None"}],
}


def test_two_identical_submissions_at_once_both_get_202_and_one_lead(stack, api, sample, monkeypatch):
    calls = _fail_transactions(monkeypatch, CONFLICT, commit_first=True)

    status, body = api(sample("crm_api/submit_contact_form"))

    assert status == 202 and len(calls) == 2
    [lead] = [item for item in stack.items() if item["type"] == "lead"]
    assert lead["id"] == body["lead_id"] and _types(stack) == ["lead", "lead_dedup", "outbox"]


def test_throttled_storage_is_a_503_with_retry_after(stack, sample, monkeypatch):
    throttled = {
        "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
        "CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}, {"Code": "None"}],
    }
    _fail_transactions(monkeypatch, throttled)

    response = stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))

    assert response["statusCode"] == 503
    headers = {
        **(response.get("headers") or {}),
        **{k: v[0] for k, v in (response.get("multiValueHeaders") or {}).items()},
    }
    assert int(headers["Retry-After"]) > 0
    assert json.loads(response["body"])["error"]["code"] == "service_unavailable"
    assert stack.items() == []


@pytest.mark.parametrize("case", ["list_leads_unauthenticated", "list_leads_wrong_group"])
@pytest.mark.parametrize(
    "path, query", [("/leads", {"limit": "ten"}), ("/leads", {"next_token": "x" * 3000}), ("/leads/" + "x" * 100, None)]
)
def test_invalid_input_from_a_caller_without_permission_is_401_or_403_never_422(api, sample, case, path, query):
    event = sample(f"crm_api/{case}")
    event["path"], event["queryStringParameters"] = path, query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in (query or {}).items()} or None
    status, body = api(event)
    assert status == (401 if case.endswith("unauthenticated") else 403), body


def test_every_lead_route_declares_the_sales_group(stack):
    app = stack.module("CrmApiFunction").app
    assert app.required_groups("GET", "/leads") == (frozenset({"sales"}),)
    assert app.required_groups("GET", "/leads/{id}") == (frozenset({"sales"}),)
    assert app.required_groups("POST", "/forms/contact") == ()


@pytest.mark.parametrize(
    "content_type", ["APPLICATION/JSON", "application/json; charset=utf-8", "Application/Json;Charset=UTF-8"]
)
def test_the_json_content_type_is_matched_in_any_case_with_parameters(stack, api, sample, content_type):
    event = sample("crm_api/submit_contact_form")
    event["headers"]["Content-Type"] = event["multiValueHeaders"]["Content-Type"][0] = content_type

    assert api(event)[0] == 202


@pytest.mark.parametrize("content_type", [None, "", "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_without_the_json_content_type_is_a_415_and_stores_nothing(stack, api, sample, content_type):
    event = sample("crm_api/submit_contact_form")
    del event["headers"]["Content-Type"], event["multiValueHeaders"]["Content-Type"]
    if content_type is not None:
        event["headers"]["content-type"], event["multiValueHeaders"]["content-type"] = content_type, [content_type]

    status, response = api(event)

    assert (status, response["error"]["code"]) == (415, "unsupported_media_type")
    assert stack.items() == []
