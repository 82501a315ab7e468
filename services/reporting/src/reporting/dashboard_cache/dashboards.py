"""Any dashboard through the two-tier cache: the answer's JSON bytes stored as first sent
(a hit is byte-identical to the miss that stored it), under a key of the organization,
the caller's plant set, the query and the generation of the scopes it is read from."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import MediaType, Response
from litestar.serialization import encode_json

from reporting.dashboard_cache import freshness
from reporting.dashboard_cache.oee import DashboardCache
from unison_pg import Database
from unison_web.caller import Caller

# Bumped when an answer's shape changes, so entries of the old shape are never served.
KEY_VERSION = "v1"


class Request(msgspec.Struct, frozen=True, kw_only=True):
    """A dashboard query as the cache sees it.

    ``name`` the dashboard; ``params`` everything else that shapes the answer (the
    granularity, filters; today's date where the answer depends on it); ``scopes`` the
    fact families it is read from; ``state`` whether it also depends on their state day
    (a change that touches every period)."""

    name: str
    period: tuple[date, date]
    plant_id: UUID | None
    params: tuple[Any, ...] = ()
    scopes: tuple[str, ...]
    state: bool = False


def request_key(caller: Caller, request: Request, generation: int) -> str:
    """The organization (also the cache row's tenant column, under RLS), the caller's
    plants sorted (two callers share an entry only if they see the same plants, even with
    a plant filter), the query, and the generation of its range."""
    material = msgspec.json.encode(
        [
            caller.tenant.organization_id,
            sorted(str(p) for p in caller.tenant.plant_ids),
            request.name,
            request.period,
            request.plant_id,
            request.params,
        ]
    )
    digest = hashlib.sha256(material).hexdigest()
    return f"reporting.{request.name}:{KEY_VERSION}:{digest}:{generation}"


async def answer(
    dashboards: DashboardCache,
    db: Database,
    caller: Caller,
    request: Request,
    compute: Callable[[], Awaitable[Any]],
) -> tuple[bytes, bool]:
    """The dashboard's JSON bytes, and whether they came from the cache. ``compute``
    gives the answer (a Struct) on a miss; it checks the query itself (422s)."""
    if request.plant_id is not None:
        caller.check_plant(request.plant_id)  # before the cache: a foreign plant is a 404
    plants = [request.plant_id] if request.plant_id is not None else list(caller.tenant.plant_ids)
    # Read before the rollups: an answer computed later is at least this fresh.
    generation = await freshness.scoped_generation(
        db, caller.tenant, plants, request.scopes, request.period, state=request.state
    )
    key = request_key(caller, request, generation)
    organization_id = caller.tenant.organization_id
    cached = await dashboards.cache.get(organization_id, key)
    if cached is not None:
        return cached, True
    body = encode_json(await compute())  # what the route would have sent for the Struct
    await dashboards.cache.set(organization_id, key, body, dashboards.ttl_seconds)
    return body, False


def respond(found: tuple[bytes, bool]) -> Response[bytes]:
    body, hit = found
    return Response(body, media_type=MediaType.JSON, headers={"X-Cache": "hit" if hit else "miss"})
