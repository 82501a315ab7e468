"""Migrations are forward-only and checksummed; readiness refuses a schema that is behind."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from unison_pg import migrations
from unison_stack.paths import DB_DIR


@pytest.fixture
async def scratch(
    owner_conn: asyncpg.Connection, tmp_path: Path
) -> AsyncIterator[tuple[Path, str]]:
    """A db/ folder with one schema of its own, so the real migrations stay untouched."""
    schema = f"scratch_{uuid.uuid4().hex[:8]}"
    (tmp_path / schema).mkdir()
    (tmp_path / "schemas.txt").write_text(f"{schema}\n")
    (tmp_path / schema / "0001_create.sql").write_text(
        f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.t (id int PRIMARY KEY);"
    )
    yield tmp_path, schema
    await owner_conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    await owner_conn.execute("DELETE FROM meta.schema_migrations WHERE schema_name = $1", schema)


async def test_applying_twice_applies_each_file_once(
    owner_conn: asyncpg.Connection, scratch: tuple[Path, str]
) -> None:
    db_dir, schema = scratch
    first = await migrations.apply(owner_conn, db_dir)
    second = await migrations.apply(owner_conn, db_dir)
    assert [m.label for m in first] == [f"{schema}/0001_create.sql"]
    assert second == []


async def test_a_changed_applied_file_stops_the_run_and_names_it(
    owner_conn: asyncpg.Connection, scratch: tuple[Path, str]
) -> None:
    db_dir, schema = scratch
    await migrations.apply(owner_conn, db_dir)
    (db_dir / schema / "0001_create.sql").write_text(f"CREATE SCHEMA {schema};")
    with pytest.raises(migrations.MigrationError, match=rf"{schema}/0001_create.sql was changed"):
        await migrations.apply(owner_conn, db_dir)


async def test_a_failing_file_leaves_nothing_behind(
    owner_conn: asyncpg.Connection, scratch: tuple[Path, str]
) -> None:
    db_dir, schema = scratch
    (db_dir / schema / "0002_broken.sql").write_text(
        f"CREATE TABLE {schema}.u (id int); SELECT no_such_function();"
    )
    with pytest.raises(migrations.MigrationError, match=r"0002_broken\.sql failed"):
        await migrations.apply(owner_conn, db_dir)
    assert await owner_conn.fetchval("SELECT to_regclass($1)", f"{schema}.u") is None
    pending = await migrations.pending(owner_conn, db_dir)
    assert [m.version for m in pending] == [2]


def test_a_badly_named_file_is_an_error_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "schemas.txt").write_text("s\n")
    (tmp_path / "s" / "1_bad.sql").write_text("SELECT 1;")
    with pytest.raises(migrations.MigrationError, match="must look like"):
        migrations.discover(tmp_path)


async def test_the_real_migrations_are_all_applied(owner_conn: asyncpg.Connection) -> None:
    assert await migrations.pending(owner_conn, DB_DIR) == []


async def test_readiness_reports_a_schema_that_is_behind(
    owner_conn: asyncpg.Connection, scratch: tuple[Path, str], role_dsn: object, tmp_path: Path
) -> None:
    from unison_pg import Database
    from unison_web.health import Readiness

    db_dir, schema = scratch
    assert callable(role_dsn)
    database = Database(role_dsn("inventory"))
    try:
        readiness = Readiness(database, db_dir, [schema])
        ok, checks = await readiness.run()
        assert not ok
        assert "behind" in str(checks["migrations"]["detail"])
        await migrations.apply(owner_conn, db_dir)
        ok, checks = await readiness.run()
        assert ok, checks
    finally:
        await database.close()
    shutil.rmtree(db_dir / schema)
