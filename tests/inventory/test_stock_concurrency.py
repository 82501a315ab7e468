"""Concurrent postings against the same stock, through a real server and real connections."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from tests.inventory.conftest import Headers, MakeMaterial

TODAY = datetime.now(UTC).date().isoformat()

MOVEMENTS = "/api/inventory/goods-movements"


def _movement(
    movement_type: str, material_id: str, plant_id: uuid.UUID, location_id: str, quantity: str
) -> dict[str, Any]:
    return {
        "posting_date": TODAY,
        "movement_type": movement_type,
        "lines": [
            {
                "material_id": material_id,
                "plant_id": str(plant_id),
                "location_id": location_id,
                "quantity": quantity,
                "unit": "PC",
            }
        ],
    }


async def test_fifty_concurrent_issues_of_one_against_ten_on_hand_give_ten_successes(
    http: httpx.AsyncClient,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    admin_conn: asyncpg.Connection,
    org_id: uuid.UUID,
) -> None:
    material = await make_material()
    store = await http.post(
        f"/api/inventory/plants/{plants[0]}/locations",
        json={"code": "WH1", "name": "Main store", "kind": "warehouse"},
        headers=auth(),
    )
    assert store.status_code == 201, store.text
    location_id = store.json()["id"]
    receipt = _movement("101", material["id"], plants[0], location_id, "10")
    assert (await http.post(MOVEMENTS, json=receipt, headers=auth())).status_code == 201

    issue = _movement("261", material["id"], plants[0], location_id, "1")
    responses = await asyncio.gather(
        *(http.post(MOVEMENTS, json=issue, headers=auth()) for _ in range(50))
    )

    assert Counter(r.status_code for r in responses) == {201: 10, 409: 40}
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.json()["errors"][0]["pointer"] == "/lines/0/quantity"
        assert "available 0 PC, requested 1 PC" in refused.json()["errors"][0]["detail"]
    on_hand = await admin_conn.fetchval(
        "SELECT quantity FROM inventory.stock_balances"
        " WHERE organization_id = $1 AND material_id = $2",
        org_id,
        uuid.UUID(material["id"]),
    )
    assert on_hand == 0
    issue_lines = await admin_conn.fetchval(
        "SELECT count(*) FROM inventory.goods_movement_lines"
        " WHERE organization_id = $1 AND movement_type = '261'",
        org_id,
    )
    assert issue_lines == 10
    ledger_total = await admin_conn.fetchval(
        "SELECT sum(quantity) FROM inventory.goods_movement_lines WHERE organization_id = $1",
        org_id,
    )
    assert ledger_total == on_hand


async def test_two_concurrent_reversals_of_one_document_post_once(
    http: httpx.AsyncClient,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
) -> None:
    material = await make_material()
    store = await http.post(
        f"/api/inventory/plants/{plants[0]}/locations",
        json={"code": "WH1", "name": "Main store", "kind": "warehouse"},
        headers=auth(),
    )
    receipt = _movement("101", material["id"], plants[0], store.json()["id"], "5")
    posted = await http.post(MOVEMENTS, json=receipt, headers=auth())
    url = f"{MOVEMENTS}/{posted.json()['id']}/reversal"
    responses = await asyncio.gather(*(http.post(url, headers=auth()) for _ in range(5)))
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 4}
