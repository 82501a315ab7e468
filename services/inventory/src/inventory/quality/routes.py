"""HTTP routes of quality postings under ``/api/inventory``: what quality's decisions ended
in (the failed ones wait for someone to act), one, and a retry."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Router, get, post
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath, QueryParameter

from inventory.quality import service
from inventory.quality.models import QualityPosting, QualityPostingKind, QualityPostingStatus
from inventory.quality.repo import PostingFilter
from inventory.routes import BASE, Cursor, Db, Limit, Who
from unison_web.auth import provide_principal, require_role
from unison_web.paging import Page

POSTINGS = "/quality-postings"
POSTING = POSTINGS + "/{request_id:uuid}"
# Who may carry out a refused request again: it moves stock or a lot's status, as a
# planner's correction or the quality engineer's own decision.
RETRY_ROLES = ("admin", "planner", "quality_engineer")


def retriers_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    require_role(provide_principal(Request(connection.scope)), *RETRY_ROLES)


@get(POSTINGS)
async def list_quality_postings(
    db: Db,
    caller: Who,
    status: Annotated[QualityPostingStatus | None, QueryParameter()] = None,
    kind: Annotated[QualityPostingKind | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    reference: Annotated[str | None, QueryParameter(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[QualityPosting]:
    """Quality's requests (NCR dispositions, usage decisions lifting a hold), newest first;
    ``status=failed`` is the list waiting for a retry, each with why it was refused."""
    where = PostingFilter(status=status, kind=kind, plant_id=plant_id, reference=reference)
    return await service.page(db, caller, where, cursor, limit)


@get(POSTING)
async def get_quality_posting(db: Db, caller: Who, request_id: FromPath[UUID]) -> QualityPosting:
    return await service.get(db, caller, request_id)


@post(POSTING + "/retry", status_code=200, guards=[retriers_only])
async def retry_quality_posting(db: Db, caller: Who, request_id: FromPath[UUID]) -> QualityPosting:
    """Carry out a failed request again (admin, planner, quality engineer): 200 with the
    posting once posted; 409 saying why when it is refused again (recorded, attempts + 1),
    or when it is not a failed one."""
    return await service.retry(db, caller, request_id)


def quality_router() -> Router:
    return Router(
        path=BASE,
        tags=["quality postings"],
        route_handlers=[list_quality_postings, get_quality_posting, retry_quality_posting],
    )
