"""The schema of work-order, work-center and measurement facts: every new query prepares
on the runtime role, RLS is forced, the facts are partitioned monthly and their
partitions closed to the runtime role, and the new topics reach reporting's queue."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from reporting import worker
from reporting.dashboard_cache import freshness
from reporting.production_facts import repo, work_orders
from reporting.quality_facts import capability
from tests.support.partitions import assert_partitions_closed_to

FACTS = ("work_order_facts", "measurement_facts")
TABLES = (*FACTS, "work_order_states", "work_order_daily", "work_centers", "spc_daily")


async def test_the_new_queries_prepare_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("reporting"))
    failures = {}
    try:
        for module, queries in (
            ("work_orders", work_orders.SQL),
            ("capability", capability.SQL),
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


async def test_the_new_tables_force_rls_and_the_facts_are_partitioned_monthly(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
        " FROM pg_class c WHERE c.relnamespace = 'reporting'::regnamespace"
        " AND c.relname = ANY($1::text[])",
        list(TABLES),
    )
    assert {r["relname"] for r in rows} == set(TABLES)
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        assert row["policies"] >= 1, row["relname"]
    for table in FACTS:
        interval = await admin_conn.fetchval(
            "SELECT partition_interval FROM partman.part_config WHERE parent_table = $1",
            f"reporting.{table}",
        )
        assert interval == "1 mon", table
        await assert_partitions_closed_to(admin_conn, f"reporting.{table}", "unison_reporting")


async def test_the_new_topics_are_bound_and_handled(admin_conn: asyncpg.Connection) -> None:
    bound = {
        r["pattern"]
        for r in await admin_conn.fetch(
            "SELECT pattern FROM pgmq.topic_bindings WHERE queue_name = 'reporting_events'"
        )
    }
    for topic in (
        "production.work_center.changed",
        "production.work_order.created",
        "production.work_order.status_changed",
        "quality.measurements.recorded",
    ):
        assert topic in bound and topic in worker.EVENT_HANDLERS, topic
