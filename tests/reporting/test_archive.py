"""The fact archive round trip: months past the retention are exported per organization
to Parquet, recorded, and their partitions dropped once every organization in them is
archived; the analytics answers over a period spanning the retention boundary are the
same before archiving, while a partition waits for another organization, and after the
drop. Archives stay with their organization."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from reporting import worker
from reporting.analytics.settings import AnalyticsSettings
from reporting.app import build_app
from reporting.archive import job as archive
from reporting.archive.cache import ArchiveCache
from reporting.archive.repo import Record
from reporting.archive.store import ArchiveStore
from reporting.settings import Settings
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from tests.support.tokens import TokenMinter
from unison_bus import JobRunner, enqueue
from unison_objects import ObjectStore
from unison_pg import Database, Tenant

URL = "/api/reporting/analytics"
FACT_TABLES = ("count_facts", "downtime_facts", "shift_facts")
# March and April 2015 are past the retention, May is not (as of NOW, 24 months).
MONTHS = (date(2015, 3, 1), date(2015, 4, 1), date(2015, 5, 1))
NOW = datetime(2017, 5, 15, tzinfo=UTC)
QUERIES = (
    "output_by_work_center_month",
    "oee_by_work_center_month",
    "downtime_pareto",
    "week_over_week",
    "scrap_by_work_center_shift",
)


@pytest.fixture
def archive_settings(tmp_path: Path) -> AnalyticsSettings:
    return AnalyticsSettings(archive_cache_dir=str(tmp_path), fact_retention_months=24)


@pytest.fixture
async def duck_client(
    reporting_settings: Settings,
    archive_settings: AnalyticsSettings,
    minter: TokenMinter,
    object_store: ObjectStore,
) -> AsyncIterator[AsyncTestClient[Any]]:
    settings = msgspec.structs.replace(reporting_settings, analytics=archive_settings)
    app = build_app(settings, verifier=minter.verifier(), objects=object_store)
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
async def old_months(owner_conn: asyncpg.Connection) -> None:
    """Monthly partitions of 2015 (partman made only recent ones), as the owner makes
    every partition."""
    bounds = [datetime(m.year, m.month, 1, tzinfo=UTC) for m in MONTHS]
    for table in FACT_TABLES:
        await owner_conn.execute(
            "SELECT partman.create_partition_time($1, $2::timestamptz[])",
            f"reporting.{table}",
            bounds,
        )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _facts(shop: Shop) -> list[Any]:
    events: list[Any] = []
    for month in MONTHS:
        for d in (2, 9, 20):
            day = month.replace(day=d)
            for center in shop.centers:
                for plant in shop.plants:
                    events.append(
                        shop.counts(
                            _at(day, 7), good=100 + d, scrap=d % 4, work_center_id=center,
                            plant_id=plant,
                        )
                    )  # fmt: skip
                bucket = shop.bucket(
                    day, "A", _at(day, 6), work_center_id=center, breakdown_seconds=600 * d,
                    ideal_run_seconds=20000, good_count=500 + d, scrap_count=d,
                )  # fmt: skip
                events.append(shop.closed(bucket))
            events.append(shop.stop(_at(day, 10), _at(day, 10, d)))
    # A stop over the end of March: partitioned in March, counted in April for its part.
    events.append(shop.stop(_at(date(2015, 3, 31), 23), _at(date(2015, 4, 1), 1)))
    return events


async def _answers(
    client: AsyncTestClient[Any], headers: dict[str, str], first: str = "2015-03-01"
) -> dict[str, Any]:
    found = {}
    for name in QUERIES:
        query = {"from": first, "to": "2015-05-31"}
        response = await client.get(f"{URL}/{name}", params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        found[name] = body["rows"]
    return found


async def _archived_months(client: AsyncTestClient[Any], headers: dict[str, str]) -> int:
    query = {"from": "2015-03-01", "to": "2015-05-31"}
    response = await client.get(f"{URL}/{QUERIES[0]}", params=query, headers=headers)
    months: int = response.json()["archived_months"]
    return months


async def _partitions(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'reporting' AND c.relkind = 'r' AND c.relname LIKE '%_p2015_0%'"
    )
    return {r["relname"] for r in rows}


@pytest.mark.usefixtures("old_months")
async def test_archived_months_answer_as_before_and_drop_when_every_organization_is_in(
    shop: Shop,
    duck_client: AsyncTestClient[Any],
    auth: Headers,
    plants: list[UUID],
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    database: Database,
    archive_settings: AnalyticsSettings,
    object_store: ObjectStore,
) -> None:
    other = Shop(database, owner_conn, admin_conn, uuid4(), plants)
    await shop.deliver(*_facts(shop))
    await shop.deliver(other.counts(_at(date(2015, 4, 10), 8), good=777))
    mine, theirs = auth(), auth(organization_id=other.org_id)
    first_plant = auth(plant_ids=[plants[0]])
    before = await _answers(duck_client, mine)
    before_april = await _answers(duck_client, mine, "2015-04-01")
    before_plant = await _answers(duck_client, first_plant)
    before_theirs = await _answers(duck_client, theirs)
    assert all(before.values()) and before_plant != before
    assert await _archived_months(duck_client, mine) == 0

    archiver = archive.Archiver(database, archive_settings, object_store)
    result = await archiver.run(Tenant(shop.org_id), NOW)
    archived = {a["partition"] for a in result["archived"]}
    assert archived == {f"{t}_p2015_0{m}" for t in FACT_TABLES for m in (3, 4)}
    assert result["rows"] == (3 * 2 * 2 + 3 * 2 + 3) * 2 + 1
    assert result["compression_ratio"] > 0 and result["parquet_bytes"] > 0
    # April's counts wait for the other organization; the rest is gone.
    assert set(result["dropped"]) == archived - {"count_facts_p2015_04"}
    left = await _partitions(admin_conn)
    assert "count_facts_p2015_04" in left and "count_facts_p2015_05" in left
    assert "count_facts_p2015_03" not in left and "shift_facts_p2015_04" not in left

    # Read once from the archive and once from the live partition: never twice.
    assert await _archived_months(duck_client, mine) == 6
    assert await _answers(duck_client, mine) == before
    assert await _answers(duck_client, mine, "2015-04-01") == before_april
    assert await _answers(duck_client, first_plant) == before_plant
    assert await _answers(duck_client, theirs) == before_theirs
    again = await archiver.run(Tenant(shop.org_id), NOW)
    assert again["archived"] == [] and again["dropped"] == []

    # The other organization's job, through the worker's job runner, drops April.
    months = (datetime.now(UTC).year * 12 + datetime.now(UTC).month - 1) - (2015 * 12 + 4)
    settings = msgspec.structs.replace(archive_settings, fact_retention_months=months)
    await _run_job(database, object_store, other.org_id, settings)
    assert "count_facts_p2015_04" not in await _partitions(admin_conn)
    assert await _answers(duck_client, mine) == before
    assert await _answers(duck_client, theirs) == before_theirs


async def _run_job(
    database: Database, objects: ObjectStore, organization_id: UUID, settings: AnalyticsSettings
) -> None:
    tenant = Tenant(organization_id)
    async with database.transaction(tenant) as conn:
        job_id = await enqueue(
            conn,
            queue="reporting_jobs",
            organization_id=organization_id,
            kind=archive.ARCHIVE_KIND,
            params={},
        )
    handlers = {**worker.JOB_HANDLERS, archive.ARCHIVE_KIND: archive.job(settings, objects)}
    runner = JobRunner(database, queue="reporting_jobs", handlers=handlers)
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    try:
        async with asyncio.timeout(60):
            while True:
                async with database.transaction(tenant, readonly=True) as conn:
                    status, result = await conn.fetchrow(
                        "SELECT status, result FROM bus.jobs WHERE id = $1", job_id
                    )
                if status not in ("queued", "running"):
                    break
                await asyncio.sleep(0.05)
    finally:
        stopping.set()
        await running
    assert status == "succeeded", result
    assert result["dropped"] == ["count_facts_p2015_04"] and result["rows"] == 1


@pytest.mark.usefixtures("old_months")
async def test_an_organization_sees_only_its_own_archive(
    shop: Shop,
    database: Database,
    archive_settings: AnalyticsSettings,
    object_store: ObjectStore,
    tmp_path: Path,
) -> None:
    await shop.deliver(shop.counts(_at(date(2015, 5, 3), 8), good=5))
    stranger = Tenant(uuid4())
    # The runtime role cannot drop a partition with rows nobody archived, nor anything
    # but a monthly fact partition.
    async with database.transaction(stranger) as conn:
        drop = "SELECT reporting.drop_archived_partition($1)"
        assert await conn.fetchval(drop, "count_facts_p2015_05") is False
    async with database.transaction(stranger) as conn:
        with pytest.raises(asyncpg.RaiseError):
            await conn.fetchval(drop, "count_facts")
    settings = msgspec.structs.replace(archive_settings, fact_retention_months=23)
    result = await archive.Archiver(database, settings, object_store).run(Tenant(shop.org_id), NOW)
    assert [a["partition"] for a in result["archived"]] == ["count_facts_p2015_05"]
    async with database.transaction(stranger, readonly=True) as conn:
        assert await conn.fetchval("SELECT count(*) FROM reporting.fact_archives") == 0
        assert await conn.fetchval("SELECT count(*) FROM reporting.archive_objects") == 0
        candidates = await conn.fetch("SELECT * FROM reporting.archive_candidates(now())")
        assert candidates == []
    async with database.transaction(Tenant(shop.org_id), readonly=True) as conn:
        key = await conn.fetchval("SELECT object_key FROM reporting.fact_archives")
    assert key.startswith(f"org/{shop.org_id}/reporting/archives/")
    stored = await object_store.stat(key)
    assert stored is not None and stored.size_bytes == result["archived"][0]["parquet_bytes"]
    # The file is the organization's only: another one's store and cache never hand it out.
    files = ArchiveStore(database, object_store)
    with pytest.raises(KeyError):
        await files.get(stranger, key, tmp_path / "theirs.parquet")
    record = Record(
        fact_table="count_facts",
        range_start=datetime(2015, 5, 1, tzinfo=UTC),
        range_end=datetime(2015, 6, 1, tzinfo=UTC),
        object_key=key,
    )
    with pytest.raises(ValueError, match="not the organization's"):
        await ArchiveCache(files, tmp_path).files(stranger, [record])
    assert not (tmp_path / "theirs.parquet").exists() and not (tmp_path / "org").exists()
    # Its own: streamed into the cache, the very bytes stored.
    (cached,) = await ArchiveCache(files, tmp_path).files(Tenant(shop.org_id), [record])
    assert cached.path.read_bytes() == await object_store.get(key)


def test_the_retention_cutoff_is_the_start_of_a_month(
    archive_settings: AnalyticsSettings,
) -> None:
    assert archive.retention_cutoff(NOW, 24) == datetime(2015, 5, 1, tzinfo=UTC)
    assert archive.retention_cutoff(datetime(2026, 1, 31, 23, tzinfo=UTC), 1) == datetime(
        2025, 12, 1, tzinfo=UTC
    )
    assert archive.retention_cutoff(NOW, 0) - timedelta(days=1) < NOW


async def test_pg_cron_queues_the_archive_job_monthly(admin_conn: asyncpg.Connection) -> None:
    command = await admin_conn.fetchval(
        "SELECT command FROM cron.job WHERE jobname = 'reporting-archive'"
    )
    assert "enqueue_for_all_organizations('reporting', 'reporting.archive_facts'" in command
