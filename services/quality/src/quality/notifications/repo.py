"""Typed functions for ``notifications.sql``. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from quality.notifications.models import Notification, Subscription
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("notifications.sql"))


class Person(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID
    email: str
    display_name: str
    roles: tuple[str, ...]
    plant_ids: tuple[UUID, ...] | None
    active: bool
    changed_at: datetime


class NewNotification(msgspec.Struct, frozen=True, kw_only=True):
    organization_id: UUID
    plant_id: UUID | None
    kind: str
    recipients: list[str]
    subject: str
    body: str


async def person_upsert(conn: asyncpg.Connection, p: Person) -> None:
    plants = None if p.plant_ids is None else list(p.plant_ids)
    await conn.execute(
        Q.person_upsert,
        p.user_id,
        p.email,
        p.display_name,
        list(p.roles),
        plants,
        p.active,
        p.changed_at,
    )


async def recipients(conn: asyncpg.Connection, kind: str, plant_id: UUID | None) -> list[str]:
    found: list[str] = await conn.fetchval(Q.recipients, kind, plant_id)
    return found


async def notification_insert(conn: asyncpg.Connection, new: NewNotification) -> UUID:
    created: UUID = await conn.fetchval(
        Q.notification_insert,
        new.organization_id,
        new.plant_id,
        new.kind,
        new.recipients,
        new.subject,
        new.body,
    )
    return created


async def notification(conn: asyncpg.Connection, notification_id: UUID) -> Notification | None:
    return one(await conn.fetchrow(Q.notification_get, notification_id), Notification)


async def notification_page(
    conn: asyncpg.Connection, status: str | None, before: UUID | None, limit: int
) -> list[Notification]:
    return many(await conn.fetch(Q.notification_page, status, before, limit), Notification)


async def notification_sent(
    conn: asyncpg.Connection, notification_id: UUID, refused: str | None
) -> None:
    await conn.execute(Q.notification_sent, notification_id, refused)


async def notification_attempt_failed(
    conn: asyncpg.Connection, notification_id: UUID, error: str, last: bool
) -> None:
    await conn.execute(Q.notification_attempt_failed, notification_id, error, last)


async def notification_requeue(
    conn: asyncpg.Connection, notification_id: UUID, job_kind: str
) -> Notification | None:
    return one(await conn.fetchrow(Q.notification_requeue, notification_id, job_kind), Notification)


async def job_attempts(conn: asyncpg.Connection, job_id: UUID) -> tuple[int, int] | None:
    """(made, allowed) of a job; None: no such job (the handler was called without one)."""
    row = await conn.fetchrow(Q.job_attempts, job_id)
    return None if row is None else (row["attempts"], row["max_attempts"])


async def subscription_insert(
    conn: asyncpg.Connection,
    address: tuple[str | None, str | None],
    kinds: Sequence[str],
    plant_ids: Sequence[UUID] | None,
) -> Subscription:
    """``address``: (email, role), exactly one of them set."""
    plants = None if plant_ids is None else list(plant_ids)
    row = await conn.fetchrow(Q.subscription_insert, *address, list(kinds), plants)
    return msgspec.convert(dict(row), Subscription)


async def subscription_page(
    conn: asyncpg.Connection, after: UUID | None, limit: int
) -> list[Subscription]:
    return many(await conn.fetch(Q.subscription_page, after, limit), Subscription)


async def subscription_delete(conn: asyncpg.Connection, subscription_id: UUID) -> bool:
    return await conn.fetchval(Q.subscription_delete, subscription_id) is not None
