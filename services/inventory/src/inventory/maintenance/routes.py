"""HTTP routes of maintenance's spare-parts issues under ``/api/inventory``: the list of
the requests (the failed ones wait for stock and a retry), one, and a retry."""

from __future__ import annotations

from uuid import UUID

from litestar import Router, get, post
from litestar.params import FromPath

from inventory.maintenance.issues import MAINTENANCE
from inventory.maintenance.models import MaintenanceIssue
from inventory.posting_requests import service
from inventory.posting_requests.routes import FILTER, Where, planners_only
from inventory.routes import BASE, Cursor, Db, Limit, Who
from unison_web.paging import Page

ISSUES = "/maintenance-issues"
ISSUE = ISSUES + "/{request_id:uuid}"


@get(ISSUES, dependencies=FILTER)
async def list_issues(
    db: Db, caller: Who, where: Where, limit: Limit = 50, cursor: Cursor = None
) -> Page[MaintenanceIssue]:
    """Maintenance's spare-parts requests, newest first (``reference``: a maintenance
    order's number); ``status=failed`` lists those waiting for a retry, with why."""
    return await service.page(db, caller, MAINTENANCE, where, cursor, limit)


@get(ISSUE)
async def get_issue(db: Db, caller: Who, request_id: FromPath[UUID]) -> MaintenanceIssue:
    return await service.get(db, caller, MAINTENANCE, request_id)


@post(ISSUE + "/retry", status_code=200, guards=[planners_only])
async def retry_issue(db: Db, caller: Who, request_id: FromPath[UUID]) -> MaintenanceIssue:
    """Issue a failed request again (admin, planner): 200 with the issue once posted (and
    ``inventory.maintenance_issue.posted`` with its value); 409 saying why when it is
    refused again (recorded, attempts + 1), or when it is not a failed one."""
    return await service.retry(db, caller, MAINTENANCE, request_id)


def maintenance_router() -> Router:
    return Router(
        path=BASE,
        tags=["maintenance issues"],
        route_handlers=[list_issues, get_issue, retry_issue],
    )
