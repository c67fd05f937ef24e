"""`make bench`, support: knowledge-base search over N published articles through the service (default 1,000;
BENCH_KB_ARTICLES), in moto.

Run in its own process (bench/run.py starts it after the runtime stops). The articles are synthetic (five
paragraphs of 60 words from a 2,000-word vocabulary) and written straight to the published partition. Figures:
the first search (one Query of every published article + the index build, once per warm function and KB
version), then p50/p95 of searches with the index cached (one GetItem for the KB version + BM25), next to the
same searches on the index alone (the domain's part).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "tandem"), str(ROOT)]
ARTICLES = int(os.environ.get("BENCH_KB_ARTICLES", "1000"))
SEARCHES = 200


def main() -> None:
    os.environ.update(AWS_DEFAULT_REGION="eu-central-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    import boto3
    from moto import mock_aws
    from samtranslator.yaml_helper import yaml_parse
    from tandem.shared.aws.dynamo import to_attributes
    from tandem.shared.clock import Clock
    from tandem.support.adapters import items
    from tandem.support.adapters.dynamodb import DynamoUnitOfWork
    from tandem.support.domain.kb import Article, ArticleStatus
    from tandem.support.domain.kb_search import KbIndex
    from tandem.support.service import MailSettings, SupportService

    rng = random.Random(10)
    words = [f"w{n:04d}" for n in range(2000)]
    table = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]["SupportTable"]["Properties"]
    with mock_aws():
        client = boto3.client("dynamodb")
        keys = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        client.create_table(TableName="support", **{k: table[k] for k in keys})
        at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
        batch = []
        for _ in range(ARTICLES):
            body = "\n\n".join(" ".join(rng.choices(words, k=60)) for _ in range(5))
            title = " ".join(rng.choices(words, k=5))
            article = Article.write(uuid4(), title, body, author="bench", at=at, status=ArticleStatus.PUBLISHED)
            batch.append({"PutRequest": {"Item": to_attributes(items.published_item(article, version=1))}})
            if len(batch) == 25:
                client.batch_write_item(RequestItems={"support": batch})
                batch = []
        if batch:
            client.batch_write_item(RequestItems={"support": batch})
        client.put_item(TableName="support", Item=to_attributes({**items.KB_VERSION_KEY, "version": 1}))
        service = SupportService(
            lambda: DynamoUnitOfWork("support", client),
            Clock(),
            store=None,  # type: ignore[arg-type]
            mailer=None,  # type: ignore[arg-type]
            mail=MailSettings(support_address="support@tandem.example", secrets=lambda: (b"k" * 32,)),
        )
        queries = [" ".join(rng.choices(words, k=rng.randint(2, 6))) for _ in range(SEARCHES)]
        began = time.perf_counter()
        service.search_kb(queries[0], 5)
        print(
            f"  first search (Query {ARTICLES:,} published articles + index build): {time.perf_counter() - began:.2f} s"
        )
        service_times, index_times = [], []
        [index] = service._indexes().by_language.values()  # noqa: SLF001 - the domain's share, for the ratio
        with DynamoUnitOfWork("support", client) as uow:
            published = [a.searchable() for a in uow.kb.published()]
        began = time.perf_counter()
        KbIndex(published)
        print(f"  of which the index build alone: {time.perf_counter() - began:.2f} s (the rest: moto's Query pages)")
        for query in queries:
            began = time.perf_counter()
            service.search_kb(query, 5)
            service_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            index.search(query, 5)
            index_times.append(time.perf_counter() - began)

        def p(values: list[float], q: int) -> float:
            return statistics.quantiles(values, n=100)[q - 1] * 1000

        print(
            f"  KB search over {ARTICLES:,} articles, index cached: p50 {p(service_times, 50):.1f} ms, "
            f"p95 {p(service_times, 95):.1f} ms  (the index alone: p50 {p(index_times, 50):.1f} ms, "
            f"p95 {p(index_times, 95):.1f} ms; the rest is the KB-version GetItem in moto)"
        )


if __name__ == "__main__":
    print("Support — knowledge-base search (moto, one process)")
    main()
