"""Inspection lots: made from receipts and operations when a plan applies, sampled by the
plan, results in bulk with the plan's verdict, the usage decision, the switching state."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import asyncpg

from quality.aql import sampling_plan
from quality.inspections import handlers
from quality.worker import on_goods_movement
from tests.quality.lab import DIAMETER, SURFACE, Lab
from tests.support.harness import Spy, as_organization
from unison_events.inventory import GoodsMovementPosted
from unison_events.production import OperationStatusChanged


async def test_a_receipt_with_a_plan_makes_one_inspection_that_holds_its_lot(
    lab: Lab, spy: Spy
) -> None:
    material = await lab.material()
    plan = await lab.plan(
        material, sampling="aql", sample_size=None, aql="1.0", inspection_level="II"
    )
    receipt = await lab.receipt(material, "500", lot="L-500")
    inspection = await lab.only_inspection(material)
    # ISO 2859-1: 500 pieces at level II is code H, n = 50; AQL 1.0 normal: Ac 1, Re 2.
    assert (
        inspection["sample_size"],
        inspection["acceptance_number"],
        inspection["rejection_number"],
    ) == (50, 1, 2)
    assert inspection["plan_id"] == plan["id"]
    assert (inspection["trigger"], inspection["lot"], inspection["lot_held"]) == (
        "goods_receipt",
        "L-500",
        True,
    )
    assert inspection["number"].startswith("QI-")
    # The same receipt delivered again makes nothing more.
    await as_organization(lab.conn, lab.org_id, handlers.on_goods_movement_posted, receipt)
    assert len(await lab.inspections(material_id=str(material))) == 1
    (hold,) = await spy.events("quality.lot_hold.placed")
    assert (hold["lot"], hold["material_id"], hold["inspection_id"]) == (
        "L-500",
        str(material),
        inspection["id"],
    )
    assert len(await spy.events("quality.inspection.created")) == 1


async def test_no_plan_no_inspection_and_other_movements_are_ignored(lab: Lab) -> None:
    material = await lab.material()
    await lab.receipt(material, "10")
    await lab.plan(material)
    await lab.receipt(material, "10", movement_type="261")
    await lab.receipt(material, "-10", movement_type="101")
    assert await lab.inspections(material_id=str(material)) == []


async def test_a_receipt_of_many_lines_inspects_only_the_planned_materials(lab: Lab) -> None:
    planned, unplanned, other_plant = (
        await lab.material(),
        await lab.material(),
        await lab.material(),
    )
    await lab.plan(planned)
    await lab.plan(other_plant, plant=1)
    line = lab.receipt_line
    event = GoodsMovementPosted(
        organization_id=lab.org_id,
        plant_id=lab.plants[0],
        movement_id=uuid4(),
        movement_type="101",
        posting_date=datetime.now(UTC).date(),
        reference="PO-4712",
        # The plan of other_plant is for plant 1: received in plant 0 it is not inspected.
        lines=(line(unplanned, "5", "U1"), line(planned, "7", "P1"), line(other_plant, "9", "O1")),
    )
    await as_organization(lab.conn, lab.org_id, on_goods_movement, event)
    assert await lab.inspections(material_id=str(unplanned)) == []
    assert await lab.inspections(material_id=str(other_plant)) == []
    (inspection,) = await lab.inspections(material_id=str(planned))
    assert (inspection["lot"], Decimal(inspection["quantity"])) == ("P1", Decimal(7))


async def test_results_give_the_plans_verdict_and_the_decision_is_published(
    lab: Lab, spy: Spy
) -> None:
    material = await lab.material()
    await lab.plan(material)
    await lab.receipt(material, "40", lot="L-7")
    inspection = await lab.only_inspection(material)
    assert inspection["sample_size"] == 5
    half = await lab.results(
        inspection,
        [
            {"characteristic": "dia", "sample_no": 1, "value": "10.01"},
        ],
    )
    assert (half["status"], half["proposal"]) == ("open", None)
    done = await lab.measure_all(inspection)
    assert (done["status"], done["proposal"]) == ("results_recorded", "accept")
    assert done["proposal_rule"] == "0 nonconforming of 5 within Ac 0"
    decided = await lab.decide(inspection, "accepted", note="good lot")
    assert (decided["status"], decided["decision"], decided["accepted_quantity"]) == (
        "decided",
        "accepted",
        "40",
    )
    (event,) = await spy.events("quality.inspection.decided")
    assert (event["decision"], event["lot"], event["lifts_hold"], event["unit"]) == (
        "accepted",
        "L-7",
        True,
        "PC",
    )
    again = await lab.post(
        f"/inspections/{inspection['id']}/decision", {"decision": "rejected"}, 409
    )
    assert "decided already" in again.json()["detail"]


async def test_a_failure_reaching_re_proposes_rejection_at_once(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material)
    await lab.receipt(material, "40")
    inspection = await lab.only_inspection(material)
    verdict = await lab.results(
        inspection,
        [
            {"characteristic": "SURF", "sample_no": 3, "passed": False, "defect_code": "scratch"},
        ],
    )
    assert (verdict["status"], verdict["proposal"]) == ("open", "reject")
    assert verdict["proposal_rule"] == "1 nonconforming of 5 reached Re 1"
    results = await lab.get(f"/inspections/{inspection['id']}/results")
    assert results[0]["defect_code"] == "SCRATCH"


async def test_out_of_specification_measurements_fail(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material)
    await lab.receipt(material, "40")
    inspection = await lab.only_inspection(material)
    verdict = await lab.measure_all(inspection, ["10.00", "10.06", "9.95", "10.05", "10.00"])
    assert verdict["proposal"] == "reject"
    assert verdict["proposal_rule"] == "1 nonconforming of 5 reached Re 1"


async def test_a_bad_row_refuses_the_whole_batch_and_names_it(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material)
    await lab.receipt(material, "40")
    inspection = await lab.only_inspection(material)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"characteristic": "XX", "sample_no": 1, "value": "1"},
            "/rows/1/characteristic",
            "no characteristic XX",
        ),
        ({"characteristic": "DIA", "sample_no": 6, "value": "1"}, "/rows/1/sample_no", "5 pieces"),
        ({"characteristic": "DIA", "sample_no": 2}, "/rows/1/value", "give its value"),
        ({"characteristic": "SURF", "sample_no": 2}, "/rows/1/passed", "whether it passed"),
        (
            {"characteristic": "SURF", "sample_no": 2, "passed": False, "defect_code": "RUST"},
            "/rows/1/defect_code",
            "not a defect of SURF",
        ),
        (
            {
                "characteristic": "DIA",
                "sample_no": 2,
                "value": "1",
                "measured_at": "2099-01-01T00:00:00Z",
            },
            "/rows/1/measured_at",
            "future",
        ),
    ]
    for row, pointer, words in cases:
        good = {"characteristic": "DIA", "sample_no": 1, "value": "10"}
        refused = await lab.results(inspection, [good, row], expect=422)
        assert refused["errors"][0]["pointer"] == pointer, refused
        assert words in refused["detail"], refused
    assert await lab.get(f"/inspections/{inspection['id']}/results") == []


async def test_partial_acceptance_splits_the_lot(lab: Lab, spy: Spy) -> None:
    material = await lab.material()
    await lab.plan(material)
    await lab.receipt(material, "100", lot="L-9")
    inspection = await lab.only_inspection(material)
    await lab.measure_all(inspection, failed_surfaces=2)
    wrong = await lab.decide(
        inspection, "partially_accepted", 422, accepted_quantity="70", rejected_quantity="20"
    )
    assert "make 90, the lot is 100" in wrong["detail"]
    decided = await lab.decide(
        inspection, "partially_accepted", accepted_quantity="80", rejected_quantity="20"
    )
    assert (decided["accepted_quantity"], decided["rejected_quantity"]) == ("80", "20")
    (event,) = await spy.events("quality.inspection.decided")
    assert (Decimal(event["accepted_quantity"]), Decimal(event["rejected_quantity"])) == (
        Decimal(80),
        Decimal(20),
    )


async def test_the_stream_tightens_after_two_rejections_in_five_lots(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material, sampling="aql", sample_size=None, aql="1.0", inspection_level="II")
    for n in range(2):
        await lab.receipt(material, "500", lot=f"L-{n}")
    first, second = sorted(
        await lab.inspections(material_id=str(material)), key=lambda i: i["number"]
    )
    for inspection in (first, second):
        await lab.results(
            inspection,
            [{"characteristic": "SURF", "sample_no": k, "passed": False} for k in (1, 2)],
        )
        await lab.decide(inspection, "rejected")
    stream = await lab.get(
        "/sampling-streams", plant_id=str(lab.plants[0]), material_id=str(material)
    )
    assert stream["state"]["severity"] == "tightened"
    await lab.receipt(material, "500", lot="L-3")
    newest = max(await lab.inspections(material_id=str(material)), key=lambda i: i["number"])
    # The new lot is sampled by Table II-B (the tables are tested against the standard).
    tightened = sampling_plan(500, Decimal("1.0"), "II", "tightened")
    assert (
        newest["severity"],
        newest["sample_size"],
        newest["acceptance_number"],
        newest["rejection_number"],
    ) == (
        "tightened",
        tightened.sample_size,
        tightened.acceptance_number,
        tightened.rejection_number,
    )


async def test_an_operation_completion_is_inspected_by_its_plan(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material, "operation_completion", operation_no=20, characteristics=[DIAMETER])
    order = await lab.work_order(material, "WO-77", lot="LOT-77")
    event = OperationStatusChanged(
        organization_id=lab.org_id,
        plant_id=lab.plants[0],
        work_order_id=order,
        number="WO-77",
        operation_no=20,
        work_center_id=uuid4(),
        status="completed",
        previous="in_progress",
        at=datetime.now(UTC),
        material_id=material,
        good_quantity=Decimal(60),
    )
    for _ in range(2):
        await as_organization(lab.conn, lab.org_id, handlers.on_operation_status_changed, event)
    inspection = await lab.only_inspection(material)
    assert (
        inspection["trigger"],
        inspection["operation_no"],
        inspection["lot"],
        inspection["lot_held"],
        inspection["quantity"],
    ) == ("operation_completion", 20, "LOT-77", False, "60")
    assert inspection["work_center_id"] == str(event.work_center_id)


async def test_an_orders_receipt_is_its_final_inspection(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material, "final_inspection", characteristics=[SURFACE])
    order = await lab.work_order(material, "WO-88")
    await lab.receipt(material, "25", lot="WO-88", reference="WO-88")
    inspection = await lab.only_inspection(material)
    assert (inspection["trigger"], inspection["work_order_id"]) == ("final_inspection", str(order))


async def test_by_hand_cancel_and_roles(lab: Lab, quality_conn: asyncpg.Connection) -> None:
    material = await lab.material()
    plan = await lab.plan(material)
    body = {
        "plant_id": str(lab.plants[0]),
        "material_id": str(material),
        "quantity": "12",
        "plan_id": plan["id"],
        "hold_lot": False,
    }
    created = (await lab.post("/inspections", body, 201)).json()
    assert (created["trigger"], created["sample_size"], created["lot_held"]) == ("manual", 5, False)
    await lab.post(
        f"/inspections/{created['id']}/cancel", {"note": "double"}, 403, roles=["operator"]
    )
    cancelled = (
        await lab.post(f"/inspections/{created['id']}/cancel", {"note": "double"}, 200)
    ).json()
    assert cancelled["status"] == "cancelled"
    held = (await lab.post("/inspections", {**body, "lot": "L-1", "hold_lot": True}, 201)).json()
    refused = await lab.post(f"/inspections/{held['id']}/cancel", {"note": "x"}, 409)
    assert "usage decision" in refused.json()["detail"]
    await lab.post("/inspections", {**body, "plant_id": str(uuid4())}, 404)
