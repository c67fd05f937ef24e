"""Support figures measured on the pure domain, no AWS and no runtime (section 9 of `make bench`).

a. inbound MIME parsing (``parse_message``) over the 36-message corpus of tests/unit/support/mail: p50/p95
   per message, and the share the reply parser (``visible_text``: quoted history and signature cut) takes.
b. knowledge-base search (``kb_search.KbIndex``, BM25): index build time over N synthetic articles (5
   paragraphs of 60 words from a 2,000-word vocabulary with a few frequent words, as real text has), and
   p50/p95 of a search for 200 queries of 2-5 words taken from a random article; a 300-word ticket as the
   query (``suggest_for``).
   Measured on the domain function because article storage and routes are built elsewhere.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "unit" / "support" / "mail"


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def bench_parse(passes: int) -> None:
    from tandem.support.domain import mail_body
    from tandem.support.domain.inbound_mail import parse_message

    raws = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    print(f"\n9a. Inbound MIME parsing, {len(raws)} corpus messages x {passes} passes (one core, in-process)")
    for raw in raws:  # warm: imports, codec lookups, the regular-expression cache
        parse_message(raw)
    reply_parser: list[float] = []
    measured = mail_body.visible_text

    def timed_visible_text(text: str) -> str:
        began = time.perf_counter()
        try:
            return measured(text)
        finally:
            reply_parser.append(time.perf_counter() - began)

    samples = []
    mail_body.visible_text = timed_visible_text  # type: ignore[assignment]
    try:
        for _ in range(passes):
            for raw in raws:
                began = time.perf_counter()
                parse_message(raw)
                samples.append(time.perf_counter() - began)
    finally:
        mail_body.visible_text = measured  # type: ignore[assignment]
    share = sum(reply_parser) / sum(samples) if samples else 0.0
    print(
        f"   {'parse_message':40s} p50 {_ms(percentile(samples, 50))}  p95 {_ms(percentile(samples, 95))}"
        f"   ({1 / statistics.mean(samples):5.0f} messages/s)"
    )
    print(
        f"   {'of which the reply parser':40s} p50 {_ms(percentile(reply_parser, 50))}  "
        f"p95 {_ms(percentile(reply_parser, 95))}   ({share:5.1%} of parse time)"
    )


def _vocabulary(rng: random.Random, size: int = 2000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size * 2)}
    return sorted(words)[:size]


def _text(rng: random.Random, vocabulary: list[str], words: int) -> str:
    # Skewed: the first words of the vocabulary (common words) far more often than the tail, as in real text
    return " ".join(vocabulary[int(len(vocabulary) * rng.random() ** 3)] for _ in range(words))


def bench_kb(articles: int, queries: int = 200) -> None:
    from tandem.support.domain.kb_search import KbArticle, KbIndex, suggest_for

    rng = random.Random(10)
    vocabulary = _vocabulary(rng)
    rng.shuffle(vocabulary)
    corpus = [
        KbArticle(
            f"kb-{n}",
            _text(rng, vocabulary, 6),
            "\n\n".join(_text(rng, vocabulary, 60) for _ in range(5)),
            published=True,
        )
        for n in range(articles)
    ]
    print(f"\n9b. Knowledge-base search (BM25, pure Python), {articles:,} published articles of 5 x 60 words")
    began = time.perf_counter()
    index = KbIndex(corpus)
    built = time.perf_counter() - began
    print(f"   {'index build (once per warm Lambda + KB version)':48s} {built:8.2f} s")
    samples = []
    for _ in range(queries):
        # words someone would type: taken from a random article, so most queries have hits
        words = rng.choice(corpus).body.split()
        query = " ".join(rng.choice(words) for _ in range(rng.randint(2, 5)))
        began = time.perf_counter()
        index.search(query)
        samples.append(time.perf_counter() - began)
    print(
        f"   {f'search, {queries} queries of 2-5 words':48s} p50 {_ms(percentile(samples, 50))}  "
        f"p95 {_ms(percentile(samples, 95))}"
    )
    ticket = _text(rng, vocabulary, 300)
    suggestions = []
    for _ in range(20):
        began = time.perf_counter()
        suggest_for(ticket, index)
        suggestions.append(time.perf_counter() - began)
    print(f"   {'suggest_for a 300-word ticket (20 runs)':48s} p50 {_ms(percentile(suggestions, 50))}")


def main(*, quick: bool) -> None:
    sys.path[:0] = [str(ROOT / "layers" / "tandem")]
    bench_parse(passes=3 if quick else 20)
    bench_kb(articles=200 if quick else 1000)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
