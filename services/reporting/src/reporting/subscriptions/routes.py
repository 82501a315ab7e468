"""Routes of scheduled-report subscriptions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Response, Router, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from reporting.http import BASE, Db, Who
from reporting.subscriptions import service
from reporting.subscriptions.models import (
    Delivery,
    Subscription,
    SubscriptionCreate,
    SubscriptionUpdate,
)
from unison_web.paging import Page

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size (default 50)")]
Cursor = Annotated[str | None, QueryParameter(description="next_cursor of the previous page")]
ITEM = "/subscriptions/{subscription_id:uuid}"


@post("/subscriptions")
async def create_subscription(
    db: Db, caller: Who, data: JSONBody[SubscriptionCreate]
) -> Response[Subscription]:
    """Subscribe to a dashboard sent daily or weekly by e-mail."""
    created = await service.create(db, caller, data)
    return Response(
        created, status_code=201, headers={"Location": f"{BASE}/subscriptions/{created.id}"}
    )


@get("/subscriptions")
async def list_subscriptions(
    db: Db, caller: Who, limit: Limit = 50, cursor: Cursor = None
) -> Page[Subscription]:
    """The organization's subscriptions over plants the caller may see, oldest first."""
    return await service.page(db, caller, limit, cursor)


@get(ITEM)
async def get_subscription(db: Db, caller: Who, subscription_id: FromPath[UUID]) -> Subscription:
    return await service.get(db, caller, subscription_id)


@patch(ITEM)
async def update_subscription(
    db: Db, caller: Who, subscription_id: FromPath[UUID], data: JSONBody[SubscriptionUpdate]
) -> Subscription:
    """Change some fields; a new schedule (or resuming) sets the next run from now."""
    return await service.update(db, caller, subscription_id, data)


@delete(ITEM)
async def delete_subscription(db: Db, caller: Who, subscription_id: FromPath[UUID]) -> None:
    await service.delete(db, caller, subscription_id)


@get(f"{ITEM}/deliveries")
async def list_deliveries(
    db: Db, caller: Who, subscription_id: FromPath[UUID], limit: Limit = 50, cursor: Cursor = None
) -> Page[Delivery]:
    """What was sent for each period (or why not yet), latest first."""
    return await service.deliveries(db, caller, subscription_id, limit, cursor)


def subscriptions_router() -> Router:
    return Router(
        path=BASE,
        tags=["subscriptions"],
        route_handlers=[
            create_subscription,
            list_subscriptions,
            get_subscription,
            update_subscription,
            delete_subscription,
            list_deliveries,
        ],
    )
