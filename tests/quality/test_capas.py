"""CAPA: root cause as data, actions, the effectiveness check, links to NCRs, and the
daily flag of what is overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from quality.caller import system_caller
from quality.capas.service import flag_overdue
from tests.quality.lab import Lab
from tests.support.harness import Spy
from unison_pg import Database, Tenant

TODAY = date.today()


async def _ncr(lab: Lab) -> dict[str, Any]:
    material = await lab.material()
    body = {
        "plant_id": str(lab.plants[0]),
        "title": "Oversize bore",
        "material_id": str(material),
        "quantity": "10",
    }
    return dict((await lab.post("/ncrs", body, 201)).json())


async def _capa(lab: Lab, **fields: Any) -> dict[str, Any]:
    body = {
        "plant_id": str(lab.plants[0]),
        "title": "Boring inserts changed by time, not pieces",
        "owner": "Q. Engineer",
        "due_date": str(TODAY + timedelta(days=14)),
        **fields,
    }
    return dict((await lab.post("/capas", body, 201)).json())


async def test_a_corrective_action_runs_from_root_cause_to_effectiveness(
    lab: Lab, spy: Spy
) -> None:
    ncr = await _ncr(lab)
    capa = await _capa(
        lab,
        ncr_ids=[ncr["id"]],
        actions=[
            {
                "description": "Count pieces per insert",
                "owner": "Supplier",
                "due_date": str(TODAY + timedelta(days=7)),
            },
        ],
    )
    assert capa["number"].startswith("CAPA-") and capa["status"] == "open"
    base = f"/capas/{capa['id']}"
    refused = await lab.act(f"{base}/steps", capa, {"to": "in_progress"}, expect=409)
    assert "root cause" in refused["detail"]
    headers = {**lab.auth(), "If-Match": f'"{capa["version"]}"'}
    root = {
        "five_whys": ["Bores oversize", "Insert worn", "Changed by shift"],
        "ishikawa": {"machine": ["Insert worn"], "method": ["Change by time"]},
        "statement": "Tool life counted in time, not pieces",
    }
    response = await lab.client.patch(
        f"/api/quality{base}", json={"root_cause": root}, headers=headers
    )
    assert response.status_code == 200, response.text
    capa = response.json()
    # Empty categories are left out.
    assert capa["root_cause"]["ishikawa"] == {
        "machine": ["Insert worn"],
        "method": ["Change by time"],
    }
    capa = await lab.act(f"{base}/steps", capa, {"to": "in_progress"})
    early = await lab.act(f"{base}/steps", capa, {"to": "effectiveness_check"}, expect=409)
    assert "not done" in early["detail"]
    capa = (
        await lab.post(
            f"{base}/actions",
            {
                "actions": [
                    {
                        "description": "Update the quality agreement",
                        "owner": "Purchasing",
                        "due_date": str(TODAY + timedelta(days=10)),
                    }
                ]
            },
            201,
        )
    ).json()
    assert len(capa["actions"]) == 2
    for action in capa["actions"]:
        capa = (await lab.post(f"{base}/actions/{action['id']}/done", None, 200)).json()
    assert all(a["done_at"] for a in capa["actions"])
    capa = await lab.act(f"{base}/steps", capa, {"to": "effectiveness_check"})
    capa = await lab.act(
        f"{base}/effectiveness", capa, {"effective": False, "note": "bores still drift"}
    )
    assert capa["status"] == "in_progress"
    capa = await lab.act(f"{base}/steps", capa, {"to": "effectiveness_check"})
    capa = await lab.act(
        f"{base}/effectiveness", capa, {"effective": True, "note": "20 lots in tolerance"}
    )
    assert (capa["status"], capa["effective"], capa["closed_at"] is not None) == (
        "closed",
        True,
        True,
    )
    linked = (await lab.get("/capas", ncr_id=ncr["id"]))["items"]
    assert [c["id"] for c in linked] == [capa["id"]]
    changes = await spy.events("quality.capa.changed")
    statuses = [e["status"] for e in changes]
    assert statuses[0] == "open" and statuses[-1] == "closed"
    # Reporting's on-time rate reads when the CAPA closed from the event.
    assert changes[0]["closed_at"] is None
    assert datetime.fromisoformat(changes[-1]["closed_at"]) == datetime.fromisoformat(
        capa["closed_at"]
    )


async def test_bad_capas_are_refused(lab: Lab) -> None:
    other_plant_ncr = await lab.post(
        "/ncrs",
        {
            "plant_id": str(lab.plants[1]),
            "title": "X",
            "material_id": str(await lab.material()),
            "quantity": "1",
        },
        201,
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ncr_ids": [other_plant_ncr.json()["id"]]}, "/ncr_ids/0"),
        ({"effectiveness_due": str(TODAY)}, "/effectiveness_due"),
        ({"owner": "  "}, "/owner"),
    ]
    for change, pointer in cases:
        body = {
            "plant_id": str(lab.plants[0]),
            "title": "T",
            "owner": "O",
            "due_date": str(TODAY + timedelta(days=3)),
            **change,
        }
        refused = (await lab.post("/capas", body, 422)).json()
        assert refused["errors"][0]["pointer"] == pointer
    assert (await lab.get("/capas"))["items"] == []
    await lab.post(
        "/capas",
        {"plant_id": str(lab.plants[0]), "title": "T", "owner": "O", "due_date": str(TODAY)},
        403,
        roles=["operator"],
    )


async def test_overdue_capas_and_actions_are_flagged_once_and_told(
    lab: Lab, database: Database, org_id: UUID, spy: Spy
) -> None:
    await lab.post("/subscriptions", {"email": "qm@plant.example", "kinds": ["capa_overdue"]}, 201)
    late = await _capa(
        lab,
        kind="preventive",
        due_date=str(TODAY - timedelta(days=1)),
        actions=[
            {
                "description": "Train operators",
                "owner": "HR",
                "due_date": str(TODAY - timedelta(days=2)),
            }
        ],
    )
    await _capa(lab, title="On time")
    listed = (await lab.get("/capas", overdue="true"))["items"]
    assert [c["id"] for c in listed] == [late["id"]]
    assert listed[0]["overdue"] and listed[0]["actions"][0]["overdue"]
    tenant = Tenant(org_id, tuple(lab.plants), "job:test")
    caller = system_caller(tenant)
    for expected in ((1, 1), (0, 0)):
        async with database.transaction(tenant) as conn:
            assert await flag_overdue(conn, caller, TODAY) == expected
    (mail,) = (await lab.get("/notifications"))["items"]
    assert mail["subject"] == "1 CAPA and 1 action overdue"
    assert "Train operators" in mail["body"] and late["number"] in mail["body"]
    overdue = [e for e in await spy.events("quality.capa.changed") if e["overdue"]]
    # Raised overdue (its due date had passed), then flagged by the daily run.
    assert [e["capa_id"] for e in overdue] == [late["id"], late["id"]]
    # A new due date may be missed again: it is flagged again then.
    headers = {**lab.auth(), "If-Match": f'"{late["version"]}"'}
    response = await lab.client.patch(
        f"/api/quality/capas/{late['id']}",
        json={"due_date": str(TODAY - timedelta(days=3))},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    async with database.transaction(tenant) as conn:
        assert await flag_overdue(conn, caller, TODAY) == (1, 0)


async def test_a_capa_is_cancelled_only_with_a_reason(
    lab: Lab, quality_conn: asyncpg.Connection
) -> None:
    capa = await _capa(lab)
    await lab.act(f"/capas/{capa['id']}/steps", capa, {"to": "cancelled"}, expect=422)
    done = await lab.act(
        f"/capas/{capa['id']}/steps", capa, {"to": "cancelled", "note": "duplicate of CAPA-1"}
    )
    assert done["status"] == "cancelled"
    await lab.post(
        f"/capas/{capa['id']}/actions",
        {"actions": [{"description": "X", "owner": "Y", "due_date": str(TODAY)}]},
        409,
    )
