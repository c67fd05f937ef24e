"""The knowledge base and the assistant over HTTP on the local runtime: the desk publishes an article and
anyone's search finds it (drafts never); the assistant answers from it, and a handoff becomes a ticket the
agent reads with the whole conversation, acknowledged by email; the RBAC matrix of the KB routes."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _word() -> str:
    """A word no other test's article has, so that searches on the shared runtime find only ours."""
    return "zq" + uuid.uuid4().hex[:10]


def _emails_to(http, address: str) -> list[dict]:
    _, body = http.get("/_local/emails")
    return [m for m in body["emails"] if address in m["to"]]


def test_a_published_article_is_found_by_anyone_and_a_draft_by_nobody(http):
    agent = http.token("agent-ana", "support")
    word, hidden = _word(), _word()
    article = {"title": f"Pairing the {word} scanner", "body": f"Hold the {word} button.\n\nWait for the beep."}
    status, draft = http.post("/kb/articles", article, token=agent)
    assert status == 201 and draft["status"] == "draft", draft
    assert http.get(f"/kb/search?q={word}")[1]["hits"] == []
    status, published = http.request("PATCH", f"/kb/articles/{draft['id']}", {"status": "published"}, token=agent)
    assert status == 200 and published["version"] == 2, published
    status, found = http.get(f"/kb/search?q=pair+{word}+scanner")
    assert status == 200 and [h["article_id"] for h in found["hits"]] == [draft["id"]]
    assert found["hits"][0]["passage"] == f"Hold the {word} button."
    status, read = http.get(f"/kb/published/{draft['id']}")
    assert status == 200 and read["body"] == article["body"]

    status, secret = http.post("/kb/articles", {"title": f"Internal {hidden}", "body": hidden}, token=agent)
    assert status == 201
    assert http.get(f"/kb/search?q={hidden}")[1]["hits"] == []
    assert http.get(f"/kb/published/{secret['id']}")[0] == 404


def test_the_assistant_answers_then_hands_the_conversation_to_the_desk(http):
    agent = http.token("agent-ana", "support")
    word = _word()
    article = {"title": f"Charging the {word} headset", "body": f"Plug the {word} cable in.\n\nThe light turns green."}
    status, _ = http.post("/kb/articles", {**article, "status": "published"}, token=agent)
    assert status == 201
    status, answer = http.post("/assistant/ask", {"question": f"How do I charge my {word} headset?"})
    assert status == 200 and answer["answer_type"] == "articles", answer
    assert answer["passages"][0]["passage"] == f"Plug the {word} cable in."

    address = f"chat.{uuid.uuid4().hex[:8]}@example.com"
    follow_up = {
        "question": "It still does not charge, can I talk to a person?",
        "conversation_id": answer["conversation_id"],
        "email": address,
        "name": "Ada",
    }
    status, handoff = http.post("/assistant/ask", follow_up)
    assert status == 200 and handoff["answer_type"] == "handoff", handoff
    assert handoff["handoff_reason"] == "asked_for_human" and handoff["ticket"]["number"].startswith("T-")
    status, again = http.post("/assistant/ask", follow_up)  # the client retries: no second ticket
    assert status == 200 and again["ticket"] == handoff["ticket"]

    status, ticket = http.get(f"/tickets/{handoff['ticket']['ticket_id']}", token=agent)
    assert status == 200 and ticket["channel"] == "assistant" and ticket["requester_email"] == address
    assert ticket["subject"] == f"How do I charge my {word} headset?"
    conversation = ticket["messages"][0]["body_text"]
    assert f"Customer:\nHow do I charge my {word} headset?" in conversation
    assert f"Assistant:\nSuggested articles: Charging the {word} headset" in conversation
    assert conversation.endswith("Customer:\nIt still does not charge, can I talk to a person?")
    assert [s["title"] for s in ticket["kb_suggestions"]][:1] == [article["title"]]
    [ack] = eventually(lambda: _emails_to(http, address))
    assert ack["headers"]["Auto-Submitted"] == "auto-replied" and ticket["number"] in ack["subject"]

    status, nobody = http.post("/assistant/ask", {"question": f"{_word()} {_word()}?"})
    assert status == 200 and nobody["needs_email"] is True and nobody["ticket"] is None


def test_who_may_write_and_read_the_knowledge_base(http):
    agent, admin = http.token("agent-ana", "support"), http.token("admin-al", "admin")
    customer = http.token(f"ada-{uuid.uuid4().hex[:8]}", "customer", email="ada@example.com")
    sales = http.token("sam", "sales")
    body = {"title": f"RBAC {_word()}", "body": "Text.", "status": "published"}
    status, article = http.post("/kb/articles", body, token=agent)
    assert status == 201
    path = f"/kb/articles/{article['id']}"
    routes = [("POST", "/kb/articles", body), ("GET", "/kb/articles", None), ("GET", path, None)]
    routes.append(("PATCH", path, {"tags": ["rbac"]}))
    for method, route, payload in routes:
        assert http.request(method, route, payload)[0] == 401, (method, route)
        assert http.request(method, route, payload, token=customer)[0] == 403, (method, route)
        assert http.request(method, route, payload, token=sales)[0] == 403, (method, route)
        assert http.request(method, route, payload, token=agent)[0] in (200, 201), (method, route)
        assert http.request(method, route, payload, token=admin)[0] in (200, 201), (method, route)
    for token in (None, customer, agent):  # the public reading side
        assert http.get("/kb/search?q=rbac+text", token=token)[0] == 200
        assert http.get(f"/kb/published/{article['id']}", token=token)[0] == 200


def test_the_demo_data_publishes_its_articles_once_and_the_assistant_answers_from_them(http):
    spec = importlib.util.spec_from_file_location("demo_data", ROOT / "scripts" / "demo_data.py")
    demo = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(demo)  # type: ignore[union-attr]
    first = demo.load_articles(http.base_url)
    assert demo.load_articles(http.base_url).startswith("demo data: 0 knowledge-base article(s) published"), first
    status, answer = http.post("/assistant/ask", {"question": "How do I reset my password?"})
    assert status == 200 and answer["answer_type"] == "articles", answer
    assert "Resetting your password" in [p["title"] for p in answer["passages"]]
