"""Inventory's goods movements become facts, daily rollups and the current stock exactly
once, whatever order they arrive in: a replay is skipped by the inbox, the same document
told twice adds nothing, a late (back-dated) one lands on its posting day; the rollup
rebuild recomputes the same rows from the facts. Material and reorder states keep the
newest."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec

from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from tests.reporting.inventory_events import T0, D, Stockroom
from tests.reporting.shop import Shop
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_events.inventory import GoodsMovementPosted

DAY = date(2026, 11, 9)

# Each rollup, and the same sums computed here straight from the facts.
ROLLUPS = {
    "inventory_plant_daily": (
        "SELECT bucket_day, plant_id, movement_type, documents, lines, quantity_in,"
        " quantity_out, value_in, value_out FROM reporting.inventory_plant_daily"
        " WHERE organization_id = $1 AND lines <> 0",
        "SELECT posting_date, plant_id, movement_type, count(DISTINCT movement_id),"
        " count(*), coalesce(sum(quantity) FILTER (WHERE quantity > 0), 0),"
        " coalesce(-sum(quantity) FILTER (WHERE quantity <= 0), 0),"
        " coalesce(sum(value) FILTER (WHERE quantity > 0), 0),"
        " coalesce(-sum(value) FILTER (WHERE quantity <= 0), 0)"
        " FROM reporting.inventory_movement_facts WHERE organization_id = $1 GROUP BY 1, 2, 3",
    ),
    "inventory_daily": (
        "SELECT bucket_day, plant_id, material_id, movement_type, lines, quantity_in,"
        " quantity_out, value_in, value_out FROM reporting.inventory_daily"
        " WHERE organization_id = $1 AND lines <> 0",
        "SELECT posting_date, plant_id, material_id, movement_type, count(*),"
        " coalesce(sum(quantity) FILTER (WHERE quantity > 0), 0),"
        " coalesce(-sum(quantity) FILTER (WHERE quantity <= 0), 0),"
        " coalesce(sum(value) FILTER (WHERE quantity > 0), 0),"
        " coalesce(-sum(value) FILTER (WHERE quantity <= 0), 0)"
        " FROM reporting.inventory_movement_facts WHERE organization_id = $1"
        " GROUP BY 1, 2, 3, 4",
    ),
    "inventory_plant_monthly": (
        "SELECT bucket_month, plant_id, lines, net_quantity, net_value"
        " FROM reporting.inventory_plant_monthly WHERE organization_id = $1 AND lines <> 0",
        "SELECT date_trunc('month', posting_date)::date, plant_id, count(*), sum(quantity),"
        " sum(value) FROM reporting.inventory_movement_facts WHERE organization_id = $1"
        " GROUP BY 1, 2",
    ),
    "inventory_monthly": (
        "SELECT bucket_month, plant_id, material_id, lines, net_quantity, net_value"
        " FROM reporting.inventory_monthly WHERE organization_id = $1 AND lines <> 0",
        "SELECT date_trunc('month', posting_date)::date, plant_id, material_id, count(*),"
        " sum(quantity), sum(value) FROM reporting.inventory_movement_facts"
        " WHERE organization_id = $1 GROUP BY 1, 2, 3",
    ),
    "inventory_material_stock": (
        "SELECT plant_id, material_id, lines, quantity, value"
        " FROM reporting.inventory_material_stock WHERE organization_id = $1",
        "SELECT plant_id, material_id, count(*), sum(quantity), sum(value)"
        " FROM reporting.inventory_movement_facts WHERE organization_id = $1 GROUP BY 1, 2",
    ),
    "inventory_lot_stock": (
        "SELECT plant_id, material_id, lot, lines, quantity, first_received"
        " FROM reporting.inventory_lot_stock WHERE organization_id = $1",
        "SELECT plant_id, material_id, lot, count(*), sum(quantity),"
        " min(posting_date) FILTER (WHERE quantity > 0)"
        " FROM reporting.inventory_movement_facts WHERE organization_id = $1 AND lot <> ''"
        " GROUP BY 1, 2, 3",
    ),
}


async def _state(shop: Shop) -> dict[str, set[tuple[Any, ...]]]:
    found = {}
    for table, (kept, _) in ROLLUPS.items():
        found[table] = {tuple(r) for r in await shop.admin.fetch(kept, shop.org_id)}
    return found


async def _from_facts(shop: Shop) -> dict[str, set[tuple[Any, ...]]]:
    found = {}
    for table, (_, summed) in ROLLUPS.items():
        found[table] = {tuple(r) for r in await shop.admin.fetch(summed, shop.org_id)}
    return found


def _documents(room: Stockroom) -> list[GoodsMovementPosted]:
    bearing, shaft = uuid4(), uuid4()
    transfer = room.movement(
        "301",
        DAY,
        room.line(0, bearing, "-4", "-40", "L1"),
        room.line(1, bearing, "4", "40", "L1"),
    )
    inside = room.movement(
        "311",
        DAY,
        room.line(0, shaft, "-2", "0"),
        room.line(0, shaft, "2", "0", location_id=uuid4()),
    )
    return [
        room.receipt(DAY - timedelta(days=3), bearing, "10", "100", lot="L1"),
        room.receipt(DAY - timedelta(days=1), bearing, "5", "60", lot="L2"),
        room.receipt(DAY, shaft, "7", "70"),
        room.issue(DAY, bearing, "3", "33", lot="L2"),
        transfer,
        inside,
        room.issue(DAY + timedelta(days=1), shaft, "1", "10", movement_type="601"),
    ]


async def test_movements_land_once_on_their_posting_day_late_replayed_or_told_twice(
    shop: Shop,
) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    documents = _documents(room)
    late = documents.pop(0)
    await shop.deliver(*reversed(documents))  # out of order
    await shop.deliver(late)  # back-dated, after the days after it
    await shop.deliver(documents[0])  # the same event again: the inbox skips it
    told_twice = msgspec.structs.replace(documents[1], id=uuid4())  # a new event, same lines
    await shop.deliver(told_twice)

    state = await _state(shop)
    assert state == await _from_facts(shop)
    facts = await shop.admin.fetchval(
        "SELECT count(*) FROM reporting.inventory_movement_facts WHERE organization_id = $1",
        shop.org_id,
    )
    assert facts == 9
    stock = {(r[0], r[1]): (r[3], r[4]) for r in state["inventory_material_stock"]}
    bearing = documents[2].lines[0].material_id
    assert stock[(shop.plants[0], bearing)] == (D(8), D(87))  # 10 + 5 - 3 - 4, 100 + 60 - 33 - 40
    assert stock[(shop.plants[1], bearing)] == (D(4), D(40))
    lots = {(r[0], r[2]): (r[4], r[5]) for r in state["inventory_lot_stock"]}
    assert lots[(shop.plants[0], "L1")] == (D(6), DAY - timedelta(days=3))
    assert lots[(shop.plants[1], "L1")] == (D(4), DAY)  # arrived in plant 1 on the transfer
    assert lots[(shop.plants[0], "L2")] == (D(2), DAY - timedelta(days=1))
    plant_day = {(r[0], r[1], r[2]): r[3:] for r in state["inventory_plant_daily"]}
    assert plant_day[(DAY, shop.plants[0], "311")] == (1, 2, D(2), D(2), D(0), D(0))
    assert plant_day[(DAY, shop.plants[0], "301")] == (1, 1, D(0), D(4), D(0), D(40))
    assert plant_day[(DAY, shop.plants[1], "301")] == (1, 1, D(4), D(0), D(40), D(0))


async def test_the_rebuild_recomputes_the_rollups_and_the_stock_the_events_built(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """Events out of order, late, replayed and told twice, then the rollups spoiled: the
    rebuild gives back what the handlers built. Plants with stock movements only are found
    by the job without the requester's plants (``organization_plants`` reads the inventory
    rollup too)."""
    room = Stockroom(shop.org_id, shop.plants)
    documents = _documents(room)
    await shop.deliver(*documents[3:], documents[1], documents[2])  # out of order
    await shop.deliver(documents[0])  # late: back-dated before the others
    await shop.deliver(documents[3], msgspec.structs.replace(documents[4], id=uuid4()))
    built = await _state(shop)
    for table in ROLLUPS:
        column = (
            "quantity" if "stock" in table else "net_value" if "monthly" in table else "quantity_in"
        )
        await admin_conn.execute(
            f"UPDATE reporting.{table} SET {column} = 999 WHERE organization_id = $1",
            shop.org_id,
        )
    await admin_conn.execute(
        "DELETE FROM reporting.inventory_lot_stock WHERE organization_id = $1", shop.org_id
    )
    params = {"from": "2026-11-01", "to": "2026-11-20", "plant_ids": []}
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), params)
    await admin_conn.execute(
        "INSERT INTO bus.jobs (id, organization_id, kind, params) VALUES ($1, $2, $3, '{}')",
        job.job_id,
        job.organization_id,
        job.kind,
    )
    result = await rebuild.run(job)
    assert await _state(shop) == built == await _from_facts(shop)
    assert result["plants"] == 2
    assert result["inventory_plant_daily_rows"] == len(built["inventory_plant_daily"])
    assert result["inventory_daily_rows"] == len(built["inventory_daily"])


async def test_the_material_master_and_reorder_states_keep_the_newest(shop: Shop) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    bolt = uuid4()
    await shop.deliver(room.material(bolt, "BOLT", "FASTENERS", version=2))
    await shop.deliver(room.material(bolt, "BOLT-OLD", "OLD", version=1))  # late, older
    row = await shop.admin.fetchrow(
        "SELECT number, material_group, version FROM reporting.inventory_materials"
        " WHERE organization_id = $1",
        shop.org_id,
    )
    assert tuple(row) == ("BOLT", "FASTENERS", 2)

    below = room.below(bolt, "BOLT", since=T0)
    recovered = room.recovered(bolt, "BOLT", since=T0, at=T0 + timedelta(hours=2))
    await shop.deliver(recovered, below)  # the recovery first: the older crossing is ignored
    state = await shop.admin.fetchval(
        "SELECT below FROM reporting.inventory_below_reorder WHERE organization_id = $1",
        shop.org_id,
    )
    assert state is False
    again = room.below(bolt, "BOLT", since=T0 + timedelta(hours=5))
    await shop.deliver(again)
    assert await shop.admin.fetchval(
        "SELECT below FROM reporting.inventory_below_reorder WHERE organization_id = $1",
        shop.org_id,
    )


async def test_restated_values_replace_the_lines_values_newest_first_and_rebuild_alike(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """A back-dated receipt restates a later issue's value (its event carries the line at
    the new value): the fact and the rollups take the difference, exactly once; a later
    restatement wins over an earlier one arriving late; a restatement arriving before the
    line's own document keeps the line at the restated value."""
    room = Stockroom(shop.org_id, shop.plants)
    bolt, nut = uuid4(), uuid4()
    receipt = room.receipt(DAY - timedelta(days=3), bolt, "10", "100")
    issue = room.issue(DAY, bolt, "3", "30")
    nut_issue = room.issue(DAY, nut, "1", "10")
    await shop.deliver(receipt, issue)

    late = room.receipt(DAY - timedelta(days=2), bolt, "10", "200")
    first = msgspec.structs.replace(
        late, occurred_at=T0 + timedelta(hours=1), restated=(room.restated(issue, "-45"),)
    )
    again = room.movement(
        "101",
        DAY - timedelta(days=1),
        room.line(0, bolt, "1", "1"),
        at=T0 + timedelta(hours=2),
    )
    second = msgspec.structs.replace(again, restated=(room.restated(issue, "-44.10"),))
    early_nut = room.movement(
        "101", DAY - timedelta(days=1), room.line(0, nut, "5", "50"), at=T0 + timedelta(hours=3)
    )
    ahead = msgspec.structs.replace(early_nut, restated=(room.restated(nut_issue, "-11"),))
    await shop.deliver(second)
    await shop.deliver(first)  # the earlier restatement, late: the line keeps -44.10
    await shop.deliver(ahead)  # restates a line reporting has not seen yet
    await shop.deliver(nut_issue)  # the line's own (older) event: nothing changes
    await shop.deliver(first)  # replayed: skipped

    values = dict(
        await shop.admin.fetch(
            "SELECT material_id, value FROM reporting.inventory_movement_facts"
            " WHERE organization_id = $1 AND posting_date = $2",
            shop.org_id,
            DAY,
        )
    )
    assert values == {bolt: D("-44.10"), nut: D(-11)}
    state = await _state(shop)
    assert state == await _from_facts(shop)
    stock = {r[1]: (r[2], r[3], r[4]) for r in state["inventory_material_stock"]}
    assert stock[bolt] == (4, D(18), D("256.90"))  # 100 + 200 + 1 - 44.10
    assert stock[nut] == (2, D(4), D(39))

    params = {"from": "2026-11-01", "to": "2026-11-20", "plant_ids": []}
    job = JobContext(shop.database, JobMessage(uuid4(), shop.org_id, REBUILD_KIND), params)
    await admin_conn.execute(
        "INSERT INTO bus.jobs (id, organization_id, kind, params) VALUES ($1, $2, $3, '{}')",
        job.job_id,
        job.organization_id,
        job.kind,
    )
    await admin_conn.execute(
        "UPDATE reporting.inventory_plant_daily SET value_out = 0 WHERE organization_id = $1",
        shop.org_id,
    )
    await rebuild.run(job)
    assert await _state(shop) == state
