"""The OEE dashboard read from the rollups shows production's own figures on the same
shifts (production's ``oee.combine`` over its buckets), keeps to the caller's
organization and plants, and rejects bad periods with problem+json."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from production import oee
from production.oee_tracking.repo import Bucket
from reporting import worker
from reporting.production_facts.service import REBUILD_KIND
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from unison_bus import JobRunner
from unison_pg import Database

URL = "/api/reporting/production/oee"
FIRST = date(2026, 10, 26)  # a Monday
DAYS = 24  # into a second month, over four ISO weeks


def _buckets(shop: Shop) -> list[Bucket]:
    """Two shifts a day on two work centers, figures that vary (seeded)."""
    rng = random.Random(7)
    buckets = []
    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        for shift, hour in (("A", 6), ("B", 14)):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            for center in shop.centers:
                good = rng.randint(300, 600)
                scrap, rework = rng.randint(0, 20), rng.randint(0, 5)
                buckets.append(
                    shop.bucket(
                        day,
                        shift,
                        start,
                        work_center_id=center,
                        planned_stop_seconds=rng.choice([0, 900]),
                        breakdown_seconds=rng.randint(0, 3600),
                        setup_seconds=rng.randint(0, 1200),
                        minor_stop_seconds=rng.randint(0, 600),
                        ideal_run_seconds=(good + scrap + rework) * Decimal("37.5"),
                        good_count=good,
                        scrap_count=scrap,
                        rework_count=rework,
                        quality_rejected_count=rng.randint(0, 3),
                    )
                )
    return buckets


def _group(buckets: list[Bucket], key: Callable[[Bucket], Any]) -> dict[Any, oee.OeeResult]:
    groups: dict[Any, list[Bucket]] = defaultdict(list)
    for b in buckets:
        groups[key(b)].append(b)
    return {k: oee.combine(b.inputs() for b in parts) for k, parts in groups.items()}


def _same(point: dict[str, Any], result: oee.OeeResult) -> None:
    for factor in ("availability", "performance", "quality", "oee"):
        expected = getattr(result, factor)
        assert (None if point[factor] is None else Decimal(point[factor])) == expected, factor
    losses = point["losses"]
    seconds = {
        "planned_production_minutes": result.planned_production_seconds,
        "run_minutes": result.run_seconds,
        "speed_loss_minutes": result.speed_loss,
        "quality_loss_minutes": result.scrap_loss + result.rework_loss,
        "unplanned_downtime_minutes": result.breakdowns + result.setup,
        "planned_downtime_minutes": result.planned_stops,
        "fully_productive_minutes": result.fully_productive_seconds,
    }
    for name, value in seconds.items():
        assert abs(Decimal(losses[name]) * 60 - value) < Decimal("0.1"), name


async def _get(client: AsyncTestClient[Any], auth: Headers, **query: Any) -> Any:
    response = await client.get(URL, params=query, headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


async def test_day_week_month_and_hour_figures_equal_productions_own(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    buckets = _buckets(shop)
    await shop.deliver(*(shop.closed(b) for b in buckets))
    last = FIRST + timedelta(days=DAYS - 1)
    period = {"from": FIRST.isoformat(), "to": last.isoformat()}

    by_day = _group(buckets, lambda b: b.production_day)
    series = await _get(client, auth, **period, granularity="day")
    assert [p["bucket"] for p in series["points"]] == [d.isoformat() for d in sorted(by_day)]
    for point in series["points"]:
        _same(point, by_day[date.fromisoformat(point["bucket"])])
    _same(series["total"], oee.combine(b.inputs() for b in buckets))

    by_week = _group(
        buckets, lambda b: b.production_day - timedelta(days=b.production_day.weekday())
    )
    series = await _get(client, auth, **period, granularity="week")
    assert [p["bucket"] for p in series["points"]] == [
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
    ]
    for point in series["points"]:
        _same(point, by_week[date.fromisoformat(point["start"][:10])])

    by_month = _group(buckets, lambda b: b.production_day.replace(day=1))
    series = await _get(client, auth, **period, granularity="month")
    assert [p["bucket"] for p in series["points"]] == ["2026-10", "2026-11"]
    for point in series["points"]:
        _same(point, by_month[date.fromisoformat(point["start"][:10])])

    one = shop.centers[1]
    by_shift = _group([b for b in buckets if b.work_center_id == one], lambda b: b.shift_start)
    series = await _get(
        client,
        auth,
        **{"from": "2026-11-03", "to": "2026-11-04"},
        granularity="hour",
        work_center_id=str(one),
    )
    assert len(series["points"]) == 4
    for point in series["points"]:
        assert point["shifts"] == 1
        _same(point, by_shift[datetime.fromisoformat(point["start"].replace("Z", "+00:00"))])


async def test_logged_output_and_stops_show_before_the_shift_is_closed(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    at = datetime(2026, 11, 5, 9, 20, tzinfo=UTC)
    await shop.deliver(
        shop.counts(at, good=120, scrap=3), shop.stop(at, at + timedelta(minutes=12))
    )
    series = await _get(client, auth, **{"from": "2026-11-05", "to": "2026-11-05"})
    (point,) = series["points"]
    assert Decimal(point["logged_good"]) == 120 and Decimal(point["logged_scrap"]) == 3
    assert Decimal(point["downtime_unplanned_minutes"]) == 12
    assert point["oee"] is None and point["shifts"] == 0  # no closed shift yet


async def test_another_organization_and_another_plant_see_nothing(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    day = FIRST
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    await shop.deliver(
        shop.closed(shop.bucket(day, "A", start, ideal_run_seconds=9000, good_count=300)),
        shop.counts(start + timedelta(hours=1), good=10),
    )
    query = {"from": day.isoformat(), "to": day.isoformat()}
    mine = await client.get(URL, params=query, headers=auth())
    assert len(mine.json()["points"]) == 1
    other_org = await client.get(URL, params=query, headers=auth(organization_id=uuid4()))
    assert other_org.status_code == 200 and other_org.json()["points"] == []
    other_plant = auth(plant_ids=[plants[1]])
    assert (await client.get(URL, params=query, headers=other_plant)).json()["points"] == []
    asked = await client.get(URL, params={**query, "plant_id": str(plants[0])}, headers=other_plant)
    assert asked.status_code == 404


async def test_a_reversed_or_too_long_period_or_an_unknown_granularity_is_a_422(
    client: AsyncTestClient[Any], auth: Headers
) -> None:
    for query in (
        {"from": "2026-11-10", "to": "2026-11-01"},
        {"from": "2026-01-01", "to": "2026-03-01", "granularity": "hour"},
        {"from": "2020-01-01", "to": "2026-03-01", "granularity": "month"},
        {"from": "2026-11-01", "to": "2026-11-02", "granularity": "fortnight"},
    ):
        response = await client.get(URL, params=query, headers=auth())
        assert response.status_code == 422, query
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]


async def test_an_admin_starts_a_rebuild_that_the_worker_runs_as_a_job(
    client: AsyncTestClient[Any],
    auth: Headers,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    database: Database,
) -> None:
    body = {"from": "2026-11-01", "to": "2026-11-30"}
    started = await client.post("/api/reporting/admin/rollups/rebuild", json=body, headers=auth())
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["href"] == f"/api/reporting/jobs/{job['job_id']}"
    assert started.headers["location"] == job["href"]
    kind = await admin_conn.fetchval(
        "SELECT kind FROM bus.jobs WHERE organization_id = $1 AND id = $2",
        org_id,
        UUID(job["job_id"]),
    )
    assert kind == REBUILD_KIND
    followed = await client.get(job["href"], headers=auth())
    assert followed.status_code == 200 and followed.json()["status"] == "queued"
    # The worker's job runner, with the worker's job table, runs it to the end.
    runner = JobRunner(database, queue="reporting_jobs", handlers=worker.JOB_HANDLERS)
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    try:
        async with asyncio.timeout(30):
            while (await client.get(job["href"], headers=auth())).json()["status"] in (
                "queued",
                "running",
            ):
                await asyncio.sleep(0.05)
    finally:
        stopping.set()
        await running
    done = (await client.get(job["href"], headers=auth())).json()
    assert done["status"] == "succeeded", done
    assert done["result"]["plants"] == 2 and done["progress_done"] == done["progress_total"] == 5
    refused = await client.post(
        "/api/reporting/admin/rollups/rebuild", json=body, headers=auth(roles=["operator"])
    )
    assert refused.status_code == 403
    reversed_period = {"from": "2026-11-30", "to": "2026-11-01"}
    bad = await client.post(
        "/api/reporting/admin/rollups/rebuild", json=reversed_period, headers=auth()
    )
    assert bad.status_code == 422


async def _archived(admin_conn: asyncpg.Connection, org_id: UUID, month: date) -> None:
    """The archive's record of a month of count facts (the partition is gone after it)."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    await admin_conn.execute(
        "INSERT INTO reporting.fact_archives (organization_id, fact_table, range_start,"
        " range_end, partition_name, object_key, rows, parquet_bytes, partition_bytes)"
        " VALUES ($1, 'count_facts', $2, $3, 'count_facts_p' || $4, 'k/' || $4, 10, 1, 1)",
        org_id,
        start,
        end,
        month.strftime("%Y%m"),
    )


async def test_a_rebuild_reaching_archived_months_is_refused_naming_them(
    client: AsyncTestClient[Any],
    auth: Headers,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    await _archived(admin_conn, org_id, date(2024, 1, 1))
    await _archived(admin_conn, org_id, date(2024, 3, 1))
    await _archived(admin_conn, uuid4(), date(2024, 5, 1))  # another organization's
    url = "/api/reporting/admin/rollups/rebuild"
    body = {"from": "2023-12-20", "to": "2024-03-01"}
    refused = await client.post(url, json=body, headers=auth())
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert "2024-01" in detail and "2024-03" in detail and "2024-02" not in detail
    queued = await admin_conn.fetchval(
        "SELECT count(*) FROM bus.jobs WHERE organization_id = $1", org_id
    )
    assert queued == 0
    # February alone was never archived; May was archived by another organization only.
    free_periods = (
        {"from": "2024-02-01", "to": "2024-02-29"},
        {"from": "2024-05-01", "to": "2024-05-31"},
    )
    for free in free_periods:
        started = await client.post(url, json=free, headers=auth())
        assert started.status_code == 202, (free, started.text)
