"""Notification use cases: :func:`notify` for the other quality modules (inside their
transaction), and the subscriptions and notifications the API manages (each owning its
transaction)."""

from __future__ import annotations

from typing import get_args
from uuid import UUID

import asyncpg

from quality.caller import ENGINEERS, Caller
from quality.notifications import repo
from quality.notifications.models import (
    Kind,
    Notification,
    Status,
    Subscription,
    SubscriptionCreate,
)
from quality.notifications.repo import NewNotification
from unison_bus import enqueue
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, checks, paging
from unison_web.paging import Page

KINDS: tuple[str, ...] = get_args(Kind)
JOB_KIND = "quality.send_notification"
QUEUE = "quality_jobs"
# The runner backs off 1, 2, 4 ... s between attempts: ten attempts ride out about eight
# minutes of a relay being down (a restart, a deploy); after that the notification is
# failed and visible, and a quality engineer can resend it.
MAX_ATTEMPTS = 10
SUBJECT_MAX = 200


async def notify(
    conn: asyncpg.Connection,
    *,
    kind: str,
    plant_id: UUID | None,
    subject: str,
    body: str,
    organization_id: UUID,
) -> UUID | None:
    """Tell the subscribers of ``kind`` about ``plant_id`` (None: no particular plant; then
    only subscriptions and people not limited to plants hear of it). Runs in the caller's
    business transaction: the e-mail and the job that sends it exist exactly when the change
    commits. None: nobody is subscribed, nothing is written."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = await repo.recipients(conn, kind, plant_id)
    if not recipients:
        return None
    # A header is one line: a subject with line breaks would not make a valid message.
    one_line = " ".join(subject.split())[:SUBJECT_MAX] or kind
    new = NewNotification(
        organization_id=organization_id,
        plant_id=plant_id,
        kind=kind,
        recipients=recipients,
        subject=one_line,
        body=body,
    )
    notification_id = await repo.notification_insert(conn, new)
    await _enqueue_send(conn, organization_id, notification_id)
    return notification_id


async def _enqueue_send(
    conn: asyncpg.Connection, organization_id: UUID, notification_id: UUID
) -> None:
    await enqueue(
        conn,
        queue=QUEUE,
        organization_id=organization_id,
        kind=JOB_KIND,
        params={"notification_id": str(notification_id)},
        max_attempts=MAX_ATTEMPTS,
    )


async def subscribe(db: Database, caller: Caller, data: SubscriptionCreate) -> Subscription:
    caller.require(*ENGINEERS)
    if (data.email is None) == (data.role is None):
        raise Invalid("give an e-mail address or a role, not both", "/email")
    role = None if data.role is None else checks.text(data.role, "/role", 50)
    plants = None if data.plant_ids is None else sorted(set(data.plant_ids))
    for index, plant in enumerate(data.plant_ids or ()):
        # A plant outside the caller's token is as unknown as another organization's.
        if plant not in caller.tenant.plant_ids:
            raise Invalid("no such plant", f"/plant_ids/{index}")
    kinds = sorted(set(data.kinds))
    async with db.transaction(caller.tenant) as conn:
        return await repo.subscription_insert(conn, (data.email, role), kinds, plants)


async def subscriptions(
    db: Database, caller: Caller, cursor: str | None, limit: int
) -> Page[Subscription]:
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.subscription_page(conn, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda s: (s.id,))


async def unsubscribe(db: Database, caller: Caller, subscription_id: UUID) -> None:
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        if not await repo.subscription_delete(conn, subscription_id):
            raise NotFound(f"subscription {subscription_id} does not exist")


async def notifications(
    db: Database, caller: Caller, status: Status | None, cursor: str | None, limit: int
) -> Page[Notification]:
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.notification_page(conn, status, key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda n: (n.id,))


async def resend(db: Database, caller: Caller, notification_id: UUID) -> Notification:
    """The same message to the same recipients, by a new job. Only a failed notification,
    or a queued one whose job will not send it (cancelled): never a second live job."""
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        requeued = await repo.notification_requeue(conn, notification_id, JOB_KIND)
        if requeued is None:
            found = await repo.notification(conn, notification_id)
            if found is None:
                raise NotFound(f"notification {notification_id} does not exist")
            raise Conflict(f"notification {notification_id} is {found.status}, not failed")
        await _enqueue_send(conn, caller.tenant.organization_id, notification_id)
    return requeued
