"""Subscriptions: created, read, changed and removed by users of the plants they cover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
import msgspec

from reporting.exports import sources
from reporting.exports.models import ExportRequest, Filters
from reporting.subscriptions.models import (
    Delivery,
    Subscription,
    SubscriptionCreate,
    SubscriptionUpdate,
)
from reporting.subscriptions.schedule import next_run
from unison_pg import Database, Queries
from unison_web import Invalid, NotFound
from unison_web.caller import Caller
from unison_web.paging import Page, after, check_limit, cut

Q = Queries.load(Path(__file__).with_name("queries.sql"))


def _row(record: asyncpg.Record) -> Subscription:
    return msgspec.convert(dict(record), Subscription)


def _check(caller: Caller, source: str, values: dict[str, Any]) -> None:
    """What the report job would refuse, refused now: a dashboard source and its filters
    (checked on a period of the frequency's length), the weekday, the time zone, the
    format an attachment needs."""
    if source not in sources.KPIS:
        raise Invalid(f"source must be one of {', '.join(sorted(sources.KPIS))}", "/source")
    try:
        ZoneInfo(values["time_zone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid("time_zone is not a known IANA time zone", "/time_zone") from exc
    weekly = values["frequency"] == "weekly"
    if weekly != (values["weekday"] is not None):
        raise Invalid(
            "weekday is given for weekly subscriptions only (and then needed)", "/weekday"
        )
    if values["delivery"] == "attachment" and values["format"] != "xlsx":
        raise Invalid("an attachment is sent as xlsx; other formats go as a link", "/format")
    today = datetime.now(UTC).date()
    days = 7 if weekly else 1
    request = ExportRequest(
        source=source,
        format=values["format"],
        first=today - timedelta(days=days),
        last=today - timedelta(days=1),
        filters=values["filters"],
    )
    sources.check(request, caller)


def _schedule(values: dict[str, Any]) -> datetime:
    return next_run(
        datetime.now(UTC),
        values["frequency"],
        values["weekday"],
        values["hour"],
        values["time_zone"],
    )


async def create(db: Database, caller: Caller, data: SubscriptionCreate) -> Subscription:
    values = msgspec.structs.asdict(data)
    _check(caller, data.source, values)
    plant = data.filters.plant_id
    plants = [plant] if plant is not None else list(caller.tenant.plant_ids)
    async with db.transaction(caller.tenant) as conn:
        record = await conn.fetchrow(
            Q.insert,
            data.name,
            data.source,
            msgspec.json.encode(data.filters).decode(),
            data.frequency,
            data.weekday,
            data.hour,
            data.time_zone,
            data.format,
            data.delivery,
            data.recipients,
            plants,
            _schedule(values),
        )
    return _row(record)


async def get(db: Database, caller: Caller, subscription_id: UUID) -> Subscription:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        record = await conn.fetchrow(Q.get, subscription_id)
    if record is None:
        raise NotFound(f"subscription {subscription_id} does not exist")
    return _row(record)


async def page(db: Database, caller: Caller, limit: int, cursor: str | None) -> Page[Subscription]:
    check_limit(limit)
    last = after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        records = await conn.fetch(Q.page, last[0] if last else None, limit + 1)
    return cut([_row(r) for r in records], limit, lambda s: (s.id,))


async def update(
    db: Database, caller: Caller, subscription_id: UUID, data: SubscriptionUpdate
) -> Subscription:
    async with db.transaction(caller.tenant) as conn:
        record = await conn.fetchrow(Q.get_for_update, subscription_id)
        if record is None:
            raise NotFound(f"subscription {subscription_id} does not exist")
        current = _row(record)
        values = msgspec.structs.asdict(current)
        values.update(
            {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        )
        if data.frequency == "daily" and data.weekday is msgspec.UNSET:
            values["weekday"] = None
        _check(caller, current.source, values)
        filters: Filters = values["filters"]
        # The subscription's plants stay as created: a plant filter must be one of them.
        if filters.plant_id is not None and filters.plant_id not in current.plant_ids:
            raise Invalid("plant_id must be one of the subscription's plants", "/filters/plant_id")
        rescheduled = any(
            values[k] != getattr(current, k) for k in ("frequency", "weekday", "hour", "time_zone")
        ) or (values["active"] and not current.active)
        record = await conn.fetchrow(
            Q.update,
            subscription_id,
            values["name"],
            msgspec.json.encode(filters).decode(),
            values["frequency"],
            values["weekday"],
            values["hour"],
            values["time_zone"],
            values["format"],
            values["delivery"],
            values["recipients"],
            values["active"],
            _schedule(values) if rescheduled else current.next_run_at,
        )
    return _row(record)


async def delete(db: Database, caller: Caller, subscription_id: UUID) -> None:
    async with db.transaction(caller.tenant) as conn:
        deleted = await conn.execute(Q.delete, subscription_id)
    if deleted == "DELETE 0":
        raise NotFound(f"subscription {subscription_id} does not exist")


async def deliveries(
    db: Database, caller: Caller, subscription_id: UUID, limit: int, cursor: str | None
) -> Page[Delivery]:
    """The subscription's deliveries, latest first; 404 for a subscription the caller
    does not see (another organization's, or one over a plant outside the token)."""
    check_limit(limit)
    last = after(cursor, datetime)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await conn.fetchrow(Q.get, subscription_id) is None:
            raise NotFound(f"subscription {subscription_id} does not exist")
        records = await conn.fetch(
            Q.deliveries, subscription_id, last[0] if last else None, limit + 1
        )
    found = [msgspec.convert(dict(r), Delivery) for r in records]
    return cut(found, limit, lambda d: (d.scheduled_for,))
