"""The inventory dashboards on events with figures worked out by hand: stock value,
turns and days of supply (opening stock before the period, every day of the period in
the averages), movements by SAP type, lot ageing, the items below their reorder point;
filters by plant, material and material group; tenancy; bad input."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.testing import AsyncTestClient

from tests.reporting.inventory_events import T0, Stockroom, days_ago
from tests.reporting.shop import Shop
from tests.support.harness import Headers

BASE = "/api/reporting/inventory"
WEEK = {"from": "2026-11-01", "to": "2026-11-07"}
D = Decimal


async def _get(
    client: AsyncTestClient[Any], headers: dict[str, str], path: str, **params: Any
) -> Any:
    response = await client.get(f"{BASE}/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _week_of_stock(shop: Shop) -> tuple[UUID, UUID]:
    """Material A (group G1) and B (G2) in plant 0, A also in plant 1; the closing stock
    values of 2026-11-01..07 in plant 0 are 1000, 800, 1050, 1000, 950, 1000, 1000."""
    room = Stockroom(shop.org_id, shop.plants)
    a, b = uuid4(), uuid4()
    await shop.deliver(
        room.material(a, "A", "G1"),
        room.material(b, "B", "G2"),
        room.receipt(date(2026, 10, 20), a, "100", "1000"),
        room.issue(date(2026, 11, 2), a, "20", "200"),
        room.receipt(date(2026, 11, 3), b, "50", "250"),
        room.issue(date(2026, 11, 4), b, "10", "50", movement_type="601"),
        room.issue(date(2026, 11, 5), a, "5", "50", movement_type="551"),  # scrap: no issue
        room.movement("262", date(2026, 11, 6), room.line(0, a, "5", "50")),  # 261 reversed
        room.receipt(date(2026, 11, 10), a, "10", "100"),  # after the period
        room.receipt(date(2026, 11, 3), a, "30", "500", plant=1),
    )
    return a, b


async def test_stock_value_turns_and_days_of_supply_per_day_week_and_period(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    await _week_of_stock(shop)
    plant = str(shop.plants[0])
    days = await _get(client, auth(), "stock", **WEEK, plant_id=plant)
    assert [p["bucket"] for p in days["points"]] == [f"2026-11-0{d}" for d in range(1, 8)]
    closing = [D(p["stock_value"]) for p in days["points"]]
    assert closing == [1000, 800, 1050, 1000, 950, 1000, 1000]
    assert [D(p["issued_value"]) for p in days["points"]] == [0, 200, 0, 50, 0, -50, 0]
    total = days["total"]
    assert (total["days"], D(total["stock_value"]), D(total["issued_value"])) == (
        7,
        D(1000),
        D(200),
    )
    assert D(total["average_stock_value"]) == D("971.4286")  # 6800 / 7
    assert total["turns"] == 0.2059  # 200 / 971.43
    assert total["days_of_supply"] == 35.0  # 1000 / (200 / 7)
    assert total["stock_quantity"] is None  # no material: units would be mixed
    # Opening mid-month: October's monthly rollup and November's first days.
    later = await _get(client, auth(), "stock", **{**WEEK, "from": "2026-11-03"}, plant_id=plant)
    assert [D(p["stock_value"]) for p in later["points"]] == closing[2:]

    weeks = await _get(client, auth(), "stock", **WEEK, plant_id=plant, granularity="week")
    assert [p["bucket"] for p in weeks["points"]] == ["2026-W44", "2026-W45"]
    first, second = weeks["points"]
    assert (first["days"], first["turns"], first["days_of_supply"]) == (1, 0.0, None)
    assert (second["days"], D(second["average_stock_value"])) == (6, D("966.6667"))
    assert (second["turns"], second["days_of_supply"]) == (0.2069, 30.0)
    assert weeks["total"] == {**total, "bucket": "total", "start": "2026-11-01"}

    both = await _get(client, auth(), "stock", **WEEK, granularity="month")
    assert D(both["total"]["stock_value"]) == 1500  # plant 1's 500 too


async def test_the_material_and_material_group_filters(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    a, _ = await _week_of_stock(shop)
    plant = str(shop.plants[0])
    one = await _get(client, auth(), "stock", **WEEK, plant_id=plant, material_id=str(a))
    total = one["total"]
    assert [D(p["stock_quantity"]) for p in one["points"]] == [100, 80, 80, 80, 75, 80, 80]
    assert (D(total["stock_value"]), D(total["issued_value"])) == (D(800), D(150))
    assert (D(total["issued_quantity"]), D(total["average_stock_quantity"])) == (
        D(15),
        D("82.1429"),
    )
    assert total["turns"] == 0.1826  # 150 / 821.43
    assert total["days_of_supply"] == total["days_of_supply_quantity"] == 37.3333
    group = (await _get(client, auth(), "stock", **WEEK, material_group="G2"))["total"]
    assert (D(group["stock_value"]), D(group["average_stock_value"])) == (D(200), D(150))
    assert (group["turns"], group["days_of_supply"]) == (0.3333, 28.0)
    nothing = (await _get(client, auth(), "stock", **WEEK, material_group="NONE"))["total"]
    assert (D(nothing["stock_value"]), nothing["turns"]) == (D(0), None)


async def test_movements_by_type_per_bucket_and_for_the_period(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    a, _ = await _week_of_stock(shop)
    plant = str(shop.plants[0])
    series = await _get(client, auth(), "movements", **WEEK, plant_id=plant)
    assert [p["bucket"] for p in series["points"]] == [f"2026-11-0{d}" for d in range(2, 7)]
    fields = ("documents", "lines", "quantity_in", "quantity_out", "value_in", "value_out")
    by_type = {t["movement_type"]: [t[f] for f in fields] for t in series["total"]}
    assert {k: [D(v) for v in vs] for k, vs in by_type.items()} == {
        "101": [1, 1, 50, 0, 250, 0],
        "261": [1, 1, 0, 20, 0, 200],
        "262": [1, 1, 5, 0, 50, 0],
        "551": [1, 1, 0, 5, 0, 50],
        "601": [1, 1, 0, 10, 0, 50],
    }
    month = await _get(client, auth(), "movements", **WEEK, granularity="month")
    (point,) = month["points"]
    assert [t["documents"] for t in point["types"] if t["movement_type"] == "101"] == [2]
    one = await _get(client, auth(), "movements", **WEEK, material_id=str(a))
    assert {t["movement_type"]: t["documents"] for t in one["total"]} == {
        "101": None,
        "261": None,
        "262": None,
        "551": None,
    }
    assert [t["lines"] for t in one["total"] if t["movement_type"] == "101"] == [1]  # plant 1


async def test_lots_in_stock_by_age_quantity_and_value(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    a, b = uuid4(), uuid4()
    await shop.deliver(
        room.material(a, "A", "G1"),
        room.material(b, "B", "G2"),
        room.receipt(days_ago(10), a, "10", "100", lot="L1"),
        room.receipt(days_ago(45), a, "20", "200", lot="L2"),
        room.issue(days_ago(3), a, "2", "20", lot="L2"),
        room.receipt(days_ago(400), b, "5", "50", lot="L3"),
        room.receipt(days_ago(5), b, "1", "10", lot="L4"),
        room.issue(days_ago(1), b, "1", "10", lot="L4"),  # gone: not in the ageing
        room.receipt(days_ago(200), b, "4", "40"),  # no lot: not in the ageing
    )
    ageing = await _get(client, auth(), "lot-ageing")
    shown = {x["bucket"]: (x["lots"], D(x["quantity"]), D(x["value"])) for x in ageing["buckets"]}
    assert shown == {
        "0-30": (1, D(10), D(100)),
        "31-90": (1, D(18), D(180)),
        "91-180": (0, D(0), D(0)),
        "181-365": (0, D(0), D(0)),
        ">365": (1, D(5), D(50)),
    }
    assert (ageing["total"]["lots"], D(ageing["total"]["value"])) == (3, D(330))
    g2 = await _get(client, auth(), "lot-ageing", material_group="G2")
    assert [x["lots"] for x in g2["buckets"]] == [0, 0, 0, 0, 1]
    one = await _get(client, auth(), "lot-ageing", material_id=str(a), plant_id=str(shop.plants[0]))
    assert one["total"]["lots"] == 2


async def test_below_reorder_items_longest_first_keyset_paged_by_plant(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    room = Stockroom(shop.org_id, shop.plants)
    materials = [uuid4() for _ in range(5)]
    await shop.deliver(
        room.material(materials[0], "M0", "G1"),
        *(room.below(m, f"M{n}", since=T0 + timedelta(hours=n)) for n, m in enumerate(materials)),
        room.recovered(
            materials[2], "M2", since=T0 + timedelta(hours=2), at=T0 + timedelta(days=1)
        ),
        room.below(uuid4(), "P1", plant=1, since=T0 - timedelta(days=3)),
    )
    plant = str(shop.plants[0])
    first = await _get(client, auth(), "below-reorder", plant_id=plant, limit=2)
    assert first["count"] == 4
    assert [x["material_number"] for x in first["items"]] == ["M0", "M1"]
    assert first["items"][0]["material_group"] == "G1"
    rest = await _get(
        client, auth(), "below-reorder", plant_id=plant, limit=2, cursor=first["next_cursor"]
    )
    assert [x["material_number"] for x in rest["items"]] == ["M3", "M4"]
    assert rest["next_cursor"] is None
    everywhere = await _get(client, auth(), "below-reorder")
    assert everywhere["items"][0]["material_number"] == "P1"
    assert everywhere["count"] == 5
    grouped = await _get(client, auth(), "below-reorder", material_group="G1")
    assert [x["material_number"] for x in grouped["items"]] == ["M0"]
    mine = await _get(client, auth(plant_ids=[shop.plants[0]]), "below-reorder")
    assert mine["count"] == 4


async def test_another_organization_and_another_plant_are_never_counted_or_served(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    await _week_of_stock(shop)
    theirs = Stockroom(uuid4(), shop.plants)  # the same plant ids, another organization
    material = uuid4()
    await shop.deliver(
        theirs.receipt(date(2026, 11, 3), material, "1", "7777", lot="X"),
        theirs.below(material, "THEIRS"),
    )
    mine = await _get(client, auth(), "stock", **WEEK)
    assert D(mine["total"]["stock_value"]) == 1500
    plant0 = auth(plant_ids=[shop.plants[0]])
    assert D((await _get(client, plant0, "stock", **WEEK))["total"]["stock_value"]) == 1000
    moves = await _get(client, plant0, "movements", **WEEK)
    assert [t["documents"] for t in moves["total"] if t["movement_type"] == "101"] == [1]
    stranger = auth(organization_id=theirs.org_id)
    assert D((await _get(client, stranger, "stock", **WEEK))["total"]["stock_value"]) == 7777
    assert (await _get(client, auth(), "below-reorder"))["count"] == 0
    assert (await _get(client, auth(), "lot-ageing"))["total"]["lots"] == 0
    for path, params in (
        ("stock", WEEK),
        ("movements", WEEK),
        ("lot-ageing", {}),
        ("below-reorder", {}),
    ):
        response = await client.get(
            f"{BASE}/{path}", params={**params, "plant_id": str(shop.plants[1])}, headers=plant0
        )
        assert response.status_code == 404, (path, response.text)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("stock", {"from": "2026-11-10", "to": "2026-11-01"}),
        ("stock", {"from": "2024-01-01", "to": "2026-03-01", "granularity": "day"}),
        ("stock", {"from": "2026-11-01", "to": "2026-11-02", "granularity": "hour"}),
        ("movements", {"from": "2023-01-01", "to": "2026-03-01", "granularity": "month"}),
        ("below-reorder", {"limit": "0"}),
        ("below-reorder", {"cursor": "not-a-cursor"}),
    ],
)
async def test_bad_input_is_a_422_problem(
    client: AsyncTestClient[Any], auth: Headers, path: str, query: dict[str, str]
) -> None:
    response = await client.get(f"{BASE}/{path}", params=query, headers=auth())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_malformed_value_is_a_400_problem(
    client: AsyncTestClient[Any], auth: Headers
) -> None:
    for query in ({"from": "yesterday", "to": "2026-11-01"}, {**WEEK, "material_id": "x"}):
        response = await client.get(f"{BASE}/stock", params=query, headers=auth())
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
