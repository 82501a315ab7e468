"""Reporting figures on the bench stack's demo organization.

Scale data: 10M production count facts over the last two years for 50 work centers of
the demo's first plant (200,000 for 10 work centers of its second plant with --quick, so
a run reads only its own size's data), three closed shifts a day per work center and two
stops, written set-based as the owner straight into the fact tables (production's events
would take hours), then the rollups computed from them by the service's own rebuild
statements, month by month. Written once per bench cluster: a later run finds them (the
work centers' ids are fixed per size) and reuses them.

- the 90-day OEE dashboard by day of that plant (GET /production/oee, straight to the
  reporting service): cold, each request right after a day of its period changed (a new
  cache key, as after a fact), and warm, the same request again (the cache), p50/p99;
- the same 90 days' OEE inputs summed from the raw facts (closed shifts and count facts)
  in PostgreSQL and in DuckDB over postgres_scanner, side by side (as the runtime role,
  RLS applying to both); and the analytics endpoint's OEE by work center and month;
- freshness: a production.counts.logged event published → the dashboard's answer shows
  it (the bench stack's reporting worker consumes it), p50/p99;
- archive: one month of count facts (1/24 of the scale) of an organization of its own in
  a month of its own, exported to Parquet (zstd), stored and dropped by the archive job's
  code; the compression ratio against the partition's size in PostgreSQL, and the time.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from reporting.analytics.duck import Limits, connect
from reporting.analytics.settings import AnalyticsSettings
from reporting.archive.job import Archiver
from reporting.production_facts.repo import REBUILD
from tests.bench.bus import percentile
from tests.bench.demo_login import claims, demo_token
from tests.bench.report import Figure
from tests.support.objects import settings_of as store_settings
from unison_bus import publish
from unison_events.production import CountsLogged
from unison_objects import ObjectStore
from unison_pg import Database, Tenant
from unison_stack.supervisor import Supervisor

API = "/api/reporting"
NAMESPACE = uuid.UUID("5b1f3c52-9d7e-4a55-8d0e-7c7d2b7f4a10")
SCOPE = (
    "SELECT set_config('app.organization_id', $1, false), set_config('app.plant_ids', $2, false)"
)
DAYS = 730
FACT_TABLES = ("count_facts", "downtime_facts", "shift_facts")
ARCHIVE_MONTH = datetime(2000, 1, 1, tzinfo=UTC)

COUNTS = """
INSERT INTO reporting.count_facts (organization_id, logged_at, event_id, plant_id,
    work_center_id, first_at, good_quantity, scrap_quantity, rework_quantity,
    ideal_run_seconds, source, received_at)
SELECT $1, t, gen_random_uuid(), $2, c[1 + n % cardinality(c)], t - interval '5 minutes',
    g, s, r, 30 * (g + s + r), 'machine', t
FROM (SELECT n,
             $3::timestamptz + (n / cardinality($5::uuid[])) * ($4::float8 * interval '1 second')
                 AS t,
             20 + n % 11 AS g, (n % 13 = 0)::int * 2 AS s, (n % 29 = 0)::int AS r,
             $5::uuid[] AS c
      FROM generate_series(0, $6::bigint - 1) n) x
"""
SHIFTS = """
INSERT INTO reporting.shift_facts (organization_id, shift_start, work_center_id,
    production_day, shift_code, plant_id, line, shift_end, scheduled_seconds, break_seconds,
    planned_stop_seconds, breakdown_seconds, setup_seconds, minor_stop_seconds,
    ideal_run_seconds, good_count, scrap_count, rework_count, quality_rejected_count,
    event_id, occurred_at, received_at)
SELECT $1, d + s.start_hour * interval '1 hour', wc, d::date, s.code, $2, 'L1',
    d + (s.start_hour + 8) * interval '1 hour', 28800, 1800, 900 * (h % 2),
    60 * (h % 41), 60 * (h % 17), 30 * (h % 23), 30 * (2500 + h % 400),
    2400 + h % 400, h % 37, h % 7, h % 3, gen_random_uuid(),
    d + (s.start_hour + 8) * interval '1 hour', now()
FROM generate_series($3::timestamptz, $4::timestamptz - interval '1 day', interval '1 day') d,
     unnest($5::uuid[]) wc,
     (VALUES ('EARLY', 6), ('LATE', 14), ('NIGHT', 22)) s(code, start_hour),
     LATERAL (SELECT abs(hashtext(wc::text || d::text || s.code)) AS h) hh
"""
STOPS = """
INSERT INTO reporting.downtime_facts (organization_id, started_at, downtime_id, event_id,
    plant_id, work_center_id, ended_at, planned, loss, reason_code)
SELECT $1, st, gen_random_uuid(), gen_random_uuid(), $2, wc,
    st + (3 + h % 22) * interval '1 minute', k = 1,
    CASE WHEN k = 1 THEN 'planned_stop' WHEN h % 3 = 0 THEN 'setup' ELSE 'breakdown' END,
    (ARRAY['JAM', 'TOOL', 'MATERIAL', 'OPERATOR', 'CLEAN', 'QUALITY', 'POWER', 'CHANGE'])
        [1 + h % 8]
FROM generate_series($3::timestamptz, $4::timestamptz - interval '1 day', interval '1 day') d,
     unnest($5::uuid[]) wc, generate_series(0, 1) k,
     LATERAL (SELECT abs(hashtext(wc::text || d::text || k)) AS h) hh,
     LATERAL (SELECT d + (7 + k * 8 + h % 6) * interval '1 hour' AS st) ss
"""
RAW_SHIFTS = """
SELECT count(*) AS shifts,
    sum(scheduled_seconds - break_seconds - planned_stop_seconds) AS planned,
    sum(scheduled_seconds - break_seconds - planned_stop_seconds - breakdown_seconds
        - setup_seconds) AS run,
    sum(ideal_run_seconds) AS ideal, sum(good_count) AS good, sum(scrap_count) AS scrap,
    sum(rework_count) AS rework, sum(quality_rejected_count) AS rejected
FROM {schema}.shift_facts
WHERE shift_start >= '{start}' AND shift_start < '{end}' AND plant_id = '{plant}'
"""
RAW_COUNTS = """
SELECT count(*) AS reports, sum(good_quantity) AS good, sum(scrap_quantity) AS scrap,
    sum(rework_quantity) AS rework, sum(ideal_run_seconds) AS ideal
FROM {schema}.count_facts
WHERE logged_at >= '{start}' AND logged_at < '{end}' AND plant_id = '{plant}'
"""


def _months(first: datetime, last: datetime) -> list[datetime]:
    months, m = [], first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while m <= last:
        months.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    return months


async def _partitions(conn: asyncpg.Connection, months: list[datetime]) -> None:
    for table in FACT_TABLES:
        await conn.execute(
            "SELECT partman.create_partition_time($1, $2::timestamptz[])",
            f"reporting.{table}",
            months,
        )


async def _scale(
    owner_dsn: str, org: UUID, plant: UUID, centers: list[UUID], facts: int
) -> tuple[bool, float]:
    """The facts and rollups, once per bench cluster; (made now, seconds)."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=DAYS)
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(SCOPE, str(org), str(plant))
        there = await conn.fetchval(
            "SELECT EXISTS (SELECT FROM reporting.production_daily"
            " WHERE organization_id = $1 AND plant_id = $2 AND work_center_id = $3)",
            org,
            plant,
            centers[0],
        )
        if there:
            return False, 0.0
        started = time.perf_counter()
        await _partitions(conn, _months(start, today))
        async with conn.transaction():
            spacing = DAYS * 86400 / (facts / len(centers))
            await conn.execute(COUNTS, org, plant, start, spacing, centers, facts)
            await conn.execute(SHIFTS, org, plant, start, today, centers)
            await conn.execute(STOPS, org, plant, start, today, centers)
            # The rebuild's plans need the new rows' statistics (ANALYZE sees this
            # transaction's rows).
            for table in FACT_TABLES:
                await conn.execute(f"ANALYZE reporting.{table}")
            for month in _months(start, today):
                end = (month + timedelta(days=32)).replace(day=1)
                await conn.execute(REBUILD.delete_hourly, month, end)
                await conn.fetchval(REBUILD.rebuild_hourly, month, end)
                days = (month.date(), end.date() - timedelta(days=1))
                await conn.execute(REBUILD.delete_daily, *days)
                await conn.fetchval(REBUILD.rebuild_daily, *days)
                await conn.execute(REBUILD.delete_plant_daily, *days)
                await conn.execute(REBUILD.rebuild_plant_daily, *days)
        for table in (
            *FACT_TABLES,
            "production_hourly",
            "production_daily",
            "production_plant_daily",
        ):
            await conn.execute(f"ANALYZE reporting.{table}")
        return True, time.perf_counter() - started
    finally:
        await conn.close()


async def _timed_get(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, params: dict[str, str]
) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    response = await client.get(path, params=params, headers=headers)
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return elapsed, response


def _period(end: date, plant: UUID, days: int = 90) -> dict[str, str]:
    return {
        "from": (end - timedelta(days=days - 1)).isoformat(),
        "to": end.isoformat(),
        "plant_id": str(plant),
    }


BUMP = """
INSERT INTO reporting.dashboard_generations (organization_id, plant_id, scope, day)
VALUES ($1, $2, 'production', $3)
ON CONFLICT (organization_id, plant_id, scope, day) DO UPDATE
SET generation = reporting.dashboard_generations.generation + 1
"""


async def _dashboard(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    owner_dsn: str,
    where: tuple[UUID, UUID],
    requests: int,
) -> tuple[list[float], list[float]]:
    today = datetime.now(UTC).date()
    path = f"{API}/production/oee"
    cold, warm = [], []
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(SCOPE, str(where[0]), str(where[1]))
        # Cold: a day of the period changed just before (as a new fact does), so the key
        # is one never used; the periods slide too.
        for k in range(requests):
            end = today - timedelta(days=k % 30 + 1)
            await conn.execute(BUMP, *where, end)
            params = {**_period(end, where[1]), "granularity": "day"}
            ms, response = await _timed_get(client, headers, path, params)
            if response.headers.get("x-cache") != "miss":
                raise RuntimeError(f"expected a miss for {params}")
            cold.append(ms)
    finally:
        await conn.close()
    params = {**_period(today - timedelta(days=1), where[1]), "granularity": "day"}
    for _ in range(requests * 3):
        ms, response = await _timed_get(client, headers, path, params)
        warm.append(ms)
    return cold, warm


def _span(plant: UUID) -> dict[str, str]:
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "start": (end - timedelta(days=90)).isoformat(),
        "end": end.isoformat(),
        "plant": str(plant),
    }


async def _raw_postgres(
    runtime_dsn: str, tenant: Tenant, plant: UUID, repeat: int
) -> tuple[list[float], Any]:
    span = _span(plant)
    conn = await asyncpg.connect(runtime_dsn)
    timings, answer = [], None
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            async with conn.transaction(readonly=True):
                await conn.execute(
                    "SELECT set_config('app.organization_id', $1, true),"
                    " set_config('app.plant_ids', $2, true)",
                    str(tenant.organization_id),
                    ",".join(str(p) for p in tenant.plant_ids),
                )
                shifts = await conn.fetchrow(RAW_SHIFTS.format(schema="reporting", **span))
                counts = await conn.fetchrow(RAW_COUNTS.format(schema="reporting", **span))
            timings.append((time.perf_counter() - t0) * 1000)
            answer = (shifts["shifts"], counts["reports"], float(counts["good"]))
    finally:
        await conn.close()
    return timings, answer


def _raw_duckdb(
    runtime_dsn: str, tenant: Tenant, plant: UUID, repeat: int
) -> tuple[list[float], float, Any]:
    span = _span(plant)
    t0 = time.perf_counter()
    conn = connect(runtime_dsn, tenant, Limits(memory_limit="1GB", threads=2))
    connect_ms = (time.perf_counter() - t0) * 1000
    timings, answer = [], None
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            shifts = conn.execute(RAW_SHIFTS.format(schema="pg.reporting", **span)).fetchone()
            counts = conn.execute(RAW_COUNTS.format(schema="pg.reporting", **span)).fetchone()
            timings.append((time.perf_counter() - t0) * 1000)
            assert shifts is not None and counts is not None
            answer = (shifts[0], counts[0], float(counts[1]))
    finally:
        conn.close()
    return timings, connect_ms, answer


async def _freshness(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    owner_dsn: str,
    where: tuple[UUID, UUID, UUID],
    samples: int,
) -> tuple[list[float], int]:
    org, plant, center = where
    today = datetime.now(UTC).date()
    params = {**_period(today, plant), "granularity": "day"}
    path = f"{API}/production/oee"
    conn = await asyncpg.connect(owner_dsn)
    delays, missed = [], 0
    try:
        for _ in range(samples):
            _, response = await _timed_get(client, headers, path, params)
            before = float(response.json()["total"]["logged_good"])
            now = datetime.now(UTC)
            event = CountsLogged(
                organization_id=org,
                plant_id=plant,
                work_center_id=center,
                first_at=now - timedelta(seconds=30),
                last_at=now,
                good_quantity=Decimal(7),
                scrap_quantity=Decimal(0),
                rework_quantity=Decimal(0),
                ideal_run_seconds=Decimal(210),
                source="machine",
            )
            async with conn.transaction():
                await publish(conn, event)
            t0 = time.perf_counter()
            deadline = t0 + 10
            while time.perf_counter() < deadline:
                _, response = await _timed_get(client, headers, path, params)
                if float(response.json()["total"]["logged_good"]) >= before + 7:
                    delays.append((time.perf_counter() - t0) * 1000)
                    break
                await asyncio.sleep(0.002)
            else:
                missed += 1
    finally:
        await conn.close()
    return delays, missed


async def _archive(
    owner_dsn: str, runtime_dsn: str, objects: ObjectStore, rows: int
) -> dict[str, Any]:
    """One month of count facts of a fresh organization, archived by the job's code into
    the stack's object store."""
    org, plant, center = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(owner_dsn)
    try:
        await _partitions(conn, [ARCHIVE_MONTH])
        await conn.execute(SCOPE, str(org), str(plant))
        spacing = 31 * 86400 / rows
        await conn.execute(COUNTS, org, plant, ARCHIVE_MONTH, spacing, [center], rows)
        await conn.execute("ANALYZE reporting.count_facts_p2000_01")
    finally:
        await conn.close()
    now = datetime.now(UTC)
    months = (now.year * 12 + now.month - 1) - (ARCHIVE_MONTH.year * 12 + ARCHIVE_MONTH.month)
    database = Database(runtime_dsn, max_size=2)
    await database.open()
    try:
        with tempfile.TemporaryDirectory() as cache:
            settings = AnalyticsSettings(fact_retention_months=months, archive_cache_dir=cache)
            return await Archiver(database, settings, objects).run(Tenant(org), now)
    finally:
        await database.close()


async def _analytics(
    client: httpx.AsyncClient, headers: dict[str, str], plant: UUID, repeat: int
) -> tuple[list[float], int]:
    params = _period(datetime.now(UTC).date() - timedelta(days=1), plant)
    path = f"{API}/analytics/oee_by_work_center_month"
    timings, rows = [], 0
    for _ in range(repeat):
        ms, response = await _timed_get(client, headers, path, params)
        timings.append(ms)
        rows = len(response.json()["rows"])
    return timings, rows


async def _run(supervisor: Supervisor, quick: bool) -> list[Figure]:
    stack = supervisor.stack
    gateway = f"http://127.0.0.1:{stack.ports.gateway}"
    service = next(s for s in supervisor.specs if s.name == "reporting")
    owner_dsn, runtime_dsn = stack.owner_dsn, stack.role_dsn("unison_reporting")
    facts, count = (200_000, 10) if quick else (10_000_000, 50)
    size = "quick" if quick else "full"
    centers = [uuid.uuid5(NAMESPACE, f"{size}-work-center-{i}") for i in range(count)]
    async with httpx.AsyncClient(base_url=gateway, timeout=120) as login:
        token = await demo_token(login)
    scope = claims(token)
    # The full and the quick data in plants of their own, so neither run reads the other's.
    org, plant = UUID(scope["org"]), UUID(scope["plants"][1 if quick else 0])
    tenant = Tenant(org, tuple(UUID(p) for p in scope["plants"]))
    made, scale_s = await _scale(owner_dsn, org, plant, centers, facts)
    async with httpx.AsyncClient(base_url=gateway, timeout=120) as login:
        token = await demo_token(login)  # again: writing the scale outlives a token
    headers = {"Authorization": f"Bearer {token}"}
    requests, repeat = (50, 3) if quick else (200, 5)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}", timeout=120) as c:
        today = datetime.now(UTC).date()
        await _timed_get(c, headers, f"{API}/production/oee", _period(today, plant))
        cold, warm = await _dashboard(c, headers, owner_dsn, (org, plant), requests)
        pg_ms, pg_answer = await _raw_postgres(runtime_dsn, tenant, plant, repeat)
        duck_ms, connect_ms, duck_answer = await asyncio.to_thread(
            _raw_duckdb, runtime_dsn, tenant, plant, repeat
        )
        if pg_answer != duck_answer:
            raise RuntimeError(f"PostgreSQL {pg_answer} and DuckDB {duck_answer} disagree")
        analytics_ms, analytics_rows = await _analytics(c, headers, plant, repeat)
        fresh, missed = await _freshness(
            c, headers, owner_dsn, (org, plant, centers[0]), 10 if quick else 50
        )
    objects = ObjectStore(store_settings(stack))
    archived = await _archive(owner_dsn, runtime_dsn, objects, facts // 24)
    scale = (
        f"{facts:,} count facts over {DAYS} days for {count} work centers"
        f" ({'written now in ' + format(scale_s, '.0f') + ' s' if made else 'written before'})"
        f" + {count * DAYS * 3:,} closed shifts + {count * DAYS * 2:,} stops"
    )
    raw_note = (
        f"{pg_answer[0]:,} closed shifts and {pg_answer[1]:,} count facts of 90 days summed,"
        f" runtime role, RLS on; DuckDB through postgres_scanner (binary COPY), its"
        f" connection and ATTACH {connect_ms:.0f} ms more"
    )
    p50_pg, p50_duck = percentile(pg_ms, 50), percentile(duck_ms, 50)
    return [
        Figure(
            "reporting.oee_90d_cold_p50",
            round(percentile(cold, 50), 1),
            "ms",
            "lower",
            note=f"{scale}; GET /production/oee by day, 90 days, straight to the service,"
            f" {requests} requests each after a day of its period changed (cache misses)",
        ),
        Figure("reporting.oee_90d_cold_p99", round(percentile(cold, 99), 1), "ms", "lower"),
        Figure(
            "reporting.oee_90d_warm_p50",
            round(percentile(warm, 50), 2),
            "ms",
            "lower",
            note=f"the same request {requests * 3} times (cache hits)",
        ),
        Figure("reporting.oee_90d_warm_p99", round(percentile(warm, 99), 2), "ms", "lower"),
        Figure(
            "reporting.oee_90d_raw_duckdb_ms",
            round(p50_duck, 1),
            "ms",
            "lower",
            "PostgreSQL",
            round(p50_pg, 1),
            note=raw_note,
        ),
        Figure(
            "reporting.analytics_oee_by_month_p50",
            round(percentile(analytics_ms, 50), 1),
            "ms",
            "lower",
            note=f"GET /analytics/oee_by_work_center_month, 90 days ({analytics_rows} rows):"
            " the tenant's kept DuckDB, views over live and archived facts, the query",
        ),
        Figure(
            "reporting.freshness_p50",
            round(percentile(fresh, 50), 1),
            "ms",
            "lower",
            note=f"production.counts.logged published → the 90-day dashboard shows it"
            f" (worker, rollup, generation, cache miss); {len(fresh)} events, {missed} missed",
        ),
        Figure("reporting.freshness_p99", round(percentile(fresh, 99), 1), "ms", "lower"),
        Figure(
            "reporting.archive_compression_ratio",
            archived["compression_ratio"] or 0.0,
            "x",
            "higher",
            note=f"{archived['rows']:,} count facts of one month: partition"
            f" {archived['partition_bytes'] / 2**20:.1f} MiB in PostgreSQL (table + indexes),"
            f" Parquet zstd {archived['parquet_bytes'] / 2**20:.2f} MiB;"
            f" dropped {', '.join(archived['dropped']) or 'nothing'}",
        ),
        Figure(
            "reporting.archive_seconds",
            archived["seconds"],
            "s",
            "lower",
            note="export through DuckDB, store, record, detach and drop",
        ),
    ]


def run(supervisor: Supervisor, *, quick: bool) -> list[Figure]:
    return asyncio.run(_run(supervisor, quick))
