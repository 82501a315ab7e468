"""``./dev backup`` and ``./dev restore FILE``: the whole database, in one consistent dump.

A backup is ``pg_dump --format=custom`` of the project database as the superuser. pg_dump
reads every table in one REPEATABLE READ snapshot, so the file is one moment of the
database: each service's schema, ``identity``, ``bus`` and ``cache``, the pgmq queues
and their archives (schema ``pgmq``, plain SQL owned by ``unison_owner``), the object
store's metadata rows, ``meta`` (migrations, component versions), the pg_cron schedules
and their run history and pg_partman's configuration (both extensions mark those tables
as configuration, so pg_dump includes their rows).

What a dump of one database leaves out, and how a restore puts it back:

- roles and their passwords are global: the restore creates ``unison_owner`` and the
  runtime roles with the stack's own role setup (``bootstrap.ensure_roles``), with the
  passwords of the stack restored into, never the ones of the stack dumped;
- the database itself and its grants (CONNECT, TEMPORARY): ``bootstrap.ensure_database``;
- server settings: the server restored into must preload ``pg_cron`` and
  ``pg_partman_bgw`` with ``cron.database_name`` naming the database (the embedded
  cluster and the Compose image do);
- the files in object storage: only their metadata rows are in the dump (README).

The restore goes into an empty database only (``--replace`` drops an existing one first)
and runs in a single transaction: it either completes or leaves nothing. Afterwards the
idempotent bootstrap steps run again and pending migrations are applied, so an older
backup comes back at the schema of the code that restores it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg
import structlog

from unison_stack import bootstrap as boot
from unison_stack.cluster import PG_BIN
from unison_stack.stack import Stack

log = structlog.get_logger("unison_stack.backup")


class BackupError(Exception):
    pass


def _libpq(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and an environment carrying it (not on argv: ps)."""
    parts = urlsplit(dsn)
    env = {**os.environ}
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" if parts.username else host
        if parts.port:
            netloc += f":{parts.port}"
        dsn = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return dsn, env


def _run(args: list[str], dsn: str) -> subprocess.CompletedProcess[str]:
    plain, env = _libpq(dsn)
    result = subprocess.run(
        [*args, f"--dbname={plain}"], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed:\n{result.stderr.strip()}")
    return result


def default_file(stack: Stack) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return stack.paths.base / "backups" / f"{stack.database}-{stamp}.dump"


def backup(stack: Stack, target: Path, *, snapshot: str | None = None) -> Path:
    """Dump the whole database to ``target`` (custom format); returns the file.

    ``snapshot`` (from ``pg_export_snapshot()``) dumps exactly what that transaction sees.
    The file appears only complete: it is written beside and renamed when pg_dump and a
    read-back of its table of contents succeeded.
    """
    if stack.embedded:
        stack.start_cluster()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    args = [str(PG_BIN / "pg_dump"), "--format=custom", f"--file={partial}"]
    if snapshot is not None:
        args.append(f"--snapshot={snapshot}")
    try:
        _run(args, stack.admin_database_dsn)
        # A file pg_restore cannot read is not a backup: check before calling it one.
        listing = subprocess.run(
            [str(PG_BIN / "pg_restore"), "--list", str(partial)],
            capture_output=True,
            text=True,
            check=False,
        )
        if listing.returncode != 0 or "TABLE DATA pgmq meta" not in listing.stdout:
            raise BackupError(f"the dump does not read back: {listing.stderr.strip()}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    os.chmod(target, 0o600)  # it holds every organization's data
    log.info("backup_written", file=str(target), bytes=target.stat().st_size)
    return target


async def _database_exists(stack: Stack) -> bool:
    conn = await asyncpg.connect(stack.admin_dsn)
    try:
        return bool(
            await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", stack.database)
        )
    finally:
        await conn.close()


async def _drop_database(stack: Stack) -> None:
    conn = await asyncpg.connect(stack.admin_dsn)
    try:
        name = stack.database.replace('"', '""')
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def restore(stack: Stack, source: Path, *, replace: bool = False) -> None:
    """Restore ``source`` into this stack's server, whose database must not exist yet."""
    if not await asyncio.to_thread(source.is_file):
        raise BackupError(f"no backup file at {source}")
    if stack.embedded:
        stack.start_cluster()
    if await _database_exists(stack):
        if not replace:
            raise BackupError(
                f"database {stack.database!r} exists: restore goes into an empty one"
                " (stop the processes and pass --replace to drop it first)"
            )
        log.warning("restore_dropping_database", database=stack.database)
        await _drop_database(stack)
    # Roles (global, not in the dump) with this stack's passwords, then an empty database
    # owned by unison_owner with its grants: the dump's objects and ACLs name them.
    conn = await asyncpg.connect(stack.admin_dsn)
    try:
        await boot.ensure_roles(conn, stack.passwords)
        await boot.ensure_database(conn, stack.database)
    finally:
        await conn.close()
    command = [
        str(PG_BIN / "pg_restore"),
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        str(source),
    ]
    try:
        await asyncio.to_thread(_run, command, stack.admin_database_dsn)
    except BackupError:
        # Nothing was restored (one transaction); drop the empty database we created so a
        # second attempt starts from the same place.
        await _drop_database(stack)
        raise
    # The same idempotent steps as every start: grants on extension objects, meta, pgmq's
    # recorded version; then migrations newer than the backup.
    conn = await asyncpg.connect(stack.admin_database_dsn)
    try:
        await boot.ensure_extensions(conn)
        await conn.execute(boot.META_SQL)
        await boot.ensure_pgmq(conn)
    finally:
        await conn.close()
    applied = await stack.migrate()
    log.info(
        "restore_done",
        file=str(source),
        database=stack.database,
        migrations_applied=[m.label for m in applied],
    )
