"""The demo maintenance: made through the service's own code, once."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

from maintenance.demo import DemoWorkCenter, seed_demo


async def test_the_demo_equipment_is_made_once_and_linked_to_the_work_centers(
    owner_conn: asyncpg.Connection, admin_conn: asyncpg.Connection, org_id: UUID
) -> None:
    plant = uuid4()
    centers = [
        DemoWorkCenter(id=uuid4(), plant_id=plant, code=code, name=code, line=line)
        for code, line in (("CNC-01", "MACH"), ("CNC-02", "MACH"), ("ASSY-01", "ASSY"))
    ]
    linked = await seed_demo(owner_conn, org_id, [plant], centers)
    assert set(linked) == {c.id for c in centers}

    async def count(table: str) -> int:
        return int(
            await admin_conn.fetchval(
                f"SELECT count(*) FROM maintenance.{table} WHERE organization_id = $1", org_id
            )
        )

    first = {t: await count(t) for t in ("equipment", "meters", "pm_plans", "work_orders")}
    # Two lines and three machines; an hour meter and two plans each; one open repair.
    assert first == {"equipment": 5, "meters": 3, "pm_plans": 6, "work_orders": 1}
    assert await seed_demo(owner_conn, org_id, [plant], centers) == {}
    assert {t: await count(t) for t in first} == first
