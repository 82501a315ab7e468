"""The OEE dashboard through the UNLOGGED cache: a hit is the miss's bytes, a fact in the
range (and only there) makes the next answer fresh, an entry never crosses organizations
or plant sets, expired entries are swept, and open tiles hear about new facts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from reporting import worker
from reporting.dashboard_cache import freshness
from reporting.dashboard_cache.freshness import OEE_TOPIC
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from unison_bus import JobRunner
from unison_bus.live import CHANNEL
from unison_pg import Database, Tenant

URL = "/api/reporting/production/oee"
DAY = date(2026, 11, 9)
AT = datetime(2026, 11, 9, 9, 30, tzinfo=UTC)
QUERY = {"from": "2026-11-08", "to": "2026-11-10"}


async def _get(
    client: AsyncTestClient[Any], headers: dict[str, str], **query: str
) -> tuple[bytes, str]:
    response = await client.get(URL, params=query or QUERY, headers=headers)
    assert response.status_code == 200, response.text
    return response.content, response.headers["X-Cache"]


def _logged_good(body: bytes) -> Decimal:
    return Decimal(json.loads(body)["total"]["logged_good"])


async def test_a_hit_is_byte_identical_and_a_fact_in_range_makes_the_next_answer_fresh(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    start = datetime(2026, 11, 9, 6, tzinfo=UTC)
    first_close = shop.closed(shop.bucket(DAY, "A", start, ideal_run_seconds=9000, good_count=300))
    await shop.deliver(first_close, shop.counts(AT, good=10))
    for granularity in ("hour", "day", "week", "month"):
        query = {**QUERY, "granularity": granularity}
        first, state = await _get(client, auth(), **query)
        assert state == "miss"
        again, state = await _get(client, auth(), **query)
        assert (again, state) == (first, "hit")

    await shop.deliver(shop.counts(AT + timedelta(hours=1), good=5))
    fresh, state = await _get(client, auth())
    assert state == "miss" and _logged_good(fresh) == 15
    assert (await _get(client, auth())) == (fresh, "hit")

    # A stop spanning midnight into the range's last day reaches it; so does a shift
    # closed again (a later quality rejection) on its production day.
    await shop.deliver(
        shop.stop(datetime(2026, 11, 10, 23, tzinfo=UTC), datetime(2026, 11, 11, 1, tzinfo=UTC))
    )
    body, state = await _get(client, auth(), **{**QUERY, "to": "2026-11-10"})
    assert state == "miss"
    assert Decimal(json.loads(body)["total"]["downtime_unplanned_minutes"]) == 60
    closed_again = shop.bucket(
        DAY, "A", start, ideal_run_seconds=9000, good_count=300, quality_rejected_count=7
    )
    later = shop.closed(closed_again, at=first_close.occurred_at + timedelta(hours=1))
    await shop.deliver(later)
    body, state = await _get(client, auth())
    assert state == "miss" and Decimal(json.loads(body)["total"]["quality_rejected"]) == 7


async def test_a_fact_outside_the_range_or_the_plant_leaves_the_cached_answer(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    await shop.deliver(shop.counts(AT, good=10))
    filtered = {**QUERY, "plant_id": str(plants[0])}
    whole, _ = await _get(client, auth())
    mine, _ = await _get(client, auth(), **filtered)

    await shop.deliver(shop.counts(AT + timedelta(days=5), good=99))  # after the range
    assert await _get(client, auth()) == (whole, "hit")
    assert await _get(client, auth(), **filtered) == (mine, "hit")

    # The other plant, inside the range: the plant-filtered answer stays, the whole
    # organization's is refetched.
    await shop.deliver(shop.counts(AT, good=4, plant_id=plants[1]))
    assert await _get(client, auth(), **filtered) == (mine, "hit")
    body, state = await _get(client, auth())
    assert state == "miss" and _logged_good(body) == 14


async def test_an_entry_is_never_served_to_another_organization_or_plant_set(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    await shop.deliver(shop.counts(AT, good=10), shop.counts(AT, good=3, plant_id=plants[1]))
    mine, _ = await _get(client, auth())
    assert (await _get(client, auth()))[1] == "hit" and _logged_good(mine) == 13

    other_org = auth(organization_id=uuid4())
    body, state = await _get(client, other_org)
    assert state == "miss" and json.loads(body)["points"] == []
    assert (await _get(client, other_org)) == (body, "hit")

    for seen, good in (([plants[1]], 3), ([plants[0]], 10), ([plants[1], plants[0]], 13)):
        body, state = await _get(client, auth(plant_ids=seen))
        # Both plants in the other order are the same set: the key sorts them.
        assert state == ("hit" if len(seen) == 2 else "miss") and _logged_good(body) == good

    # The plant filter is checked before the cache: a plant outside the token is a 404
    # even while the answer for it is cached for someone who may see it.
    filtered = {**QUERY, "plant_id": str(plants[0])}
    await _get(client, auth(), **filtered)
    response = await client.get(URL, params=filtered, headers=auth(plant_ids=[plants[1]]))
    assert response.status_code == 404


async def test_reportings_entries_carry_the_ttl_and_the_cron_sweep_removes_expired_ones(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, owner_conn: asyncpg.Connection
) -> None:
    await _get(client, auth())
    admin = shop.admin
    rows = await admin.fetch(
        "SELECT key, extract(epoch FROM expires_at - now()) AS left FROM cache.entries"
        " WHERE organization_id = $1 AND owner = 'unison_reporting'",
        shop.org_id,
    )
    assert len(rows) == 1 and rows[0]["key"].startswith("reporting.oee:")
    assert 590 < rows[0]["left"] <= 600

    schedule, command, runs_as = await admin.fetchrow(
        "SELECT schedule, command, username FROM cron.job WHERE jobname = 'cache-cleanup'"
    )
    assert (schedule, runs_as) == ("*/5 * * * *", "unison_owner")
    await admin.execute(
        "UPDATE cache.entries SET expires_at = now() - interval '1 second'"
        " WHERE organization_id = $1",
        shop.org_id,
    )
    await owner_conn.execute(command)  # what pg_cron runs, as the owner it runs as
    left = await admin.fetchval(
        "SELECT count(*) FROM cache.entries WHERE organization_id = $1", shop.org_id
    )
    assert left == 0


@pytest.fixture
async def live(admin_dsn: str) -> AsyncIterator[list[dict[str, Any]]]:
    """Every live update sent while the test runs, as the gateway's listener gets them."""
    received: list[dict[str, Any]] = []
    conn = await asyncpg.connect(admin_dsn)

    def heard(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
        received.append(json.loads(payload))

    await conn.add_listener(CHANNEL, heard)
    yield received
    await conn.close()


async def _oee_updates(live: list[dict[str, Any]], org_id: UUID, count: int) -> list[Any]:
    async with asyncio.timeout(10):
        while True:
            mine = [
                u for u in live if u["type"] == OEE_TOPIC and u["organization_id"] == str(org_id)
            ]
            if len(mine) >= count:
                return mine
            await asyncio.sleep(0.02)


async def test_a_new_fact_tells_the_plants_open_oee_tiles_and_a_replay_does_not(
    shop: Shop, live: list[dict[str, Any]], plants: list[UUID]
) -> None:
    stop = shop.stop(datetime(2026, 11, 9, 23, tzinfo=UTC), datetime(2026, 11, 10, 1, tzinfo=UTC))
    await shop.deliver(shop.counts(AT, good=10), stop)
    counts, stopped = await _oee_updates(live, shop.org_id, 2)
    assert counts["id"] == counts["plant_id"] == str(plants[0])
    assert counts["data"] == {"from": "2026-11-09", "to": "2026-11-09"}
    assert stopped["data"] == {"from": "2026-11-09", "to": "2026-11-10"}

    await shop.deliver(stop)  # the same stop again: no new fact, nothing to refetch
    await asyncio.sleep(0.3)
    assert len(await _oee_updates(live, shop.org_id, 2)) == 2


async def test_a_rollup_rebuild_of_the_range_makes_the_next_answer_fresh(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, database: Database
) -> None:
    await shop.deliver(shop.counts(AT, good=10))
    cached, _ = await _get(client, auth())
    outside = {"from": "2026-12-01", "to": "2026-12-02"}
    elsewhere, _ = await _get(client, auth(), **outside)
    # Rollups lost (a restore, a bug fixed): the rebuild puts them back from the facts.
    await shop.admin.execute(
        "DELETE FROM reporting.production_daily WHERE organization_id = $1", shop.org_id
    )
    body = {"from": "2026-11-09", "to": "2026-11-09"}
    started = await client.post("/api/reporting/admin/rollups/rebuild", json=body, headers=auth())
    href = started.json()["href"]
    runner = JobRunner(database, queue="reporting_jobs", handlers=worker.JOB_HANDLERS)
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    try:
        async with asyncio.timeout(30):
            while (await client.get(href, headers=auth())).json()["status"] != "succeeded":
                await asyncio.sleep(0.05)
    finally:
        stopping.set()
        await running
    assert await _get(client, auth()) == (cached, "miss")  # recomputed: the same figures
    assert await _get(client, auth(), **outside) == (elsewhere, "hit")


async def test_the_openapi_document_describes_both_answers_of_the_dashboard(
    client: AsyncTestClient[Any],
) -> None:
    """The handler returns cached bytes, so the schema comes from the route's declaration:
    a series, or groups with ``line`` or ``group_by`` (schemathesis checks bodies against it)."""
    document = (await client.get("/schema/openapi.json")).json()
    ok = document["paths"][URL]["get"]["responses"]["200"]
    refs = [s["$ref"] for s in ok["content"]["application/json"]["schema"]["oneOf"]]
    assert sorted(r.rsplit("/", 1)[1] for r in refs) == ["OeeGroups", "OeeSeries"]


async def test_the_one_statement_generation_sees_only_its_tenant_and_leaves_no_settings(
    database: Database, admin_conn: asyncpg.Connection, org_id: UUID, plants: list[UUID]
) -> None:
    """``scoped_generation`` sets the tenant for its own statement only: RLS scopes the
    sum to the tenant's organization and plants, and the pooled connection keeps none of
    the settings afterwards."""
    day = date(2026, 11, 2)
    for organization, plant, bumps in ((org_id, plants[0], 3), (uuid4(), plants[0], 5)):
        await admin_conn.execute(
            "INSERT INTO reporting.dashboard_generations (organization_id, plant_id, scope,"
            " day, generation) VALUES ($1, $2, 'production', $3, $4)",
            organization,
            plant,
            day,
            bumps,
        )
    mine = Tenant(org_id, (plants[0],), "u")
    other_plant = Tenant(org_id, (plants[1],), "u")
    period = (day, day)
    assert await freshness.scoped_generation(database, mine, plants, ("production",), period) == 3
    # Asked for plant 0 while the token has plant 1 only: RLS leaves nothing.
    assert (
        await freshness.scoped_generation(database, other_plant, plants, ("production",), period)
        == 0
    )
    async with database.connection() as conn:
        await conn.fetchval(
            freshness.QUERIES.scoped_generation,
            *[v for _, v in mine.settings()],
            plants,
            ["production"],
            day,
            day,
            None,
        )
        left = await conn.fetchval("SELECT current_setting('app.organization_id', true)")
        assert left in (None, "")
        assert not conn.is_in_transaction()
