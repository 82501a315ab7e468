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


async def seed(owner_dsn: str) -> list[DemoOrg]:
    conn = await asyncpg.connect(owner_dsn)
    try:
        orgs = await seed_identity(conn)
        for org in orgs:
            await seed_inventory(conn, org.organization_id, list(org.plant_ids))
        return orgs
    finally:
        await conn.close()
