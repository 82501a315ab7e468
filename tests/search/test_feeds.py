"""Each feed turns its source's real events into the documents search shows."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import msgspec

from search.documents.models import DocumentGone
from search.feeds import (
    capas,
    equipment,
    equipment_documents,
    inspection_plans,
    lots,
    maintenance_orders,
    materials,
    ncrs,
    work_orders,
)
from search.worker import EVENT_HANDLERS, EVENT_TYPES
from tests.search.events import Events
from unison_bus import Event
from unison_events import inventory, maintenance, production, quality

EVENTS = Events(uuid4(), [uuid4(), uuid4()])


def test_a_material_is_found_by_its_number_description_and_group() -> None:
    event = EVENTS.material()
    doc = materials.from_event(event)
    assert doc.entity_type == "material"
    assert doc.entity_id == str(event.material_id)
    assert doc.code == "BRG-6204-2RS"
    assert doc.title == "Deep groove ball bearing 6204-2RS"
    assert doc.extra == "raw PC BEARINGS"
    assert (doc.status, doc.material_group, doc.plant_id) == ("active", "BEARINGS", None)
    assert doc.link == f"/inventory/materials/{event.material_id}"
    assert doc.changed_at == event.occurred_at


def test_a_changed_material_replaces_its_document_and_a_deleted_one_is_gone() -> None:
    created = EVENTS.material()
    changed = materials.from_event(EVENTS.material_changed(created, status="blocked"))
    assert changed.entity_id == str(created.material_id)
    assert changed.status == "blocked"
    gone = materials.gone(EVENTS.material_deleted(created))
    assert gone == DocumentGone(
        entity_type="material", entity_id=str(created.material_id), changed_at=gone.changed_at
    )


def test_a_receipt_brings_in_each_new_lot_once_released() -> None:
    material_id = uuid4()
    receipt = EVENTS.receipt(material_id, "L-0042", "L-0043", "L-0042")
    docs = lots.received(receipt)
    assert [d.code for d in docs] == ["L-0042", "L-0043"]
    assert docs[0].entity_id == f"{material_id}/L-0042"
    assert docs[0].status == "released"
    assert docs[0].link == f"/inventory/materials/{material_id}/lots/L-0042"
    assert docs[0].plant_id is None


def test_a_reversal_or_an_issue_brings_in_no_lot() -> None:
    receipt = EVENTS.receipt(uuid4(), "L-1")
    reversal = msgspec.structs.replace(receipt, reversal_of=uuid4())
    assert lots.received(reversal) == []
    line = msgspec.structs.replace(receipt.lines[0], quantity=-receipt.lines[0].quantity)
    issue = msgspec.structs.replace(receipt, lines=(line,), movement_type="261")
    assert lots.received(issue) == []


def test_a_lot_status_change_carries_the_status_and_its_reason() -> None:
    material_id = uuid4()
    doc = lots.from_status_changed(EVENTS.lot_status(material_id, "L-7", "blocked", "mould"))
    assert (doc.entity_id, doc.status, doc.extra) == (f"{material_id}/L-7", "blocked", "mould")


def test_a_work_order_is_found_by_its_number_and_product_in_its_plant() -> None:
    event = EVENTS.work_order(plant=1)
    doc = work_orders.from_event(event)
    assert doc.code == "WO-100042"
    assert doc.title == "Work order WO-100042 FG-HOUSING-7"
    assert doc.body == "FG-HOUSING-7 250 PC"
    assert doc.extra == "manual"  # the output lot is the order number: not said twice
    assert (doc.plant_id, doc.status, doc.doc_date) == (
        EVENTS.plants[1],
        "created",
        date(2026, 12, 20),
    )
    assert doc.link == f"/production/work-orders/{event.work_order_id}"
    released = work_orders.from_event(EVENTS.work_order_status(event, "released"))
    assert (released.entity_id, released.status) == (doc.entity_id, "released")


def test_an_ncr_is_found_by_its_defect_text_codes_and_supplier() -> None:
    event = EVENTS.ncr()
    doc = ncrs.from_event(event)
    assert (doc.code, doc.title) == ("NCR-2026-0007", "Scratched bearing seats")
    assert doc.body == "Deep scratches on the outer ring seat after turning SCRATCH DENT"
    assert doc.extra == "major Kugelfabrik Nord"
    assert (doc.status, doc.doc_date, doc.plant_id) == (
        "open",
        date(2026, 11, 30),
        EVENTS.plants[0],
    )
    assert doc.link == f"/quality/ncrs/{event.ncr_id}"


def test_an_ncr_of_an_older_message_without_a_description_still_indexes() -> None:
    event = EVENTS.ncr()
    old = msgspec.json.encode(event).replace(b'"description":', b'"was_description":')
    decoded = EVENT_TYPES.decode(quality.NcrChanged.topic, old)
    assert isinstance(decoded, quality.NcrChanged) and decoded.description is None
    assert ncrs.from_event(decoded).body == "SCRATCH DENT"


def test_a_capa_is_found_by_its_title_and_owner_dated_by_its_due_date() -> None:
    event = EVENTS.capa()
    doc = capas.from_event(event)
    assert (doc.code, doc.title, doc.extra) == (
        "CAPA-2026-0003",
        "Replace worn turning inserts",
        "corrective user:alice",
    )
    assert (doc.doc_date, doc.link) == (date(2026, 12, 31), f"/quality/capas/{event.capa_id}")


def test_an_inspection_plan_is_found_by_its_material_description_and_supplier() -> None:
    event = EVENTS.inspection_plan()
    doc = inspection_plans.from_event(event)
    assert doc.title == "Incoming check of bearing housings"
    assert doc.body == "HSG-77 Incoming check of bearing housings"
    assert doc.extra == "goods receipt Gusswerk Süd revision 2"
    assert (doc.status, doc.doc_date) == ("released", date(2026, 11, 1))
    untitled = inspection_plans.from_event(EVENTS.inspection_plan(description=None))
    assert untitled.title == "Inspection plan HSG-77 goods receipt, revision 2"
    older = inspection_plans.from_event(
        EVENTS.inspection_plan(description=None, material_number=None)
    )
    assert older.title == "Inspection plan goods receipt, revision 2"


def test_equipment_is_found_by_code_name_and_maker_and_gone_when_deleted() -> None:
    event = EVENTS.equipment()
    doc = equipment.from_event(event)
    assert not isinstance(doc, DocumentGone)
    assert (doc.code, doc.title, doc.body) == ("PR-400", "Hydraulic press 400 t", "Schuler MSD 400")
    assert doc.extra == "machine criticality A"
    assert doc.link == f"/maintenance/equipment/{event.equipment_id}"
    gone = equipment.from_event(msgspec.structs.replace(event, deleted=True))
    assert isinstance(gone, DocumentGone) and gone.entity_id == str(event.equipment_id)


def test_an_equipment_document_is_found_by_its_file_name_and_the_equipment_code() -> None:
    machine = EVENTS.equipment(plant=1)
    added = EVENTS.equipment_document(machine)
    doc = equipment_documents.from_event(added)
    assert (doc.title, doc.body) == (
        "PR-400_operating_manual.pdf",
        "PR 400 operating manual PR-400",
    )
    assert (doc.extra, doc.doc_date, doc.plant_id) == (
        "application/pdf",
        date(2026, 11, 20),
        EVENTS.plants[1],
    )
    assert doc.link == (
        f"/maintenance/equipment/{machine.equipment_id}/documents/{added.document_id}"
    )
    gone = equipment_documents.gone(EVENTS.equipment_document_deleted(added))
    assert (gone.entity_type, gone.entity_id) == ("equipment_document", str(added.document_id))


def test_a_maintenance_order_is_found_by_its_title_and_description() -> None:
    event = EVENTS.maintenance_order()
    doc = maintenance_orders.from_event(event)
    assert (doc.code, doc.title) == ("MWO-000815", "Hydraulic leak at main cylinder")
    assert doc.body == "Oil dripping from the main cylinder seal"
    assert (doc.extra, doc.doc_date) == ("corrective priority 2", date(2026, 12, 5))
    assert doc.link == f"/maintenance/work-orders/{event.maintenance_work_order_id}"


def test_the_worker_handles_every_topic_bound_to_its_queue() -> None:
    bound: set[type[Event]] = {
        inventory.MaterialCreated,
        inventory.MaterialChanged,
        inventory.MaterialDeleted,
        inventory.GoodsMovementPosted,
        inventory.LotStatusChanged,
        production.WorkOrderCreated,
        production.WorkOrderStatusChanged,
        quality.NcrChanged,
        quality.CapaChanged,
        quality.InspectionPlanChanged,
        maintenance.EquipmentChanged,
        maintenance.EquipmentDocumentAdded,
        maintenance.EquipmentDocumentDeleted,
        maintenance.MaintenanceWorkOrderStatusChanged,
    }
    assert set(EVENT_HANDLERS) == {e.topic for e in bound}
    assert all(e.topic in EVENT_TYPES for e in bound)
