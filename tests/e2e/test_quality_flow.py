"""A bad delivery through the real processes: inventory receives a lot, quality makes its
inspection and holds the lot (inventory quarantines it and will not issue it), the results
fail, the engineer rejects the lot (inventory blocks it), raises an NCR from the inspection
and decides scrap, and inventory posts the 551."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from tests.e2e.conftest import bearer
from tests.e2e.test_production_flow import _eventually, _post

pytestmark = pytest.mark.e2e
INV = "/api/inventory"
QUAL = "/api/quality"


async def _lot_status(http: httpx.AsyncClient, token: str, material: str, lot: str) -> str:
    found = await http.get(f"{INV}/materials/{material}/lots/{lot}", headers=bearer(token))
    return str(found.json()["status"]) if found.status_code == 200 else ""


async def test_a_rejected_delivery_is_held_and_scrapped_through_an_ncr(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    token = tokens["admin@acme.test"]
    plant = jwt.decode(token, options={"verify_signature": False})["plants"][0]
    tag = str(time.time_ns())[-10:]
    lot = f"Q{tag}"
    today = datetime.now(UTC).date()
    housing = await _post(
        http,
        token,
        f"{INV}/materials",
        {
            "number": f"E2E-HOUS-{tag}",
            "description": "Bearing housing, cast",
            "type": "raw",
            "base_unit": "PC",
            "lot_managed": True,
        },
    )
    store = await _post(
        http,
        token,
        f"{INV}/plants/{plant}/locations",
        {"code": f"Q{tag[-6:]}", "name": "Goods receipt", "kind": "warehouse"},
    )
    plan_body = {
        "plant_id": plant,
        "material_id": housing["id"],
        "trigger": "goods_receipt",
        "valid_from": (today - timedelta(days=1)).isoformat(),
        "sampling": "aql",
        "aql": "1.0",
        "inspection_level": "II",
        "status": "released",
        "characteristics": [
            {
                "code": "BORE",
                "name": "Bore diameter",
                "kind": "measured",
                "nominal": "40.00",
                "lsl": "39.98",
                "usl": "40.02",
                "unit": "MM",
            },
            {"code": "CRACK", "name": "Free of cracks", "kind": "attribute"},
        ],
    }

    async def plan() -> Any:
        # Quality knows the material once its worker has inventory's event.
        made = await http.post(f"{QUAL}/inspection-plans", json=plan_body, headers=bearer(token))
        return made.json() if made.status_code == 201 else None

    await _eventually(plan, "quality's plan for the new material")
    await _post(
        http,
        token,
        f"{INV}/goods-movements",
        {
            "posting_date": today.isoformat(),
            "movement_type": "101",
            "reference": f"PO-{tag}",
            "lines": [
                {
                    "material_id": housing["id"],
                    "plant_id": plant,
                    "location_id": store["id"],
                    "lot": lot,
                    "quantity": "200",
                    "unit": "PC",
                    "price": "12.50",
                }
            ],
        },
    )

    async def inspection() -> Any:
        found = await http.get(
            f"{QUAL}/inspections", params={"material_id": housing["id"]}, headers=bearer(token)
        )
        return found.json()["items"]

    (lot_inspection,) = await _eventually(inspection, "quality's inspection of the receipt")
    # 200 pieces, level II: code G (n = 32), whose AQL 1.0 cell points down to the first
    # plan below it: n = 50, Ac 1, Re 2.
    assert (lot_inspection["lot"], lot_inspection["sample_size"]) == (lot, 50)
    assert (lot_inspection["acceptance_number"], lot_inspection["rejection_number"]) == (1, 2)

    async def held() -> bool:
        return await _lot_status(http, token, housing["id"], lot) == "quarantine"

    await _eventually(held, "inventory's quarantine of the lot")
    issue = await http.post(
        f"{INV}/goods-movements",
        json={
            "posting_date": today.isoformat(),
            "movement_type": "261",
            "reference": f"WO-{tag}",
            "lines": [
                {
                    "material_id": housing["id"],
                    "plant_id": plant,
                    "location_id": store["id"],
                    "lot": lot,
                    "quantity": "5",
                    "unit": "PC",
                }
            ],
        },
        headers=bearer(token),
    )
    assert issue.status_code in (409, 422), issue.text  # a held lot is not issued

    rows = [
        {"characteristic": "BORE", "sample_no": n, "value": "40.03" if n <= 2 else "40.00"}
        for n in range(1, 51)
    ] + [{"characteristic": "CRACK", "sample_no": n, "passed": True} for n in range(1, 51)]
    verdict = await _post(
        http, token, f"{QUAL}/inspections/{lot_inspection['id']}/results", {"rows": rows}
    )
    assert (verdict["status"], verdict["proposal"]) == ("results_recorded", "reject")
    await _post(
        http,
        token,
        f"{QUAL}/inspections/{lot_inspection['id']}/decision",
        {"decision": "rejected", "note": "bore oversize"},
        200,
    )

    async def blocked() -> bool:
        return await _lot_status(http, token, housing["id"], lot) == "blocked"

    await _eventually(blocked, "inventory's block of the rejected lot")
    ncr = await _post(http, token, f"{QUAL}/inspections/{lot_inspection['id']}/ncr", {})
    assert (ncr["quantity"], ncr["lots"]) == ("200", [{"lot": lot, "quantity": "200"}])
    assert ncr["defect_codes"] == ["BORE"]
    for path, body in (
        (f"{QUAL}/ncrs/{ncr['id']}/steps", {"to": "investigation"}),
        (f"{QUAL}/ncrs/{ncr['id']}/disposition", {"disposition": "scrap", "note": "no rework"}),
    ):
        response = await http.post(
            path, json=body, headers={**bearer(token), "If-Match": f'"{ncr["version"]}"'}
        )
        assert response.status_code == 200, response.text
        ncr = response.json()

    async def posted() -> Any:
        found = await http.get(f"{QUAL}/ncrs/{ncr['id']}", headers=bearer(token))
        return found.json() if found.json()["disposition_status"] == "posted" else None

    ncr = await _eventually(posted, "inventory's posting of the scrap")
    (posting,) = (
        await http.get(
            f"{INV}/quality-postings", params={"reference": ncr["number"]}, headers=bearer(token)
        )
    ).json()["items"]
    (movement_id,) = posting["movement_ids"]
    movement = (
        await http.get(f"{INV}/goods-movements/{movement_id}", headers=bearer(token))
    ).json()
    assert movement["movement_type"] == "551"
    assert [(x["lot"], x["quantity"]) for x in movement["lines"]] == [(lot, "-200")]
    stock = await http.get(
        f"{INV}/stock", params={"material_id": housing["id"]}, headers=bearer(token)
    )
    assert all(b["quantity"] == "0" for b in stock.json()["items"]), stock.text
    response = await http.post(
        f"{QUAL}/ncrs/{ncr['id']}/steps",
        json={"to": "verification"},
        headers={**bearer(token), "If-Match": f'"{ncr["version"]}"'},
    )
    assert response.status_code == 200, response.text
