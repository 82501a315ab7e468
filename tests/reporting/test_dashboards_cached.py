"""Every dashboard through the two-tier cache: the quality dashboards (FPY, defects, NCRs,
CAPA on-time, capability), the maintenance KPIs and the schedule. A hit is the miss's
bytes; a fact of the dashboard's own family in its range (and only there) makes the next
answer fresh; a fact of another family (a production count) or outside the range leaves
the entry; an entry is never served to another organization or plant set; open tiles
hear ``reporting.quality.*`` / ``reporting.maintenance.*`` updates of new facts only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.reporting import maintenance_events, quality_events
from tests.reporting.quality_events import DAY, T0
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from unison_bus.live import CHANNEL

QUERY = {"from": "2026-11-01", "to": "2026-11-07"}
INSIDE = date(2026, 11, 3)
OUTSIDE = date(2026, 11, 20)


async def _get(
    client: AsyncTestClient[Any], headers: dict[str, str], url: str, **query: str
) -> tuple[bytes, str]:
    response = await client.get(url, params={**QUERY, **query}, headers=headers)
    assert response.status_code == 200, response.text
    return response.content, response.headers["X-Cache"]


async def _cached_then_fresh(
    shop: Shop,
    client: AsyncTestClient[Any],
    auth: Headers,
    url: str,
    outside: list[Any],
    inside: list[Any],
    **query: str,
) -> None:
    """Miss, then a byte-identical hit; facts outside leave it; facts inside refresh it."""
    first, state = await _get(client, auth(), url, **query)
    assert state == "miss"
    assert await _get(client, auth(), url, **query) == (first, "hit")
    # A production count in range at the same plant: another family, the entry stays.
    await shop.deliver(shop.counts(datetime(2026, 11, 3, 9, tzinfo=UTC), good=5), *outside)
    assert await _get(client, auth(), url, **query) == (first, "hit")
    await shop.deliver(*inside)
    fresh, state = await _get(client, auth(), url, **query)
    assert state == "miss" and fresh != first
    assert await _get(client, auth(), url, **query) == (fresh, "hit")


async def test_fpy_and_defects_are_cached_until_a_figure_in_range(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    await shop.deliver(quality_events.figures(shop, DAY, 100, 90, (("SCRATCH", 10),)))
    for url in ("/api/reporting/quality/fpy", "/api/reporting/quality/defects"):
        outside = [quality_events.figures(shop, OUTSIDE, 50, 50, (("DENT", 1),), material=1)]
        inside = [quality_events.figures(shop, INSIDE, 10, 5, (("DENT", 5),), material=1)]
        if url.endswith("defects"):
            outside = [quality_events.figures(shop, OUTSIDE, 51, 50, (("DENT", 1),))]
            inside = [quality_events.figures(shop, INSIDE, 12, 5, (("DENT", 7),))]
        await _cached_then_fresh(shop, client, auth, url, outside, inside)
    # A usage decision of the period counts its lot live: FPY is fresh again.
    fpy = "/api/reporting/quality/fpy"
    await _get(client, auth(), fpy)
    decided = quality_events.decision(shop, datetime(2026, 11, 4, 10, tzinfo=UTC), "accepted", 5, 0)
    await shop.deliver(decided)
    body, state = await _get(client, auth(), fpy)
    assert state == "miss" and json.loads(body)["total"]["lots"] == 1


async def test_ncrs_and_capas_are_cached_until_one_changes(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    ncr_id, capa_id = uuid4(), uuid4()
    await shop.deliver(quality_events.ncr(shop, ncr_id, "open", 1))
    await _cached_then_fresh(
        shop,
        client,
        auth,
        "/api/reporting/quality/ncrs",
        [],
        [quality_events.ncr(shop, ncr_id, "closed", 2, at=T0 + timedelta(hours=1))],
    )
    await shop.deliver(quality_events.capa(shop, capa_id, "open", 1))
    closed = quality_events.capa(
        shop, capa_id, "closed", 2, closed_at=datetime(2026, 11, 2, 12, tzinfo=UTC)
    )
    await _cached_then_fresh(
        shop, client, auth, "/api/reporting/quality/capa-on-time", [], [closed]
    )


async def test_maintenance_kpis_are_cached_until_a_day_in_range(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    equipment = uuid4()
    first, _ = maintenance_events.published(
        shop, maintenance_events.inputs(equipment, DAY, failures=((2, 1),))
    )
    await shop.deliver(first)
    outside, _ = maintenance_events.published(
        shop, maintenance_events.inputs(equipment, OUTSIDE, failures=((2, 1),))
    )
    inside, _ = maintenance_events.published(
        shop, maintenance_events.inputs(equipment, INSIDE, failures=((3, 2),))
    )
    await _cached_then_fresh(
        shop, client, auth, "/api/reporting/maintenance/kpis", [outside], [inside]
    )


async def test_the_schedule_is_cached_until_an_order_completes_in_range(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    from tests.reporting.test_schedule import Orders, t

    maker = Orders(shop)

    def order(completed: datetime) -> dict[str, Any]:
        return {"id": uuid4(), "number": str(uuid4())[:8], "created": t(1),
                "released": t(1, 6), "completed": completed, "due": t(4)}  # fmt: skip

    await shop.deliver(*maker.life(order(t(2))))
    await _cached_then_fresh(
        shop,
        client,
        auth,
        "/api/reporting/production/schedule",
        maker.life(order(t(20))),
        maker.life(order(t(5))),
    )


async def test_the_capability_is_cached_until_a_value_in_range(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    from tests.reporting.test_capability import _event

    material, inspection = uuid4(), uuid4()
    await shop.deliver(
        _event(shop, inspection, material, [("2026-11-02T06:00+00:00", "10.00"),
                                            ("2026-11-02T06:10+00:00", "10.02")])
    )  # fmt: skip
    query = {"plant_id": str(plants[0]), "material_id": str(material), "characteristic": "DIA"}
    await _cached_then_fresh(
        shop,
        client,
        auth,
        "/api/reporting/quality/capability",
        [_event(shop, uuid4(), material, [("2026-11-20T06:00+00:00", "9.90")])],
        [_event(shop, uuid4(), material, [("2026-11-04T06:00+00:00", "10.04")])],
        **query,
    )


async def test_an_entry_is_never_served_to_another_organization_or_plant_set(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    await shop.deliver(quality_events.figures(shop, DAY, 100, 90))
    url = "/api/reporting/quality/fpy"
    mine, _ = await _get(client, auth(), url)
    assert (await _get(client, auth(), url))[1] == "hit"
    theirs, state = await _get(client, auth(organization_id=uuid4()), url)
    assert state == "miss" and json.loads(theirs)["total"]["inspected"] == "0"
    one_plant, state = await _get(client, auth(plant_ids=[plants[0]]), url)
    assert state == "miss" and one_plant == mine  # the same figures, its own entry
    other_plant, state = await _get(client, auth(plant_ids=[plants[1]]), url)
    assert state == "miss" and json.loads(other_plant)["total"]["inspected"] == "0"
    # A plant filter outside the token is a 404, even with an entry for that plant.
    await _get(client, auth(), url, plant_id=str(plants[1]))
    response = await client.get(
        url, params={**QUERY, "plant_id": str(plants[1])}, headers=auth(plant_ids=[plants[0]])
    )
    assert response.status_code == 404


@pytest.fixture
async def live(admin_dsn: str) -> AsyncIterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []
    conn = await asyncpg.connect(admin_dsn)

    def heard(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
        received.append(json.loads(payload))

    await conn.add_listener(CHANNEL, heard)
    yield received
    await conn.close()


async def _updates(live: list[dict[str, Any]], org_id: UUID, count: int) -> list[Any]:
    async with asyncio.timeout(10):
        while True:
            mine = [
                u
                for u in live
                if u["organization_id"] == str(org_id)
                and u["type"].startswith(("reporting.quality.", "reporting.maintenance."))
            ]
            if len(mine) >= count:
                return mine
            await asyncio.sleep(0.02)


async def test_open_quality_and_maintenance_tiles_hear_of_new_facts_only(
    shop: Shop, live: list[dict[str, Any]], plants: list[UUID]
) -> None:
    figures = quality_events.figures(shop, DAY, 100, 90)
    kpis, _ = maintenance_events.published(shop, maintenance_events.inputs(uuid4(), DAY))
    await shop.deliver(figures, quality_events.ncr(shop, uuid4(), "open", 1), kpis)
    told = await _updates(live, shop.org_id, 3)
    assert [u["type"] for u in told] == [
        "reporting.quality.figures",
        "reporting.quality.ncrs",
        "reporting.maintenance.kpis",
    ]
    assert all(u["plant_id"] == u["id"] == str(plants[0]) for u in told)
    assert told[0]["data"] == {"from": str(DAY), "to": str(DAY)}
    await shop.deliver(figures)  # a replay: nothing new, nothing told
    await asyncio.sleep(0.3)
    assert len(await _updates(live, shop.org_id, 3)) == 3
