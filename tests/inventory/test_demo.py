"""Demo data: realistic, complete enough to click through, and safe to load twice."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from inventory.demo import seed_demo
from tests.inventory.conftest import Headers

Count = Callable[[str], Awaitable[int]]


async def test_seed_demo_loads_units_materials_and_plant_data_once(
    owner_conn: asyncpg.Connection, org_id: uuid.UUID, plants: list[uuid.UUID], count_rows: Count
) -> None:
    await seed_demo(owner_conn, org_id, plants)
    counts = {
        t: await count_rows(t)
        for t in (
            "units",
            "materials",
            "material_units",
            "material_plants",
            "audit_log",
            "storage_locations",
            "goods_movements",
            "goods_movement_lines",
            "reservations",
            "lots",
        )
    }
    assert counts["units"] >= 13
    assert 38 <= counts["materials"] <= 45
    assert counts["material_units"] >= 10
    assert counts["material_plants"] > counts["materials"]  # some are in both plants
    assert counts["storage_locations"] == 12  # six per plant
    assert counts["goods_movements"] == 6  # opening stock, a receipt to inspect, a transfer
    assert counts["reservations"] == 6
    assert counts["lots"] >= 3
    await seed_demo(owner_conn, org_id, plants)
    assert {t: await count_rows(t) for t in counts} == counts


async def test_demo_materials_work_through_the_api(
    owner_conn: asyncpg.Connection,
    org_id: uuid.UUID,
    plants: list[uuid.UUID],
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    await seed_demo(owner_conn, org_id, plants)
    found = await client.get(
        "/api/inventory/materials", params={"q": "bearing 6204"}, headers=auth()
    )
    [bearing] = found.json()["items"]
    conversion = await client.get(
        f"/api/inventory/materials/{bearing['id']}/conversion",
        params={"quantity": "3", "from": "BOX", "to": "PC"},
        headers=auth(),
    )
    assert conversion.json()["result"] == "30"
    plant_data = await client.get(
        f"/api/inventory/materials/{bearing['id']}/plants", headers=auth()
    )
    assert plant_data.json()["items"][0]["procurement_type"] == "buy"
    kinds = {
        m["type"]
        for m in (
            await client.get("/api/inventory/materials", params={"limit": 100}, headers=auth())
        ).json()["items"]
    }
    assert kinds == {"raw", "semi_finished", "finished", "consumable", "spare"}


async def test_seed_demo_inside_a_callers_transaction(
    owner_conn: asyncpg.Connection, org_id: uuid.UUID, plants: list[uuid.UUID], count_rows: Count
) -> None:
    async with owner_conn.transaction():
        await seed_demo(owner_conn, org_id, plants)
    assert await count_rows("materials") >= 38


async def test_demo_stock_is_valued_available_and_partly_in_inspection(
    owner_conn: asyncpg.Connection,
    org_id: uuid.UUID,
    plants: list[uuid.UUID],
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    await seed_demo(owner_conn, org_id, plants)
    valuations = (
        await client.get(
            "/api/inventory/valuations", params={"plant_id": str(plants[0])}, headers=auth()
        )
    ).json()["items"]
    assert len(valuations) == 12
    assert all(float(v["value"]) > 0 for v in valuations)
    reserved = (
        await client.get(
            "/api/inventory/reservations", params={"reference": "WO-100001"}, headers=auth()
        )
    ).json()["items"]
    availability = (
        await client.get(
            "/api/inventory/availability",
            params={"material_id": reserved[0]["material_id"], "plant_id": reserved[0]["plant_id"]},
            headers=auth(),
        )
    ).json()
    assert availability["reserved"] == "6"
    in_quality = (
        await client.get("/api/inventory/stock", params={"category": "quality"}, headers=auth())
    ).json()["items"]
    assert [row["quantity"] for row in in_quality] == ["25", "25"]
