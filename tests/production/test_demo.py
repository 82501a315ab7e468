"""The demo shop floor: made through the service's own code, once."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

from production.demo import DemoMaterial, seed_demo


def _materials() -> list[DemoMaterial]:
    return [
        DemoMaterial(
            id=uuid4(), number=n, description=d, type=t, base_unit="PC", status="active", version=1
        )
        for n, d, t in (
            ("SF-1", "Pump shaft", "semi_finished"),
            ("FG-1", "Pump set", "finished"),
            ("RM-1", "Steel bar", "raw"),
        )
    ]


async def test_the_demo_shop_floor_is_made_once(
    owner_conn: asyncpg.Connection, admin_conn: asyncpg.Connection, org_id: UUID
) -> None:
    plants = [uuid4(), uuid4()]
    materials = _materials()
    await seed_demo(owner_conn, org_id, plants, materials)

    async def count(table: str) -> int:
        return int(
            await admin_conn.fetchval(
                f"SELECT count(*) FROM production.{table} WHERE organization_id = $1", org_id
            )
        )

    first = {
        t: await count(t) for t in ("shift_calendars", "work_centers", "routings", "work_orders")
    }
    assert first == {"shift_calendars": 2, "work_centers": 12, "routings": 4, "work_orders": 4}
    logged = await count("production_logs")
    assert logged >= 2  # the order that ran yesterday: its start and its counts
    await seed_demo(owner_conn, org_id, plants, materials)
    assert {t: await count(t) for t in first} == first
