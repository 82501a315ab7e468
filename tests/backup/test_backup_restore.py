"""A backup restores into an empty cluster with every row of every table, byte for byte.

The demo data is seeded into the test cluster and a pgmq queue gets messages (one
archived); the backup is taken inside an exported snapshot in which every table's row
count and checksum (md5 of its rows' text, in a fixed order) are computed too, so the
figures describe exactly what was dumped. The restore goes into a new cluster on other
ports with passwords of its own (roles come from the stack's role setup, not the dump);
the same figures are computed there and must be equal for every table of every schema:
the services', identity, bus, cache, meta, pgmq's queues and archives, pg_cron's
schedules and pg_partman's configuration.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from unison_stack.backup import BackupError, backup, restore
from unison_stack.demo import seed
from unison_stack.paths import TEST, StatePaths
from unison_stack.roles import SERVICES, SUPERUSER
from unison_stack.stack import TEST_PORTS, Ports, Stack

# Inside this checkout's port band (UNISON_TEST_PORT_OFFSET), clear of the test, bench
# and crash-test ports.
TARGET_PORTS = Ports(
    postgres=TEST_PORTS.postgres + 90,
    gateway=TEST_PORTS.gateway + 90,
    first_service=TEST_PORTS.first_service + 890,
)
# While it is compared, the restored copy runs no pg_cron job (each writes its run into
# cron.job_run_details) and no pg_partman maintenance: nothing changes it but the restore.
QUIET = "\ncron.max_running_jobs = 0\npg_partman_bgw.dbname = ''\n"
PROBE_QUEUE = "backup_probe"

TABLES = """
SELECT c.oid::regclass::text AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
ORDER BY 1
"""


async def _figures(conn: asyncpg.Connection) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row's text, ordered, for every table (superuser:
    no row-level security applies)."""
    figures: dict[str, tuple[int, str]] = {}
    for (name,) in await conn.fetch(TABLES):
        row = await conn.fetchrow(
            f"SELECT count(*) AS n,"
            f" md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum"
            f" FROM {name} t"
        )
        assert row is not None
        figures[name] = (row["n"], row["sum"])
    return figures


@pytest.fixture
async def probe_queue(owner_conn: asyncpg.Connection) -> AsyncIterator[str]:
    await owner_conn.execute("SELECT pgmq.create($1)", PROBE_QUEUE)
    try:
        ids = await owner_conn.fetchval(
            "SELECT array_agg(id) FROM pgmq.send_batch($1, ARRAY[$2::jsonb, $3, $4]) id",
            PROBE_QUEUE,
            '{"n": 1}',
            '{"n": 2}',
            '{"n": 3}',
        )
        await owner_conn.execute("SELECT pgmq.archive($1, $2::bigint)", PROBE_QUEUE, ids[0])
        yield PROBE_QUEUE
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", PROBE_QUEUE)


@pytest.fixture
def target() -> Iterator[Stack]:
    # Under this checkout's .data, not pytest's shared temporary root: the server runs as
    # the postgres OS user, and a concurrent pytest session resets that root to 0700.
    base = TEST.base / "restored"
    shutil.rmtree(base, ignore_errors=True)
    stack = Stack(StatePaths(base), TARGET_PORTS, fast=True)
    assert stack.embedded, "the restore target is a cluster of its own"
    stack.paths.make()
    stack.cluster.init(stack.passwords[SUPERUSER])
    with (stack.cluster.data_dir / "postgresql.conf").open("a") as conf:
        conf.write(QUIET)
    try:
        yield stack
    finally:
        stack.cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


async def _snapshot_backup(stack: Stack, file: Path) -> dict[str, tuple[int, str]]:
    conn = await asyncpg.connect(stack.admin_database_dsn)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            figures = await _figures(conn)
            await asyncio.to_thread(backup, stack, file, snapshot=snapshot)
        return figures
    finally:
        await conn.close()


async def test_a_backup_restores_every_row_into_an_empty_cluster(
    stack: Stack, probe_queue: str, target: Stack, tmp_path: Path
) -> None:
    orgs = await seed(stack.owner_dsn)
    file = tmp_path / "unison.dump"
    before = await _snapshot_backup(stack, file)
    assert file.stat().st_mode & 0o077 == 0, "a backup is readable by its owner only"

    await restore(target, file)

    conn = await asyncpg.connect(target.admin_database_dsn)
    try:
        after = await _figures(conn)
    finally:
        await conn.close()
    assert sorted(after) == sorted(before)
    differing = [name for name in before if before[name] != after[name]]
    assert differing == [], f"tables that differ after the restore: {differing}"

    # What the comparison covered: every kind of table named in the brief, with rows.
    rows = {name: count for name, (count, _) in before.items()}
    assert rows[f"pgmq.q_{probe_queue}"] == 2 and rows[f"pgmq.a_{probe_queue}"] == 1
    assert rows["pgmq.meta"] > 0 and rows["cron.job"] > 0 and rows["partman.part_config"] > 0
    assert rows["meta.schema_migrations"] > 0 and rows["identity.users"] > 0
    for schema in SERVICES:
        assert any(n.startswith(f"{schema}.") for n in rows), schema
    # The demo seed writes these directly (search and reporting fill from events, through
    # their workers, which do not run here: their tables are compared, maybe empty).
    for schema in ("inventory", "production", "quality", "maintenance"):
        assert any(n.startswith(f"{schema}.") and c > 0 for n, c in rows.items()), schema

    # The runtime roles log in with the restoring stack's own passwords, and row-level
    # security came back with the tables: nothing without an organization, its rows with.
    acme = next(o for o in orgs if o.slug == "acme")
    runtime = await asyncpg.connect(target.role_dsn("unison_inventory"))
    try:
        assert await runtime.fetchval("SELECT count(*) FROM inventory.materials") == 0
        async with runtime.transaction():
            await runtime.execute(
                "SELECT set_config('app.organization_id', $1, true)", str(acme.organization_id)
            )
            seen = await runtime.fetchval("SELECT count(*) FROM inventory.materials")
    finally:
        await runtime.close()
    superuser = await asyncpg.connect(target.admin_database_dsn)  # RLS is forced on the owner
    try:
        expected = await superuser.fetchval(
            "SELECT count(*) FROM inventory.materials WHERE organization_id = $1",
            acme.organization_id,
        )
    finally:
        await superuser.close()
    assert seen == expected > 0
    assert target.passwords["unison_inventory"] != stack.passwords["unison_inventory"]


async def test_a_restore_refuses_a_database_that_exists(stack: Stack, tmp_path: Path) -> None:
    file = tmp_path / "unison.dump"
    await asyncio.to_thread(backup, stack, file)
    with pytest.raises(BackupError, match="exists"):
        await restore(stack, file)
    with pytest.raises(BackupError, match="no backup file"):
        await restore(stack, tmp_path / f"{uuid.uuid4()}.dump")


def test_the_commands_behind_dev_backup_and_restore(tmp_path: Path) -> None:
    """``./dev backup FILE`` and ``./dev restore FILE`` (Taskfile -> unison_stack)."""
    from unison_stack.__main__ import main

    file = tmp_path / "cli.dump"
    assert main(["--stack", "test", "backup", str(file)]) == 0
    assert file.stat().st_size > 0
    assert not file.with_name(file.name + ".partial").exists()
    # The test database exists: restore refuses (exit 1) rather than writing into it.
    assert main(["--stack", "test", "restore", str(file)]) == 1
