"""Routes of subscriptions and notifications: who is told what, and what was sent or
failed."""

from __future__ import annotations

from uuid import UUID

from litestar import Response, Router, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from quality.http import BASE, Cursor, Db, Limit, Who
from quality.notifications import service
from quality.notifications.models import (
    Notification,
    Status,
    Subscription,
    SubscriptionCreate,
)
from unison_web.paging import Page


@post("/subscriptions", status_code=201)
async def create_subscription(
    db: Db, caller: Who, data: JSONBody[SubscriptionCreate]
) -> Subscription:
    """An e-mail address or a role told of the given kinds (quality engineers)."""
    return await service.subscribe(db, caller, data)


@get("/subscriptions")
async def list_subscriptions(
    db: Db, caller: Who, limit: Limit = 50, cursor: Cursor = None
) -> Page[Subscription]:
    return await service.subscriptions(db, caller, cursor, limit)


@delete("/subscriptions/{subscription_id:uuid}", status_code=204)
async def delete_subscription(db: Db, caller: Who, subscription_id: FromPath[UUID]) -> None:
    await service.unsubscribe(db, caller, subscription_id)


@get("/notifications")
async def list_notifications(
    db: Db,
    caller: Who,
    status: FromQuery[Status | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Notification]:
    """What was sent, is queued or failed (with its error), newest first."""
    return await service.notifications(db, caller, status, cursor, limit)


@post("/notifications/{notification_id:uuid}/resend", status_code=202)
async def resend_notification(
    db: Db, caller: Who, notification_id: FromPath[UUID]
) -> Response[Notification]:
    """A failed notification queued again, to the same recipients (409 otherwise)."""
    requeued = await service.resend(db, caller, notification_id)
    return Response(requeued, status_code=202)


def notifications_router() -> Router:
    return Router(
        path=BASE,
        tags=["quality notifications"],
        route_handlers=[
            create_subscription,
            list_subscriptions,
            delete_subscription,
            list_notifications,
            resend_notification,
        ],
    )
