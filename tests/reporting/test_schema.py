"""The migrated reporting schema: every query prepares, RLS is forced on every table,
the facts are partitioned monthly and closed to the runtime role, production's topics
reach reporting's queue and the worker handles every one of them."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from reporting import worker
from reporting.dashboard_cache import freshness
from reporting.production_facts import repo
from tests.support.partitions import assert_partitions_closed_to

FACT_TABLES = ("count_facts", "downtime_facts", "shift_facts")


async def test_every_named_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("reporting"))
    failures = {}
    try:
        for module, queries in (
            ("facts", repo.FACTS),
            ("rebuild", repo.REBUILD),
            ("oee", repo.READS),
            ("generations", freshness.QUERIES),
        ):
            for name, statement in queries.items():
                try:
                    await conn.prepare(statement)
                except asyncpg.PostgresError as exc:
                    failures[f"{module}.{name}"] = str(exc)
    finally:
        await conn.close()
    assert failures == {}


async def test_every_reporting_table_forces_row_level_security(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
        " FROM pg_class c WHERE c.relnamespace = 'reporting'::regnamespace"
        " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    )
    assert {r["relname"] for r in rows} >= {
        *FACT_TABLES,
        "production_hourly",
        "production_daily",
        "production_plant_daily",
        "dashboard_generations",
    }
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        assert row["policies"] >= 1, row["relname"]


async def test_facts_are_partitioned_monthly_and_closed_to_the_runtime_role(
    admin_conn: asyncpg.Connection,
) -> None:
    for table in FACT_TABLES:
        interval = await admin_conn.fetchval(
            "SELECT partition_interval FROM partman.part_config WHERE parent_table = $1",
            f"reporting.{table}",
        )
        assert interval == "1 mon", table
        await assert_partitions_closed_to(admin_conn, f"reporting.{table}", "unison_reporting")


async def test_the_worker_handles_every_topic_bound_to_its_queue(
    admin_conn: asyncpg.Connection,
) -> None:
    bound = await admin_conn.fetch(
        "SELECT pattern FROM pgmq.topic_bindings WHERE queue_name = 'reporting_events'"
    )
    assert {r["pattern"] for r in bound} == set(worker.EVENT_HANDLERS)
    assert all(topic in worker.EVENT_TYPES for topic in worker.EVENT_HANDLERS)
