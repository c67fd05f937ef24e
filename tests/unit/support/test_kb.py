"""The knowledge base's pure rules: the Article aggregate, the assistant's handoff words, the conversation as
the ticket's first message, and how hits of several languages are merged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from tandem.support.adapters import items
from tandem.support.domain.assistant import (
    MAX_TURNS,
    Conversation,
    Role,
    Turn,
    answer_turn,
    asks_for_human,
    render_conversation,
    subject_from,
)
from tandem.support.domain.errors import ArticleVersionMismatch, InvalidArticle
from tandem.support.domain.kb import Article, ArticleStatus, KbLanguage, best_passages, content_words
from tandem.support.domain.kb_search import KbIndex, Passage
from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
from tandem.support.domain.model import Ticket

AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _article(**fields) -> Article:
    values = {"title": "Resetting your password", "body": "Open Settings.\n\nChoose Reset password."} | fields
    return Article.write(uuid4(), values.pop("title"), values.pop("body"), author="agent-1", at=AT, **values)


def test_a_new_article_is_a_draft_and_not_searchable():
    article = _article()
    assert article.status is ArticleStatus.DRAFT and article.published_at is None
    assert article.searchable().published is False and len(KbIndex([article.searchable()])) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 50_001}, "body"),
        ({"tags": frozenset({"Has Space"})}, "tags"),
        ({"tags": frozenset(f"t{n}" for n in range(21))}, "tags"),
    ],
)
def test_an_article_breaking_a_rule_is_refused_naming_the_field(fields, field):
    with pytest.raises(InvalidArticle) as refused:
        _article(**fields)
    assert [d["field"] for d in refused.value.details] == [field]


def test_publishing_stamps_the_first_publication_once():
    article = _article()
    assert article.edit(AT + timedelta(hours=1), status=ArticleStatus.PUBLISHED)
    assert article.published_at == AT + timedelta(hours=1) and article.updated_at == article.published_at
    article.edit(AT + timedelta(hours=2), status=ArticleStatus.ARCHIVED)
    article.edit(AT + timedelta(hours=3), status=ArticleStatus.PUBLISHED)
    assert article.published_at == AT + timedelta(hours=1)


def test_an_edit_to_the_same_values_changes_nothing():
    article = _article(tags=frozenset({"account"}))
    assert not article.edit(AT + timedelta(hours=1), title=article.title, tags=frozenset({"account"}))
    assert article.updated_at == AT


def test_an_edit_naming_an_older_version_is_refused():
    article = _article()
    article.version = 3
    with pytest.raises(ArticleVersionMismatch):
        article.edit(AT, title="New", expected_version=2)
    assert article.edit(AT, title="New", expected_version=3) and article.title == "New"


def test_an_invalid_edit_leaves_the_article_as_it_was():
    article = _article()
    with pytest.raises(InvalidArticle):
        article.edit(AT, title="", body="New body")
    assert article.body == "Open Settings.\n\nChoose Reset password."


def test_every_language_names_a_stemmer_the_index_knows():
    for language in KbLanguage:
        assert KbIndex([], language.stemmer) is not None
        KbIndex([_article(status=ArticleStatus.PUBLISHED).searchable()], language.stemmer).search("password")


@pytest.mark.parametrize(
    "question",
    [
        "Can I talk to a person?",
        "I want to speak with someone",
        "human please",
        "Connect me to a live agent",
        "I need a representative",
        "Ich möchte mit einem Menschen sprechen",
        "Kann ich mit jemandem reden?",
        "Bitte einen Mitarbeiter",
        "Gibt es eine echte Person?",
    ],
)
def test_a_question_that_asks_for_a_person_is_recognised(question):
    assert asks_for_human(question)


@pytest.mark.parametrize(
    "question",
    ["How do I change the user agent string?", "Who is my contact person for invoices?", "Reset my password"],
)
def test_an_ordinary_question_is_not_a_request_for_a_person(question):
    assert not asks_for_human(question)


def test_the_conversation_is_rendered_turn_by_turn_with_labels():
    turns = [Turn(Role.USER, "How do I reset?"), answer_turn(["Resetting your password"]), Turn(Role.USER, "Human")]
    text = render_conversation(turns)
    assert text.startswith("Conversation with the knowledge-base assistant (3 turns):")
    assert text.endswith(
        "Customer:\nHow do I reset?\n\nAssistant:\nSuggested articles: Resetting your password\n\nCustomer:\nHuman"
    )
    assert answer_turn([]).text == "No article fits."


def test_a_conversation_keeps_its_first_turn_and_the_latest_ones():
    conversation = Conversation(uuid4(), AT)
    for n in range(MAX_TURNS + 5):
        conversation.add(Turn(Role.USER, f"q{n}"))
    assert len(conversation.turns) == MAX_TURNS
    assert conversation.turns[0].text == "q0" and conversation.turns[1].text == "q6"
    assert conversation.first_question == "q0"


def test_the_subject_is_the_first_question_on_one_line_and_cut():
    assert subject_from("Where is\nmy parcel?") == "Where is my parcel?"
    assert len(subject_from("x" * 500)) == 200 and subject_from("x" * 500).endswith("…")
    assert subject_from("") == "Question to the assistant"


def test_content_words_leave_out_function_words_but_never_everything():
    assert content_words("How do I reset my password?") == "reset password"
    assert content_words("Wie kann ich mein Passwort ändern?") == "Passwort ändern"
    assert content_words("How do I?") == "How do I?"


def test_hits_of_several_languages_merge_by_coverage_then_score():
    english = [Passage("a", "A", "p", 9.0, 0.5), Passage("b", "B", "p", 3.0, 0.1)]
    german = [Passage("c", "C", "p", 1.0, 0.9)]
    assert [p.article_id for p in best_passages([english, german], 3)] == ["c", "a", "b"]
    assert [p.article_id for p in best_passages([english, german], 3, min_coverage=0.2)] == ["c", "a"]


def test_article_and_conversation_items_round_trip():
    article = _article(status=ArticleStatus.PUBLISHED, tags=frozenset({"account"}), language=KbLanguage.DE)
    stored = items.article_item(article, version=4)
    assert stored["GSI2PK"] == items.ALL_ARTICLES
    back = items.article_from_item(stored)
    assert back.version == 4 and back.language is KbLanguage.DE and back.tags == article.tags
    assert items.article_from_item(items.published_item(article, version=4)).title == article.title
    conversation = Conversation(uuid4(), AT, [Turn(Role.USER, "hi")])
    conversation.handed_over(UUID(int=7), "T-000007")
    item = items.conversation_item(conversation, version=2, at=AT)
    assert item["expires_at"] == int((AT + timedelta(days=1)).timestamp())
    again = items.conversation_from_item(item)
    assert again.turns == conversation.turns and again.ticket_number == "T-000007" and again.version == 2


def test_a_ticket_stored_before_suggestions_existed_reads_as_none():
    first = TicketMessage(uuid4(), Direction.INBOUND, "ada@example.com", "Hi", AT)
    ticket = Ticket.open(uuid4(), 1, "Hi", first, requester=Requester("ada@example.com"), channel=Channel.EMAIL)
    item = items.ticket_item(ticket, version=1)
    del item["kb_suggestions"]
    assert items.ticket_from_item(item).kb_suggestions == ()
