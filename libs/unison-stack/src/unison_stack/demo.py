"""Demo data for the embedded default: the composition root that knows every seeder.

Services never import each other; this development tool is the one place that calls the
gateway's seeder (organizations, plants, users, policies) and hands the organizations to
each service's own seeder. Every seeder is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from gateway.demo import DemoOrg
from gateway.demo import seed_demo as seed_identity
from inventory.demo import seed_demo as seed_inventory
from maintenance.demo import DemoWorkCenter
from maintenance.demo import seed_demo as seed_maintenance
from production.demo import DemoMaterial, link_equipment
from production.demo import seed_demo as seed_production
from quality.demo import DemoMaterial as QualityMaterial
from quality.demo import seed_demo as seed_quality

# Production and quality learn materials from inventory's events; the demo hands them over
# at once so the demo orders and inspections exist before the workers run (the events
# change nothing after).
MATERIALS = """
SELECT id, number, description, type, base_unit, status, version
FROM inventory.materials WHERE organization_id = $1 ORDER BY number
"""


# Search learns everything from the services' events, but most demo data is written by the
# seeders, not through the APIs: a rebuild (search's worker reads every service's API once
# the stack runs) fills the index, queued once, while the organization has no index yet.
SEARCH_INDEXED = "SELECT EXISTS (SELECT 1 FROM search.settings WHERE organization_id = $1)"
# As bus.enqueue_for_all_organizations does, for one organization (the owner may insert
# jobs for a service's role, not read them back: the id is made first).
SEARCH_REBUILD = """
WITH job AS (SELECT app.uuid7() AS id), queued AS (
    INSERT INTO bus.jobs (organization_id, id, owner, kind, params, max_attempts, created_by)
    SELECT $1, job.id, 'unison_search', 'search.rebuild', '{}', 3, 'demo' FROM job
)
SELECT pgmq.send('search_jobs', jsonb_build_object('job_id', job.id, 'organization_id', $1::uuid,
                                                   'kind', 'search.rebuild'))
FROM job
"""


async def _index_for_search(conn: asyncpg.Connection, orgs: Sequence[DemoOrg]) -> None:
    for org in orgs:
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.organization_id', $1, true)", str(org.organization_id)
            )
            if not await conn.fetchval(SEARCH_INDEXED, org.organization_id):
                await conn.fetchval(SEARCH_REBUILD, org.organization_id)


# Maintenance learns work centers from production's events; the demo hands them over.
WORK_CENTERS = """
SELECT id, plant_id, code, name, line
FROM production.work_centers WHERE organization_id = $1 ORDER BY plant_id, code
"""


async def _work_centers(
    conn: asyncpg.Connection, organization_id: object, plants: Sequence[object]
) -> list[DemoWorkCenter]:
    async with conn.transaction():
        await conn.execute(
            "SELECT set_config('app.organization_id', $1, true),"
            " set_config('app.plant_ids', $2, true)",
            str(organization_id),
            ",".join(str(p) for p in plants),
        )
        rows = await conn.fetch(WORK_CENTERS, organization_id)
    return [DemoWorkCenter(**dict(r)) for r in rows]


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
            plants = list(org.plant_ids)
            centers = await _work_centers(conn, org.organization_id, plants)
            machines = await seed_maintenance(conn, org.organization_id, plants, centers)
            await link_equipment(conn, org.organization_id, plants, machines)
            await seed_quality(
                conn,
                org.organization_id,
                plants,
                [
                    QualityMaterial(
                        id=m.id,
                        number=m.number,
                        description=m.description,
                        base_unit=m.base_unit,
                        version=m.version,
                    )
                    for m in materials
                ],
            )
        await _index_for_search(conn, orgs)
        return orgs
    finally:
        await conn.close()
