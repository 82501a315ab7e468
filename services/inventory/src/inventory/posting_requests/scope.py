"""The plant a worker's handler of another service's event acts in.

The consumer scopes its transaction to the event's organization with no plants; the
reservations, the ledger and the request records are plant data, so a handler scopes
itself to the event's plant (the order's) for what it does, and gives the scope back, as
the next event of a batch shares the transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import asyncpg

from inventory.posting_requests import repo
from inventory.service.caller import Caller
from unison_bus import Event
from unison_pg import Tenant


def plant_of(event: Event) -> UUID:
    if event.plant_id is None:
        # A contract breach, not a business refusal: the event goes to the dead letters.
        raise ValueError(f"{event.topic} {event.id} names no plant")
    return event.plant_id


@asynccontextmanager
async def plant_scope(conn: asyncpg.Connection, event: Event) -> AsyncIterator[Caller]:
    """The transaction scoped to the event's plant while the block runs; the caller acts
    as the consumer's user (``event:...``), who wrote what the block writes."""
    plant_id = plant_of(event)
    plant_ids, user_id = await repo.scope_current(conn)
    await repo.scope_plants(conn, str(plant_id))
    tenant = Tenant(event.organization_id, (plant_id,), user_id)
    yield Caller(tenant, request_id=f"event:{event.id}")
    await repo.scope_plants(conn, plant_ids)
