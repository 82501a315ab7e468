"""Maintenance's equipment day KPIs become facts and the daily rollup exactly once,
whatever order they arrive in: a newer publication of a day replaces the older (the
rollup gets the difference), an older one arriving late changes nothing, a replay is
skipped by the inbox; the rollup rebuild recomputes the same rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec

from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from tests.reporting.maintenance_events import DAY, T0, D, inputs, published
from tests.reporting.shop import Shop
from unison_bus import JobContext
from unison_bus.jobs import JobMessage

SUMS = (
    "planned_operating_hours, downtime_hours, failures, repairs, repair_hours,"
    " maintenance_hours, planned_maintenance_hours, pm_due, pm_on_time, backlog_count,"
    " backlog_hours, labour_cost, parts_cost"
)


async def _facts_summed(shop: Shop) -> set[tuple[Any, ...]]:
    summed = ", ".join(f"sum({c.strip()})" for c in SUMS.split(","))
    rows = await shop.admin.fetch(
        f"SELECT day, plant_id, count(*)::int, {summed} FROM reporting.maintenance_day_facts"
        " WHERE organization_id = $1 GROUP BY 1, 2",
        shop.org_id,
    )
    return {tuple(r) for r in rows}


async def _rollup(shop: Shop) -> set[tuple[Any, ...]]:
    rows = await shop.admin.fetch(
        f"SELECT bucket_day, plant_id, equipment, {SUMS} FROM reporting.maintenance_daily"
        " WHERE organization_id = $1 AND equipment <> 0",
        shop.org_id,
    )
    return {tuple(r) for r in rows}


async def test_days_land_once_late_ones_too_and_a_replay_is_skipped(shop: Shop) -> None:
    press, lathe = uuid4(), uuid4()
    a, _ = published(shop, inputs(press, DAY, failures=((2, 1.5),), parts="40"))
    b, _ = published(shop, inputs(lathe, DAY, labour=(("2", "50", "planned"),), pm=(DAY,)))
    late, _ = published(shop, inputs(press, DAY - timedelta(days=40), open_hours=("3",)))
    other_plant, _ = published(shop, inputs(uuid4(), DAY, failures=((1, 1),)), plant=1)
    await shop.deliver(a, b, other_plant)
    await shop.deliver(late)
    await shop.deliver(a)  # the same event again: the consumer's inbox skips it
    rollup = await _rollup(shop)
    assert rollup == await _facts_summed(shop)
    day = {r[1]: r for r in rollup if r[0] == DAY}
    assert day[shop.plants[0]][2] == 2  # two equipment
    assert day[shop.plants[0]][5] == 1  # one failure
    assert day[shop.plants[0]][11] == 1  # one PM on time
    assert day[shop.plants[1]][2] == 1
    assert any(r[0] == DAY - timedelta(days=40) and r[12] == 1 for r in rollup)  # backlog


async def test_a_day_published_again_replaces_it_and_an_older_one_changes_nothing(
    shop: Shop,
) -> None:
    press = uuid4()
    first, _ = published(shop, inputs(press, DAY, failures=((2, 1),), parts="10"))
    again, _ = published(
        shop,
        inputs(press, DAY, failures=((2, 1), (9, 2)), parts="25"),
        at=T0 + timedelta(hours=5),
    )
    stale, _ = published(shop, inputs(press, DAY, parts="999"), at=T0 - timedelta(hours=5))
    await shop.deliver(first)
    await shop.deliver(again)
    await shop.deliver(stale)
    rollup = await _rollup(shop)
    assert rollup == await _facts_summed(shop)
    (row,) = rollup
    assert row[2] == 1  # still one equipment: replaced, not added
    assert (row[5], row[6], row[7]) == (2, 2, D(3))  # failures, repairs, repair hours
    assert row[-1] == D(25)  # parts cost of the newer publication


async def test_the_rebuild_recomputes_the_rollup_the_events_built(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """A plant with maintenance figures only is found by the job without the requester's
    plants (``organization_plants`` reads the maintenance rollup too)."""
    press, lathe = uuid4(), uuid4()
    events = [
        published(shop, inputs(e, DAY + timedelta(days=d), failures=((1, d / 4),)), plant=1)[0]
        for d in range(9)
        for e in (press, lathe)
    ]
    events.append(
        published(shop, inputs(press, DAY, parts="7"), plant=1, at=T0 + timedelta(hours=1))[0]
    )
    await shop.deliver(*reversed(events))  # out of order
    built = await _rollup(shop)
    await admin_conn.execute(
        "UPDATE reporting.maintenance_daily SET failures = 0 WHERE organization_id = $1",
        shop.org_id,
    )
    params = {"from": "2026-10-30", "to": "2026-11-20", "plant_ids": []}
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), params)
    await admin_conn.execute(
        "INSERT INTO bus.jobs (id, organization_id, kind, params) VALUES ($1, $2, $3, '{}')",
        job.job_id,
        job.organization_id,
        job.kind,
    )
    result = await rebuild.run(job)
    assert await _rollup(shop) == built == await _facts_summed(shop)
    assert result["maintenance_daily_rows"] == 9


async def test_an_event_of_several_days_or_without_a_plant_is_left_out(shop: Shop) -> None:
    event, _ = published(shop, inputs(uuid4(), DAY, failures=((1, 1),)))
    week = msgspec.structs.replace(event, id=uuid4(), period_end=DAY + timedelta(days=6))
    nowhere = msgspec.structs.replace(event, id=uuid4(), plant_id=None)
    await shop.deliver(week, nowhere)
    assert await _rollup(shop) == set() == await _facts_summed(shop)
