"""``GET /api/search`` and ``GET /api/search/suggest``."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Router, get
from litestar.params import QueryParameter

from search.http import BASE, Db, Who
from search.query import engine
from search.query.models import SearchResult, Suggestions
from search.query.repo import Filters

Types = Annotated[
    list[str] | None,
    QueryParameter(
        name="type",
        description="only these entity types (repeat: type=material&type=ncr)",
        max_items=20,
    ),
]


@get("/")
async def search(
    db: Db,
    caller: Who,
    q: Annotated[str, QueryParameter(description='words, "phrases", -excluded, prefix*')],
    types: Types = None,
    status: Annotated[list[str] | None, QueryParameter(max_items=20)] = None,
    plant_id: Annotated[list[UUID] | None, QueryParameter(max_items=50)] = None,
    material_group: Annotated[list[str] | None, QueryParameter(max_items=20)] = None,
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100, description="page size")] = 20,
    cursor: Annotated[
        str | None, QueryParameter(description="next_cursor of the page before")
    ] = None,
) -> SearchResult:
    """Everything the caller may see that matches ``q``: ranked (field weights, an exact
    part number first, recency on ties), typo tolerant, with facet counts of the whole
    result and highlighted titles and snippets; ``next_cursor`` pages on."""
    filters = Filters(
        types=types,
        statuses=status,
        plants=plant_id,
        material_groups=material_group,
        date_from=date_from,
        date_to=date_to,
    )
    return await engine.search(db, caller, q, filters, limit, cursor)


@get("/suggest")
async def suggest(
    db: Db,
    caller: Who,
    q: Annotated[str, QueryParameter(description="what has been typed so far")],
    types: Types = None,
    limit: Annotated[int, QueryParameter(ge=1, le=20)] = 8,
) -> Suggestions:
    """As-you-type: the word being typed completed, and the best few documents."""
    return await engine.suggest(db, caller, q, types, limit)


def query_router() -> Router:
    return Router(path=BASE, tags=["search"], route_handlers=[search, suggest])
