"""Exports as jobs: a dashboard's file (CSV, XLSX, Parquet) read back holds the
dashboard's numbers; a large fact range streams into every format; progress is reported,
a cancel stops the job and stores nothing; the link expires (410) and is never served to
another organization or to a caller missing one of its plants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest

from reporting.exports import job as export_job
from reporting.exports import producer
from reporting.exports.models import ExportRequest, Format
from reporting.exports.repo import FACTS, FILES
from tests.reporting.export_support import (
    Client,
    bulk_counts,
    export,
    flat,
    read_rows,
    same_number,
)
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from unison_bus import JobCancelled, JobContext
from unison_bus.jobs import JobMessage
from unison_objects import ObjectStore, prefix
from unison_pg import Database, Tenant

URL = "/api/reporting/exports"
FIRST = date(2026, 11, 2)
DAYS = 6
BULK_START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
async def _empty_job_queue(admin_conn: asyncpg.Connection) -> None:
    # Jobs other suites queued have no organization here: do not run them.
    await admin_conn.execute("SELECT pgmq.purge_queue('reporting_jobs')")


async def _oee_shifts(shop: Shop) -> None:
    events = []
    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        for shift, hour in (("A", 6), ("B", 14)):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            good = 400 + 17 * d + hour
            bucket = shop.bucket(
                day,
                shift,
                start,
                breakdown_seconds=600 + 60 * d,
                setup_seconds=300,
                minor_stop_seconds=120,
                ideal_run_seconds=(good + 9) * Decimal("37.5"),
                good_count=good,
                scrap_count=7,
                rework_count=2,
                quality_rejected_count=d % 2,
            )
            events.append(shop.closed(bucket))
    await shop.deliver(*events)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
async def test_an_oee_export_holds_the_dashboards_numbers(
    object_store: ObjectStore,
    fmt: str,
    shop: Shop,
    client: Client,
    auth: Headers,
    database: Database,
    tmp_path: Path,
) -> None:
    await _oee_shifts(shop)
    period = {"from": FIRST.isoformat(), "to": (FIRST + timedelta(days=DAYS - 1)).isoformat()}
    for granularity in ("day", "week"):
        dashboard = await client.get(
            "/api/reporting/production/oee",
            params={**period, "granularity": granularity},
            headers=auth(),
        )
        expected = [flat(p) for p in (*dashboard.json()["points"], dashboard.json()["total"])]
        body = {
            "source": "production.oee",
            "format": fmt,
            **period,
            "filters": {"granularity": granularity},
        }
        job = await export(database, object_store, client, auth, body)
        assert job["result"]["rows"] == len(expected) == job["progress_total"]
        file = await client.get(job["result"]["download"], headers=auth())
        assert file.status_code == 200, file.text
        assert file.headers["content-type"].startswith(
            {"csv": "text/csv", "xlsx": "application/vnd.openxml", "parquet": "application/"}[fmt]
        )
        rows = read_rows(fmt, file.content, tmp_path)
        assert [r["bucket"] for r in rows] == [p["bucket"] for p in expected]
        assert set(rows[0]) == set(expected[0])
        for row, point in zip(rows, expected, strict=True):
            for name, value in point.items():
                if name in ("bucket", "start"):
                    continue
                assert same_number(row[name], value), (point["bucket"], name, row[name], value)
        if granularity == "day":
            # The days' good counts add up to the total row in the file too.
            assert sum(float(r["good"]) for r in rows[:-1]) == float(rows[-1]["good"]) > 0


async def test_a_maintenance_and_a_defect_export_match_their_dashboards(
    object_store: ObjectStore, client: Client, auth: Headers, database: Database, tmp_path: Path
) -> None:
    # No figures yet: the files still carry the dashboards' (empty) totals.
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    for source, url in (
        ("maintenance.kpis", "/api/reporting/maintenance/kpis"),
        ("quality.defects", "/api/reporting/quality/defects"),
    ):
        dashboard = (await client.get(url, params=period, headers=auth())).json()
        job = await export(
            database, object_store, client, auth, {"source": source, "format": "xlsx", **period}
        )
        rows = read_rows(
            "xlsx", (await client.get(job["result"]["download"], headers=auth())).content, tmp_path
        )
        last = rows[-1]
        if source == "maintenance.kpis":
            assert last["bucket"] == "total"
            assert same_number(last["failures"], dashboard["total"]["failures"])
        else:
            assert last["code"] == "total" and last["count"] == dashboard["total"] == 0


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
async def test_a_large_fact_range_streams_into_the_file(
    object_store: ObjectStore,
    fmt: str,
    client: Client,
    auth: Headers,
    database: Database,
    org_id: UUID,
    plants: list[UUID],
    tmp_path: Path,
) -> None:
    rows_written = 150_000 if fmt != "xlsx" else 60_000
    tenant = Tenant(org_id, tuple(plants), "test")
    await bulk_counts(database, tenant, BULK_START, rows_written, (plants[0], plants[1]), uuid4())
    async with database.transaction(tenant, readonly=True) as conn:
        good = await conn.fetchval(
            "SELECT sum(good_quantity) FROM reporting.count_facts"
            " WHERE organization_id = app.current_org()"
        )
    body = {"source": "facts.counts", "format": fmt, "from": "2026-11-01", "to": "2026-11-30"}
    job = await export(database, object_store, client, auth, body)
    assert job["result"]["rows"] == job["progress_done"] == job["progress_total"] == rows_written
    file = await client.get(job["result"]["download"], headers=auth())
    assert int(file.headers["content-length"]) == len(file.content) == job["result"]["bytes"]
    rows = read_rows(fmt, file.content, tmp_path)
    assert len(rows) == rows_written
    assert sum(Decimal(str(r["good_quantity"])) for r in rows) == good
    times = [r["logged_at"] for r in rows]
    assert times == sorted(times) and len({r["event_id"] for r in rows}) == rows_written

    # One plant: only its rows, and the file is that plant's.
    only = {**body, "format": "csv", "filters": {"plant_id": str(plants[1])}}
    job = await export(database, object_store, client, auth, only)
    assert job["result"]["rows"] == rows_written // 3
    other_plant = auth(plant_ids=[plants[1]])
    file = await client.get(job["result"]["download"], headers=other_plant)
    assert file.status_code == 200
    assert {r["plant_id"] for r in read_rows("csv", file.content, tmp_path)} == {str(plants[1])}


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])  # rows from COPY, typed rows
async def test_progress_goes_up_batch_by_batch_to_the_total(
    fmt: Format, database: Database, org_id: UUID, plants: list[UUID], tmp_path: Path
) -> None:
    tenant = Tenant(org_id, tuple(plants), "test")
    await bulk_counts(database, tenant, BULK_START, 23_456, (plants[0], plants[1]), uuid4())
    seen: list[tuple[int, int | None]] = []

    async def progress(done: int, total: int | None, message: str) -> None:
        seen.append((done, total))

    request = ExportRequest(
        source="facts.counts", format=fmt, first=date(2026, 11, 1), last=date(2026, 11, 30)
    )
    produced = await producer.produce(database, tenant, request, tmp_path, progress, batch=5000)
    assert produced.rows == 23_456
    assert seen[0] == (0, 23_456)
    done = [d for d, _ in seen]
    assert done[1:6] == [5000, 10_000, 15_000, 20_000, 23_456] and done[-1] == 23_456
    assert {t for _, t in seen} == {23_456}


class _CancelAfter(JobContext):
    """The real context (progress in the job row, which reports the cancel); after
    ``calls`` progress reports a client cancels through the API."""

    def __init__(self, *args: Any, cancel: Callable[[], Any], calls: int) -> None:
        super().__init__(*args)
        self._cancel, self._calls = cancel, calls

    async def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        self._calls -= 1
        if self._calls == 0:
            await self._cancel()
        await super().progress(done, total, message)


async def test_a_cancelled_export_stops_and_stores_nothing(
    object_store: ObjectStore,
    client: Client,
    auth: Headers,
    database: Database,
    org_id: UUID,
    plants: list[UUID],
) -> None:
    tenant = Tenant(org_id, tuple(plants), "test")
    await bulk_counts(database, tenant, BULK_START, 40_000, (plants[0], plants[1]), uuid4())
    body = {"source": "facts.counts", "format": "xlsx", "from": "2026-11-01", "to": "2026-11-30"}
    params = {
        "request": msgspec.to_builtins(msgspec.convert(body, ExportRequest)),
        "plant_ids": [str(p) for p in plants],
        "requested_by": "user:alice",
    }
    # The job's row as enqueue writes it (the runner is not needed: the handler runs here).
    async with database.transaction(tenant) as conn:
        job_id = await _job_row(conn, org_id, params)

    async def cancel() -> None:
        response = await client.delete(f"/api/reporting/jobs/{job_id}", headers=auth())
        assert response.status_code == 202

    message = JobMessage(job_id, org_id, export_job.KIND)
    ctx = _CancelAfter(database, message, params, cancel=cancel, calls=3)
    with pytest.raises(JobCancelled):
        await export_job.run(ctx, object_store)
    async with database.transaction(tenant, readonly=True) as conn:
        stored = await conn.fetchval(
            "SELECT count(*) FROM reporting.export_files WHERE job_id = $1", job_id
        )
        progress = await conn.fetchval("SELECT progress_done FROM bus.jobs WHERE id = $1", job_id)
    assert stored == 0
    assert 0 < progress < 40_000
    assert await object_store.list_keys(prefix(org_id, "reporting")) == []


async def _job_row(conn: asyncpg.Connection, org_id: UUID, params: dict[str, Any]) -> UUID:
    job_id: UUID = await conn.fetchval(
        "INSERT INTO bus.jobs (organization_id, kind, params) VALUES ($1, $2, $3::text::jsonb)"
        " RETURNING id",
        org_id,
        export_job.KIND,
        msgspec.json.encode(params).decode(),
    )
    return job_id


async def test_an_expired_link_is_gone_and_an_unknown_one_not_found(
    object_store: ObjectStore,
    client: Client,
    auth: Headers,
    database: Database,
    admin_conn: asyncpg.Connection,
) -> None:
    body = {
        "source": "quality.capa_on_time",
        "format": "csv",
        "from": "2026-11-01",
        "to": "2026-11-30",
    }
    job = await export(database, object_store, client, auth, {**body, "expires_in_hours": 1})
    link = job["result"]["download"]
    assert datetime.fromisoformat(job["result"]["expires_at"]) < datetime.now(UTC) + timedelta(
        hours=1, minutes=1
    )
    assert (await client.get(link, headers=auth())).status_code == 200
    await admin_conn.execute(
        "UPDATE reporting.export_files SET expires_at = now() - interval '1 second' WHERE id = $1",
        UUID(job["result"]["file_id"]),
    )
    gone = await client.get(link, headers=auth())
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert "expired" in gone.json()["detail"]
    unknown = await client.get(f"{URL}/files/{'x' * 43}", headers=auth())
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_a_file_is_never_served_to_another_organization_or_a_caller_missing_a_plant(
    object_store: ObjectStore, client: Client, auth: Headers, database: Database, plants: list[UUID]
) -> None:
    body = {"source": "production.oee", "format": "csv", "from": "2026-11-01", "to": "2026-11-07"}
    job = await export(database, object_store, client, auth, body)
    link, href = job["result"]["download"], f"/api/reporting/jobs/{job['id']}"
    assert (await client.get(link, headers=auth())).status_code == 200
    stranger = auth(organization_id=uuid4())
    assert (await client.get(link, headers=stranger)).status_code == 404
    assert (await client.get(href, headers=stranger)).status_code == 404
    # The file holds both plants' data: a caller of one plant does not get it.
    assert (await client.get(link, headers=auth(plant_ids=[plants[0]]))).status_code == 404
    outside = await client.post(
        URL, json={**body, "filters": {"plant_id": str(uuid4())}}, headers=auth()
    )
    assert outside.status_code == 404
    assert outside.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"source": "production.everything"}, "/source"),
        ({"format": "pdf"}, "/format"),
        ({"filters": {"material_id": str(UUID(int=1))}}, "/filters/material_id"),
        ({"filters": {"granularity": "minute"}}, "/filters/granularity"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "/to"),
        ({"source": "facts.counts", "from": "2024-01-01", "to": "2026-11-01"}, "/to"),
        ({"source": "facts.counts", "filters": {"granularity": "day"}}, "/filters/granularity"),
        ({"expires_in_hours": 0}, "/expires_in_hours"),
    ],
)
async def test_a_bad_request_is_a_problem_naming_the_field(
    change: dict[str, Any], pointer: str, client: Client, auth: Headers
) -> None:
    body = {"source": "production.oee", "format": "csv", "from": "2026-11-01", "to": "2026-11-07"}
    response = await client.post(URL, json={**body, **change}, headers=auth())
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (
        pointer in {e.get("pointer") for e in problem.get("errors", [])}
        or pointer.strip("/").split("/")[-1] in problem["detail"]
    ), problem


async def test_every_export_query_prepares_and_the_tables_force_rls(
    role_dsn: Callable[[str], str], admin_conn: asyncpg.Connection
) -> None:
    conn = await asyncpg.connect(role_dsn("reporting"))
    failures = {}
    try:
        for module, queries in (("facts", FACTS), ("files", FILES)):
            for name, statement in queries.items():
                try:
                    await conn.prepare(statement)
                except asyncpg.PostgresError as exc:
                    failures[f"{module}.{name}"] = str(exc)
    finally:
        await conn.close()
    assert failures == {}
    for table in ("export_files", "export_chunks", "object_deletions"):
        row = await admin_conn.fetchrow(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass",
            f"reporting.{table}",
        )
        assert row["relrowsecurity"] and row["relforcerowsecurity"], table
