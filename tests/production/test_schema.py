"""The migrated production schema: every query prepares, RLS is forced on every table,
the shop-floor log is partitioned ahead of time, retention keeps each organization's own
months."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from production.calendars import repo as calendars_repo
from production.downtime import repo as downtime_repo
from production.label_jobs import service as labels_service
from production.oee_tracking import repo as buckets_repo
from production.organization import service as settings_service
from production.organization.service import cutoff
from production.planning import service as planning_service
from production.read_models import repo as read_models_repo
from production.reasons import repo as reasons_repo
from production.routings import repo as routings_repo
from production.shop_floor import repo as shop_floor_repo
from production.work_centers import repo as work_centers_repo
from production.work_orders import repo as work_orders_repo
from tests.support.partitions import assert_partitions_closed_to

ALL_QUERIES = {
    "calendars": calendars_repo.Q,
    "downtime": downtime_repo.Q,
    "labels": labels_service.Q,
    "buckets": buckets_repo.Q,
    "settings": settings_service.Q,
    "planning": planning_service.Q,
    "read_models": read_models_repo.Q,
    "reasons": reasons_repo.Q,
    "routings": routings_repo.Q,
    "shop_floor": shop_floor_repo.Q,
    "work_centers": work_centers_repo.Q,
    "work_orders": work_orders_repo.Q,
}


async def test_every_named_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("production"))
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


async def test_every_production_table_forces_row_level_security(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
        " FROM pg_class c WHERE c.relnamespace = 'production'::regnamespace"
        " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    )
    assert {r["relname"] for r in rows} >= {"work_orders", "production_logs", "oee_buckets"}
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        assert row["policies"] >= 1, row["relname"]


async def test_the_log_is_partitioned_monthly_with_months_made_ahead(
    admin_conn: asyncpg.Connection,
) -> None:
    config = await admin_conn.fetchrow(
        "SELECT partition_interval, premake, retention FROM partman.part_config"
        " WHERE parent_table = 'production.production_logs'"
    )
    assert config["partition_interval"] == "1 mon" and config["premake"] >= 3
    ahead = datetime.now(UTC).replace(day=1) + timedelta(days=92)
    covering = await admin_conn.fetchval(
        "SELECT count(*) FROM partman.show_partitions('production.production_logs') p,"
        " LATERAL partman.show_partition_info(p.partition_schemaname || '.' ||"
        " p.partition_tablename) i WHERE i.child_start_time <= $1 AND i.child_end_time > $1",
        ahead,
    )
    assert covering == 1
    brin = await admin_conn.fetchval(
        "SELECT count(*) FROM pg_indexes WHERE schemaname = 'production'"
        " AND tablename = 'production_logs' AND indexdef LIKE '%USING brin%'"
    )
    assert brin == 1
    await assert_partitions_closed_to(admin_conn, "production.production_logs", "unison_production")


async def test_partman_drops_months_past_the_longest_retention_of_any_organization(
    admin_conn: asyncpg.Connection, owner_conn: asyncpg.Connection
) -> None:
    org = uuid.uuid4()
    await admin_conn.execute(
        "INSERT INTO production.settings (organization_id, log_retention_months) VALUES ($1, 60)",
        org,
    )
    try:
        assert await owner_conn.fetchval("SELECT production.sync_log_retention()") == "60 months"
    finally:
        await admin_conn.execute("DELETE FROM production.settings WHERE organization_id = $1", org)
    assert await owner_conn.fetchval("SELECT production.sync_log_retention()") == "24 months"


def test_retention_keeps_whole_months() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert cutoff(24, now) == datetime(2024, 12, 1, tzinfo=UTC)
    assert cutoff(1, now) == datetime(2026, 11, 1, tzinfo=UTC)
    assert cutoff(12, datetime(2026, 1, 15, tzinfo=UTC)) == datetime(2025, 1, 1, tzinfo=UTC)
