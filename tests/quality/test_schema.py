"""The migrated quality schema: every query prepares, RLS is forced on every table, the
results are partitioned ahead of time and closed to the runtime role."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from quality.capas import repo as capas_repo
from quality.charts import repo as charts_repo
from quality.figures import repo as figures_repo
from quality.inspections import repo as inspections_repo
from quality.ncrs import repo as ncrs_repo
from quality.notifications import repo as notifications_repo
from quality.plans import repo as plans_repo
from quality.read_models import repo as read_models_repo
from tests.support.partitions import assert_partitions_closed_to

ALL_QUERIES = {
    "capas": capas_repo.Q,
    "charts": charts_repo.Q,
    "figures": figures_repo.Q,
    "inspections": inspections_repo.Q,
    "ncrs": ncrs_repo.Q,
    "notifications": notifications_repo.Q,
    "plans": plans_repo.Q,
    "read_models": read_models_repo.Q,
}


async def test_every_named_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("quality"))
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


async def test_every_quality_table_forces_row_level_security(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
        " FROM pg_class c WHERE c.relnamespace = 'quality'::regnamespace"
        " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    )
    assert {r["relname"] for r in rows} >= {
        "inspection_plans",
        "inspections",
        "results",
        "ncrs",
        "capas",
        "people",
        "notifications",
        "lot_stock",
    }
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        assert row["policies"] >= 1, row["relname"]


async def test_results_are_partitioned_monthly_and_closed_to_the_runtime_role(
    admin_conn: asyncpg.Connection,
) -> None:
    interval = await admin_conn.fetchval(
        "SELECT partition_interval FROM partman.part_config WHERE parent_table = 'quality.results'"
    )
    assert interval == "1 mon"
    await assert_partitions_closed_to(admin_conn, "quality.results", "unison_quality")
