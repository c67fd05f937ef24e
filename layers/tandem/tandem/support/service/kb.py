"""The knowledge base: articles written by the desk, searched by anyone, suggested beside every new ticket.

Search runs on ``kb_search.KbIndex`` (BM25, pure Python), one index per article language, built from the
published articles' own partition and cached on this service (one per warm function) under the KB's
version: each search costs one GetItem to learn whether the KB changed, and the index is rebuilt only then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from uuid import UUID

from tandem.shared.auth import Identity
from tandem.shared.paging import Page
from tandem.shared.retry import retrying
from tandem.support.domain.commands import EditArticle, WriteArticle
from tandem.support.domain.errors import ArticleNotFound, ConcurrentArticleUpdate
from tandem.support.domain.kb import (
    SUGGESTION_MIN_COVERAGE,
    SUGGESTIONS,
    Article,
    ArticleStatus,
    KbLanguage,
    KbSuggestion,
    best_passages,
    content_words,
)
from tandem.support.domain.kb_search import KbIndex, Passage
from tandem.support.domain.model import Ticket
from tandem.support.service.base import ATTEMPTS, ServiceBase

log = logging.getLogger(__name__)


@dataclass
class KbIndexes:
    """The search indexes of one KB version, one per language that has published articles."""

    version: int = -1  # never built
    by_language: dict[KbLanguage, KbIndex] = field(default_factory=dict)


class KnowledgeBase(ServiceBase):
    _kb_indexes: KbIndexes | None = None

    def write_article(self, command: WriteArticle, caller: Identity) -> Article:
        """A new article (``POST /kb/articles``); published at once when its status says so."""
        now = self.clock.now()
        article = Article.write(
            self.clock.new_id(),
            command.title,
            command.body,
            author=caller.sub,
            at=now,
            status=command.status,
            tags=command.tags,
            language=command.language,
        )
        with self.uow() as uow:
            uow.kb.add(article)
            uow.commit()
        article.version = 1
        return article

    def edit_article(self, command: EditArticle) -> Article:
        """Only the fields given change; a lost race is re-read and re-applied, unless the editor named the
        version they read (then it is 409: their edit was made on text that is no longer there)."""

        def attempt() -> Article:
            with self.uow() as uow:
                article = uow.kb.get(command.article_id)
                if article is None:
                    raise ArticleNotFound()
                changed = article.edit(
                    self.clock.now(),
                    title=command.title,
                    body=command.body,
                    status=command.status,
                    tags=command.tags,
                    expected_version=command.expected_version,
                )
                if not changed:
                    return article
                uow.kb.save(article)
                uow.commit()
            article.version += 1
            return article

        return retrying(attempt, on=(ConcurrentArticleUpdate,), attempts=ATTEMPTS, sleep=self.clock.sleep)

    def article(self, article_id: UUID) -> Article:
        with self.uow() as uow:
            found = uow.kb.get(article_id)
        if found is None:
            raise ArticleNotFound()
        return found

    def published_article(self, article_id: UUID) -> Article:
        """An article anyone may read: only while it is published (404 for drafts and archived ones)."""
        found = self.article(article_id)
        if not found.published:
            raise ArticleNotFound()
        return found

    def articles(self, status: ArticleStatus | None, limit: int, cursor: str | None) -> Page[Article]:
        with self.uow() as uow:
            return uow.kb.list_newest(status=status, limit=limit, cursor=cursor)

    def search_kb(self, query: str, limit: int, language: KbLanguage | None = None) -> list[Passage]:
        """Published articles for ``query``, best first: in ``language`` only, or every language merged."""
        indexes = self._indexes().by_language
        if language is None:
            chosen = list(indexes.values())
        else:
            chosen = [indexes[language]] if language in indexes else []  # no article in that language yet
        return best_passages([index.search(query, limit) for index in chosen], limit)

    def _passages(self, text: str, limit: int, min_coverage: float) -> list[Passage]:
        """The best hits whose coverage of ``text``'s content words reaches ``min_coverage``."""
        words = content_words(text)
        found = [index.search(words, limit) for index in self._indexes().by_language.values()]
        return best_passages(found, limit, min_coverage)

    def _indexes(self) -> KbIndexes:
        with self.uow() as uow:
            version = uow.kb.version()
            cached = self._kb_indexes
            if cached is not None and cached.version == version:
                return cached
            published = uow.kb.published()
        by_language: dict[KbLanguage, list[Article]] = {}
        for article in published:
            by_language.setdefault(article.language, []).append(article)
        built = KbIndexes(
            version,
            {
                language: KbIndex((a.searchable() for a in articles), language.stemmer)
                for language, articles in by_language.items()
            },
        )
        self._kb_indexes = built
        return built

    def _suggest(self, ticket: Ticket, about: str = "") -> None:
        """Every new ticket (email, form, app, assistant; ``ServiceBase._open`` calls this before staging it) gets
        the articles that fit what it says (``about``, else its subject and first message), for the agent. A
        failed lookup is logged and leaves none: a suggestion never costs a ticket."""
        first = ticket.messages[0].body_text if ticket.messages else ""
        try:
            text = about or f"{ticket.subject}\n\n{first}"
            passages = self._passages(text, SUGGESTIONS, SUGGESTION_MIN_COVERAGE)
            ticket.kb_suggestions = tuple(KbSuggestion.of(p) for p in passages)
        except Exception as exc:  # noqa: BLE001 - the ticket matters, its suggestions are a courtesy
            log.warning("no KB suggestions", extra={"ticket": ticket.reference, "error": type(exc).__name__})
