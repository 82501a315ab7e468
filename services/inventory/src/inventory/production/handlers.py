"""The worker's handlers of production's events, each in the consumer's transaction,
scoped to the event's plant (the order's) for what it does."""

from __future__ import annotations

import asyncpg

from inventory.posting_requests import postings
from inventory.posting_requests.scope import plant_of, plant_scope
from inventory.production import order_reservations
from inventory.production.postings import PRODUCTION
from unison_events.production import (
    GoodsPostingRequested,
    WorkOrderReleased,
    WorkOrderStatusChanged,
)


async def on_work_order_released(conn: asyncpg.Connection, event: WorkOrderReleased) -> None:
    async with plant_scope(conn, event) as caller:
        await order_reservations.reserve(conn, caller, event, plant_of(event))


async def on_work_order_status_changed(
    conn: asyncpg.Connection, event: WorkOrderStatusChanged
) -> None:
    if event.status not in order_reservations.FINISHED:
        return  # most transitions: nothing for inventory
    async with plant_scope(conn, event):
        await order_reservations.finish(conn, event)


async def on_goods_posting_requested(
    conn: asyncpg.Connection, event: GoodsPostingRequested
) -> None:
    """Post it, or record the refusal and tell production: a refusal never fails the
    event (the request waits on the failed list for a retry)."""
    async with plant_scope(conn, event) as caller:
        await postings.receive(conn, caller, PRODUCTION, event, plant_of(event))
