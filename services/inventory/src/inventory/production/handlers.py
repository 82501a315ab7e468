"""The worker's handlers of production's events, each in the consumer's transaction.

The consumer scopes that transaction to the event's organization with no plants; the
reservations, the ledger and the posting records are plant data, so each handler scopes
itself to the event's plant (the order's) for what it does, and gives the scope back, as
the next event of a batch shares the transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import asyncpg

from inventory.production import order_reservations, postings, repo
from inventory.service.caller import Caller
from unison_bus import Event
from unison_events.production import (
    GoodsPostingRequested,
    WorkOrderReleased,
    WorkOrderStatusChanged,
)
from unison_pg import Tenant


def _plant_of(event: Event) -> UUID:
    if event.plant_id is None:
        # A contract breach, not a business refusal: the event goes to the dead letters.
        raise ValueError(f"{event.topic} {event.id} names no plant")
    return event.plant_id


@asynccontextmanager
async def plant_scope(conn: asyncpg.Connection, event: Event) -> AsyncIterator[Caller]:
    """The transaction scoped to the event's plant while the block runs; the caller acts
    as the consumer's user (``event:...``), who wrote what the block writes."""
    plant_id = _plant_of(event)
    plant_ids, user_id = await repo.scope_current(conn)
    await repo.scope_plants(conn, str(plant_id))
    tenant = Tenant(event.organization_id, (plant_id,), user_id)
    yield Caller(tenant, request_id=f"event:{event.id}")
    await repo.scope_plants(conn, plant_ids)


async def on_work_order_released(conn: asyncpg.Connection, event: WorkOrderReleased) -> None:
    async with plant_scope(conn, event) as caller:
        await order_reservations.reserve(conn, caller, event, _plant_of(event))


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
        await postings.receive(conn, caller, event, _plant_of(event))
