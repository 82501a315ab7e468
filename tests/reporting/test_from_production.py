"""End to end with production's real code: a shift scripted through production's API and
settled by its daily close publishes its events; reporting's worker consumes them from
its queue; reporting's dashboard then shows the figures production's own OEE report
shows for the same work center and day, and the output and stops as they were logged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from production.app import build_app as build_production
from production.oee_tracking import close
from production.settings import Settings as ProductionSettings
from tests.production.floor import Floor, at
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter


@pytest.fixture
async def production_client(
    role_dsn: Callable[[str], str], minter: TokenMinter
) -> AsyncIterator[AsyncTestClient[Any]]:
    settings = ProductionSettings(
        database_url=role_dsn("production"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=4,
    )
    async with AsyncTestClient(build_production(settings, verifier=minter.verifier())) as client:
        yield client


@pytest.fixture
async def production_conn(role_dsn: Callable[[str], str]) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(role_dsn("production"))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def floor(
    production_client: AsyncTestClient[Any],
    auth: Headers,
    plants: list[UUID],
    org_id: UUID,
    production_conn: asyncpg.Connection,
) -> Floor:
    return Floor(production_client, auth, plants, org_id, production_conn)


async def _scripted_early_shift(floor: Floor, day: date) -> dict[str, Any]:
    """The early shift (06:00-14:00, break 10:00-10:30): 30 min setup, a 40 min jam, a
    2 min stop, 600 good, 20 scrap, 10 rework at a 30 s cycle."""
    order, (center,) = await floor.released_order(cycle="30", quantity="1000")
    jam = {"kind": "downtime", "code": "JAM", "name": "Jam", "loss": "breakdown"}
    reason = (await floor.post("/reasons", jam, 201)).json()
    op = f"/work-orders/{order['id']}/operations/10"
    for action, clock, extra in [
        ("setup", "06:00", {}),
        ("start", "06:30", {}),
        ("pause", "08:00", {"reason_id": reason["id"]}),
        ("resume", "08:40", {}),
        ("pause", "11:00", {"reason_id": reason["id"]}),
        ("resume", "11:02", {}),
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
    return center


async def _daily_close(floor: Floor, conn: asyncpg.Connection, now: datetime) -> int:
    async with conn.transaction():
        await conn.execute(
            "SELECT set_config('app.organization_id', $1, true),"
            " set_config('app.plant_ids', $2, true)",
            str(floor.org_id),
            ",".join(str(p) for p in floor.plants),
        )
        return await close.close_in(conn, floor.org_id, now)


async def test_the_dashboard_shows_productions_oee_for_a_shift_run_through_production(
    shop: Shop,
    floor: Floor,
    production_conn: asyncpg.Connection,
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    # Two days back: every shift of the day has ended, whatever the time of the run.
    day = datetime.now(UTC).date() - timedelta(days=2)
    center = await _scripted_early_shift(floor, day)
    now = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=6)
    assert await _daily_close(floor, production_conn, now) >= 3
    await shop.deliver()  # what production published, from reporting's own queue

    query = {"from": day.isoformat(), "to": day.isoformat(), "work_center_id": center["id"]}
    theirs = await floor.get("/oee", plant_id=str(floor.plants[0]), granularity="day", **query)
    (period,) = theirs["periods"]
    mine = await client.get(
        "/api/reporting/production/oee", params={**query, "granularity": "day"}, headers=auth()
    )
    assert mine.status_code == 200, mine.text
    (point,) = mine.json()["points"]
    for factor in ("availability", "performance", "quality", "oee"):
        assert point[factor] == period["result"][factor], factor
    assert point["oee"] == "0.2222"  # 600 x 30 s over three shifts' 81,000 s planned
    assert Decimal(point["good"]) == Decimal(period["inputs"]["good_count"]) == 600
    result = period["result"]
    assert Decimal(point["losses"]["speed_loss_minutes"]) * 60 == Decimal(result["speed_loss"])
    assert Decimal(point["losses"]["breakdown_minutes"]) * 60 == Decimal(result["breakdowns"])
    assert Decimal(point["logged_good"]) == 600 and Decimal(point["logged_scrap"]) == 20
    # The 40-minute jam; the 2-minute stop is a minor stop for production, still a stop.
    assert Decimal(point["downtime_unplanned_minutes"]) == 42
