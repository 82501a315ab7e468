"""Every movement type the ledger speaks, its stock categories and its reversal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.inventory.conftest import MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger


async def test_quality_and_blocked_stock_move_with_321_322_343_344(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10", category="quality"))
    assert await ledger.availability(material) == {
        "on_hand": 10,
        "unrestricted": 0,
        "quality": 10,
        "blocked": 0,
        "reserved": 0,
        "available": 0,
    }
    # Nothing to issue from unrestricted stock yet.
    await ledger.post("261", ledger.line(material, "WH1", "1"), expect=409)
    await ledger.post("321", ledger.line(material, "WH1", "6"))  # quality -> unrestricted
    await ledger.post("344", ledger.line(material, "WH1", "2"))  # unrestricted -> blocked
    await ledger.post("322", ledger.line(material, "WH1", "1"))  # unrestricted -> quality
    assert await ledger.availability(material) == {
        "on_hand": 10,
        "unrestricted": 3,
        "quality": 5,
        "blocked": 2,
        "reserved": 0,
        "available": 3,
    }
    release = await ledger.post("343", ledger.line(material, "WH1", "2"))  # blocked -> unrestricted
    assert [line["category"] for line in release.json()["lines"]] == ["blocked", "unrestricted"]
    assert [Decimal(line["quantity"]) for line in release.json()["lines"]] == [-2, 2]
    await ledger.reverse(release.json()["id"])  # 344: back to blocked
    rows = {r["category"]: Decimal(r["quantity"]) for r in await ledger.stock(material)}
    assert rows == {"unrestricted": 3, "quality": 5, "blocked": 2}
    # Moving stock between categories does not change the plant's value.
    assert all(line["valuation"] == "none" for line in release.json()["lines"])
    # Scrap from blocked stock names the category.
    await ledger.post("551", ledger.line(material, "WH1", "2", category="blocked"))
    assert (await ledger.availability(material))["blocked"] == 0


async def test_by_products_deliveries_and_count_differences(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("531", ledger.line(material, "WH1", "5", price="1.5"))
    await ledger.post("601", ledger.line(material, "WH1", "2"), reference="DL-800012")
    await ledger.post("701", ledger.line(material, "WH1", "1"), reference="COUNT-1")
    counted_less = await ledger.post("702", ledger.line(material, "WH1", "3"), reference="COUNT-2")
    assert await ledger.on_hand(material, "WH1") == 1
    refused = await ledger.reverse(counted_less.json()["id"], expect=409)
    assert "cannot be reversed" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("movement_type", "extra", "pointer"),
    [
        ("261", {"category": "blocked"}, "/lines/0/category"),
        ("261", {"price": "2"}, "/lines/0/price"),
        (
            "101",
            {"reservation_id": "01a213bf-deab-7d2c-bd58-711ba8205ff5"},
            "/lines/0/reservation_id",
        ),
        ("301", {}, "/lines/0/to_location_id"),
        ("311", {"to_plant_id": "01a213bf-deab-7d2c-bd58-711ba8205ff5"}, "/lines/0/to_location_id"),
        ("261", {"manufactured_on": "2026-01-01"}, "/lines/0/manufactured_on"),
        ("101", {"price": "-1"}, "/lines/0/price"),
    ],
)
async def test_fields_a_movement_type_does_not_take_are_refused(
    ledger: Ledger,
    make_material: MakeMaterial,
    movement_type: str,
    extra: dict[str, Any],
    pointer: str,
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    refused = await ledger.post(
        movement_type, ledger.line(material, "WH1", "1", **extra), expect=None
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["pointer"] == pointer


async def test_a_transfer_between_plants_needs_both_plants(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.location("P2", plant=1)
    await ledger.post("101", ledger.line(material, "WH1", "5"))
    only_first = ledger.auth(plant_ids=[ledger.plants[0]])
    response = await ledger.client.post(
        "/api/inventory/goods-movements",
        json={
            "movement_type": "301",
            "posting_date": TODAY.isoformat(),
            "lines": [
                ledger.line(
                    material,
                    "WH1",
                    "1",
                    to_plant_id=str(ledger.plants[1]),
                    to_location_id=ledger.locations["P2"],
                )
            ],
        },
        headers=only_first,
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["pointer"] == "/lines/0/to_plant_id"


async def test_a_posting_in_the_future_is_refused(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    refused = await ledger.post(
        "101", ledger.line(material, "WH1", "1"), posting_date="2999-01-01", expect=422
    )
    assert refused.json()["errors"][0]["pointer"] == "/posting_date"


async def test_a_location_is_renamed_and_deleted_only_while_nothing_refers_to_it(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    used = await ledger.location("WH1")
    unused = await ledger.location("WH9")
    url = f"/api/inventory/plants/{ledger.plants[0]}/locations"
    renamed = await ledger.client.patch(
        f"{url}/{used}", json={"name": "Main store"}, headers=ledger.auth()
    )
    assert renamed.json()["name"] == "Main store"
    assert renamed.json()["code"] == "WH1"
    await ledger.post("101", ledger.line(material, "WH1", "1"))
    await ledger.post("551", ledger.line(material, "WH1", "1"))
    # Empty again, but its history keeps it.
    kept = await ledger.client.delete(f"{url}/{used}", headers=ledger.auth())
    assert kept.status_code == 409
    assert "stock history" in kept.json()["detail"]
    gone = await ledger.client.delete(f"{url}/{unused}", headers=ledger.auth())
    assert gone.status_code == 204
    again = await ledger.client.delete(f"{url}/{unused}", headers=ledger.auth())
    assert again.status_code == 404
    other = ledger.auth(plant_ids=[ledger.plants[1]])
    hidden = await ledger.client.patch(f"{url}/{used}", json={"name": "x"}, headers=other)
    assert hidden.status_code == 404
