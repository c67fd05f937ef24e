"""Support knowledge base API: articles written and edited by the desk, and what anyone may read: search
over the published articles and a published article itself."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import LOCATION, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT
from tandem.support import api_models as models
from tandem.support.bootstrap import services
from tandem.support.domain.kb import ArticleStatus, KbLanguage

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"knowledge-base": "Knowledge-base articles: written by the desk, published ones searchable by anyone"}
app = make_resolver(logger=logger, title="Tandem Support Knowledge Base API", tags=TAGS)
AGENTS = [require_groups("support")]
ARTICLE = Annotated[UUID, Path(description="The article's id")]


@app.post(
    "/kb/articles",
    status_code=201,
    tags=["knowledge-base"],
    summary="Write an article",
    middlewares=AGENTS,
    responses={**success(201, "The new article", headers=LOCATION), **error_responses(422)},
)
def write_article(request: models.ArticleRequest) -> Response[models.ArticleView]:
    """Stores a new article (a draft unless `status` is `published`; only published ones are searchable).
    The caller is its author."""
    article = services().write_article(request.to_command(), identity_of(app.current_event.raw_event))
    view = models.ArticleView.of(article)
    return Response(201, content_types.APPLICATION_JSON, view, headers={"Location": f"/kb/articles/{article.id}"})


@app.get(
    "/kb/articles", tags=["knowledge-base"], summary="List articles", middlewares=AGENTS, responses=error_responses(422)
)
def list_articles(
    status: Annotated[ArticleStatus | None, Query(description="Only articles in this status")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> models.ArticleList:
    """Every article, drafts and archived ones included, newest first, one page at a time (a status filter
    may give short pages: follow `next_token`). Changes nothing."""
    return models.ArticleList.of(services().articles(status, limit, next_token))


@app.get(
    "/kb/articles/<article_id>",
    tags=["knowledge-base"],
    summary="Get an article",
    middlewares=AGENTS,
    responses=error_responses(404, 422),
)
def get_article(article_id: ARTICLE) -> models.ArticleView:
    """One article in any status, with its `version` (send it back with a PATCH). Changes nothing."""
    return models.ArticleView.of(services().article(article_id))


@app.patch(
    "/kb/articles/<article_id>",
    tags=["knowledge-base"],
    summary="Edit an article",
    middlewares=AGENTS,
    responses=error_responses(404, 409, 422),
)
def edit_article(article_id: ARTICLE, patch: models.ArticlePatch) -> models.ArticleView:
    """Changes only the fields given (title, body, status, tags); publishing makes it searchable at once,
    any other status takes it out of search. With `version`, 409 `article_version_mismatch` if it was
    written since you read it. Sending the values it has changes nothing."""
    return models.ArticleView.of(services().edit_article(patch.to_command(article_id)))


@app.get("/kb/search", tags=["knowledge-base"], summary="Search the knowledge base", responses=error_responses(422))
def search_kb(
    q: Annotated[str, Query(min_length=2, max_length=500, description="What to look for (2 to 500 characters)")],
    limit: Annotated[int, Query(ge=1, le=20, description="At most this many hits")] = 5,
    language: Annotated[KbLanguage | None, Query(description="Only articles in this language")] = None,
) -> models.KbSearchResult:
    """Published articles only, best first (BM25): each hit with its best paragraph. Public, no token.
    Changes nothing."""
    hits = services().search_kb(models.search_text(q), limit, language)
    return models.KbSearchResult(hits=[models.KbPassageView.of(h) for h in hits])


@app.get(
    "/kb/published/<article_id>",
    tags=["knowledge-base"],
    summary="Read a published article",
    responses=error_responses(404, 422),
)
def read_published_article(article_id: ARTICLE) -> models.PublishedArticleView:
    """A published article in full, as a search hit links to it; 404 for drafts, archived or unknown ones.
    Public, no token. Changes nothing."""
    return models.PublishedArticleView.of(services().published_article(article_id))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
