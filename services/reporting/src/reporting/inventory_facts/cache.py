"""The inventory dashboards through the dashboard cache (``DashboardCache.cache``, the
two-tier UNLOGGED cache), as the OEE dashboard is: the answer's JSON bytes stored as sent,
under a key that carries the generation of what the answer depends on.

A stock answer (value, turns, days of supply, lot ageing) is a running sum over every
day up to its end, so its generation sums the counters of all days up to it: a
back-dated movement before the period refreshes it, one after the period does not. A
movements answer depends on its days only; the below-reorder list on every day."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

import msgspec
from litestar.serialization import encode_json

from reporting.dashboard_cache.oee import DashboardCache
from reporting.inventory_facts import repo
from unison_pg import Database
from unison_web.caller import Caller

# Bumped when an answer's shape changes, so entries of the old shape are never served.
KEY_VERSION = "v1"
EVER = date(1, 1, 1)
NEVER = date(9999, 12, 31)


def cache_key(caller: Caller, kind: str, query: Any, generation: str) -> str:
    """Organization, the caller's plants (sorted), the dashboard, its query and the
    generation: an entry is shared only by callers who see the same plants."""
    material = msgspec.json.encode(
        [
            caller.tenant.organization_id,
            sorted(str(p) for p in caller.tenant.plant_ids),
            kind,
            query,
        ]
    )
    digest = hashlib.sha256(material).hexdigest()
    return f"reporting.inventory.{kind}:{KEY_VERSION}:{digest}:{generation}"


class View(NamedTuple):
    """A dashboard's name, its filters, the whole query (for the key) and the days its
    answer depends on."""

    kind: str
    plant_id: UUID | None
    material_group: str | None
    query: tuple[Any, ...]
    days: tuple[date, date]


async def cached(
    dashboards: DashboardCache,
    db: Database,
    caller: Caller,
    view: View,
    compute: Callable[[], Awaitable[Any]],
) -> tuple[bytes, bool]:
    """The answer's bytes and whether they came from the cache. The plant filter is
    checked before the cache (a foreign plant is a 404, always); the generation is read
    before the answer is computed (so what is stored under it is at least that fresh)."""
    kind, plant_id, group, query, days = view
    if plant_id is not None:
        caller.check_plant(plant_id)
    plants = [plant_id] if plant_id is not None else list(caller.tenant.plant_ids)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        generation = await repo.range_generation(conn, plants, *days)
        # Which materials a group holds (and the groups the list shows) is the master's,
        # which no plant counter follows.
        needs_master = group is not None or kind == "below-reorder"
        masters = await repo.materials_generation(conn) if needs_master else 0
    key = cache_key(caller, kind, (plant_id, group, *query), f"{generation}.{masters}")
    organization_id = caller.tenant.organization_id
    hit = await dashboards.cache.get(organization_id, key)
    if hit is not None:
        return hit, True
    body = encode_json(await compute())
    await dashboards.cache.set(organization_id, key, body, dashboards.ttl_seconds)
    return body, False
