"""The migrated maintenance schema: every query prepares, RLS is forced on every table,
the readings are partitioned ahead of time and closed to the runtime role."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from maintenance.equipment import repo as equipment_repo
from maintenance.kpis import service as kpis_service
from maintenance.meters import repo as meters_repo
from maintenance.plans import repo as plans_repo
from maintenance.read_models import handlers as read_models
from maintenance.work_orders import codes_repo
from maintenance.work_orders import repo as orders_repo
from tests.support.partitions import assert_partitions_closed_to

ALL_QUERIES = {
    "equipment": equipment_repo.Q,
    "kpis": kpis_service.Q,
    "meters": meters_repo.Q,
    "plans": plans_repo.Q,
    "read_models": read_models.Q,
    "codes": codes_repo.Q,
    "work_orders": orders_repo.Q,
}


async def test_every_named_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("maintenance"))
    failures = {}
    try:
        for module, queries in ALL_QUERIES.items():
            for name, statement in queries.items():
                try:
                    await conn.prepare(statement)
                except asyncpg.PostgresError as exc:
                    failures[f"{module}.{name}"] = str(exc)
    finally:
        await conn.close()
    assert failures == {}


async def test_every_maintenance_table_forces_row_level_security(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
        " FROM pg_class c WHERE c.relnamespace = 'maintenance'::regnamespace"
        " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    )
    assert {r["relname"] for r in rows} >= {"equipment", "work_orders", "meter_readings"}
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        assert row["policies"] >= 1, row["relname"]


async def test_readings_are_partitioned_monthly_and_closed_to_the_runtime_role(
    admin_conn: asyncpg.Connection,
) -> None:
    interval = await admin_conn.fetchval(
        "SELECT partition_interval FROM partman.part_config"
        " WHERE parent_table = 'maintenance.meter_readings'"
    )
    assert interval == "1 mon"
    await assert_partitions_closed_to(
        admin_conn, "maintenance.meter_readings", "unison_maintenance"
    )
