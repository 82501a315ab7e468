"""HTTP routes of production postings under ``/api/inventory``: the list production's
requests ended in (the failed ones are the shop floor's to-do list), one, and a retry."""

from __future__ import annotations

from uuid import UUID

from litestar import Router, get, post
from litestar.params import FromPath

from inventory.posting_requests import service
from inventory.posting_requests.routes import FILTER, Where, planners_only
from inventory.production.models import ProductionPosting
from inventory.production.postings import PRODUCTION
from inventory.routes import BASE, Cursor, Db, Limit, Who
from unison_web.paging import Page

POSTINGS = "/production-postings"
POSTING = POSTINGS + "/{posting_id:uuid}"


@get(POSTINGS, dependencies=FILTER)
async def list_postings(
    db: Db, caller: Who, where: Where, limit: Limit = 50, cursor: Cursor = None
) -> Page[ProductionPosting]:
    """Production's posting requests, newest first; ``status=failed`` is the list of
    goods movements waiting for a retry, each with why it was refused."""
    return await service.page(db, caller, PRODUCTION, where, cursor, limit)


@get(POSTING)
async def get_posting(db: Db, caller: Who, posting_id: FromPath[UUID]) -> ProductionPosting:
    return await service.get(db, caller, PRODUCTION, posting_id)


@post(POSTING + "/retry", status_code=200, guards=[planners_only])
async def retry_posting(db: Db, caller: Who, posting_id: FromPath[UUID]) -> ProductionPosting:
    """Post a failed request again (admin, planner): 200 with the posting once posted;
    409 saying why when it is refused again (recorded, attempts + 1), or when it is not
    a failed one."""
    return await service.retry(db, caller, PRODUCTION, posting_id)


def production_router() -> Router:
    return Router(
        path=BASE,
        tags=["production postings"],
        route_handlers=[list_postings, get_posting, retry_posting],
    )
