"""The OEE dashboard through the two-tier cache: the answer's bytes, stored as sent, so a
hit is byte-identical to the miss that stored it."""

from __future__ import annotations

import hashlib
from datetime import date
from uuid import UUID

import msgspec
from litestar.serialization import encode_json

from reporting.dashboard_cache import freshness
from reporting.production_facts import service
from unison_cache import Cache
from unison_pg import Database
from unison_web.caller import Caller

# Bumped when the answer's shape changes, so entries of the old shape are never served.
KEY_VERSION = "v1"


def cache_key(
    caller: Caller,
    period: tuple[date, date],
    granularity: str,
    where: tuple[UUID | None, UUID | None],
    generation: int,
) -> str:
    """Organization, the caller's plants (sorted), the query and the range's generation.

    The organization is also the cache row's tenant column (RLS); it is hashed in too so
    the key alone never matches across organizations. The plant set is in the key even
    with a plant filter: two callers share an entry only if they see the same plants."""
    material = msgspec.json.encode(
        [
            caller.tenant.organization_id,
            sorted(str(p) for p in caller.tenant.plant_ids),
            period,
            granularity,
            where,
        ]
    )
    digest = hashlib.sha256(material).hexdigest()
    return f"reporting.oee:{KEY_VERSION}:{digest}:{generation}"


Query = tuple[tuple[date, date], str, tuple[UUID | None, UUID | None]]


class DashboardCache:
    """The process's cache of dashboard answers (a route dependency)."""

    def __init__(self, cache: Cache, ttl_seconds: float) -> None:
        self.cache = cache
        self.ttl_seconds = ttl_seconds

    async def oee(self, db: Database, caller: Caller, query: Query) -> tuple[bytes, bool]:
        """The OEE dashboard as JSON bytes, and whether it came from the cache."""
        period, granularity, where = query
        plant_id = where[0]
        if plant_id is not None:
            caller.check_plant(plant_id)  # before the cache: a foreign plant is a 404, always
        plants = [plant_id] if plant_id is not None else list(caller.tenant.plant_ids)
        # Read before the rollups: an answer computed later is at least this fresh, so it
        # may be stored under this generation.
        generation = await freshness.scoped_generation(
            db, caller.tenant, plants, (freshness.PRODUCTION,), period
        )
        key = cache_key(caller, period, granularity, where, generation)
        organization_id = caller.tenant.organization_id
        cached = await self.cache.get(organization_id, key)
        if cached is not None:
            return cached, True
        series = await service.oee_series(db, caller, period, granularity, where)
        body = encode_json(series)  # what the route would have sent for the Struct
        await self.cache.set(organization_id, key, body, self.ttl_seconds)
        return body, False
