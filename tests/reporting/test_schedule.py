"""Schedule adherence and work-order lead time: production's work-order events (built as
production's ``snapshots`` build them) become one completion fact per order and daily
rollups; the dashboard's rates, averages and percentiles are checked against the orders'
own times, per day, week and period; replays and a second completion count once; an end
to end run through production's API agrees with production's work orders."""

from __future__ import annotations

import statistics
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from production.app import build_app as build_production
from production.settings import Settings as ProductionSettings
from reporting.production_facts import work_orders
from tests.production.floor import Floor
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_events.production import WorkOrderCreated, WorkOrderStatusChanged
from unison_pg import Database, Tenant

URL = "/api/reporting/production/schedule"
D = Decimal


def t(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


class Orders:
    """Work orders' events as production publishes them."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.material = uuid4()

    def _base(self, order: dict[str, Any], status: str, version: int) -> dict[str, Any]:
        return {
            "organization_id": self.shop.org_id,
            "plant_id": order.get("plant_id", self.shop.plants[0]),
            "work_order_id": order["id"],
            "number": order["number"],
            "material_id": self.material,
            "material_number": "M1",
            "quantity": D(order.get("quantity", 100)),
            "unit": "PC",
            "status": status,
            "priority": 50,
            "due_at": order["due"],
            "source": "manual",
            "good_quantity": D(order.get("good", 0)),
            "scrap_quantity": D(0),
            "version": version,
            "created_at": order["created"],
            "scheduled_end": order.get("scheduled_end"),
        }

    def life(self, order: dict[str, Any]) -> list[Any]:
        """Created, released, in progress, completed: the order's events in order."""
        created = WorkOrderCreated(**self._base(order, "draft", 1))
        created = msgspec.structs.replace(created, occurred_at=order["created"])
        released = self.changed(order, "released", "draft", 2, order["released"])
        started = self.changed(order, "in_progress", "released", 3, order["released"])
        done = self.changed(order, "completed", "in_progress", 4, order["completed"])
        return [created, released, started, done]

    def changed(
        self, order: dict[str, Any], status: str, previous: str, version: int, at: datetime
    ) -> WorkOrderStatusChanged:
        complete = status in ("completed", "closed")
        good = order.get("good", 100) if complete else 0
        event = WorkOrderStatusChanged(
            **{**self._base({**order, "good": good}, status, version)},
            previous=previous,
            actual_start=order["released"] if status != "released" else None,
            actual_end=order["completed"] if complete else None,
            work_center_id=order.get("work_center"),
        )
        return msgspec.structs.replace(event, occurred_at=at)


def _orders(shop: Shop) -> list[dict[str, Any]]:
    wc = shop.centers
    return [
        # On time (due the 6th), late against its schedule (the 5th 08:00), all good.
        {
            "id": uuid4(),
            "number": "A",
            "created": t(1, 8),
            "released": t(2, 8),
            "completed": t(5, 10),
            "due": t(6),
            "scheduled_end": t(5, 8),
            "work_center": wc[0],
        },
        # Late (due the 5th noon), never scheduled, 90 of 100 good.
        {
            "id": uuid4(),
            "number": "B",
            "created": t(1),
            "released": t(3),
            "completed": t(5, 20),
            "due": t(5, 12),
            "good": 90,
            "work_center": wc[0],
        },
        # Next week (Tuesday the 10th), on time and on schedule, at another work center.
        {
            "id": uuid4(),
            "number": "C",
            "created": t(4),
            "released": t(4, 6),
            "completed": t(10, 6),
            "due": t(12),
            "scheduled_end": t(11),
            "work_center": wc[1],
        },
    ]


async def _schedule(client: AsyncTestClient[Any], auth: Headers, **query: str) -> Any:
    response = await client.get(URL, params=query, headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


def _hours(orders: list[dict[str, Any]], start: str) -> list[float]:
    return [(o["completed"] - o[start]).total_seconds() / 3600 for o in orders]


def _p90(values: list[float]) -> float:
    # percentile_cont: linear between the closest ranks, as 'inclusive' quantiles.
    return statistics.quantiles(values, n=10, method="inclusive")[8]


async def test_adherence_and_lead_time_per_day_week_and_period(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    orders = _orders(shop)
    maker = Orders(shop)
    await shop.deliver(*[e for o in orders for e in maker.life(o)])

    week = await _schedule(
        client, auth, **{"from": "2026-11-01", "to": "2026-11-30"}, granularity="week"
    )
    first, second = week["points"]
    assert (first["bucket"], second["bucket"]) == ("2026-W45", "2026-W46")
    assert first["completed"] == 2 and first["on_time"] == 1 and first["on_time_rate"] == 0.5
    assert first["scheduled"] == 1 and first["on_schedule"] == 0
    assert first["schedule_adherence"] == 0.0
    assert first["quantity_met"] == 1 and first["quantity_adherence"] == 0.5
    assert D(first["planned_quantity"]) == 200 and D(first["good_quantity"]) == 190
    assert second["schedule_adherence"] == 1.0 and second["on_time_rate"] == 1.0

    total = week["total"]
    assert (total["completed"], total["on_time"], total["on_schedule"]) == (3, 2, 1)
    assert total["on_time_rate"] == pytest.approx(2 / 3)
    assert total["schedule_adherence"] == 0.5  # of the two with a scheduled end
    for key, start in (
        ("lead_time_from_release", "released"),
        ("lead_time_from_creation", "created"),
    ):
        hours = _hours(orders, start)
        lead = total[key]
        assert lead["orders"] == 3
        assert lead["average_hours"] == pytest.approx(statistics.mean(hours))
        assert lead["p50_hours"] == pytest.approx(statistics.median(hours))
        assert lead["p90_hours"] == pytest.approx(_p90(hours))
        first_week = _hours(orders[:2], start)
        assert first[key]["p50_hours"] == pytest.approx(statistics.median(first_week))
        assert first[key]["p90_hours"] == pytest.approx(_p90(first_week))

    days = await _schedule(client, auth, **{"from": "2026-11-05", "to": "2026-11-05"})
    (day,) = days["points"]
    assert day["bucket"] == "2026-11-05" and day["completed"] == 2
    assert days["total"]["completed"] == 2  # the 10th is outside the period

    # By work center: the output operation's.
    one = await _schedule(
        client,
        auth,
        **{"from": "2026-11-01", "to": "2026-11-30"},
        work_center_id=str(shop.centers[1]),
    )
    assert one["total"]["completed"] == 1 and one["total"]["on_time"] == 1


async def test_an_order_completes_once_replays_and_a_later_close_add_nothing(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    order = _orders(shop)[0]
    maker = Orders(shop)
    life = maker.life(order)
    await shop.deliver(*life)
    closed = maker.changed(order, "closed", "completed", 5, t(7))
    await shop.deliver(life[-1], closed)  # the completion again (inbox), then the close
    rows = await shop.admin.fetch(
        "SELECT completed, on_time FROM reporting.work_order_daily WHERE organization_id = $1",
        shop.org_id,
    )
    assert [tuple(r) for r in rows] == [(1, 1)]
    facts = await shop.admin.fetchval(
        "SELECT count(*) FROM reporting.work_order_facts WHERE organization_id = $1", shop.org_id
    )
    assert facts == 1


async def test_a_cancelled_order_and_an_unknown_release_are_handled(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    maker = Orders(shop)
    cancelled = {
        "id": uuid4(),
        "number": "X",
        "created": t(1),
        "released": t(2),
        "completed": t(3),
        "due": t(9),
    }
    event = maker.changed(cancelled, "cancelled", "released", 3, t(3))
    event = msgspec.structs.replace(event, actual_end=t(3))
    # An order whose creation and release reporting never saw (subscribed later): it
    # counts, with the creation time the event carries and no release lead time.
    unseen = {
        "id": uuid4(),
        "number": "Y",
        "created": t(1),
        "released": t(2),
        "completed": t(4),
        "due": t(9),
    }
    await shop.deliver(event, maker.changed(unseen, "completed", "in_progress", 4, t(4)))
    found = await _schedule(client, auth, **{"from": "2026-11-01", "to": "2026-11-30"})
    total = found["total"]
    assert total["completed"] == 1
    assert total["lead_time_from_release"] == {
        "orders": 0,
        "average_hours": None,
        "p50_hours": None,
        "p90_hours": None,
    }
    assert total["lead_time_from_creation"]["average_hours"] == 72


async def test_tenancy_and_bad_input(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    orders = _orders(shop)
    maker = Orders(shop)
    await shop.deliver(*[e for o in orders for e in maker.life(o)])
    query = {"from": "2026-11-01", "to": "2026-11-30"}
    response = await client.get(URL, params=query, headers=auth(organization_id=uuid4()))
    assert response.status_code == 200 and response.json()["total"]["completed"] == 0
    response = await client.get(URL, params=query, headers=auth(plant_ids=[plants[1]]))
    assert response.json()["total"]["completed"] == 0
    foreign = {**query, "plant_id": str(uuid4())}
    assert (await client.get(URL, params=foreign, headers=auth())).status_code == 404
    for bad, pointer in (
        ({**query, "granularity": "hour"}, "/granularity"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "/to"),
        ({"from": "2024-01-01", "to": "2026-11-01"}, "/to"),
    ):
        response = await client.get(URL, params=bad, headers=auth())
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/problem+json")
        assert pointer in response.text


# ------------------------------------------------------------------ through production


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


async def _run(floor: Floor, order: dict[str, Any], good: str) -> dict[str, Any]:
    op = f"/work-orders/{order['id']}/operations/10"
    now = datetime.now(UTC) - timedelta(minutes=5)
    await floor.post(f"{op}/start", {"at": now.isoformat()}, 200)
    confirmation = {"good": good, "at": (now + timedelta(minutes=1)).isoformat()}
    await floor.post(f"{op}/confirmations", confirmation, 201)
    await floor.post(f"{op}/finish", {"at": (now + timedelta(minutes=2)).isoformat()}, 200)
    found: dict[str, Any] = await floor.get(f"/work-orders/{order['id']}")
    assert found["status"] == "completed"
    return found


async def _released_at(floor: Floor, order_id: str) -> datetime:
    history = await floor.get(f"/work-orders/{order_id}/history")
    (released,) = [
        h for h in history["items"] if h["to_status"] == "released" and h["operation_no"] is None
    ]
    return datetime.fromisoformat(released["changed_at"])


async def test_an_order_run_through_production_agrees_with_productions_work_orders(
    shop: Shop, floor: Floor, client: AsyncTestClient[Any], auth: Headers
) -> None:
    late_due = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    on_time, (center,) = await floor.released_order(quantity="100")
    late, _ = await floor.released_order(quantity="100", due_at=late_due)
    done = [await _run(floor, on_time, "100"), await _run(floor, late, "80")]
    await shop.deliver()  # what production published, from reporting's own queue

    today = datetime.now(UTC).date().isoformat()
    mine = await _schedule(client, auth, **{"from": today, "to": today})
    total = mine["total"]
    ends = [datetime.fromisoformat(o["actual_end"]) for o in done]
    dues = [datetime.fromisoformat(o["due_at"]) for o in done]
    assert total["completed"] == 2
    assert total["on_time"] == sum(e <= d for e, d in zip(ends, dues, strict=True)) == 1
    assert total["quantity_met"] == 1
    assert D(total["good_quantity"]) == sum(D(o["good_quantity"]) for o in done) == 180
    created = [
        (e - datetime.fromisoformat(o["created_at"])).total_seconds() / 3600
        for o, e in zip(done, ends, strict=True)
    ]
    assert total["lead_time_from_creation"]["average_hours"] == pytest.approx(
        statistics.mean(created), abs=1e-9
    )
    releases = [await _released_at(floor, o["id"]) for o in done]
    from_release = [(e - r).total_seconds() / 3600 for e, r in zip(ends, releases, strict=True)]
    # Reporting takes the release time from the event (built in the same transaction as
    # production's history row, a few milliseconds apart).
    assert total["lead_time_from_release"]["average_hours"] == pytest.approx(
        statistics.mean(from_release), abs=1 / 3600
    )
    by_center = await _schedule(
        client, auth, **{"from": today, "to": today}, work_center_id=center["id"]
    )
    assert by_center["total"]["completed"] == 1  # the other order ran on its own center


async def test_the_rebuild_gives_the_same_rollup_rows(shop: Shop, database: Database) -> None:
    orders = _orders(shop)
    maker = Orders(shop)
    await shop.deliver(*[e for o in orders for e in maker.life(o)])
    sql = (
        "SELECT * FROM reporting.work_order_daily WHERE organization_id = $1"
        " ORDER BY bucket_day, plant_id, work_center_key"
    )
    before = [dict(r) for r in await shop.admin.fetch(sql, shop.org_id)]
    assert len(before) == 2
    await shop.admin.execute(
        "UPDATE reporting.work_order_daily SET completed = 99 WHERE organization_id = $1",
        shop.org_id,
    )
    tenant = Tenant(shop.org_id, tuple(shop.plants))
    async with database.transaction(tenant) as conn:
        written = await work_orders.rebuild(conn, date(2026, 11, 1), date(2026, 11, 30))
    assert written == 2
    after = [dict(r) for r in await shop.admin.fetch(sql, shop.org_id)]
    assert after == before
