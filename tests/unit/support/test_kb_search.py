"""Knowledge-base search: published articles only, ranked by BM25, answered with their best paragraph."""

from __future__ import annotations

import pytest
from tandem.support.domain.kb_search import KbArticle, KbIndex, search, suggest_for, terms

PASSWORD = KbArticle(
    "kb-1",
    "Reset your password",
    "Passwords expire every 90 days.\n\nTo reset a password, open Settings and choose Security.\n\n"
    "If the reset mail does not arrive, look in your spam folder.",
    published=True,
)
INVOICE = KbArticle(
    "kb-2",
    "Download an invoice",
    "Invoices are in Billing.\n\nEach invoice can be downloaded as a PDF from its page.",
    published=True,
)
SHIPPING = KbArticle(
    "kb-3", "Shipping times", "Orders ship within two business days.\n\nTracking links come by mail.", True
)
DRAFT = KbArticle("kb-4", "Password policy (draft)", "Our password rules are changing: reset soon.", False)
ARTICLES = [PASSWORD, INVOICE, SHIPPING, DRAFT]


def test_words_are_folded_and_stemmed() -> None:
    assert terms("Passwords RESET résumés") == terms("password reset RÉSUMÉ")
    assert terms("Straße") == terms("STRASSE")


def test_the_best_article_comes_first_with_its_best_paragraph() -> None:
    hits = search(ARTICLES, "How do I reset my password?")
    assert hits[0].article_id == "kb-1" and hits[0].title == "Reset your password"
    assert hits[0].paragraph == "To reset a password, open Settings and choose Security."
    assert hits[0].score > 0 and 0 < hits[0].coverage <= 1


def test_drafts_are_never_found() -> None:
    assert "kb-4" not in {hit.article_id for hit in search(ARTICLES, "password policy draft")}


def test_nothing_is_found_when_no_word_matches() -> None:
    assert search(ARTICLES, "quantum entanglement") == []
    assert search(ARTICLES, "") == []
    assert search([], "password") == []


def test_limit_caps_the_hits_and_ties_are_ordered_by_id() -> None:
    assert len(search(ARTICLES, "invoice password shipping", limit=2)) == 2
    twins = [KbArticle("b", "Same", "text", True), KbArticle("a", "Same", "text", True)]
    assert [hit.article_id for hit in search(twins, "same")] == ["a", "b"]


def test_a_title_match_outranks_a_passing_mention() -> None:
    mention = KbArticle("kb-9", "Account settings", "You can change many things, the invoice address too.", True)
    assert search([mention, INVOICE], "invoice")[0].article_id == "kb-2"


def test_other_languages_stem_with_their_own_rules() -> None:
    german = KbArticle("de-1", "Passwort zurücksetzen", "So setzen Sie Ihr Passwort zurück.", True)
    index = KbIndex([german], language="german")
    assert index.search("Passwörter")[0].article_id == "de-1"


def test_suggestions_for_a_ticket_leave_out_weak_matches() -> None:
    index = KbIndex(ARTICLES)
    ticket = "Hello, I cannot reset my password, the reset mail never arrives. Thanks, Ada"
    assert [hit.article_id for hit in suggest_for(ticket, index, k=3)][:1] == ["kb-1"]
    assert suggest_for("Thanks a lot, have a good day", index) == []


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(KeyError):
        KbIndex(ARTICLES, language="klingon")
