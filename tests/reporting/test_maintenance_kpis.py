"""The maintenance KPIs: reporting shows maintenance's own figures (its formulas combined
over days and equipment by ``maintenance.kpi.combine``) per day, week and month; keeps to
the caller's organization and plants; rejects bad input with problem+json."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from litestar.testing import AsyncTestClient

from maintenance import kpi
from tests.reporting.maintenance_events import DAY, inputs, published
from tests.reporting.shop import Shop
from tests.support.harness import Headers

URL = "/api/reporting/maintenance/kpis"


def _close(ours: Any, theirs: Decimal | None) -> bool:
    if theirs is None:
        return ours is None
    return ours is not None and math.isclose(float(ours), float(theirs), rel_tol=1e-9)


def _agrees(point: dict[str, Any], k: kpi.Kpis) -> None:
    assert _close(point["mtbf_hours"], k.mtbf_hours)
    assert _close(point["mttr_hours"], k.mttr_hours)
    assert _close(point["availability"], k.availability_time_based)
    assert _close(point["planned_maintenance_share"], k.pmp)
    assert _close(point["pm_compliance"], k.pm_compliance)
    assert _close(point["operating_hours"], k.operating_hours)
    assert Decimal(point["cost"]) == k.cost
    assert point["backlog_count"] == k.backlog_count
    assert _close(point["backlog_hours"], k.backlog_hours)


async def _deliver_week(shop: Shop) -> dict[Any, list[kpi.Kpis]]:
    """Two equipment of plant 0 over a week (one of plant 1 too): maintenance's results
    per day."""
    press, lathe = uuid4(), uuid4()
    results: dict[Any, list[kpi.Kpis]] = {}
    events = []
    for n in range(7):
        day = DAY + timedelta(days=n)
        for day_inputs in (
            inputs(
                press,
                day,
                failures=((2, 0.5 + n / 4),) if n % 2 else (),
                labour=(("1.5", "48", "unplanned"), ("1", "40", "planned")),
                parts=str(10 * n),
                pm=(day,) if n % 3 == 0 else (),
                open_hours=("2",) * (n % 3),
            ),
            inputs(
                lathe,
                day,
                planned_hours=8,
                failures=((1, 1), (5, 0.25)) if n == 4 else (),
                pm=(day + timedelta(days=2),) if n == 5 else (),
                labour=(("3", "55", "planned"),),
            ),
        ):
            event, result = published(shop, day_inputs)
            events.append(event)
            results.setdefault(day, []).append(result)
    elsewhere, _ = published(shop, inputs(uuid4(), DAY, failures=((1, 7),)), plant=1)
    await shop.deliver(*events, elsewhere)
    return results


async def test_the_kpis_agree_with_maintenance_per_day_and_for_the_period(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    results = await _deliver_week(shop)
    query = {"from": str(DAY), "to": str(DAY + timedelta(days=6)), "plant_id": str(shop.plants[0])}
    response = await client.get(URL, params={**query, "granularity": "day"}, headers=auth())
    assert response.status_code == 200, response.text
    body = response.json()
    assert [p["bucket"] for p in body["points"]] == [str(d) for d in sorted(results)]
    for point, day in zip(body["points"], sorted(results), strict=True):
        _agrees(point, kpi.combine(results[day]))
    everything = kpi.combine(r for rs in results.values() for r in rs)
    _agrees(body["total"], everything)
    weekly = await client.get(URL, params={**query, "granularity": "week"}, headers=auth())
    (week,) = weekly.json()["points"]
    assert week["bucket"] == "2026-W45"
    _agrees(week, everything)
    monthly = await client.get(URL, params={**query, "granularity": "month"}, headers=auth())
    _agrees(monthly.json()["total"], everything)


async def test_one_equipment_reads_its_own_days(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    results = await _deliver_week(shop)
    press = results[DAY][0].spans[0].equipment_id
    response = await client.get(
        URL,
        params={"from": str(DAY), "to": str(DAY + timedelta(days=6)), "equipment_id": str(press)},
        headers=auth(),
    )
    assert response.status_code == 200, response.text
    _agrees(response.json()["total"], kpi.combine(rs[0] for rs in results.values()))


async def test_another_organization_and_another_plant_see_nothing(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    event, _ = published(shop, inputs(uuid4(), DAY, failures=((1, 1),)))
    await shop.deliver(event)
    query = {"from": str(DAY), "to": str(DAY)}
    other_org = auth(organization_id=uuid4())
    other_plant = auth(plant_ids=[shop.plants[1]])
    for headers, sees in ((auth(), True), (other_org, False), (other_plant, False)):
        response = await client.get(URL, params=query, headers=headers)
        assert response.status_code == 200, response.text
        assert bool(response.json()["points"]) is sees
        assert (response.json()["total"]["failures"] == 1) is sees
    asked = await client.get(
        URL, params={**query, "plant_id": str(shop.plants[0])}, headers=other_plant
    )
    assert asked.status_code == 404


async def test_a_bad_period_or_granularity_is_a_422_and_a_malformed_value_a_400(
    client: AsyncTestClient[Any], auth: Headers
) -> None:
    for query in (
        {"from": "2026-11-10", "to": "2026-11-01"},
        {"from": "2024-01-01", "to": "2026-03-01", "granularity": "day"},
        {"from": "2026-11-01", "to": "2026-11-02", "granularity": "hour"},
    ):
        response = await client.get(URL, params=query, headers=auth())
        assert response.status_code == 422, (query, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"]
    for query in (
        {"from": "2026-11-01", "to": "2026-11-02", "equipment_id": "not-a-uuid"},
        {"to": "2026-11-01"},
    ):
        response = await client.get(URL, params=query, headers=auth())
        assert response.status_code == 400, (query, response.status_code)
        assert response.headers["content-type"].startswith("application/problem+json")
