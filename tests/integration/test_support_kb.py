"""The knowledge base and the assistant under moto, through the handlers as API Gateway calls them: articles
written, edited and versioned by the desk, search over published articles only (the index rebuilt when the
KB changes), suggestions stored on a new email ticket, and the assistant's answers and handoffs."""

from __future__ import annotations

import copy
import email
import email.policy
import json
from typing import Any

import boto3
import pytest
from moto.ses.models import ses_backends
from tandem.shared.auth import Identity
from tandem.support.bootstrap import services
from tandem.support.domain.commands import TicketQuery

from tests.integration.conftest import REGION

AGENT = ("7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "support", "agent@tandem.example")
ADMIN = ("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "admin", "admin@tandem.example")
CUSTOMER = ("3f2e1d0c-9b8a-4c7d-8e6f-5a4b3c2d1e0f", "customer", "ada@example.com")
DESK = Identity(sub=AGENT[0], email=AGENT[2], email_verified=True, groups=frozenset({"support"}))
KB, ASSISTANT = "SupportKbApiFunction", "SupportAssistantApiFunction"
PASSWORD = {
    "title": "Resetting your password",
    "body": "Passwords expire every year.\n\nTo reset your password, open Settings, then Security, and choose "
    "Reset password. We email you a link that works for one hour.",
    "status": "published",
    "tags": ["account"],
}
INVOICE = {
    "title": "Downloading an invoice",
    "body": "Every invoice is a PDF.\n\nOpen Orders, pick the order and choose Download invoice.",
    "status": "published",
}
HANDOFF = {"question": "Can I talk to a person about my contract?", "email": "ada@example.com", "name": "Ada"}


def _sent() -> list[email.message.EmailMessage]:
    backend = ses_backends["123456789012"][REGION]
    raw = [m.raw_data for m in backend.sent_messages if hasattr(m, "raw_data")]
    return [email.message_from_bytes(r.encode() if isinstance(r, str) else r, policy=email.policy.default) for r in raw]


@pytest.fixture
def call(stack, sample):
    """(function, method, path, body, who, **query) -> (status, json body); ``who``: None or (sub, group, email)."""

    def send(function: str, method: str, path: str, body: Any = None, who: tuple | None = AGENT, **query: str):
        event = copy.deepcopy(sample("support_kb_api/write_article"))
        event.update(httpMethod=method, path=path, resource=path, body=None if body is None else json.dumps(body))
        event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        if who is None:
            event["requestContext"].pop("authorizer", None)
            event["headers"].pop("Authorization", None)
        else:
            claims = event["requestContext"]["authorizer"]["claims"]
            sub, group, address = who
            claims.update({"sub": sub, "cognito:username": sub, "cognito:groups": group, "email": address})
        response = stack.call(function, event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


def _write(call, article: dict, who: tuple = AGENT) -> dict:
    status, body = call(KB, "POST", "/kb/articles", article, who=who)
    assert status == 201, body
    return body


def _search(call, q: str) -> list[dict]:
    status, body = call(KB, "GET", "/kb/search", who=None, q=q)
    assert status == 200, body
    return body["hits"]


def test_an_article_is_written_read_listed_and_edited_under_its_version(call):
    draft = _write(call, {**PASSWORD, "status": "draft"})
    assert draft["status"] == "draft" and draft["version"] == 1 and draft["author"] == AGENT[0]
    assert draft["published_at"] is None and draft["language"] == "en"
    status, read = call(KB, "GET", f"/kb/articles/{draft['id']}")
    assert status == 200 and read == draft
    status, edited = call(KB, "PATCH", f"/kb/articles/{draft['id']}", {"status": "published", "version": 1})
    assert status == 200 and edited["version"] == 2 and edited["published_at"] and edited["title"] == PASSWORD["title"]
    status, stale = call(KB, "PATCH", f"/kb/articles/{draft['id']}", {"title": "Old news", "version": 1})
    assert status == 409 and stale["error"]["code"] == "article_version_mismatch"
    status, same = call(KB, "PATCH", f"/kb/articles/{draft['id']}", {"status": "published"})
    assert status == 200 and same["version"] == 2  # nothing changed, nothing written
    _write(call, {**INVOICE, "status": "draft"})
    status, page = call(KB, "GET", "/kb/articles", status="published")
    assert status == 200 and [a["id"] for a in page["items"]] == [draft["id"]]
    status, page = call(KB, "GET", "/kb/articles")
    assert len(page["items"]) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "body": "x"},
        {"title": "A\nB", "body": "x"},
        {"title": "T", "body": "x", "status": "live"},
        {"title": "T", "body": "x", "tags": ["Not A Tag"]},
        {"title": "T", "body": "x\u202e"},
        {"title": "T", "body": "x", "language": "xx"},
        {"title": "T", "body": "x", "author": "someone-else"},
    ],
)
def test_bad_articles_are_422_naming_the_field_and_store_nothing(call, stack, body):
    status, answer = call(KB, "POST", "/kb/articles", body)
    assert status == 422, answer
    assert not [i for i in stack.items("SupportTable") if str(i["PK"]).startswith("KB")]


def test_a_patch_is_refused_when_empty_or_null_and_an_unknown_article_is_404(call):
    article = _write(call, PASSWORD)
    assert call(KB, "PATCH", f"/kb/articles/{article['id']}", {})[0] == 422
    assert call(KB, "PATCH", f"/kb/articles/{article['id']}", {"version": 1})[0] == 422
    assert call(KB, "PATCH", f"/kb/articles/{article['id']}", {"title": None})[0] == 422
    unknown = "00000000-0000-4000-8000-000000000000"
    assert call(KB, "PATCH", f"/kb/articles/{unknown}", {"title": "New"})[0] == 404
    assert call(KB, "GET", f"/kb/articles/{unknown}")[0] == 404


def test_search_finds_published_articles_only_and_follows_every_edit(call):
    published = _write(call, PASSWORD)
    draft = _write(call, {**INVOICE, "status": "draft"})
    [hit] = _search(call, "reset my password")
    assert hit["article_id"] == published["id"] and hit["title"] == PASSWORD["title"]
    assert hit["passage"].startswith("To reset your password") and hit["score"] > 0
    assert _search(call, "download invoice") == []  # a draft is never found
    assert call(KB, "GET", f"/kb/published/{draft['id']}", who=None)[0] == 404

    call(KB, "PATCH", f"/kb/articles/{draft['id']}", {"status": "published"})
    assert [h["article_id"] for h in _search(call, "download invoice")] == [draft["id"]]
    call(KB, "PATCH", f"/kb/articles/{published['id']}", {"body": "Passkeys replace passwords now.\n\nUse a passkey."})
    [hit] = _search(call, "passkey")
    assert hit["article_id"] == published["id"]  # the index was rebuilt after the edit
    call(KB, "PATCH", f"/kb/articles/{published['id']}", {"status": "archived"})
    assert _search(call, "passkey") == []
    status, read = call(KB, "GET", f"/kb/published/{draft['id']}", who=None)
    assert status == 200 and read["title"] == INVOICE["title"] and "author" not in read


def test_search_refuses_bad_queries_with_422_naming_q(call):
    for q in ("a", "x" * 501, "reset\u202epassword", "reset\u200bpassword"):
        status, body = call(KB, "GET", "/kb/search", who=None, q=q)
        assert status == 422, (q, body)
    status, body = call(KB, "GET", "/kb/search", who=None, q="  \u202e  ")
    assert status == 422 and body["error"]["details"][0]["field"] == "q"


def test_one_getitem_per_search_while_the_kb_is_unchanged(call, dynamodb_calls):
    _write(call, PASSWORD)
    _search(call, "password")
    dynamodb_calls.clear()
    _search(call, "reset")
    assert dynamodb_calls == ["GetItem"]


def test_the_rbac_matrix_of_the_kb_routes(call):
    article = _write(call, PASSWORD)
    path = f"/kb/articles/{article['id']}"
    desk_routes = [("POST", "/kb/articles", PASSWORD), ("GET", "/kb/articles", None), ("GET", path, None)]
    desk_routes.append(("PATCH", path, {"tags": ["account", "security"]}))
    for method, route, body in desk_routes:
        assert call(KB, method, route, body, who=None)[0] == 401, (method, route)
        assert call(KB, method, route, body, who=CUSTOMER)[0] == 403, (method, route)
        assert call(KB, method, route, body, who=("s-1", "sales", "s@tandem.example"))[0] == 403, (method, route)
        assert call(KB, method, route, body, who=AGENT)[0] in (200, 201), (method, route)
        assert call(KB, method, route, body, who=ADMIN)[0] in (200, 201), (method, route)
    for who in (None, CUSTOMER, AGENT):  # public: anyone
        assert call(KB, "GET", "/kb/search", who=who, q="password")[0] == 200
        assert call(KB, "GET", f"/kb/published/{article['id']}", who=who)[0] == 200
        assert call(ASSISTANT, "POST", "/assistant/ask", {"question": "password"}, who=who)[0] == 200


def test_a_new_email_ticket_stores_its_suggestions_for_the_agent_only(call, stack, sample, monkeypatch):
    password = _write(call, PASSWORD)
    _write(call, INVOICE)
    bucket = stack.physical["InboundMailBucket"]
    raw = (
        b"From: Ada <ada@example.com>\r\nTo: support@tandem.example\r\nSubject: Cannot reset my password\r\n"
        b"Message-ID: <kb-1@example.com>\r\nDate: Mon, 07 Dec 2026 09:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe reset password link expired. Help!\r\n"
    )
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key="inbound/kb-1", Body=raw)
    event = copy.deepcopy(sample("support_inbound_email/customer_email"))
    event["Records"][0]["ses"]["mail"]["messageId"] = "kb-1"
    event["Records"][0]["ses"]["receipt"]["recipients"] = ["support@tandem.example"]
    [result] = stack.call("SupportInboundEmailFunction", event)["results"]
    assert result["outcome"] == "opened"
    [ticket] = services().tickets_for(DESK, TicketQuery(), 10, None).items
    status, view = call("SupportTicketApiFunction", "GET", f"/tickets/{ticket.id}")
    assert status == 200
    [suggestion] = view["kb_suggestions"]  # the invoice article does not fit
    assert suggestion["article_id"] == password["id"] and suggestion["title"] == PASSWORD["title"]
    assert suggestion["score"] > 0


def test_the_assistant_answers_with_passages_and_stores_nothing_but_the_conversation(call, stack):
    article = _write(call, PASSWORD)
    status, answer = call(ASSISTANT, "POST", "/assistant/ask", {"question": "How do I reset my password?"}, who=None)
    assert status == 200 and answer["answer_type"] == "articles" and answer["ticket"] is None
    [passage] = answer["passages"]
    assert passage["article_id"] == article["id"] and passage["passage"].startswith("To reset your password")
    assert answer["handoff_reason"] is None and answer["needs_email"] is False
    assert not services().tickets_for(DESK, TicketQuery(), 10, None).items
    [conversation] = [i for i in stack.items("SupportTable") if str(i["PK"]).startswith("CONVERSATION#")]
    assert conversation["turns"][0] == ["user", "How do I reset my password?"] and conversation["expires_at"]


def test_no_match_with_an_email_opens_one_ticket_carrying_the_conversation_and_its_acknowledgement(call):
    _write(call, PASSWORD)
    status, first = call(ASSISTANT, "POST", "/assistant/ask", {"question": "How do I reset my password?"}, who=None)
    assert first["answer_type"] == "articles"
    follow_up = {
        "question": "My parcel never arrived at the warehouse",
        "conversation_id": first["conversation_id"],
        "email": "ada@example.com",
        "name": "Ada Lovelace",
    }
    status, answer = call(ASSISTANT, "POST", "/assistant/ask", follow_up, who=None)
    assert status == 200 and answer["answer_type"] == "handoff" and answer["handoff_reason"] == "no_match"
    assert answer["ticket"]["number"] == "T-000001" and answer["passages"] == []
    [ticket] = services().tickets_for(DESK, TicketQuery(), 10, None).items
    assert ticket.channel.value == "assistant" and ticket.requester.email == "ada@example.com"
    assert ticket.subject == "How do I reset my password?"
    body = services().ticket(ticket.id, DESK).ticket.messages[0].body_text
    assert "Customer:\nHow do I reset my password?" in body
    assert "Assistant:\nSuggested articles: Resetting your password" in body
    assert body.endswith("Customer:\nMy parcel never arrived at the warehouse")
    [ack] = _sent()
    assert ack["To"] == "ada@example.com" and ack["Auto-Submitted"] == "auto-replied" and "T-000001" in ack["Subject"]

    status, again = call(ASSISTANT, "POST", "/assistant/ask", follow_up, who=None)  # a retry
    assert status == 200 and again["ticket"] == answer["ticket"]
    assert len(services().tickets_for(DESK, TicketQuery(), 10, None).items) == 1 and len(_sent()) == 1


def test_asking_for_a_human_hands_over_even_when_an_article_fits(call):
    _write(call, PASSWORD)
    status, answer = call(ASSISTANT, "POST", "/assistant/ask", {**HANDOFF, "question": "reset password, human please"})
    assert answer["answer_type"] == "handoff" and answer["handoff_reason"] == "asked_for_human"
    assert answer["ticket"]["number"] == "T-000001"
    flagged = {"question": "How do I reset my password?", "human": True, "email": "bob@example.com"}
    status, answer = call(ASSISTANT, "POST", "/assistant/ask", flagged, who=None)
    assert answer["handoff_reason"] == "asked_for_human" and answer["ticket"]["number"] == "T-000002"


def test_a_handoff_without_an_email_asks_for_one_and_opens_nothing(call):
    status, answer = call(ASSISTANT, "POST", "/assistant/ask", {"question": "Ich möchte mit einem Menschen sprechen"})
    assert status == 200 and answer["answer_type"] == "handoff" and answer["needs_email"] is True
    assert answer["ticket"] is None and answer["handoff_reason"] == "asked_for_human"
    assert not services().tickets_for(DESK, TicketQuery(), 10, None).items and not _sent()
    with_email = {"question": "ada@example.com is my address", "conversation_id": answer["conversation_id"]}
    status, handed = call(ASSISTANT, "POST", "/assistant/ask", {**with_email, "email": "ada@example.com"})
    assert handed["ticket"]["number"] == "T-000001" and handed["handoff_reason"] == "no_match"
    [ticket] = services().tickets_for(DESK, TicketQuery(), 10, None).items
    assert ticket.subject == "Ich möchte mit einem Menschen sprechen"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"question": ""},
        {"question": "x" * 1001},
        {"question": "hi\u202e"},
        {"question": "hi", "email": "ada@example.com\r\nBcc: x@example.com"},
        {"question": "hi", "history": [{"role": "robot", "text": "x"}]},
        {"question": "hi", "history": [{"role": "user", "text": "x"}] * 21},
        {"question": "hi", "conversation_id": "not-a-uuid"},
    ],
)
def test_bad_questions_are_422(call, body):
    assert call(ASSISTANT, "POST", "/assistant/ask", body, who=None)[0] == 422


def test_a_conversation_id_made_up_by_the_client_dedupes_its_very_first_handoff(call):
    made_up = "5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
    first = {**HANDOFF, "conversation_id": made_up}
    status, answer = call(ASSISTANT, "POST", "/assistant/ask", first, who=None)
    assert status == 200 and answer["conversation_id"] == made_up and answer["ticket"]["number"] == "T-000001"
    status, retried = call(ASSISTANT, "POST", "/assistant/ask", first, who=None)
    assert retried["ticket"] == answer["ticket"] and len(_sent()) == 1
