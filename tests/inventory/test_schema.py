"""The migrated schema: queries prepare, RLS is forced, tenancy leads every key."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from inventory.repo import Q
from tests.support.partitions import assert_partitions_closed_to


@pytest.fixture
async def runtime_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        yield conn
    finally:
        await conn.close()


async def test_every_named_query_prepares_against_the_migrated_schema(
    runtime_conn: asyncpg.Connection,
) -> None:
    failures = {}
    for name, statement in Q.items():
        try:
            await runtime_conn.prepare(statement)
        except asyncpg.PostgresError as exc:
            failures[name] = str(exc)
    assert failures == {}
    assert len(Q.items()) >= 30


async def test_every_inventory_table_forces_row_level_security(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
        " FROM pg_class c WHERE c.relnamespace = 'inventory'::regnamespace"
        " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    )
    assert {r["relname"] for r in rows} >= {"units", "materials", "audit_log", "exports"}
    for row in rows:
        assert row["relrowsecurity"], row["relname"]
        assert row["relforcerowsecurity"], row["relname"]
        assert row["policies"] >= 1, row["relname"]


async def test_audit_partitions_are_reachable_only_through_the_parent(
    admin_conn: asyncpg.Connection,
) -> None:
    # pg_partman creates partitions without RLS; the runtime role has no grant on them, so
    # the forced policies of the parent are the only way in.
    await assert_partitions_closed_to(admin_conn, "inventory.audit_log", "unison_inventory")


async def test_the_audit_log_is_partitioned_monthly_by_pg_partman(
    admin_conn: asyncpg.Connection,
) -> None:
    interval = await admin_conn.fetchval(
        "SELECT partition_interval FROM partman.part_config"
        " WHERE parent_table = 'inventory.audit_log'"
    )
    assert interval == "1 mon"
    covered = await admin_conn.fetchval(
        "SELECT count(*) FROM partman.show_partitions('inventory.audit_log') p,"
        " LATERAL partman.show_partition_info("
        "   p.partition_schemaname || '.' || p.partition_tablename) i"
        " WHERE now() >= i.child_start_time AND now() < i.child_end_time"
    )
    assert covered == 1


async def test_the_runtime_role_cannot_bypass_rls_or_own_anything(
    admin_conn: asyncpg.Connection,
) -> None:
    role = await admin_conn.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'unison_inventory'"
    )
    assert role is not None
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]
    owned = await admin_conn.fetchval(
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'inventory'::regnamespace"
        " AND relowner = 'unison_inventory'::regrole"
    )
    assert owned == 0


async def test_organization_id_leads_every_primary_and_foreign_key(
    admin_conn: asyncpg.Connection,
) -> None:
    rows = await admin_conn.fetch(
        "SELECT conrelid::regclass::text AS tbl, conname, contype,"
        " (SELECT attname FROM pg_attribute"
        "  WHERE attrelid = conrelid AND attnum = conkey[1]) AS first_column"
        " FROM pg_constraint WHERE connamespace = 'inventory'::regnamespace"
        " AND contype IN ('p', 'f')"
        " AND conrelid IN (SELECT oid FROM pg_class WHERE NOT relispartition)"
    )
    assert rows
    assert {
        (r["tbl"], r["conname"]) for r in rows if r["first_column"] != "organization_id"
    } == set()


async def test_without_an_organization_reads_see_nothing_and_writes_fail(
    runtime_conn: asyncpg.Connection, owner_conn: asyncpg.Connection, org_id: uuid.UUID
) -> None:
    from inventory.demo import seed_units

    await seed_units(owner_conn, org_id)
    assert await runtime_conn.fetchval("SELECT count(*) FROM inventory.units") == 0
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await runtime_conn.execute(
            "INSERT INTO inventory.units (organization_id, code, name, dimension,"
            " factor_numerator, factor_denominator) VALUES ($1, 'X', 'x', 'count', 1, 1)",
            org_id,
        )


async def test_the_runtime_role_can_neither_change_nor_delete_audit_rows(
    runtime_conn: asyncpg.Connection,
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await runtime_conn.execute("UPDATE inventory.audit_log SET actor = 'someone else'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await runtime_conn.execute("DELETE FROM inventory.audit_log")


async def test_the_cleanup_job_deletes_idempotency_keys_older_than_a_day_only(
    runtime_conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    org_id: uuid.UUID,
) -> None:
    job = await admin_conn.fetchrow(
        "SELECT schedule, command, username FROM cron.job"
        " WHERE jobname = 'inventory-idempotency-cleanup'"
    )
    assert job is not None
    assert job["username"] == "unison_owner"
    async with runtime_conn.transaction():
        await runtime_conn.execute(
            "SELECT set_config('app.organization_id', $1, true)", str(org_id)
        )
        await runtime_conn.execute(
            "INSERT INTO inventory.idempotency_keys (organization_id, key, request_fingerprint,"
            " created_at) VALUES ($1, 'old', 'f', now() - interval '25 hours'),"
            " ($1, 'fresh', 'f', now() - interval '23 hours')",
            org_id,
        )
    # The job runs as the owner with no organization set: exactly what pg_cron does.
    await owner_conn.execute(job["command"])
    left = await admin_conn.fetch(
        "SELECT key FROM inventory.idempotency_keys WHERE organization_id = $1", org_id
    )
    assert [r["key"] for r in left] == ["fresh"]


async def test_descriptions_have_a_trigram_index(admin_conn: asyncpg.Connection) -> None:
    definition = await admin_conn.fetchval(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'inventory'"
        " AND indexname = 'materials_description_trgm'"
    )
    assert definition is not None
    assert "gin_trgm_ops" in definition


async def test_the_ledger_is_partitioned_monthly_and_append_only_for_the_runtime_role(
    runtime_conn: asyncpg.Connection, admin_conn: asyncpg.Connection
) -> None:
    interval = await admin_conn.fetchval(
        "SELECT partition_interval FROM partman.part_config"
        " WHERE parent_table = 'inventory.goods_movement_lines'"
    )
    assert interval == "1 mon"
    edits = {
        "goods_movement_lines": "UPDATE inventory.goods_movement_lines SET lot = 'edited'",
        "goods_movements": "UPDATE inventory.goods_movements SET reference = 'edited'",
    }
    for table, edit in edits.items():
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await runtime_conn.execute(edit)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await runtime_conn.execute(f"DELETE FROM inventory.{table}")
    await assert_partitions_closed_to(
        admin_conn, "inventory.goods_movement_lines", "unison_inventory"
    )


async def test_stock_balances_refuse_negative_quantities_unless_allowed(
    admin_conn: asyncpg.Connection,
) -> None:
    check = await admin_conn.fetchval(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conname = 'stock_balances_not_negative'"
    )
    assert check == "CHECK ((negative_allowed OR (quantity >= (0)::numeric)))"
