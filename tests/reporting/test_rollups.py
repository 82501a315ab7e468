"""Rollups are the facts summed into their buckets, exactly once, whatever order the
events arrive in; the rebuild recomputes the same rows from the facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import asyncpg
import pytest

from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from tests.reporting.shop import Shop
from unison_bus import Event, JobContext
from unison_bus.jobs import JobMessage

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # a Monday, 06:00 UTC
D = Decimal


async def _daily(shop: Shop) -> dict[tuple[date, str], dict[str, object]]:
    return {(r["bucket_day"], r["shift_code"]): r for r in await shop.rollups("production_daily")}


_MEASURES = (
    "shifts, scheduled_seconds, break_seconds, planned_stop_seconds, breakdown_seconds,"
    " setup_seconds, minor_stop_seconds, ideal_run_seconds, good_count, scrap_count,"
    " rework_count, quality_rejected_count, count_reports, logged_good, logged_scrap,"
    " logged_rework, logged_ideal_seconds, downtimes, downtime_planned_seconds,"
    " downtime_unplanned_seconds"
)


async def _plant_daily_agrees(shop: Shop) -> int:
    """Asserts the plants' daily rollup is production_daily summed per plant and day
    (rows of zeros aside); returns how many non-empty plant days there are."""
    summed = ", ".join(f"sum({m.strip()})" for m in _MEASURES.split(","))
    nonzero = " OR ".join(f"{m.strip()} <> 0" for m in _MEASURES.split(","))
    rows = await shop.admin.fetch(
        f"""WITH d AS (
                SELECT bucket_day, plant_id, {summed} FROM reporting.production_daily
                WHERE organization_id = $1 GROUP BY bucket_day, plant_id),
            d2 AS (SELECT * FROM d AS x (bucket_day, plant_id, {_MEASURES})
                   WHERE {nonzero}),
            p AS (SELECT bucket_day, plant_id, {_MEASURES}
                  FROM reporting.production_plant_daily
                  WHERE organization_id = $1 AND ({nonzero}))
            SELECT 'daily only' AS side, * FROM (TABLE d2 EXCEPT TABLE p) a
            UNION ALL
            SELECT 'plant only', * FROM (TABLE p EXCEPT TABLE d2) b""",
        shop.org_id,
    )
    assert [dict(r) for r in rows] == []
    count: int = await shop.admin.fetchval(
        f"SELECT count(*) FROM reporting.production_plant_daily"
        f" WHERE organization_id = $1 AND ({nonzero})",
        shop.org_id,
    )
    return count


async def test_counts_land_in_their_hour_and_day_and_a_replay_is_skipped_by_the_inbox(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    first = shop.counts(T0 + timedelta(minutes=10), good=100, scrap=4, rework=1)
    second = shop.counts(T0 + timedelta(minutes=50), good=50, scrap=1)
    late = shop.counts(T0 - timedelta(days=3, hours=1), good=7)  # arrives days later
    await shop.deliver(first, second)
    await shop.deliver(late)
    await shop.deliver(first)  # the same event again: the consumer's inbox skips it
    hourly = {r["bucket_start"]: r for r in await shop.rollups("production_hourly")}
    assert hourly[T0]["logged_good"] == 150 and hourly[T0]["logged_scrap"] == 5
    assert hourly[T0]["count_reports"] == 2
    assert hourly[T0]["logged_ideal_seconds"] == 30 * (105 + 51)
    assert hourly[T0 - timedelta(days=3, hours=1)]["logged_good"] == 7
    daily = await _daily(shop)
    assert daily[(T0.date(), "")]["logged_good"] == 150
    assert daily[(T0.date() - timedelta(days=3), "")]["logged_good"] == 7
    handled = await admin_conn.fetchval(
        "SELECT count(*) FROM bus.inbox WHERE organization_id = $1 AND event_id = $2",
        shop.org_id,
        first.id,
    )
    facts = await admin_conn.fetchval(
        "SELECT count(*) FROM reporting.count_facts WHERE organization_id = $1", shop.org_id
    )
    assert (handled, facts) == (1, 3)
    assert await _plant_daily_agrees(shop) == 2


async def test_a_stop_is_split_over_the_hours_and_days_it_spans(shop: Shop) -> None:
    start = datetime(2026, 11, 2, 23, 40, tzinfo=UTC)
    await shop.deliver(
        shop.stop(start, start + timedelta(minutes=50)),
        shop.stop(T0, T0 + timedelta(minutes=15), planned=True),
    )
    hourly = {r["bucket_start"]: r for r in await shop.rollups("production_hourly")}
    assert hourly[start.replace(minute=0)]["downtime_unplanned_seconds"] == 20 * 60
    assert hourly[start.replace(minute=0)]["downtimes"] == 1
    midnight = datetime(2026, 11, 3, tzinfo=UTC)
    assert hourly[midnight]["downtime_unplanned_seconds"] == 30 * 60
    assert hourly[midnight]["downtimes"] == 0
    assert hourly[T0]["downtime_planned_seconds"] == 15 * 60
    daily = await _daily(shop)
    assert daily[(date(2026, 11, 2), "")]["downtime_unplanned_seconds"] == 20 * 60
    assert daily[(date(2026, 11, 2), "")]["downtime_planned_seconds"] == 15 * 60
    assert daily[(date(2026, 11, 3), "")]["downtime_unplanned_seconds"] == 30 * 60
    assert await _plant_daily_agrees(shop) == 2


async def test_a_shift_closed_again_replaces_its_figures_and_an_older_close_changes_nothing(
    shop: Shop,
) -> None:
    day = T0.date()
    first = shop.closed(
        shop.bucket(day, "A", T0, ideal_run_seconds=18000, good_count=580, scrap_count=20),
        at=T0 + timedelta(hours=24),
    )
    again = shop.closed(
        shop.bucket(
            day,
            "A",
            T0,
            ideal_run_seconds=18000,
            good_count=580,
            scrap_count=20,
            quality_rejected_count=30,
            breakdown_seconds=1200,
        ),
        at=T0 + timedelta(hours=48),
    )
    await shop.deliver(again)
    await shop.deliver(first)  # out of order: the older close arrives last
    row = (await _daily(shop))[(day, "A")]
    assert (row["shifts"], row["quality_rejected_count"], row["breakdown_seconds"]) == (1, 30, 1200)
    newest = shop.closed(
        shop.bucket(day, "A", T0, ideal_run_seconds=18000, good_count=600),
        at=T0 + timedelta(hours=72),
    )
    await shop.deliver(newest)
    row = (await _daily(shop))[(day, "A")]
    assert (row["shifts"], row["good_count"], row["scrap_count"]) == (1, 600, 0)
    assert (row["quality_rejected_count"], row["breakdown_seconds"]) == (0, 0)
    hourly = {r["bucket_start"]: r for r in await shop.rollups("production_hourly")}
    assert hourly[T0]["good_count"] == 600 and hourly[T0]["shifts"] == 1
    assert await _plant_daily_agrees(shop) == 1


async def test_the_rebuild_gives_the_rollups_the_events_built(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    events: list[Event] = []
    for d in range(10):
        start = T0 + timedelta(days=d)
        events.append(
            shop.closed(
                shop.bucket(
                    start.date(),
                    "A",
                    start,
                    ideal_run_seconds=15000 + d,
                    good_count=480 + d,
                    scrap_count=d,
                    breakdown_seconds=60 * d,
                )
            )
        )
        events.append(shop.counts(start + timedelta(hours=1, minutes=d), good=40 + d, scrap=d))
        # A second work center of the plant: its plant days sum both.
        events.append(
            shop.counts(start + timedelta(hours=2), good=10 + d, work_center_id=shop.centers[1])
        )
        events.append(shop.stop(start + timedelta(hours=7, minutes=50), start + timedelta(hours=9)))
    await shop.deliver(*reversed(events))  # out of order
    hourly, daily = await shop.rollups("production_hourly"), await shop.rollups("production_daily")
    plant_days = await _plant_daily_agrees(shop)
    # A night stop reaches over midnight; the rebuild covers the period with a day's margin.
    await admin_conn.execute(
        "UPDATE reporting.production_daily SET good_count = 0 WHERE organization_id = $1",
        shop.org_id,
    )
    await admin_conn.execute(
        "DELETE FROM reporting.production_hourly WHERE organization_id = $1", shop.org_id
    )
    await admin_conn.execute(
        "UPDATE reporting.production_plant_daily SET shifts = 99 WHERE organization_id = $1",
        shop.org_id,
    )
    params = {"from": "2026-10-30", "to": "2026-11-20", "plant_ids": [str(shop.plants[0])]}
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), params)
    await _job_row(admin_conn, job)
    result = await rebuild.run(job)
    assert result["daily_rows"] == len(daily) and result["hourly_rows"] == len(hourly)
    assert await shop.rollups("production_hourly") == hourly
    assert await shop.rollups("production_daily") == daily
    assert await _plant_daily_agrees(shop) == plant_days > 0


async def _job_row(admin_conn: asyncpg.Connection, job: JobContext) -> None:
    """The row a queued job has (progress is recorded on it)."""
    await admin_conn.execute(
        "INSERT INTO bus.jobs (id, organization_id, kind, params) VALUES ($1, $2, $3, '{}')",
        job.job_id,
        job.organization_id,
        job.kind,
    )


async def test_the_rebuild_job_stops_before_a_week_whose_facts_were_archived(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """Queued before the archive ran: the weeks before are rebuilt, the archived month's
    rollups are left as they are (the facts that would recompute them are gone)."""
    await shop.deliver(shop.counts(T0 + timedelta(days=30), good=5))  # 2 December
    before = await shop.rollups("production_daily")
    assert before
    await admin_conn.execute(
        "INSERT INTO reporting.fact_archives (organization_id, fact_table, range_start,"
        " range_end, partition_name, object_key, rows, parquet_bytes, partition_bytes)"
        " VALUES ($1, 'shift_facts', '2026-12-01Z', '2027-01-01Z', 'p', 'k', 1, 1, 1)",
        shop.org_id,
    )
    params = {"from": "2026-11-16", "to": "2026-12-10", "plant_ids": [str(shop.plants[0])]}
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), params)
    await _job_row(admin_conn, job)
    with pytest.raises(rebuild.ArchivedFacts, match="2026-12"):
        await rebuild.run(job)
    assert await shop.rollups("production_daily") == before
    assert await _plant_daily_agrees(shop) == 1


async def test_the_rebuild_finds_plants_with_only_work_order_or_measurement_rollups(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """``organization_plants`` reads work_order_daily and spc_daily too, and only the
    current organization's rows."""
    orders, measured, foreign = uuid4(), uuid4(), uuid4()
    day = T0.date()
    await admin_conn.execute(
        "INSERT INTO reporting.work_order_daily (organization_id, bucket_day, plant_id,"
        " work_center_key, completed) VALUES ($1, $2, $3, $4, 1), ($5, $2, $6, $4, 1)",
        shop.org_id,
        day,
        orders,
        uuid4(),
        uuid4(),
        foreign,
    )
    await admin_conn.execute(
        "INSERT INTO reporting.spc_daily (organization_id, bucket_day, plant_id, material_id,"
        " characteristic, n, sum, sum_squares, mr_count, mr_sum, first_value, last_value)"
        " VALUES ($1, $2, $3, $4, 'DIA', 1, 1, 1, 0, 0, 1, 1)",
        shop.org_id,
        day,
        measured,
        uuid4(),
    )
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), {})
    tenant = await job.organization_tenant("reporting")
    assert {orders, measured} <= set(tenant.plant_ids)
    assert foreign not in tenant.plant_ids
