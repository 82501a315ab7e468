"""``python -m search.worker``: the search worker process.

It keeps the index from the other services' events (one feed per source, ``feeds/``) and
runs the rebuild job, which re-reads every source through its service's API.
"""

from __future__ import annotations

from search.admin import rebuild
from search.admin.settings import RebuildSettings
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
from search.language import reindex
from unison_bus import EventTypes, Handler, JobHandler
from unison_config import load
from unison_events.inventory import (
    GoodsMovementPosted,
    LotStatusChanged,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
)
from unison_events.maintenance import (
    EquipmentChanged,
    EquipmentDocumentAdded,
    EquipmentDocumentDeleted,
    MaintenanceWorkOrderStatusChanged,
)
from unison_events.production import WorkOrderCreated, WorkOrderStatusChanged
from unison_events.quality import CapaChanged, InspectionPlanChanged, NcrChanged
from unison_worker import run_worker

EVENT_HANDLERS: dict[str, Handler] = {
    MaterialCreated.topic: materials.on_material,
    MaterialChanged.topic: materials.on_material,
    MaterialDeleted.topic: materials.on_material_deleted,
    GoodsMovementPosted.topic: lots.on_goods_movement,
    LotStatusChanged.topic: lots.on_lot_status_changed,
    WorkOrderCreated.topic: work_orders.on_work_order,
    WorkOrderStatusChanged.topic: work_orders.on_work_order,
    NcrChanged.topic: ncrs.on_ncr,
    CapaChanged.topic: capas.on_capa,
    InspectionPlanChanged.topic: inspection_plans.on_inspection_plan,
    EquipmentChanged.topic: equipment.on_equipment,
    EquipmentDocumentAdded.topic: equipment_documents.on_added,
    EquipmentDocumentDeleted.topic: equipment_documents.on_deleted,
    MaintenanceWorkOrderStatusChanged.topic: maintenance_orders.on_maintenance_order,
}
EVENT_TYPES = EventTypes(
    MaterialCreated,
    MaterialChanged,
    MaterialDeleted,
    GoodsMovementPosted,
    LotStatusChanged,
    WorkOrderCreated,
    WorkOrderStatusChanged,
    NcrChanged,
    CapaChanged,
    InspectionPlanChanged,
    EquipmentChanged,
    EquipmentDocumentAdded,
    EquipmentDocumentDeleted,
    MaintenanceWorkOrderStatusChanged,
)


def job_handlers(settings: RebuildSettings) -> dict[str, JobHandler]:
    return {rebuild.KIND: rebuild.runner(settings), reindex.KIND: reindex.run}


def main() -> None:
    # Read before the worker starts: a malformed setting stops it with the variable named.
    settings = load(RebuildSettings, prefix="UNISON_")
    run_worker(
        "search",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=job_handlers(settings),
    )


if __name__ == "__main__":
    main()
