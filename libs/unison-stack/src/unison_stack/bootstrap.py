"""What only a superuser may do: roles, the database, extensions, ``meta``, the pgmq SQL.

Every step checks before it acts, so running it again on a set-up server changes nothing.
"""

from __future__ import annotations

from importlib.metadata import version as dist_version
from importlib.resources import files

import asyncpg
import structlog

from unison_stack.roles import DATABASE, OWNER, RUNTIME_ROLES

log = structlog.get_logger("unison_stack.bootstrap")

EXTENSIONS = ("pg_cron", "pg_partman", "pg_trgm", "unaccent", "btree_gist")


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def ensure_roles(conn: asyncpg.Connection, passwords: dict[str, str]) -> None:
    for role in (OWNER, *RUNTIME_ROLES):
        exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
        verb = "ALTER" if exists else "CREATE"
        # Runtime roles must never own, bypass RLS or create anything: they only use.
        await conn.execute(
            f"{verb} ROLE {_quote_ident(role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB"
            f" NOCREATEROLE NOREPLICATION PASSWORD {_literal(passwords[role])}"
        )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def ensure_database(conn: asyncpg.Connection, name: str = DATABASE) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    if not exists:
        await conn.execute(f"CREATE DATABASE {_quote_ident(name)} OWNER {OWNER}")
    await conn.execute(f"REVOKE ALL ON DATABASE {_quote_ident(name)} FROM PUBLIC")
    grantees = ", ".join([OWNER, *RUNTIME_ROLES])
    await conn.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_quote_ident(name)} TO {grantees}")


async def ensure_extensions(conn: asyncpg.Connection) -> None:
    """Run inside the project database as superuser."""
    await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    await conn.execute("CREATE SCHEMA IF NOT EXISTS partman")
    await conn.execute(f"GRANT ALL ON SCHEMA partman TO {OWNER}")
    for ext in EXTENSIONS:
        schema = " SCHEMA partman" if ext == "pg_partman" else ""
        await conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}{schema}")
    # The owner manages partitions and schedules; runtime roles read neither directly.
    await conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA partman TO {OWNER}")
    await conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA partman TO {OWNER}")
    await conn.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA partman TO {OWNER}")
    await conn.execute(f"GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA partman TO {OWNER}")
    await conn.execute(f"GRANT USAGE ON SCHEMA cron TO {OWNER}")
    # Each service reads its own schedules' run history (filtered by job name in its API).
    await conn.execute(f"GRANT USAGE ON SCHEMA cron TO {', '.join(RUNTIME_ROLES)}")
    await conn.execute(
        f"GRANT SELECT ON cron.job, cron.job_run_details TO {', '.join(RUNTIME_ROLES)}"
    )


META_SQL = f"""
CREATE SCHEMA IF NOT EXISTS meta AUTHORIZATION {OWNER};
CREATE TABLE IF NOT EXISTS meta.schema_migrations (
    schema_name text NOT NULL,
    version     integer NOT NULL,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema_name, version)
);
CREATE TABLE IF NOT EXISTS meta.components (
    name        text PRIMARY KEY,
    version     text NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE meta.schema_migrations OWNER TO {OWNER};
ALTER TABLE meta.components OWNER TO {OWNER};
GRANT USAGE ON SCHEMA meta TO {", ".join(RUNTIME_ROLES)};
GRANT SELECT ON meta.schema_migrations, meta.components TO {", ".join(RUNTIME_ROLES)};
"""


def pgmq_sql() -> tuple[str, str]:
    """(version, install script) shipped in the pinned ``pgmq`` PyPI package."""
    sql_dir = files("pgmq").joinpath("sql")
    version = sql_dir.joinpath("VERSION").read_text(encoding="utf-8").strip()
    return version, sql_dir.joinpath("pgmq.sql").read_text(encoding="utf-8")


async def ensure_pgmq(conn: asyncpg.Connection) -> str:
    """Install the pgmq SQL as the owner (so the owner owns its queues); returns the version."""
    wanted, script = pgmq_sql()
    installed = await conn.fetchval("SELECT version FROM meta.components WHERE name = 'pgmq'")
    if installed == wanted:
        return wanted
    if installed is not None:
        raise RuntimeError(
            f"pgmq SQL {installed} is installed but the pinned package ships {wanted};"
            " the SQL-only install has no upgrade path: migrate the queues explicitly"
        )
    async with conn.transaction():
        await conn.execute(f"SET LOCAL ROLE {OWNER}")
        await conn.execute(script)
        await conn.execute(
            "INSERT INTO meta.components (name, version) VALUES ('pgmq', $1),"
            " ('pgmq-python', $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version",
            wanted,
            dist_version("pgmq"),
        )
    log.info("pgmq_installed", version=wanted)
    return wanted


async def bootstrap(admin_dsn: str, database_dsn: str, passwords: dict[str, str]) -> str:
    """Everything a superuser does, then hand over to migrations (run as the owner)."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await ensure_roles(conn, passwords)
        await ensure_database(conn)
    finally:
        await conn.close()
    conn = await asyncpg.connect(database_dsn)
    try:
        await ensure_extensions(conn)
        await conn.execute(META_SQL)
        return await ensure_pgmq(conn)
    finally:
        await conn.close()
