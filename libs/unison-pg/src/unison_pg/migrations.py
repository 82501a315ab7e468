"""Forward-only, checksummed SQL migrations, one folder per schema under ``db/``.

``db/schemas.txt`` lists the schemas in the order they are applied; each folder holds
``NNNN_what_it_does.sql`` files. Every file runs in its own transaction as the owner role
and is recorded in ``meta.schema_migrations`` with its SHA-256; a file changed after it
was applied stops the run with a message naming it. Services never apply migrations:
they compare what is recorded with the files they ship and refuse readiness when behind.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x756E69736F6E  # "unison": one migrator at a time


class MigrationError(Exception):
    """The migrations on disk and in the database disagree; the message says how."""


@dataclass(frozen=True)
class Migration:
    schema: str
    version: int
    name: str
    path: Path
    checksum: str

    @property
    def label(self) -> str:
        return f"{self.schema}/{self.path.name}"


def schemas(db_dir: Path) -> list[str]:
    listing = (db_dir / "schemas.txt").read_text(encoding="utf-8").split()
    return [s for s in listing if not s.startswith("#")]


def discover(db_dir: Path, only: list[str] | None = None) -> list[Migration]:
    """Every migration file in apply order; malformed names are an error, not skipped."""
    found: list[Migration] = []
    for schema in schemas(db_dir):
        if only is not None and schema not in only:
            continue
        versions: set[int] = set()
        for path in sorted((db_dir / schema).glob("*.sql")):
            match = _FILE.match(path.name)
            if match is None:
                raise MigrationError(f"{path}: name must look like 0001_what_it_does.sql")
            version = int(match.group(1))
            if version in versions:
                raise MigrationError(f"{path}: version {version} used twice in {schema}")
            versions.add(version)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found.append(Migration(schema, version, match.group(2), path, digest))
    return found


async def _applied(conn: asyncpg.Connection) -> dict[tuple[str, int], str]:
    rows = await conn.fetch("SELECT schema_name, version, checksum FROM meta.schema_migrations")
    return {(r["schema_name"], r["version"]): r["checksum"] for r in rows}


def _check_unchanged(migrations: list[Migration], applied: dict[tuple[str, int], str]) -> None:
    for m in migrations:
        recorded = applied.get((m.schema, m.version))
        if recorded is not None and recorded != m.checksum:
            raise MigrationError(
                f"{m.label} was changed after it was applied (recorded sha256 {recorded[:12]}…,"
                f" file has {m.checksum[:12]}…); migrations are forward-only: restore the file"
                " and add a new migration instead"
            )


async def pending(
    conn: asyncpg.Connection, db_dir: Path, only: list[str] | None = None
) -> list[Migration]:
    """Files not yet applied; raises if an applied file has changed."""
    migrations = discover(db_dir, only)
    applied = await _applied(conn)
    _check_unchanged(migrations, applied)
    return [m for m in migrations if (m.schema, m.version) not in applied]


async def apply(
    conn: asyncpg.Connection, db_dir: Path, only: list[str] | None = None
) -> list[Migration]:
    """Apply every pending migration, each in its own transaction, under an advisory lock."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        todo = await pending(conn, db_dir, only)
        for m in todo:
            sql = m.path.read_text(encoding="utf-8")
            try:
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute(
                        "INSERT INTO meta.schema_migrations"
                        " (schema_name, version, name, checksum) VALUES ($1, $2, $3, $4)",
                        m.schema,
                        m.version,
                        m.name,
                        m.checksum,
                    )
            except asyncpg.PostgresError as exc:
                raise MigrationError(f"{m.label} failed: {exc}") from exc
        return todo
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
