"""The inventory dashboards through the UNLOGGED cache: a hit is the miss's bytes; a
movement on or before a stock answer's last day (a back-dated one too) makes it fresh, a
later one leaves it; a movements answer only follows its own days; entries never cross
organizations or plant sets; open tiles hear about new facts, not about replays."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from reporting.inventory_facts.freshness import BELOW_REORDER_TOPIC, MOVEMENTS_TOPIC
from tests.reporting.inventory_events import Stockroom
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from unison_bus.live import CHANNEL

BASE = "/api/reporting/inventory"
WEEK = {"from": "2026-11-01", "to": "2026-11-07"}


async def _get(
    client: AsyncTestClient[Any], headers: dict[str, str], path: str, **params: Any
) -> tuple[bytes, str]:
    response = await client.get(f"{BASE}/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.content, response.headers["X-Cache"]


def _value(body: bytes) -> Decimal:
    return Decimal(json.loads(body)["total"]["stock_value"])


async def test_a_hit_is_byte_identical_and_only_movements_up_to_the_end_refresh_stock(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    a = uuid4()
    await shop.deliver(room.receipt(date(2026, 11, 3), a, "10", "100"))
    for path in ("stock", "movements"):
        for granularity in ("day", "week", "month"):
            first, state = await _get(client, auth(), path, **WEEK, granularity=granularity)
            assert state == "miss"
            assert await _get(client, auth(), path, **WEEK, granularity=granularity) == (
                first,
                "hit",
            )
    for path in ("lot-ageing", "below-reorder"):
        first, state = await _get(client, auth(), path)
        assert (state, await _get(client, auth(), path)) == ("miss", (first, "hit"))

    await shop.deliver(room.receipt(date(2026, 11, 20), a, "1", "5"))  # after the period
    assert (await _get(client, auth(), "stock", **WEEK))[1] == "hit"
    assert (await _get(client, auth(), "movements", **WEEK))[1] == "hit"

    await shop.deliver(room.receipt(date(2026, 10, 15), a, "2", "30"))  # back-dated, before
    body, state = await _get(client, auth(), "stock", **WEEK)
    assert (state, _value(body)) == ("miss", Decimal(130))
    assert (await _get(client, auth(), "movements", **WEEK))[1] == "hit"  # not its days
    assert (await _get(client, auth(), "lot-ageing"))[1] == "miss"

    other_plant = Stockroom(shop.org_id, [shop.plants[1]])
    await shop.deliver(other_plant.receipt(date(2026, 11, 2), a, "1", "1"))
    filtered = {**WEEK, "plant_id": str(shop.plants[0])}
    await _get(client, auth(), "stock", **filtered)
    await shop.deliver(other_plant.receipt(date(2026, 11, 4), a, "1", "1"))
    assert (await _get(client, auth(), "stock", **filtered))[1] == "hit"  # another plant's
    assert (await _get(client, auth(), "stock", **WEEK))[1] == "miss"  # every plant's


async def test_a_change_of_the_material_master_refreshes_answers_filtered_by_group(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    a, b = uuid4(), uuid4()
    await shop.deliver(
        room.material(a, "A", "G1"),
        room.material(b, "B", "G2"),
        room.receipt(date(2026, 11, 3), a, "10", "100"),
        room.receipt(date(2026, 11, 3), b, "1", "7"),
    )
    body, _ = await _get(client, auth(), "stock", **WEEK, material_group="G1")
    unfiltered, _ = await _get(client, auth(), "stock", **WEEK)
    assert _value(body) == 100
    await shop.deliver(room.material(b, "B", "G1", version=2))  # B joins G1
    body, state = await _get(client, auth(), "stock", **WEEK, material_group="G1")
    assert (state, _value(body)) == ("miss", Decimal(107))
    assert await _get(client, auth(), "stock", **WEEK) == (unfiltered, "hit")


async def test_entries_never_cross_organizations_or_plant_sets(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    await shop.deliver(
        room.receipt(date(2026, 11, 3), uuid4(), "10", "100"),
        room.receipt(date(2026, 11, 3), uuid4(), "1", "11", plant=1),
    )
    mine, _ = await _get(client, auth(), "stock", **WEEK)
    assert _value(mine) == 111
    plant0, state = await _get(client, auth(plant_ids=[shop.plants[0]]), "stock", **WEEK)
    assert (state, _value(plant0)) == ("miss", Decimal(100))
    theirs, state = await _get(client, auth(organization_id=uuid4()), "stock", **WEEK)
    assert (state, _value(theirs)) == ("miss", Decimal(0))
    foreign = await client.get(
        f"{BASE}/stock",
        params={**WEEK, "plant_id": str(shop.plants[1])},
        headers=auth(plant_ids=[shop.plants[0]]),
    )
    assert foreign.status_code == 404


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


async def _updates(live: list[dict[str, Any]], org_id: UUID, count: int) -> list[Any]:
    async with asyncio.timeout(10):
        while True:
            mine = [
                u
                for u in live
                if u["type"].startswith("reporting.inventory.")
                and u["organization_id"] == str(org_id)
            ]
            if len(mine) >= count:
                return mine
            await asyncio.sleep(0.02)


async def test_new_facts_tell_the_plants_open_tiles_and_a_replay_does_not(
    shop: Shop, live: list[dict[str, Any]], plants: list[UUID]
) -> None:
    room = Stockroom(shop.org_id, plants)
    a = uuid4()
    transfer = room.movement(
        "301", date(2026, 11, 2), room.line(0, a, "-1", "-5"), room.line(1, a, "1", "5")
    )
    below = room.below(a, "A")
    await shop.deliver(transfer, below)
    sent, received, crossed = await _updates(live, shop.org_id, 3)
    assert {sent["plant_id"], received["plant_id"]} == {str(p) for p in plants}
    assert sent["type"] == received["type"] == MOVEMENTS_TOPIC
    assert sent["data"] == {"from": "2026-11-02"}
    assert (crossed["type"], crossed["id"], crossed["data"]) == (
        BELOW_REORDER_TOPIC,
        str(a),
        {"below": True},
    )
    await shop.deliver(transfer, below)  # replays: nothing changed, nothing to refetch
    await asyncio.sleep(0.3)
    assert len(await _updates(live, shop.org_id, 3)) == 3
