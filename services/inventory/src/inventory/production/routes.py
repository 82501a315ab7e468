"""HTTP routes of production postings under ``/api/inventory``: the list production's
requests ended in (the failed ones are the shop floor's to-do list), one, and a retry."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Router, get, post
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath, QueryParameter

from inventory.production import service
from inventory.production.models import PostingStatus, ProductionPosting
from inventory.production.repo import PostingFilter
from inventory.routes import BASE, Cursor, Db, Limit, Who
from unison_web.auth import provide_principal, require_role
from unison_web.paging import Page

POSTINGS = "/production-postings"
POSTING = POSTINGS + "/{posting_id:uuid}"
# Who may post a refused confirmation again: it moves stock, as a planner's correction.
RETRY_ROLES = ("admin", "planner")


def planners_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    require_role(provide_principal(Request(connection.scope)), *RETRY_ROLES)


@get(POSTINGS)
async def list_postings(
    db: Db,
    caller: Who,
    status: Annotated[PostingStatus | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    reference: Annotated[str | None, QueryParameter(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ProductionPosting]:
    """Production's posting requests, newest first; ``status=failed`` is the list of
    goods movements waiting for a retry, each with why it was refused."""
    where = PostingFilter(status=status, plant_id=plant_id, reference=reference)
    return await service.page(db, caller, where, cursor, limit)


@get(POSTING)
async def get_posting(db: Db, caller: Who, posting_id: FromPath[UUID]) -> ProductionPosting:
    return await service.get(db, caller, posting_id)


@post(POSTING + "/retry", status_code=200, guards=[planners_only])
async def retry_posting(db: Db, caller: Who, posting_id: FromPath[UUID]) -> ProductionPosting:
    """Post a failed request again (admin, planner): 200 with the posting once posted;
    409 saying why when it is refused again (recorded, attempts + 1), or when it is not
    a failed one."""
    return await service.retry(db, caller, posting_id)


def production_router() -> Router:
    return Router(
        path=BASE,
        tags=["production postings"],
        route_handlers=[list_postings, get_posting, retry_posting],
    )
