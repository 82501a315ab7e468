"""Reporting's files in the real object store (SeaweedFS): the sweep removes expired
exports' objects (the link still answers 410), queued and orphaned objects, and never
another organization's; files from before the object store (export chunks, archive
rows) are still served, and archive files move into the store; a row pointing at another
organization's key is never served."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from reporting.archive.cache import ArchiveCache
from reporting.archive.repo import Record
from reporting.archive.store import ArchiveStore
from reporting.objects import ARCHIVES, EXPORTS, SERVICE, SWEEP
from tests.reporting.export_support import Client, export
from tests.support.harness import Headers
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_objects import ObjectStore, SweepPlan, keys, new_key, sweep
from unison_pg import Database, Tenant

BODY = {"source": "quality.capa_on_time", "format": "csv", "from": "2026-11-01", "to": "2026-11-30"}
HOUR_MS = 3_600_000


@pytest.fixture(autouse=True)
async def _empty_job_queue(admin_conn: asyncpg.Connection) -> None:
    # Jobs other suites queued have no organization here: do not run them.
    await admin_conn.execute("SELECT pgmq.purge_queue('reporting_jobs')")


def _context(database: Database, org: UUID) -> JobContext:
    return JobContext(database, JobMessage(uuid.uuid4(), org, SWEEP.job_kind), {})


def _hour_old_key(org: UUID, kind: str) -> str:
    """A key made an hour ago: past the sweep's 15 minutes of grace."""
    made = keys.uuid7(int(time.time() * 1000) - HOUR_MS)
    return f"{keys.prefix(org, SERVICE, kind)}{made}"


async def _file_key(admin: asyncpg.Connection, file_id: str) -> str | None:
    key: str | None = await admin.fetchval(
        "SELECT object_key FROM reporting.export_files WHERE id = $1", UUID(file_id)
    )
    return key


async def test_an_export_is_an_object_of_the_organization_and_expiry_sweeps_it(
    object_store: ObjectStore,
    client: Client,
    auth: Headers,
    database: Database,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    job = await export(database, object_store, client, auth, BODY)
    link, file_id = job["result"]["download"], job["result"]["file_id"]
    key = await _file_key(admin_conn, file_id)
    assert key is not None and key.startswith(f"org/{org_id}/reporting/exports/")
    served = await client.get(link, headers=auth())
    assert served.status_code == 200 and served.content == await object_store.get(key)
    assert served.headers["content-length"] == str(job["result"]["bytes"])
    sha = await admin_conn.fetchval(
        "SELECT sha256 FROM reporting.export_files WHERE id = $1", UUID(file_id)
    )
    assert sha == hashlib.sha256(served.content).hexdigest()

    # Orphans: uploads whose transaction failed, an hour ago, of both kinds; and another
    # organization's, which this organization's sweep never touches.
    orphans = [_hour_old_key(org_id, EXPORTS), _hour_old_key(org_id, ARCHIVES)]
    theirs = _hour_old_key(uuid.uuid4(), EXPORTS)
    for made in (*orphans, theirs):
        await object_store.put(made, b"nobody's", "text/csv")
    kept = await sweep(_context(database, org_id), object_store, SWEEP)
    assert (kept["expired"], kept["orphans"]) == (0, 2)
    assert await object_store.stat(key) is not None
    assert [await object_store.stat(o) for o in orphans] == [None, None]
    assert await object_store.stat(theirs) is not None

    await admin_conn.execute(
        "UPDATE reporting.export_files SET expires_at = now() - interval '1 second' WHERE id = $1",
        UUID(file_id),
    )
    result = await sweep(_context(database, org_id), object_store, SWEEP)
    assert (result["expired"], result["deleted"]) == (1, 1)
    assert await object_store.stat(key) is None
    assert await _file_key(admin_conn, file_id) is None
    # The row stays a month: a late click is told the link expired.
    gone = await client.get(link, headers=auth())
    assert gone.status_code == 410 and gone.headers["content-type"] == "application/problem+json"
    queued = await admin_conn.fetchval(
        "SELECT count(*) FROM reporting.object_deletions WHERE organization_id = $1", org_id
    )
    assert queued == 0
    await object_store.delete([theirs])


async def test_a_row_pointing_at_another_organizations_object_is_never_served(
    object_store: ObjectStore,
    client: Client,
    auth: Headers,
    database: Database,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    tmp_path: Path,
) -> None:
    job = await export(database, object_store, client, auth, BODY)
    theirs = new_key(uuid.uuid4(), SERVICE, EXPORTS)
    await object_store.put(theirs, b"another organization's figures", "text/csv")
    # A bug (or a tampered row) pointing this organization's file at the other's object.
    await admin_conn.execute(
        "UPDATE reporting.export_files SET object_key = $2 WHERE id = $1",
        UUID(job["result"]["file_id"]),
        theirs,
    )
    refused = await client.get(job["result"]["download"], headers=auth())
    assert refused.status_code == 404
    assert b"another organization" not in refused.content
    # The same for an archive file: neither the store nor the cache fetch it.
    files = ArchiveStore(database, object_store)
    mine = Tenant(org_id)
    with pytest.raises(KeyError):
        await files.get(mine, theirs, tmp_path / "x.parquet")
    record = Record(
        fact_table="count_facts",
        range_start=datetime(2015, 1, 1, tzinfo=UTC),
        range_end=datetime(2015, 2, 1, tzinfo=UTC),
        object_key=theirs,
    )
    with pytest.raises(ValueError, match="not the organization's"):
        await ArchiveCache(files, tmp_path).files(mine, [record])
    assert not (tmp_path / "org").exists() and not (tmp_path / "x.parquet").exists()
    await object_store.delete([theirs])


async def test_an_export_from_before_the_object_store_still_downloads(
    client: Client,
    auth: Headers,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    plants: list[UUID],
) -> None:
    token = "legacy-" + uuid.uuid4().hex
    content = b"day,value\r\n" + b"2026-11-02,1\r\n" * 200_000  # three chunks of 1 MiB
    pieces = [content[i : i + (1 << 20)] for i in range(0, len(content), 1 << 20)]
    file_id = await admin_conn.fetchval(
        "INSERT INTO reporting.export_files (organization_id, token_sha256, source, format,"
        " filename, content_type, plant_ids, row_count, size_bytes, sha256, expires_at,"
        " created_by) VALUES ($1, $2, 'production.oee', 'csv', 'old.csv', 'text/csv', $3,"
        " 200000, $4, $5, now() + interval '1 day', 'user:x') RETURNING id",
        org_id,
        hashlib.sha256(token.encode()).digest(),
        plants,
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    for seq, piece in enumerate(pieces):
        await admin_conn.execute(
            "INSERT INTO reporting.export_chunks (organization_id, file_id, seq, expires_at,"
            " data) VALUES ($1, $2, $3, now() + interval '1 day', $4)",
            org_id,
            file_id,
            seq,
            piece,
        )
    served = await client.get(f"/api/reporting/exports/files/{token}", headers=auth())
    assert served.status_code == 200 and served.content == content
    stranger = auth(organization_id=uuid.uuid4())
    assert (
        await client.get(f"/api/reporting/exports/files/{token}", headers=stranger)
    ).status_code == 404


async def _legacy_archive(admin: asyncpg.Connection, org: UUID, month: int, body: bytes) -> str:
    key = f"{org}/count_facts/2014-{month:02d}-{uuid.uuid4().hex[:16]}.parquet"
    await admin.execute(
        "INSERT INTO reporting.archive_objects (organization_id, key, content) VALUES ($1, $2, $3)",
        org,
        key,
        body,
    )
    await admin.execute(
        "INSERT INTO reporting.fact_archives (organization_id, fact_table, range_start,"
        " range_end, partition_name, object_key, rows, parquet_bytes, partition_bytes)"
        " VALUES ($1, 'count_facts', make_date(2014, $2, 1), make_date(2014, $2 + 1, 1),"
        " 'count_facts_p2014_' || lpad($2::text, 2, '0'), $3, 1, $4, 8192)",
        org,
        month,
        key,
        len(body),
    )
    return key


async def test_archive_files_from_before_move_into_the_store_and_replaced_ones_go(
    object_store: ObjectStore,
    database: Database,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    tmp_path: Path,
) -> None:
    tenant = Tenant(org_id)
    bodies = {m: f"PAR1 month {m}".encode() * 1000 for m in (1, 2, 3)}
    old = {m: await _legacy_archive(admin_conn, org_id, m, b) for m, b in bodies.items()}
    files = ArchiveStore(database, object_store)
    # Readable from the table until the sweep moves it.
    await files.get(tenant, old[1], tmp_path / "before.parquet")
    assert (tmp_path / "before.parquet").read_bytes() == bodies[1]

    result = await sweep(_context(database, org_id), object_store, SWEEP)
    assert result["moved"] == 3
    rows = await admin_conn.fetch(
        "SELECT range_start, object_key FROM reporting.fact_archives"
        " WHERE organization_id = $1 ORDER BY range_start",
        org_id,
    )
    moved = [r["object_key"] for r in rows]
    assert all(k.startswith(f"org/{org_id}/reporting/archives/") for k in moved)
    assert [await object_store.get(k) for k in moved] == list(bodies.values())
    left = await admin_conn.fetchval(
        "SELECT count(*) FROM reporting.archive_objects WHERE organization_id = $1", org_id
    )
    assert left == 0
    (cached,) = await ArchiveCache(files, tmp_path / "cache").files(
        tenant,
        [Record(fact_table="count_facts", range_start=rows[0]["range_start"],
                range_end=datetime(2014, 2, 1, tzinfo=UTC), object_key=moved[0])],
    )  # fmt: skip
    assert cached.path.read_bytes() == bodies[1]

    # A month archived again points to its new file: the old one is queued in that
    # transaction and deleted by the sweep.
    fresh = await files.put(tenant, cached.path)
    async with database.transaction(tenant) as conn:
        await conn.execute(
            "UPDATE reporting.fact_archives SET object_key = $2"
            " WHERE organization_id = app.current_org() AND object_key = $1",
            moved[0],
            fresh,
        )
    again = await sweep(_context(database, org_id), object_store, SWEEP)
    assert (again["moved"], again["deleted"], again["orphans"]) == (0, 1, 0)
    assert await object_store.stat(moved[0]) is None
    assert await object_store.get(fresh) == bodies[1]


async def test_a_fresh_upload_is_kept_by_the_grace_period(
    object_store: ObjectStore, database: Database, org_id: UUID
) -> None:
    fresh = new_key(org_id, SERVICE, EXPORTS)
    await object_store.put(fresh, b"in flight", "text/csv")
    result = await sweep(_context(database, org_id), object_store, SWEEP)
    assert result["orphans"] == 0
    assert await object_store.stat(fresh) is not None
    now = SweepPlan(service=SERVICE, kinds=(EXPORTS,), grace_minutes=0)
    await asyncio.sleep(0.01)  # the upload's millisecond is over
    assert (await sweep(_context(database, org_id), object_store, now))["orphans"] == 1


async def test_the_sweep_is_scheduled_and_the_queue_forces_rls(
    admin_conn: asyncpg.Connection,
) -> None:
    command = await admin_conn.fetchval(
        "SELECT command FROM cron.job WHERE jobname = 'reporting-objects-sweep'"
    )
    assert "enqueue_for_all_organizations('reporting', 'reporting.objects_sweep'" in command
    assert not await admin_conn.fetchval(
        "SELECT count(*) FROM cron.job WHERE jobname = 'reporting-exports-cleanup'"
    )
    row: Any = await admin_conn.fetchrow(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE oid = 'reporting.object_deletions'::regclass"
    )
    assert row["relrowsecurity"] and row["relforcerowsecurity"]
