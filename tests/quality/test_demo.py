"""The demo quality: made through the service's own code, once."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg

from quality.demo import DemoMaterial, seed_demo


async def test_the_demo_history_is_made_once(
    owner_conn: asyncpg.Connection, admin_conn: asyncpg.Connection, org_id: UUID
) -> None:
    plant = uuid4()
    materials = [
        DemoMaterial(id=uuid4(), number=n, description=n, base_unit="PC", version=1)
        for n in ("RM-1040", "SF-2003", "FG-3001")
    ]
    await seed_demo(owner_conn, org_id, [plant], materials)

    async def count(table: str, where: str = "true") -> int:
        return int(
            await admin_conn.fetchval(
                f"SELECT count(*) FROM quality.{table} WHERE organization_id = $1 AND {where}",
                org_id,
            )
        )

    tables = ("materials", "inspection_plans", "inspections", "ncrs", "capas", "capa_actions")
    first = {t: await count(t) for t in tables}
    # A lot a day for 30 days; the two with oversize bores rejected, each with an NCR.
    assert first == {
        "materials": 3,
        "inspection_plans": 2,
        "inspections": 30,
        "ncrs": 2,
        "capas": 1,
        "capa_actions": 3,
    }
    assert await count("inspections", "decision = 'rejected'") == 2
    assert await count("inspections", "status = 'results_recorded'") == 1
    await seed_demo(owner_conn, org_id, [plant], materials)
    assert {t: await count(t) for t in tables} == first
