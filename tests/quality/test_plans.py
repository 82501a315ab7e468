"""Inspection plans: versioned like routings, checked when written, the defect catalogue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.quality.lab import DIAMETER, Lab
from tests.support.harness import Spy

TODAY = date.today()


def _body(lab: Lab, material: Any, **fields: Any) -> dict[str, Any]:
    return {
        "plant_id": str(lab.plants[0]),
        "material_id": str(material),
        "trigger": "goods_receipt",
        "valid_from": str(TODAY),
        "sampling": "aql",
        "aql": "0.65",
        "inspection_level": "II",
        "characteristics": [DIAMETER],
        **fields,
    }


async def test_a_plan_is_drafted_released_and_revised(lab: Lab, spy: Spy) -> None:
    material = await lab.material()
    draft = (await lab.post("/inspection-plans", _body(lab, material), 201)).json()
    assert (draft["status"], draft["revision"], draft["characteristics"][0]["code"]) == (
        "draft",
        1,
        "DIA",
    )
    headers = {**lab.auth(), "If-Match": f'"{draft["version"]}"'}
    changed = await lab.client.put(
        f"/api/quality/inspection-plans/{draft['id']}",
        json={
            **{
                k: v
                for k, v in _body(lab, material).items()
                if k not in ("plant_id", "material_id", "trigger")
            },
            "aql": "1.0",
        },
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    released = await lab.act(f"/inspection-plans/{draft['id']}/release", changed.json())
    assert released["status"] == "released"
    refused = await lab.client.put(
        f"/api/quality/inspection-plans/{draft['id']}",
        json={"valid_from": str(TODAY), "characteristics": [DIAMETER], "sampling": "full"},
        headers={**lab.auth(), "If-Match": f'"{released["version"]}"'},
    )
    assert refused.status_code == 409
    assert "new revision" in refused.json()["detail"]
    later = str(TODAY + timedelta(days=10))
    revision = (
        await lab.post(f"/inspection-plans/{draft['id']}/revisions", {"valid_from": later}, 201)
    ).json()
    assert (revision["revision"], revision["status"], revision["aql"]) == (2, "draft", "1.0")
    await lab.act(f"/inspection-plans/{revision['id']}/release", revision)
    first = await lab.get(f"/inspection-plans/{draft['id']}")
    # The version it succeeds ends the day before.
    assert first["valid_to"] == str(TODAY + timedelta(days=9))
    published = await spy.events("quality.inspection_plan.changed")
    assert [(e["revision"], e["status"]) for e in published][-1] == (2, "released")


async def test_an_overlapping_or_earlier_release_is_a_conflict(lab: Lab) -> None:
    material = await lab.material()
    later = (
        await lab.post(
            "/inspection-plans",
            _body(lab, material, valid_from=str(TODAY + timedelta(days=5)), status="released"),
            201,
        )
    ).json()
    earlier = (await lab.post("/inspection-plans", _body(lab, material), 201)).json()
    refused = await lab.act(f"/inspection-plans/{earlier['id']}/release", earlier, expect=409)
    assert "valid from" in refused["detail"]
    assert later["status"] == "released"


async def test_bad_plans_are_refused_with_the_field_named(lab: Lab) -> None:
    material = await lab.material()
    measured_without_limits = {"code": "X", "name": "X", "kind": "measured"}
    cases: list[tuple[dict[str, Any], int]] = [
        ({"sampling": "aql", "aql": None}, 422),
        ({"sampling": "fixed", "sample_size": None, "aql": None, "inspection_level": None}, 422),
        ({"trigger": "periodic"}, 422),
        ({"operation_no": 10}, 422),
        ({"characteristics": [DIAMETER, DIAMETER]}, 422),
        ({"characteristics": [measured_without_limits]}, 422),
        ({"characteristics": [{**DIAMETER, "lsl": "10.1", "usl": "10.0"}]}, 422),
        ({"aql": "0.7"}, 422),
        ({"valid_to": str(TODAY - timedelta(days=1))}, 422),
        ({"material_id": "6c1e0a1e-0000-4000-8000-000000000000"}, 422),
        ({"unknown": 1}, 400),
    ]
    for change, status in cases:
        response = await lab.post("/inspection-plans", _body(lab, material, **change))
        assert response.status_code == status, (change, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await lab.get("/inspection-plans", material_id=str(material)))["items"] == []


async def test_only_quality_engineers_write_plans(lab: Lab) -> None:
    material = await lab.material()
    response = await lab.post("/inspection-plans", _body(lab, material), roles=["operator"])
    assert response.status_code == 403
    response = await lab.post("/inspection-plans", _body(lab, material), roles=["quality_engineer"])
    assert response.status_code == 201


async def test_the_defect_catalogue(lab: Lab) -> None:
    response = await lab.client.put(
        "/api/quality/defect-codes/porosity",
        json={"name": "Porosity", "severity": "major"},
        headers=lab.auth(),
    )
    assert response.status_code == 200, response.text
    assert response.json()["code"] == "POROSITY"
    bad = await lab.client.put(
        "/api/quality/defect-codes/no%20space", json={"name": "X"}, headers=lab.auth()
    )
    assert bad.status_code == 422
    assert [d["code"] for d in await lab.get("/defect-codes")] == ["POROSITY"]
