"""Demo data for the embedded default: the composition root that knows every seeder.

Services never import each other; this development tool is the one place that calls the
gateway's seeder (organizations, plants, users, policies) and hands the organizations to
each service's own seeder. Every seeder is idempotent.
"""

from __future__ import annotations

import asyncpg

from gateway.demo import DemoOrg
from gateway.demo import seed_demo as seed_identity
from inventory.demo import seed_demo as seed_inventory
from production.demo import DemoMaterial
from production.demo import seed_demo as seed_production

# Production learns materials from inventory's events; the demo hands them over at once
# so the demo orders exist before the workers run (the events change nothing after).
MATERIALS = """
SELECT id, number, description, type, base_unit, status, version
FROM inventory.materials WHERE organization_id = $1 ORDER BY number
"""


async def _materials(conn: asyncpg.Connection, organization_id: object) -> list[DemoMaterial]:
    async with conn.transaction():
        await conn.execute(
            "SELECT set_config('app.organization_id', $1, true)", str(organization_id)
        )
        rows = await conn.fetch(MATERIALS, organization_id)
    return [DemoMaterial(**dict(r)) for r in rows]


async def seed(owner_dsn: str) -> list[DemoOrg]:
    conn = await asyncpg.connect(owner_dsn)
    try:
        orgs = await seed_identity(conn)
        for org in orgs:
            await seed_inventory(conn, org.organization_id, list(org.plant_ids))
            materials = await _materials(conn, org.organization_id)
            await seed_production(conn, org.organization_id, list(org.plant_ids), materials)
        return orgs
    finally:
        await conn.close()
