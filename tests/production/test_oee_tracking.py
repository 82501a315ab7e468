"""OEE kept as it happens: a scripted shift gives the figures worked out by hand; the
daily close settles every ended shift (idle ones too) once, and late changes again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import asyncpg

from production.oee_tracking import close, quality
from tests.production.floor import Floor, at, yesterday
from tests.support.harness import Spy
from unison_events.quality import InspectionDecided


async def _scripted_early_shift(floor: Floor) -> tuple[dict[str, Any], dict[str, Any]]:
    """Yesterday's early shift (06:00-14:00, break 10:00-10:30) on one machine."""
    order, (center,) = await floor.released_order(cycle="30", quantity="1000")
    day = yesterday()
    jam = (
        await floor.post(
            "/reasons", {"kind": "downtime", "code": "JAM", "name": "Jam", "loss": "breakdown"}, 201
        )
    ).json()
    op = f"/work-orders/{order['id']}/operations/10"
    for action, clock, extra in [
        ("setup", "06:00", {}),
        ("start", "06:30", {}),  # 30 minutes of setup
        ("pause", "08:00", {"reason_id": jam["id"]}),
        ("resume", "08:40", {}),  # a 40-minute breakdown
        ("pause", "11:00", {"reason_id": jam["id"]}),
        ("resume", "11:02", {}),  # a 2-minute stop: a minor stop
    ]:
        await floor.post(f"{op}/{action}", {"at": at(day, clock).isoformat(), **extra}, 200)
    confirmation = {
        "good": "600",
        "scrap": [{"quantity": "20"}],
        "rework": [{"quantity": "10"}],
        "at": at(day, "13:00").isoformat(),
    }
    await floor.post(f"{op}/confirmations", confirmation, 201)
    await floor.post(f"{op}/finish", {"at": at(day, "13:59").isoformat()}, 200)
    return order, center


async def test_a_scripted_shift_gives_the_oee_worked_out_by_hand(floor: Floor) -> None:
    _, center = await _scripted_early_shift(floor)
    day = yesterday().isoformat()
    report = await floor.get(
        "/oee",
        plant_id=str(floor.plants[0]),
        work_center_id=center["id"],
        granularity="shift",
        **{"from": day, "to": day},
    )
    (early,) = [p for p in report["periods"] if p["shift_code"] == "EARLY"]
    inputs, result = early["inputs"], early["result"]
    assert Decimal(inputs["scheduled_seconds"]) == 8 * 3600
    assert Decimal(inputs["break_seconds"]) == 1800
    assert Decimal(inputs["setup_seconds"]) == 1800
    assert Decimal(inputs["breakdown_seconds"]) == 2400
    assert Decimal(inputs["minor_stop_seconds"]) == 120
    assert Decimal(inputs["ideal_run_seconds"]) == 630 * 30
    # planned 27,000 s; run 27,000 - 2,400 - 1,800 = 22,800 s
    assert result["availability"] == "0.8444"  # 22,800 / 27,000
    assert result["performance"] == "0.8289"  # 18,900 / 22,800
    assert result["quality"] == "0.9524"  # 600 / 630
    assert result["oee"] == "0.6667"  # 600 x 30 / 27,000
    assert Decimal(result["minor_stops"]) == 120


async def _close(floor: Floor, conn: asyncpg.Connection, now: datetime) -> int:
    async with conn.transaction():
        await conn.execute(
            "SELECT set_config('app.organization_id', $1, true),"
            " set_config('app.plant_ids', $2, true)",
            str(floor.org_id),
            ",".join(str(p) for p in floor.plants),
        )
        return await close.close_in(conn, floor.org_id, now)


async def test_the_daily_close_settles_every_ended_shift_once_and_late_rejections_again(
    floor: Floor, production_conn: asyncpg.Connection, spy: Spy
) -> None:
    order, center = await _scripted_early_shift(floor)
    now = datetime.combine(yesterday() + timedelta(days=1), datetime.min.time(), UTC) + timedelta(
        hours=6
    )
    settled = await _close(floor, production_conn, now)
    closed = await spy.events("production.oee.closed")
    assert settled == len(closed) > 3
    shifts = {(e["production_day"], e["shift_code"]) for e in closed}
    day = yesterday().isoformat()
    # Idle shifts are settled too: a machine with nothing to do still had planned time.
    assert {(day, "EARLY"), (day, "LATE"), (day, "NIGHT")} <= shifts
    early = next(e for e in closed if (e["production_day"], e["shift_code"]) == (day, "EARLY"))
    assert (early["oee"], early["work_center_id"]) == ("0.6667", center["id"])
    late = next(e for e in closed if (e["production_day"], e["shift_code"]) == (day, "LATE"))
    assert Decimal(late["availability"]) == 1 and Decimal(late["oee"]) == 0
    assert await _close(floor, production_conn, now) == 0
    rejected = InspectionDecided(
        organization_id=floor.org_id,
        plant_id=floor.plants[0],
        inspection_id=uuid4(),
        material_id=uuid4(),
        work_order_id=order["id"],
        operation_no=10,
        decision="partially_accepted",
        accepted_quantity=Decimal(570),
        rejected_quantity=Decimal(30),
        decided_at=now,
    )
    async with production_conn.transaction():
        await production_conn.execute(
            "SELECT set_config('app.organization_id', $1, true)", str(floor.org_id)
        )
        await quality.on_inspection_decided(production_conn, rejected)
    assert await _close(floor, production_conn, now) == 1
    again = (await spy.events("production.oee.closed"))[-1]
    assert (again["shift_code"], again["quality_rejected_count"]) == ("EARLY", "30")
    assert again["quality"] == "0.9048"  # (600 - 30) / 630
