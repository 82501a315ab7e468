"""The quality dashboards: FPY per day, ISO week and month summed from the daily rollups,
NCRs raised and closed per bucket with the open ones' ageing, the CAPA on-time rate; each
keeps to the caller's organization and plants and rejects bad input with problem+json."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from litestar.testing import AsyncTestClient

from tests.reporting.quality_events import MATERIALS, capa, figures, ncr
from tests.reporting.shop import Shop
from tests.support.harness import Headers

BASE = "/api/reporting/quality"
FIRST = date(2026, 10, 26)  # a Monday


async def _get(client: AsyncTestClient[Any], auth: Headers, path: str, **params: Any) -> Any:
    response = await client.get(f"{BASE}/{path}", params=params, headers=auth())
    assert response.status_code == 200, response.text
    return response.json()


async def test_fpy_per_day_week_and_month_sums_inputs_before_dividing(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    days = [FIRST, FIRST + timedelta(days=1), FIRST + timedelta(days=7)]  # Nov 2 is Monday
    await shop.deliver(
        figures(shop, days[0], 100, 90),
        figures(shop, days[0], 50, 20, material=1, work_center=uuid4()),
        figures(shop, days[1], 200, 200),
        figures(shop, days[2], 10, 0),
    )
    period = {"from": str(FIRST), "to": str(FIRST + timedelta(days=13))}
    daily = await _get(client, auth, "fpy", **period)
    assert [(p["bucket"], p["inspected"], p["passed_first_time"]) for p in daily["points"]] == [
        ("2026-10-26", "150", "110"),
        ("2026-10-27", "200", "200"),
        ("2026-11-02", "10", "0"),
    ]
    assert daily["points"][0]["fpy"] == 110 / 150
    assert daily["total"]["fpy"] == 310 / 360  # never the average of the days' ratios
    weekly = await _get(client, auth, "fpy", **period, granularity="week")
    assert [(p["bucket"], p["fpy"]) for p in weekly["points"]] == [
        ("2026-W44", 310 / 350),
        ("2026-W45", 0.0),
    ]
    monthly = await _get(client, auth, "fpy", **period, granularity="month")
    assert [p["bucket"] for p in monthly["points"]] == ["2026-10", "2026-11"]
    only = await _get(
        client,
        auth,
        "fpy",
        **period,
        material_id=str(MATERIALS[1]),
    )
    assert only["total"]["inspected"] == "50"


async def test_ncrs_raised_and_closed_per_bucket_and_the_open_ones_ageing(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    closed = uuid4()
    await shop.deliver(
        ncr(shop, uuid4(), "open", 1, created_at=now - timedelta(days=2)),
        ncr(shop, uuid4(), "investigation", 2, created_at=now - timedelta(days=20)),
        ncr(shop, uuid4(), "disposition", 3, created_at=now - timedelta(days=45)),
        ncr(shop, uuid4(), "verification", 4, created_at=now - timedelta(days=120)),
        ncr(shop, uuid4(), "cancelled", 2, created_at=now - timedelta(days=3)),
        ncr(shop, closed, "closed", 5, created_at=now - timedelta(days=10), at=now),
    )
    today = now.date()
    result = await _get(
        client,
        auth,
        "ncrs",
        **{"from": str(today - timedelta(days=29)), "to": str(today)},
        granularity="day",
    )
    assert result["ageing"] == {
        "days_0_7": 1,
        "days_8_30": 1,
        "days_31_90": 1,
        "over_90": 1,
        "open": 4,
    }
    assert (result["opened"], result["closed"]) == (4, 1)  # raised within the 30 days
    by_day = {p["bucket"]: (p["opened"], p["closed"]) for p in result["points"]}
    assert by_day[str(today)] == (0, 1)
    assert by_day[str(today - timedelta(days=10))] == (1, 0)


async def test_capa_on_time_rate_is_the_share_closed_by_their_due_date(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    due = date(2026, 11, 10)
    at = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)
    await shop.deliver(
        capa(shop, uuid4(), "closed", 3, due=due, closed_at=at),  # on its due day
        capa(shop, uuid4(), "closed", 3, due=due, closed_at=at - timedelta(days=5)),
        capa(shop, uuid4(), "closed", 3, due=due, closed_at=at + timedelta(days=2)),  # late
        capa(shop, uuid4(), "in_progress", 2, due=due),  # open: not counted
    )
    result = await _get(client, auth, "capa-on-time", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert (result["closed"], result["on_time"], result["late"]) == (3, 2, 1)
    assert result["rate"] == 2 / 3
    empty = await _get(client, auth, "capa-on-time", **{"from": "2026-01-01", "to": "2026-01-31"})
    assert (empty["closed"], empty["rate"]) == (0, None)


async def test_another_organization_and_another_plant_see_nothing(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    day = FIRST
    await shop.deliver(
        figures(shop, day, 100, 90, (("DENT", 2),)),
        ncr(shop, uuid4(), "open", 1, created_at=datetime(2026, 10, 26, 8, tzinfo=UTC)),
        capa(shop, uuid4(), "closed", 3, due=day, closed_at=datetime(2026, 10, 26, 9, tzinfo=UTC)),
    )
    query = {"from": str(day), "to": str(day)}
    other_org = auth(organization_id=uuid4())
    other_plant = auth(plant_ids=[shop.plants[1]])
    for headers, sees in ((auth(), True), (other_org, False), (other_plant, False)):
        fpy = await client.get(f"{BASE}/fpy", params=query, headers=headers)
        assert bool(fpy.json()["points"]) is sees
        defects = await client.get(f"{BASE}/defects", params=query, headers=headers)
        assert bool(defects.json()["defects"]) is sees
        ncrs = await client.get(f"{BASE}/ncrs", params=query, headers=headers)
        assert (ncrs.json()["opened"] == 1) is sees
        capas = await client.get(f"{BASE}/capa-on-time", params=query, headers=headers)
        assert (capas.json()["closed"] == 1) is sees
    for path in ("fpy", "defects", "ncrs", "capa-on-time"):
        asked = await client.get(
            f"{BASE}/{path}", params={**query, "plant_id": str(shop.plants[0])}, headers=other_plant
        )
        assert asked.status_code == 404, path


async def test_a_reversed_or_too_long_period_or_an_unknown_granularity_is_a_422(
    client: AsyncTestClient[Any], auth: Headers
) -> None:
    for path, query in (
        ("fpy", {"from": "2026-11-10", "to": "2026-11-01"}),
        ("fpy", {"from": "2024-01-01", "to": "2026-03-01", "granularity": "day"}),
        ("fpy", {"from": "2026-11-01", "to": "2026-11-02", "granularity": "hour"}),
        ("defects", {"from": "2026-11-10", "to": "2026-11-01"}),
        ("ncrs", {"from": "2020-01-01", "to": "2026-11-01", "granularity": "month"}),
        ("ncrs", {"from": "2026-11-01", "to": "2026-11-02", "granularity": "fortnight"}),
        ("capa-on-time", {"from": "2026-11-10", "to": "2026-11-01"}),
    ):
        response = await client.get(f"{BASE}/{path}", params=query, headers=auth())
        assert response.status_code == 422, (path, query, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]


async def test_a_malformed_or_missing_parameter_is_a_400_problem(
    client: AsyncTestClient[Any], auth: Headers
) -> None:
    """The framework's validation (as for every Unison service): a value that does not
    parse is a 400 problem+json naming it."""
    for path, query in (
        ("fpy", {"from": "2026-11-01", "to": "2026-11-02", "material_id": "not-a-uuid"}),
        ("defects", {"from": "yesterday", "to": "2026-11-01"}),
        ("capa-on-time", {"to": "2026-11-01"}),
    ):
        response = await client.get(f"{BASE}/{path}", params=query, headers=auth())
        assert response.status_code == 400, (path, query, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
