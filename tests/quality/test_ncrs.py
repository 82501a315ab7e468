"""NCRs: raised by hand or from a failed inspection (prefilled), the workflow with who and
when, the disposition carried out in inventory (its answers recorded), files, e-mails."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from quality.ncrs import handlers
from tests.quality.lab import Lab
from tests.support.harness import Spy, as_organization
from unison_events.inventory import QualityPostingFailed, QualityPostingPosted


async def _subscribe(lab: Lab, *kinds: str, email: str = "qa@plant.example") -> None:
    await lab.post("/subscriptions", {"email": email, "kinds": list(kinds)}, 201)


async def _ncr(lab: Lab, material: UUID, **fields: Any) -> dict[str, Any]:
    body = {
        "plant_id": str(lab.plants[0]),
        "title": "Burr on bore edge",
        "material_id": str(material),
        "quantity": "30",
        "lots": [{"lot": "L-1", "quantity": "20"}, {"lot": "L-2", "quantity": "10"}],
        "supplier": "ACME Castings",
        "defect_codes": ["burr", "BURR", "dent"],
        **fields,
    }
    return dict((await lab.post("/ncrs", body, 201)).json())


async def _failed_inspection(lab: Lab, material: UUID) -> dict[str, Any]:
    await lab.plan(material)
    await lab.receipt(material, "100", lot="L-REJ")
    inspection = await lab.only_inspection(material)
    await lab.measure_all(inspection, failed_surfaces=2)
    return await lab.decide(inspection, "rejected")


async def test_an_ncr_by_hand_is_numbered_published_and_told(lab: Lab, spy: Spy) -> None:
    material = await lab.material("HOUS-7")
    await _subscribe(lab, "ncr_created")
    ncr = await _ncr(lab, material)
    assert ncr["number"].startswith("NCR-")
    assert (ncr["status"], ncr["unit"], ncr["defect_codes"]) == ("open", "PC", ["BURR", "DENT"])
    assert [lot["lot"] for lot in ncr["lots"]] == ["L-1", "L-2"]
    (step,) = ncr["steps"]
    assert (step["status"], step["by"]) == ("open", "user:alice")
    (changed,) = await spy.events("quality.ncr.changed")
    assert (changed["number"], changed["status"]) == (ncr["number"], "open")
    (mail,) = (await lab.get("/notifications"))["items"]
    assert mail["kind"] == "ncr_created"
    assert mail["recipients"] == ["qa@plant.example"]
    assert ncr["number"] in mail["subject"] and "HOUS-7" in mail["body"]
    assert "Lots: L-1 (20), L-2 (10)" in mail["body"]


async def test_bad_ncrs_are_refused_and_nothing_is_written(lab: Lab) -> None:
    material = await lab.material()
    base = {
        "plant_id": str(lab.plants[0]),
        "title": "X",
        "material_id": str(material),
        "quantity": "30",
    }
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"lots": [{"lot": "L-1", "quantity": "20"}]}, "/lots", "the lots hold 20"),
        (
            {"lots": [{"lot": "A", "quantity": "15"}, {"lot": "A", "quantity": "15"}]},
            "/lots/1/lot",
            "named twice",
        ),
        ({"quantity": "-1"}, "/quantity", ""),
        ({"material_id": str(uuid4())}, "/material_id", "no such material"),
        ({"operation_no": 10}, "/operation_no", "with its work order"),
    ]
    for change, pointer, words in cases:
        refused = (await lab.post("/ncrs", base | change, 422)).json()
        assert refused["errors"][0]["pointer"] == pointer, refused
        assert words in refused["detail"]
    assert (await lab.get("/ncrs"))["items"] == []


async def test_an_ncr_from_a_failed_inspection_is_prefilled(lab: Lab) -> None:
    material = await lab.material("HOUS-8")
    inspection = await _failed_inspection(lab, material)
    ncr = (await lab.post(f"/inspections/{inspection['id']}/ncr", {}, 201)).json()
    assert ncr["inspection_id"] == inspection["id"]
    assert (ncr["quantity"], ncr["lots"]) == ("100", [{"lot": "L-REJ", "quantity": "100"}])
    assert ncr["defect_codes"] == ["SCRATCH"]
    assert ncr["title"] == f"HOUS-8: inspection {inspection['number']} failed"
    assert ncr["severity"] == "critical"
    assert inspection["proposal_rule"] in ncr["description"]
    again = await lab.post(f"/inspections/{inspection['id']}/ncr", {}, 409)
    assert "exists" in again.json()["detail"]


async def test_the_workflow_takes_its_steps_in_order(lab: Lab, spy: Spy) -> None:
    material = await lab.material()
    await _subscribe(lab, "ncr_step")
    ncr = await _ncr(lab, material, lots=[])
    base = f"/ncrs/{ncr['id']}"
    refused = await lab.act(f"{base}/steps", ncr, {"to": "verification"}, expect=409)
    assert "only from disposition" in refused["detail"]
    early = await lab.act(f"{base}/disposition", ncr, {"disposition": "scrap"}, expect=409)
    assert "after its investigation" in early["detail"]
    stale = {**ncr, "version": ncr["version"] + 5}
    await lab.act(f"{base}/steps", stale, {"to": "investigation"}, expect=412)
    ncr = await lab.act(f"{base}/steps", ncr, {"to": "investigation", "note": "5 Why started"})
    ncr = await lab.act(f"{base}/disposition", ncr, {"disposition": "use_as_is"})
    # Without lots there is no stock to move: the disposition is done at once.
    assert (ncr["status"], ncr["disposition"], ncr["disposition_status"]) == (
        "disposition",
        "use_as_is",
        "done",
    )
    assert await spy.events("quality.ncr.disposition_decided") == []
    ncr = await lab.act(f"{base}/steps", ncr, {"to": "verification"})
    ncr = await lab.act(f"{base}/steps", ncr, {"to": "closed", "note": "verified"})
    assert [s["status"] for s in ncr["steps"]] == [
        "open",
        "investigation",
        "disposition",
        "verification",
        "closed",
    ]
    assert ncr["steps"][1]["note"] == "5 Why started"
    mails = (await lab.get("/notifications"))["items"]
    assert sorted(m["subject"].split(" ")[1] for m in mails) == [
        "closed:",
        "disposition:",
        "investigation:",
        "verification:",
    ]
    await lab.act(f"{base}/steps", ncr, {"to": "cancelled", "note": "x"}, expect=409)


async def test_a_disposition_is_carried_out_by_inventory_and_its_answer_recorded(
    lab: Lab, spy: Spy
) -> None:
    material = await lab.material()
    ncr = await _ncr(lab, material)
    base = f"/ncrs/{ncr['id']}"
    ncr = await lab.act(f"{base}/steps", ncr, {"to": "investigation"})
    ncr = await lab.act(f"{base}/disposition", ncr, {"disposition": "return_to_supplier"})
    assert ncr["disposition_status"] == "requested"
    (request,) = await spy.events("quality.ncr.disposition_decided")
    assert (request["disposition"], request["supplier"], request["reference"]) == (
        "return_to_supplier",
        "ACME Castings",
        ncr["number"],
    )
    assert [(x["lot"], x["quantity"]) for x in request["lots"]] == [("L-1", "20"), ("L-2", "10")]
    await lab.act(f"{base}/steps", ncr, {"to": "verification"}, expect=409)

    failed = QualityPostingFailed(
        organization_id=lab.org_id,
        plant_id=lab.plants[0],
        request_id=UUID(request["request_id"]),
        ncr_id=UUID(ncr["id"]),
        reference=ncr["number"],
        error="lot L-2 has 4 PC blocked",
        pointer="/lots/1",
    )
    await as_organization(lab.conn, lab.org_id, handlers.on_failed, failed)
    ncr = await lab.get(base)
    assert (ncr["disposition_status"], ncr["disposition_error"]) == (
        "failed",
        "lot L-2 has 4 PC blocked (/lots/1)",
    )
    refused = await lab.act(f"{base}/steps", ncr, {"to": "verification"}, expect=409)
    assert "decide it again" in refused["detail"]
    ncr = await lab.act(f"{base}/disposition", ncr, {"disposition": "scrap"})
    requests = await spy.events("quality.ncr.disposition_decided")
    assert len(requests) == 2 and requests[1]["request_id"] != request["request_id"]
    # An answer to the first, superseded request changes nothing.
    late = QualityPostingPosted(
        organization_id=lab.org_id,
        plant_id=lab.plants[0],
        request_id=UUID(request["request_id"]),
        ncr_id=UUID(ncr["id"]),
        reference=ncr["number"],
        movement_ids=(uuid4(),),
    )
    await as_organization(lab.conn, lab.org_id, handlers.on_posted, late)
    assert (await lab.get(base))["disposition_status"] == "requested"
    posted = QualityPostingPosted(
        organization_id=lab.org_id,
        plant_id=lab.plants[0],
        request_id=UUID(requests[1]["request_id"]),
        ncr_id=UUID(ncr["id"]),
        reference=ncr["number"],
        movement_ids=(uuid4(), uuid4()),
    )
    await as_organization(lab.conn, lab.org_id, handlers.on_posted, posted)
    ncr = await lab.get(base)
    assert ncr["disposition_status"] == "posted"
    assert (ncr["steps"][-1]["by"], ncr["steps"][-1]["note"]) == (
        "inventory",
        "carried out in inventory (2 movements)",
    )
    ncr = await lab.act(f"{base}/steps", ncr, {"to": "verification"})
    assert ncr["status"] == "verification"


async def test_a_return_needs_a_supplier_and_only_engineers_decide(lab: Lab) -> None:
    material = await lab.material()
    ncr = await _ncr(lab, material, supplier=None)
    base = f"/ncrs/{ncr['id']}"
    ncr = await lab.act(f"{base}/steps", ncr, {"to": "investigation"})
    no_supplier = await lab.act(
        f"{base}/disposition", ncr, {"disposition": "return_to_supplier"}, expect=422
    )
    assert "supplier" in no_supplier["detail"]
    headers = {**lab.auth(roles=["operator"]), "If-Match": f'"{ncr["version"]}"'}
    response = await lab.client.post(
        f"/api/quality{base}/disposition", json={"disposition": "scrap"}, headers=headers
    )
    assert response.status_code == 403


async def test_edits_before_the_disposition_only(lab: Lab) -> None:
    material = await lab.material()
    ncr = await _ncr(lab, material, lots=[])
    headers = {**lab.auth(), "If-Match": f'"{ncr["version"]}"'}
    response = await lab.client.patch(
        f"/api/quality/ncrs/{ncr['id']}",
        json={"severity": "critical", "defect_codes": ["crack"], "customer": "Tier 1 GmbH"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert (edited["severity"], edited["defect_codes"], edited["customer"], edited["title"]) == (
        "critical",
        ["CRACK"],
        "Tier 1 GmbH",
        "Burr on bore edge",
    )
    cancelled = await lab.act(f"/ncrs/{ncr['id']}/steps", edited, {"to": "cancelled"}, expect=422)
    assert "why" in cancelled["detail"]
    done = await lab.act(
        f"/ncrs/{ncr['id']}/steps", edited, {"to": "cancelled", "note": "raised twice"}
    )
    headers = {**lab.auth(), "If-Match": f'"{done["version"]}"'}
    response = await lab.client.patch(
        f"/api/quality/ncrs/{ncr['id']}", json={"title": "Y"}, headers=headers
    )
    assert response.status_code == 409


async def test_photos_and_files_are_kept_with_the_ncr(lab: Lab) -> None:
    material = await lab.material()
    ncr = await _ncr(lab, material)
    url = f"/api/quality/ncrs/{ncr['id']}/files"
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    response = await lab.client.post(
        url,
        params={"filename": "Kratzer ä.png"},
        content=photo,
        headers={**lab.auth(), "Content-Type": "image/png"},
    )
    assert response.status_code == 201, response.text
    stored = response.json()
    assert (stored["filename"], stored["size_bytes"]) == ("Kratzer ä.png", len(photo))
    refused = await lab.client.post(
        url,
        params={"filename": "x.exe"},
        content=b"MZ",
        headers={**lab.auth(), "Content-Type": "application/x-msdownload"},
    )
    assert refused.status_code == 415
    listed = await lab.get(f"/ncrs/{ncr['id']}/files")
    assert [f["id"] for f in listed] == [stored["id"]]
    download = await lab.client.get(f"{url}/{stored['id']}", headers=lab.auth())
    assert download.content == photo
    assert download.headers["content-type"] == "image/png"
    assert "filename*=UTF-8''Kratzer%20%C3%A4.png" in download.headers["content-disposition"]
    gone = await lab.client.delete(f"{url}/{stored['id']}", headers=lab.auth())
    assert gone.status_code == 204
    assert await lab.get(f"/ncrs/{ncr['id']}/files") == []
