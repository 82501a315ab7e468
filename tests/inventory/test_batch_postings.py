"""The batch endpoint: up to 10,000 lines in one transaction, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Count, Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger

Client = AsyncTestClient[Any]
BATCH = "/api/inventory/goods-movements/batch"


def batch_line(
    ledger: Ledger,
    movement_type: str,
    material: dict[str, Any],
    location: str,
    quantity: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "movement_type": movement_type,
        "posting_date": extra.pop("posting_date", TODAY.isoformat()),
        **ledger.line(material, location, quantity, **extra),
    }


async def test_a_batch_groups_lines_into_documents_and_posts_them_all(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    steel, bearing = await make_material(), await make_material()
    await ledger.location("WH1")
    lines = [
        batch_line(ledger, "101", steel, "WH1", "10", reference="PO-1"),
        batch_line(ledger, "101", bearing, "WH1", "5", reference="PO-1"),
        batch_line(ledger, "261", steel, "WH1", "4", reference="WO-9"),
        batch_line(ledger, "101", steel, "WH1", "1", reference="PO-2"),
        batch_line(ledger, "261", bearing, "WH1", "5", reference="WO-9"),
    ]
    posted = await client.post(BATCH, json={"lines": lines}, headers=auth())
    assert posted.status_code == 201, posted.text
    body = posted.json()
    assert body["line_count"] == 5
    assert [(d["movement_type"], d["reference"], d["lines"]) for d in body["documents"]] == [
        ("101", "PO-1", [0, 1]),
        ("261", "WO-9", [2, 4]),
        ("101", "PO-2", [3]),
    ]
    assert await ledger.on_hand(steel, "WH1") == 7
    assert await ledger.on_hand(bearing, "WH1") == 0


async def test_a_failing_line_rolls_back_the_whole_batch_and_is_named(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers, count_rows: Count
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    lines = [batch_line(ledger, "101", material, "WH1", "1") for _ in range(50)]
    lines += [
        batch_line(ledger, "261", material, "WH1", "30"),
        batch_line(ledger, "261", material, "WH1", "30"),
    ]
    refused = await client.post(BATCH, json={"lines": lines}, headers=auth())
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["pointer"] == "/lines/51/quantity"
    assert "available 20" in refused.json()["detail"]
    assert await count_rows("goods_movement_lines") == 0
    assert await count_rows("goods_movements") == 0

    bad_unit = [
        batch_line(ledger, "101", material, "WH1", "1"),
        batch_line(ledger, "101", material, "WH1", "1", unit="NOPE"),
    ]
    invalid = await client.post(BATCH, json={"lines": bad_unit}, headers=auth())
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["pointer"] == "/lines/1/unit"


async def test_a_batch_of_ten_thousand_lines_is_one_transaction_and_more_are_refused(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers, count_rows: Count
) -> None:
    materials = [await make_material() for _ in range(20)]
    await ledger.location("WH1")
    lines = [
        batch_line(
            ledger, "101", materials[i % 20], "WH1", "2", price="1.25", reference=f"PO-{i % 7}"
        )
        for i in range(10_000)
    ]
    posted = await client.post(BATCH, json={"lines": lines}, headers=auth())
    assert posted.status_code == 201, posted.text[:500]
    assert posted.json()["line_count"] == 10_000
    assert await count_rows("goods_movement_lines") == 10_000
    assert await ledger.on_hand(materials[0], "WH1") == 1000
    valuation = await ledger.valuation(materials[3])
    assert (valuation["quantity"], valuation["value"]) == (Decimal(1000), Decimal(1250))
    too_many = await client.post(BATCH, json={"lines": [*lines, lines[0]]}, headers=auth())
    assert too_many.status_code == 400
    assert await count_rows("goods_movement_lines") == 10_000


async def test_a_batch_replays_with_its_idempotency_key(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers, count_rows: Count
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    body = {"lines": [batch_line(ledger, "101", material, "WH1", "3")]}
    first = await client.post(
        BATCH, json=body, headers=auth({"Idempotency-Key": "machine-42-0001"})
    )
    second = await client.post(
        BATCH, json=body, headers=auth({"Idempotency-Key": "machine-42-0001"})
    )
    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert await count_rows("goods_movement_lines") == 1
