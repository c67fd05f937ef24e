"""Knowledge-base search: Okapi BM25 over published articles, answering with the passage that fits best.

BM25 here is some forty lines of our own on an inverted index, not a library: the maintained one (``bm25s``)
needs numpy, which would add about 17 MB of wheel (some 60 MB unpacked) to the Lambda layer for sums over a
few thousand articles, and ``rank-bm25`` needs numpy too and has not been released since 2022. Words are
Unicode-normalised (NFKC), case-folded and stemmed by Snowball (``snowballstemmer``, pure Python), so
"Passwords" finds "password" and "réinitialiser" finds "Réinitialisez".

An article's title counts twice (a title says what the article is about); an article is ranked as a whole,
then its best paragraph, scored with the same weights, is the passage shown and given to the assistant.
``coverage`` is the share of the query's weight the article matches: the assistant uses it to tell "nothing
fits" from a weak match.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import snowballstemmer

K1, B = 1.2, 0.75  # the usual Okapi constants (Robertson & Zaragoza, 2009)
TITLE_WEIGHT = 2
MAX_QUERY_TERMS = 64  # a long ticket is a query too: its rarest words say the most
_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class KbArticle:
    id: str
    title: str
    body: str
    published: bool


@dataclass(frozen=True)
class Passage:
    """A hit: the article's title and its best paragraph, with the article's BM25 score."""

    article_id: str
    title: str
    paragraph: str
    score: float
    coverage: float


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # noqa: N802 (the library's name)


@lru_cache(maxsize=16)
def _stemmer(language: str) -> _Stemmer:
    return snowballstemmer.stemmer(language)  # an unknown language raises KeyError here


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    # Snowball is pure Python (~10 µs a word); a knowledge base repeats its words, so each is stemmed once.
    return _stemmer(language).stemWord(word)


def terms(text: str, language: str = "english") -> list[str]:
    """The text's words as the index sees them: NFKC, case-folded, stemmed; single characters dropped."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return [_stem(language, word) for word in words if len(word) > 1 or not word.isascii()]


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(body) if p.strip()] or [body.strip()]


@dataclass(frozen=True)
class _Document:
    article: KbArticle
    length: int
    paragraphs: tuple[tuple[str, Counter[str]], ...]


class KbIndex:
    """The published articles, indexed once (the service keeps one per knowledge-base version)."""

    def __init__(self, articles: Iterable[KbArticle], language: str = "english") -> None:
        self.language = language
        self._documents: list[_Document] = []
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for article in articles:
            if article.published:
                self._add(article)
        count = len(self._documents)
        self._average_length = sum(d.length for d in self._documents) / count if count else 0.0
        self._idf = {
            term: math.log(1 + (count - len(postings) + 0.5) / (len(postings) + 0.5))
            for term, postings in self._postings.items()
        }

    def _add(self, article: KbArticle) -> None:
        paragraphs = tuple((p, Counter(terms(p, self.language))) for p in _paragraphs(article.body))
        counts = Counter(terms(article.title, self.language) * TITLE_WEIGHT)
        for _, paragraph_counts in paragraphs:
            counts.update(paragraph_counts)
        number = len(self._documents)
        self._documents.append(_Document(article, sum(counts.values()), paragraphs))
        for term, frequency in counts.items():
            self._postings.setdefault(term, []).append((number, frequency))

    def __len__(self) -> int:
        return len(self._documents)

    def _weigh(self, frequency: int, length: float, average: float) -> float:
        return frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / (average or 1.0)))

    def _query(self, text: str) -> tuple[list[str], float]:
        """The query's known words, rarest first, and the weight of all its words: a word no article has
        weighs as much as the rarest can, so a query that is mostly unknown words covers little."""
        unseen = math.log(1 + (len(self._documents) + 0.5) / 0.5)
        unique = dict.fromkeys(terms(text, self.language))
        known = sorted((t for t in unique if t in self._idf), key=lambda t: -self._idf[t])[:MAX_QUERY_TERMS]
        unknown = min(len(unique) - len(known), MAX_QUERY_TERMS - len(known))
        return known, sum(self._idf[t] for t in known) + max(unknown, 0) * unseen

    def search(self, query: str, limit: int = 5) -> list[Passage]:
        """The best ``limit`` published articles for ``query``, best first; none when no word matches."""
        words, total_weight = self._query(query)
        scores: dict[int, float] = {}
        matched: dict[int, float] = {}
        for term in words:
            idf = self._idf[term]
            for number, frequency in self._postings[term]:
                document = self._documents[number]
                scores[number] = scores.get(number, 0.0) + idf * self._weigh(
                    frequency, document.length, self._average_length
                )
                matched[number] = matched.get(number, 0.0) + idf
        best = sorted(scores, key=lambda n: (-scores[n], self._documents[n].article.id))[: max(limit, 0)]
        return [self._passage(n, words, scores[n], matched[n] / total_weight) for n in best]

    def _passage(self, number: int, words: Sequence[str], score: float, coverage: float) -> Passage:
        document = self._documents[number]
        lengths = [sum(counts.values()) for _, counts in document.paragraphs]
        average = sum(lengths) / len(lengths)

        def paragraph_score(index: int) -> float:
            counts = document.paragraphs[index][1]
            return sum(self._idf[t] * self._weigh(counts[t], lengths[index], average) for t in words if counts[t])

        best = max(range(len(document.paragraphs)), key=lambda i: (paragraph_score(i), -i))
        article = document.article
        return Passage(article.id, article.title, document.paragraphs[best][0], score, coverage)


def search(articles: Iterable[KbArticle], query: str, limit: int = 5, language: str = "english") -> list[Passage]:
    """One-off search (indexes ``articles`` first); a caller that searches often keeps a ``KbIndex``."""
    return KbIndex(articles, language).search(query, limit)


def suggest_for(ticket_text: str, index: KbIndex, k: int = 3, min_coverage: float = 0.2) -> list[Passage]:
    """The articles to show the agent beside a new ticket: the top ``k`` that match at least
    ``min_coverage`` of what the ticket says, so a long mail that shares one word with an article does
    not bring it up."""
    return [p for p in index.search(ticket_text, k) if p.coverage >= min_coverage]
