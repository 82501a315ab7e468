"""The inventory facts' schema: every inventory query prepares on the runtime role, RLS is
forced on every table, the movement facts are partitioned monthly and closed to the
runtime role, and inventory's topics reach the worker's handlers."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from reporting import worker
from reporting.inventory_facts import repo
from tests.support.partitions import assert_partitions_closed_to

TABLES = (
    "inventory_movement_facts",
    "inventory_plant_daily",
    "inventory_daily",
    "inventory_plant_monthly",
    "inventory_monthly",
    "inventory_material_stock",
    "inventory_lot_stock",
    "inventory_materials",
    "inventory_below_reorder",
    "inventory_generations",
)
TOPICS = (
    "inventory.goods_movement.posted",
    "inventory.material.created",
    "inventory.material.changed",
    "inventory.material.deleted",
    "inventory.stock.below_reorder_point",
    "inventory.stock.reorder_point_recovered",
)


async def test_every_inventory_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("reporting"))
    failures = {}
    try:
        for module, queries in (
            ("facts", repo.FACTS),
            ("kpis", repo.READS),
            ("rebuild", repo.REBUILD),
        ):
            for name, statement in queries.items():
                try:
                    await conn.prepare(statement)
                except asyncpg.PostgresError as exc:
                    failures[f"{module}.{name}"] = str(exc)
    finally:
        await conn.close()
    assert failures == {}


async def test_inventory_tables_force_rls_and_the_facts_are_partitioned_monthly(
    admin_conn: asyncpg.Connection,
) -> None:
    for table in TABLES:
        row = await admin_conn.fetchrow(
            "SELECT c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
            " FROM pg_class c WHERE c.oid = $1::regclass",
            f"reporting.{table}",
        )
        assert row["relrowsecurity"] and row["relforcerowsecurity"], table
        assert row["policies"] >= 1, table
    interval = await admin_conn.fetchval(
        "SELECT partition_interval FROM partman.part_config WHERE parent_table = $1",
        "reporting.inventory_movement_facts",
    )
    assert interval == "1 mon"
    await assert_partitions_closed_to(
        admin_conn, "reporting.inventory_movement_facts", "unison_reporting"
    )


async def test_inventorys_topics_are_bound_and_handled(admin_conn: asyncpg.Connection) -> None:
    bound = await admin_conn.fetch(
        "SELECT pattern FROM pgmq.topic_bindings WHERE queue_name = 'reporting_events'"
    )
    for topic in TOPICS:
        assert topic in {r["pattern"] for r in bound}
        assert topic in worker.EVENT_HANDLERS
        assert topic in worker.EVENT_TYPES
