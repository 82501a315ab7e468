"""Quality's day figures become facts and daily rollups exactly once, whatever order they
arrive in: a newer publication of a day replaces the older (the rollups get the
difference), an older one arriving late changes nothing, a replay is skipped by the inbox.
NCR and CAPA states keep their newest version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec

from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from tests.reporting.quality_events import DAY, MATERIALS, T0, D, capa, decision, figures, ncr
from tests.reporting.shop import Shop
from unison_bus import JobContext
from unison_bus.jobs import JobMessage


async def _facts_summed(shop: Shop) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    yields = await shop.admin.fetch(
        "SELECT day, plant_id, material_id, count(*)::int AS n, sum(inspected) AS i,"
        " sum(passed_first_time) AS p FROM reporting.quality_day_facts"
        " WHERE organization_id = $1 GROUP BY 1, 2, 3",
        shop.org_id,
    )
    defects = await shop.admin.fetch(
        "SELECT f.day, f.plant_id, d.code, sum(d.count) AS n"
        " FROM reporting.quality_day_facts f,"
        " unnest(f.defect_codes, f.defect_counts) AS d (code, count)"
        " WHERE f.organization_id = $1 GROUP BY 1, 2, 3",
        shop.org_id,
    )
    return {tuple(r) for r in yields}, {tuple(r) for r in defects}


async def _rollups(shop: Shop) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    yields = await shop.admin.fetch(
        "SELECT bucket_day, plant_id, material_id, figures, inspected, passed_first_time"
        " FROM reporting.quality_daily WHERE organization_id = $1 AND figures <> 0",
        shop.org_id,
    )
    defects = await shop.admin.fetch(
        "SELECT bucket_day, plant_id, code, count FROM reporting.defect_daily"
        " WHERE organization_id = $1 AND count <> 0",
        shop.org_id,
    )
    return {tuple(r) for r in yields}, {tuple(r) for r in defects}


async def test_day_figures_land_in_their_day_once_and_a_replay_is_skipped(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    wc = uuid4()
    first = figures(shop, DAY, 100, 90, (("SCRATCH", 3), ("DENT", 1)), work_center=wc)
    other_center = figures(shop, DAY, 50, 50, (("DENT", 2),))
    late = figures(shop, DAY - timedelta(days=20), 10, 5, (("BURR", 4),), material=1)
    await shop.deliver(first, other_center)
    await shop.deliver(late)
    await shop.deliver(first)  # the same event again: the consumer's inbox skips it
    rollups = await _rollups(shop)
    assert rollups == await _facts_summed(shop)
    yields, defects = rollups
    assert (DAY, shop.plants[0], MATERIALS[0], 2, D(150), D(140)) in yields
    assert (DAY - timedelta(days=20), shop.plants[0], MATERIALS[1], 1, D(10), D(5)) in yields
    assert defects == {
        (DAY, shop.plants[0], "SCRATCH", 3),
        (DAY, shop.plants[0], "DENT", 3),
        (DAY - timedelta(days=20), shop.plants[0], "BURR", 4),
    }


async def test_a_day_published_again_replaces_its_figures_and_an_older_one_changes_nothing(
    shop: Shop,
) -> None:
    wc = uuid4()
    older = figures(shop, DAY, 100, 90, (("SCRATCH", 3), ("DENT", 1)), work_center=wc)
    newer = figures(
        shop,
        DAY,
        120,
        100,
        (("SCRATCH", 5), ("BURR", 1)),
        work_center=wc,
        at=T0 + timedelta(hours=1),
    )
    await shop.deliver(newer)
    await shop.deliver(older)  # out of order: arrives after the newer
    rollups = await _rollups(shop)
    assert rollups == await _facts_summed(shop)
    assert rollups == (
        {(DAY, shop.plants[0], MATERIALS[0], 1, D(120), D(100))},
        {(DAY, shop.plants[0], "SCRATCH", 5), (DAY, shop.plants[0], "BURR", 1)},
    )
    newest = msgspec.structs.replace(
        figures(shop, DAY, 80, 80, work_center=wc), occurred_at=T0 + timedelta(hours=2)
    )
    await shop.deliver(newest)  # the day's defects were all withdrawn
    rollups = await _rollups(shop)
    assert rollups == await _facts_summed(shop)
    assert rollups == ({(DAY, shop.plants[0], MATERIALS[0], 1, D(80), D(80))}, set())


async def test_an_ncr_keeps_its_newest_state_and_when_it_was_first_closed(shop: Shop) -> None:
    ncr_id = uuid4()
    closed_at = T0 + timedelta(days=3)
    await shop.deliver(
        ncr(shop, ncr_id, "closed", 4, at=closed_at),
        ncr(shop, ncr_id, "investigation", 2, at=T0 + timedelta(days=1)),  # late, older
    )
    await shop.deliver(ncr(shop, ncr_id, "closed", 5, at=closed_at + timedelta(days=1)))
    row = await shop.admin.fetchrow(
        "SELECT status, version, closed_at FROM reporting.ncr_facts WHERE organization_id = $1",
        shop.org_id,
    )
    assert tuple(row) == ("closed", 5, closed_at)
    await shop.deliver(ncr(shop, ncr_id, "investigation", 6, at=closed_at + timedelta(days=2)))
    row = await shop.admin.fetchrow(
        "SELECT status, closed_at FROM reporting.ncr_facts WHERE organization_id = $1",
        shop.org_id,
    )
    assert tuple(row) == ("investigation", None)  # reopened


async def test_a_capa_takes_its_own_closing_time_or_the_events_time_for_older_messages(
    shop: Shop,
) -> None:
    told, untold = uuid4(), uuid4()
    own = T0 - timedelta(hours=5)
    await shop.deliver(
        capa(shop, told, "closed", 3, closed_at=own, at=T0),
        capa(shop, untold, "closed", 3, at=T0),
        capa(shop, untold, "in_progress", 2, at=T0 - timedelta(days=1)),  # late, older
    )
    rows = await shop.admin.fetch(
        "SELECT capa_id, status, closed_at FROM reporting.capa_facts WHERE organization_id = $1",
        shop.org_id,
    )
    assert {r["capa_id"]: (r["status"], r["closed_at"]) for r in rows} == {
        told: ("closed", own),
        untold: ("closed", T0),
    }


async def test_the_rebuild_recomputes_the_quality_rollups_the_events_built(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """A plant with quality figures only is found by the job without the requester's
    plants (``organization_plants`` reads the quality rollup too)."""
    events = [
        figures(shop, DAY + timedelta(days=d), 100 + d, 90, (("DENT", d + 1),), plant=1)
        for d in range(9)
    ]
    events.append(
        msgspec.structs.replace(
            figures(shop, DAY, 50, 50, plant=1), occurred_at=T0 + timedelta(hours=1)
        )
    )
    await shop.deliver(*reversed(events))  # out of order
    built = await _rollups(shop)
    await admin_conn.execute(
        "UPDATE reporting.quality_daily SET inspected = 0 WHERE organization_id = $1",
        shop.org_id,
    )
    await admin_conn.execute(
        "DELETE FROM reporting.defect_daily WHERE organization_id = $1", shop.org_id
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
    assert await _rollups(shop) == built == await _facts_summed(shop)
    assert (result["quality_daily_rows"], result["defect_daily_rows"]) == (9, 8)


async def test_decisions_count_once_on_their_utc_day_and_the_rebuild_gives_the_same_rows(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    wc = uuid4()
    late_night = datetime(2026, 11, 2, 23, 59, tzinfo=UTC)
    events = [
        decision(shop, late_night, "accepted", 100, 0, work_center=wc),
        decision(shop, late_night + timedelta(minutes=2), "partially_accepted", 90, 10),
        decision(shop, late_night - timedelta(days=9), "rejected", 0, 50, material=1),
    ]
    await shop.deliver(*reversed(events))
    await shop.deliver(events[0])  # replayed: the inbox skips it

    async def daily() -> set[tuple[Any, ...]]:
        rows = await admin_conn.fetch(
            "SELECT bucket_day, material_id, sum(lots)::int, sum(lots_passed)::int,"
            " sum(inspected), sum(passed_first_time), sum(rejected)"
            " FROM reporting.inspection_daily WHERE organization_id = $1 GROUP BY 1, 2",
            shop.org_id,
        )
        return {tuple(r) for r in rows}

    built = await daily()
    assert built == {
        (DAY, MATERIALS[0], 1, 1, D(100), D(100), D(0)),
        (DAY + timedelta(days=1), MATERIALS[0], 1, 0, D(100), D(0), D(10)),
        (DAY - timedelta(days=9), MATERIALS[1], 1, 0, D(50), D(0), D(50)),
    }
    await admin_conn.execute(
        "DELETE FROM reporting.inspection_daily WHERE organization_id = $1", shop.org_id
    )
    # Every rollup row of the plant is gone: the job finds it through the requester's token.
    params = {"from": "2026-10-20", "to": "2026-11-10", "plant_ids": [str(shop.plants[0])]}
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), params)
    await admin_conn.execute(
        "INSERT INTO bus.jobs (id, organization_id, kind, params) VALUES ($1, $2, $3, '{}')",
        job.job_id,
        job.organization_id,
        job.kind,
    )
    assert (await rebuild.run(job))["inspection_daily_rows"] == 3
    assert await daily() == built
