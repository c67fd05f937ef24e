"""The knowledge base: the Article aggregate, and what the desk keeps of a search beside a ticket.

An article is written by the ``support`` group as plain text (paragraphs separated by blank lines, which is
what ``kb_search`` ranks and quotes). Only ``published`` articles are searchable; ``draft`` is work in
progress and ``archived`` is withdrawn but kept. ``version`` counts the stored writes (optimistic locking:
an edit that names the version it read is refused when someone wrote in between). ``language`` picks the
Snowball stemmer the index uses for the article's words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from tandem.support.domain.errors import ArticleVersionMismatch, InvalidArticle
from tandem.support.domain.kb_search import KbArticle, Passage

TITLE_MAX, BODY_MAX = 200, 50_000
TAG = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
TAGS_MAX = 20
SUGGESTIONS = 3  # articles stored beside a new ticket
SUGGESTION_MIN_COVERAGE = 0.2  # kb_search.suggest_for's default: a share of what the ticket says


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class KbLanguage(StrEnum):
    """The languages an article may be written in: those Snowball stems (ISO 639-1 codes)."""

    EN = "en"
    DE = "de"
    FR = "fr"
    ES = "es"
    IT = "it"
    NL = "nl"
    PT = "pt"
    SV = "sv"
    DA = "da"
    NO = "no"
    FI = "fi"

    @property
    def stemmer(self) -> str:
        """The ``snowballstemmer`` algorithm's name."""
        return _STEMMERS[self]


_STEMMERS = {
    KbLanguage.EN: "english",
    KbLanguage.DE: "german",
    KbLanguage.FR: "french",
    KbLanguage.ES: "spanish",
    KbLanguage.IT: "italian",
    KbLanguage.NL: "dutch",
    KbLanguage.PT: "portuguese",
    KbLanguage.SV: "swedish",
    KbLanguage.DA: "danish",
    KbLanguage.NO: "norwegian",
    KbLanguage.FI: "finnish",
}


def _checked(title: str, body: str, tags: frozenset[str]) -> None:
    problems = []
    if not title.strip() or len(title) > TITLE_MAX:
        problems.append({"field": "title", "message": f"1 to {TITLE_MAX} characters"})
    if not body.strip() or len(body) > BODY_MAX:
        problems.append({"field": "body", "message": f"1 to {BODY_MAX} characters"})
    if len(tags) > TAGS_MAX or any(not TAG.fullmatch(t) for t in tags):
        problems.append({"field": "tags", "message": f"at most {TAGS_MAX} of [a-z0-9][a-z0-9_-]{{0,31}}"})
    if problems:
        raise InvalidArticle(details=problems)


@dataclass
class Article:
    id: UUID
    title: str
    body: str
    author: str  # the token ``sub`` of the agent who wrote it
    created_at: datetime
    updated_at: datetime
    status: ArticleStatus = ArticleStatus.DRAFT
    tags: frozenset[str] = frozenset()
    language: KbLanguage = KbLanguage.EN
    version: int = 0  # 0: never stored; the stored item's version otherwise
    published_at: datetime | None = None  # the first publication

    @classmethod
    def write(  # noqa: PLR0913 - an article's fields, by name
        cls,
        article_id: UUID,
        title: str,
        body: str,
        *,
        author: str,
        at: datetime,
        status: ArticleStatus = ArticleStatus.DRAFT,
        tags: frozenset[str] = frozenset(),
        language: KbLanguage = KbLanguage.EN,
    ) -> Article:
        """A new article (a draft unless told otherwise)."""
        _checked(title, body, tags)
        article = cls(article_id, title, body, author, at, at, status, tags, language)
        if status is ArticleStatus.PUBLISHED:
            article.published_at = at
        return article

    def edit(  # noqa: PLR0913 - the editable fields, by name
        self,
        at: datetime,
        *,
        title: str | None = None,
        body: str | None = None,
        status: ArticleStatus | None = None,
        tags: frozenset[str] | None = None,
        expected_version: int | None = None,
    ) -> bool:
        """Apply the fields given (None: unchanged); False when they already have those values. An edit that
        names a version other than the stored one is refused: someone else wrote since it was read."""
        if expected_version is not None and expected_version != self.version:
            raise ArticleVersionMismatch(details={"expected": expected_version, "stored": self.version})
        edited = replace(
            self,
            title=self.title if title is None else title,
            body=self.body if body is None else body,
            status=self.status if status is None else status,
            tags=self.tags if tags is None else tags,
        )
        if (edited.title, edited.body, edited.status, edited.tags) == (self.title, self.body, self.status, self.tags):
            return False
        _checked(edited.title, edited.body, edited.tags)
        self.title, self.body, self.status, self.tags = edited.title, edited.body, edited.status, edited.tags
        self.updated_at = at
        if self.status is ArticleStatus.PUBLISHED and self.published_at is None:
            self.published_at = at
        return True

    @property
    def published(self) -> bool:
        return self.status is ArticleStatus.PUBLISHED

    def searchable(self) -> KbArticle:
        """What the search index reads of it."""
        return KbArticle(str(self.id), self.title, self.body, self.published)


@dataclass(frozen=True, slots=True)
class KbSuggestion:
    """An article shown to the agent beside a new ticket (stored on the ticket when it opens)."""

    article_id: UUID
    title: str
    score: float

    @classmethod
    def of(cls, passage: Passage) -> KbSuggestion:
        return cls(UUID(passage.article_id), passage.title, round(passage.score, 4))


# Function words of questions and mails ("How do I …", "Wie kann ich …"). The search index has no stop words
# (kb_search stays as built), so a word no article contains weighs as much as the rarest one there; in a
# small knowledge base "how", "do" and "my" would then drown what the person asks about when the coverage
# of a question is judged. They are left out of the text whose coverage decides (assistant, suggestions).
STOP_WORDS = frozenset(
    (
        "a about am an and any are at be been but by can could did do does for from get had has have hello hi "
        "how i if in is it its me my no not of on or our please should so some that the there this to was we "
        "were what when where which who why will with would you your "
        "am an auf bei bitte danke das dem den der des die du ein eine einem einen es für habe haben hallo hat "
        "ich ihr im in ist ja kann kein mein meine meinen mich mir mit muss nicht oder sie sind und unser von "
        "wann war warum was wer wie wo zu zum zur können könnte"
    ).split()
)
_WORDS = re.compile(r"\w+")


def content_words(text: str) -> str:
    """``text`` without its function words (English and German), or ``text`` itself if nothing else is left."""
    kept = [w for w in _WORDS.findall(unicodedata.normalize("NFKC", text)) if w.casefold() not in STOP_WORDS]
    return " ".join(kept) if kept else text


def best_passages(found: list[list[Passage]], limit: int, min_coverage: float = 0.0) -> list[Passage]:
    """Hits from the indexes of several languages, merged: a BM25 score depends on its index, the coverage
    (a share of the query) does not, so the merge orders by coverage, then score."""
    merged = [p for hits in found for p in hits if p.coverage >= min_coverage]
    return sorted(merged, key=lambda p: (-p.coverage, -p.score, p.article_id))[:limit]
