"""Reporting's inventory KPIs show inventory's own figures on the same stock: materials,
receipts at a price, issues, deliveries, scrap, transfers inside a plant and between
plants, a reversal, a back-dated receipt in front of later lines (inventory restates their
values) are posted through inventory's API,
inventory's worker runs its reorder-point check, reporting's consumer takes everything
inventory published, and both services are asked: stock value and on hand against
inventory's valuations and stock, movements by type against its ledger, the items below
their reorder point against its replenishment list, the lots against its stock by lot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from litestar.testing import AsyncTestClient

from tests.reporting import inventory_store
from tests.reporting.inventory_store import Store, reorder_check
from tests.reporting.shop import Shop
from tests.support.harness import Headers

store = inventory_store.store  # the fixture: inventory's app and worker
TODAY = datetime.now(UTC).date()
D = Decimal
ISSUES = ("261", "262", "601", "602")


def ago(days: int) -> Any:
    return TODAY - timedelta(days=days)


async def _stock_through_inventory(store: Store) -> dict[str, str]:
    steel = await store.material("STEEL-1", "STEEL")
    bearing = await store.material("BRG-6204", "BEARINGS")
    pump = await store.material("PUMP-100", "PUMPS")
    wh1, wh2 = await store.location("WH1", 0), await store.location("WH2", 0)
    wh3 = await store.location("WH3", 1)
    line = store.line
    await store.post("101", ago(40), line(steel, wh1, "100", lot="S-A", price="2.50"))
    await store.post("101", ago(10), line(steel, wh1, "50", lot="S-B", price="3.10"))
    await store.post("101", ago(10), line(bearing, wh1, "200", lot="B-A", price="0.75"))
    issued = await store.post("261", ago(5), line(steel, wh1, "30", lot="S-A"))
    await store.post("311", ago(5), line(bearing, wh1, "50", lot="B-A", to_location_id=wh2))
    await store.post(
        "301",
        ago(2),
        line(steel, wh1, "20", lot="S-B", to_plant_id=str(store.plants[1]), to_location_id=wh3),
    )
    await store.post("101", ago(2), line(pump, wh1, "10", price="120"))
    await store.post("601", TODAY, line(pump, wh1, "4"))
    await store.post("551", TODAY, line(bearing, wh2, "5", lot="B-A"))
    await store.post("101", TODAY, line(bearing, wh1, "10", lot="B-B", price="1"))
    await store.reverse(len(store.documents) - 1)  # 102: the last receipt taken back
    await store.post("261", TODAY, line(steel, wh3, "3", plant=1, lot="S-B"))
    # Back-dated in front of the issue and the transfer: inventory restates their values
    # at the new moving average, and its event says so.
    await store.post("101", ago(20), line(steel, wh1, "40", lot="S-C", price="4.00"))
    (restated,) = (await store.ledger())[3]["lines"]
    assert D(restated["value"]) != D(issued["lines"][0]["value"])
    await store.call(
        "PUT",
        f"/materials/{bearing}/plants/{store.plants[0]}",
        201,
        json={"procurement_type": "buy", "reorder_point": "500", "safety_stock": "50"},
    )
    await store.call(
        "PUT",
        f"/materials/{steel}/plants/{store.plants[1]}",
        201,
        json={"procurement_type": "buy", "reorder_point": "10"},
    )
    return {"steel": steel, "bearing": bearing, "pump": pump}


async def test_inventory_kpis_equal_inventorys_own_figures(
    store: Store,
    shop: Shop,
    client: AsyncTestClient[Any],
    auth: Headers,
    role_dsn: Callable[[str], str],
    plants: list[UUID],
    org_id: UUID,
) -> None:
    materials = await _stock_through_inventory(store)
    job = await reorder_check(role_dsn, org_id)
    assert '"below": 1' in job["result"]
    await shop.deliver()  # what inventory published, through reporting's consumer

    async def reporting(path: str, **params: Any) -> Any:
        response = await client.get(
            f"/api/reporting/inventory/{path}", params=params, headers=auth()
        )
        assert response.status_code == 200, response.text
        return response.json()

    period = {"from": str(ago(45)), "to": str(TODAY)}
    for plant in (0, 1):
        valuations = await store.valuations(plant)
        assert valuations, "inventory values the plant's stock"
        owned = sum((D(v["value"]) for v in valuations), D(0))
        mine = await reporting("stock", **period, plant_id=str(plants[plant]))
        assert D(mine["total"]["stock_value"]) == owned
        for v in valuations:
            one = await reporting(
                "stock", **period, plant_id=str(plants[plant]), material_id=v["material_id"]
            )
            assert D(one["total"]["stock_value"]) == D(v["value"])
            assert D(one["total"]["stock_quantity"]) == D(v["quantity"])

    await _movements_agree(store, reporting, plants, period)
    await _lots_agree(store, reporting, materials)

    owned_below = await store.call("GET", "/replenishment/below-reorder-point", 200)
    mine_below = await reporting("below-reorder")
    fields = ("material_id", "plant_id", "material_number", "reorder_point", "safety_stock")
    assert [[str(i[f]) for f in fields] for i in mine_below["items"]] == [
        [str(i[f]) for f in fields] for i in owned_below["items"]
    ]
    assert mine_below["items"][0]["material_id"] == materials["bearing"]
    assert [datetime.fromisoformat(i["below_since"]) for i in mine_below["items"]] == [
        datetime.fromisoformat(i["below_since"]) for i in owned_below["items"]
    ]
    assert mine_below["items"][0]["material_group"] == "BEARINGS"


async def _movements_agree(
    store: Store, reporting: Any, plants: list[UUID], period: dict[str, str]
) -> None:
    """Per plant and movement type: documents, lines, quantities and values in and out, as
    inventory's ledger has them now; the cost of goods issued is their 261/601 part."""
    owned: dict[tuple[str, str], list[Any]] = defaultdict(
        lambda: [set(), 0, D(0), D(0), D(0), D(0)]
    )
    for document in await store.ledger():
        for x in document["lines"]:
            row = owned[(x["plant_id"], document["movement_type"])]
            row[0].add(document["id"])
            row[1] += 1
            quantity, value = D(x["quantity"]), D(x["value"])
            inward = quantity > 0
            row[2 if inward else 3] += abs(quantity)
            row[4 if inward else 5] += value if inward else -value
    for plant in plants:
        series = await reporting("movements", **period, plant_id=str(plant), granularity="month")
        mine = {
            t["movement_type"]: [
                t["documents"],
                t["lines"],
                D(t["quantity_in"]),
                D(t["quantity_out"]),
                D(t["value_in"]),
                D(t["value_out"]),
            ]
            for t in series["total"]
        }
        theirs = {
            kind: [len(row[0]), *row[1:]] for (p, kind), row in owned.items() if p == str(plant)
        }
        assert mine == theirs and theirs
        issued = sum((r[5] - r[4] for k, r in theirs.items() if k in ISSUES), D(0))
        stock = await reporting("stock", **period, plant_id=str(plant), granularity="month")
        assert D(stock["total"]["issued_value"]) == issued


async def _lots_agree(store: Store, reporting: Any, materials: dict[str, str]) -> None:
    """Lots in stock by age: their quantities are inventory's stock by lot; S-A came 40
    days ago, S-C 20, S-B and B-A 10 days ago into plant 0 and S-B 2 days ago into plant
    1."""
    lots: dict[str, D] = defaultdict(D)
    for material in materials.values():
        for row in await store.stock(material):
            if row.get("lot"):
                lots[row["lot"]] += D(row["quantity"])
    ageing = await reporting("lot-ageing")
    shown = {b["bucket"]: (b["lots"], D(b["quantity"])) for b in ageing["buckets"]}
    assert shown["31-90"] == (1, lots["S-A"])
    assert shown["0-30"] == (4, lots["S-B"] + lots["B-A"] + lots["S-C"])  # S-B: 2 plants
    assert lots["B-B"] == 0 and ageing["total"]["lots"] == 5
