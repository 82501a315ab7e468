"""The schedule hook: pg_cron (as the owner) queues one job per organization."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg

from unison_pg import Database, Tenant


async def test_a_schedule_queues_a_job_for_every_organization_of_the_right_service(
    owner_conn: asyncpg.Connection, role_dsn: Callable[[str], str]
) -> None:
    org = uuid.uuid4()
    async with owner_conn.transaction():
        await owner_conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org))
        await owner_conn.execute(
            "INSERT INTO identity.organizations (id, slug, name) VALUES ($1, $2, 'Scheduled Ltd')",
            org,
            f"sched-{org.hex[:12]}",
        )
    kind = f"test.nightly_{uuid.uuid4().hex[:6]}"
    organizations = await owner_conn.fetchval("SELECT count(*) FROM identity.organizations")
    queued = await owner_conn.fetchval(
        "SELECT bus.enqueue_for_all_organizations('maintenance', $1)", kind
    )
    assert queued == organizations

    maintenance = Database(role_dsn("maintenance"), max_size=2)
    inventory = Database(role_dsn("inventory"), max_size=2)
    try:
        async with maintenance.transaction(Tenant(organization_id=org)) as conn:
            rows = await conn.fetch("SELECT kind, created_by FROM bus.jobs WHERE kind = $1", kind)
        assert [(r["kind"], r["created_by"]) for r in rows] == [(kind, "schedule")]
        async with inventory.transaction(Tenant(organization_id=org)) as conn:
            assert await conn.fetchval("SELECT count(*) FROM bus.jobs WHERE kind = $1", kind) == 0
    finally:
        await maintenance.close()
        await inventory.close()
