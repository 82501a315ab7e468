"""Another organization (or a plant outside the token) sees none of quality's data: not
its plans, inspections, results, charts, figures, NCRs, files, CAPAs or e-mails."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import asyncpg

from tests.quality.lab import Lab


async def test_another_organization_sees_and_changes_nothing(
    lab: Lab, admin_conn: asyncpg.Connection
) -> None:
    await lab.post("/subscriptions", {"email": "own@acme.example", "kinds": ["ncr_created"]}, 201)
    material = await lab.material()
    plan = await lab.plan(material)
    await lab.receipt(material, "40", lot="L-1")
    inspection = await lab.only_inspection(material)
    await lab.measure_all(inspection, failed_surfaces=1)
    ncr = (await lab.post(f"/inspections/{inspection['id']}/ncr", {}, 201)).json()
    upload = await lab.client.post(
        f"/api/quality/ncrs/{ncr['id']}/files",
        params={"filename": "a.txt"},
        content=b"x",
        headers={**lab.auth(), "Content-Type": "text/plain"},
    )
    assert upload.status_code == 201
    capa = (
        await lab.post(
            "/capas",
            {
                "plant_id": str(lab.plants[0]),
                "title": "T",
                "owner": "O",
                "due_date": "2030-01-01",
                "ncr_ids": [ncr["id"]],
            },
            201,
        )
    ).json()

    stranger_org = uuid4()
    stranger = lab.auth(organization_id=stranger_org)
    await lab.client.post(
        "/api/quality/subscriptions",
        json={"email": "spy@globex.example", "kinds": ["ncr_created"]},
        headers=stranger,
    )
    for path in (
        f"/inspection-plans/{plan['id']}",
        f"/inspections/{inspection['id']}",
        f"/inspections/{inspection['id']}/results",
        f"/ncrs/{ncr['id']}",
        f"/ncrs/{ncr['id']}/files",
        f"/ncrs/{ncr['id']}/files/{upload.json()['id']}",
        f"/capas/{capa['id']}",
    ):
        response = await lab.client.get(f"/api/quality{path}", headers=stranger)
        assert response.status_code == 404, (path, response.text)
    for path in ("/inspection-plans", "/inspections", "/ncrs", "/capas", "/notifications"):
        response = await lab.client.get(f"/api/quality{path}", headers=stranger)
        assert response.json()["items"] == [], path
    today = datetime.now(UTC).date().isoformat()
    for path in ("/figures/fpy", "/figures/defects"):
        response = await lab.client.get(
            f"/api/quality{path}", params={"from": today, "to": today}, headers=stranger
        )
        assert response.json() == [], path
    chart = await lab.client.get(
        "/api/quality/spc/chart",
        params={
            "plant_id": str(lab.plants[0]),
            "material_id": str(material),
            "characteristic": "DIA",
        },
        headers=stranger,
    )
    assert chart.status_code == 422  # no measurements at all for the stranger
    for path, body in (
        (
            f"/inspections/{inspection['id']}/results",
            {"rows": [{"characteristic": "DIA", "sample_no": 1, "value": "10"}]},
        ),
        (f"/inspections/{inspection['id']}/decision", {"decision": "accepted"}),
        (f"/inspections/{inspection['id']}/ncr", {}),
        (
            f"/capas/{capa['id']}/actions",
            {"actions": [{"description": "X", "owner": "Y", "due_date": "2030-01-01"}]},
        ),
    ):
        response = await lab.client.post(f"/api/quality{path}", json=body, headers=stranger)
        assert response.status_code == 404, (path, response.text)
    recipients = await admin_conn.fetch(
        "SELECT organization_id, recipients FROM quality.notifications"
        " WHERE organization_id = ANY($1::uuid[])",
        [lab.org_id, stranger_org],
    )
    assert [(r["organization_id"], r["recipients"]) for r in recipients] == [
        (lab.org_id, ["own@acme.example"])
    ]


async def test_a_plant_outside_the_token_is_invisible(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material, plant=1)
    await lab.receipt(material, "40", lot="L-1", plant=1)
    inspection = await lab.only_inspection(material)
    own_plant_only = lab.auth(plant_ids=[lab.plants[0]])
    response = await lab.client.get(
        f"/api/quality/inspections/{inspection['id']}", headers=own_plant_only
    )
    assert response.status_code == 404
    listed = await lab.client.get("/api/quality/inspections", headers=own_plant_only)
    assert listed.json()["items"] == []
    response = await lab.client.get(
        "/api/quality/inspections", params={"plant_id": str(lab.plants[1])}, headers=own_plant_only
    )
    assert response.status_code == 404
