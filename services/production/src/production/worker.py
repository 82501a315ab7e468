"""``python -m production.worker``: the production worker process.

It keeps the read models of inventory's materials and BOMs, turns SAP production orders
into work orders, records inventory's answers to goods postings, books maintenance's stops
and quality's rejections, and runs the jobs: the daily OEE close, log retention, labels
and rescheduling.
"""

from __future__ import annotations

from production.downtime import maintenance
from production.label_jobs import service as labels
from production.oee_tracking import close, quality
from production.organization import service as organization
from production.planning import jobs as planning
from production.read_models import handlers as read_models
from production.shop_floor import postings
from production.work_orders import from_sap
from unison_bus import EventTypes, Handler, JobHandler
from unison_events.inventory import (
    BomChanged,
    BomReleased,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
    ProductionPostingFailed,
    ProductionPostingPosted,
    SapProductionOrderReceived,
)
from unison_events.maintenance import MaintenanceWorkOrderCompleted, MaintenanceWorkOrderOpened
from unison_events.quality import InspectionDecided
from unison_objects import ObjectStore, load_settings, sweeper
from unison_worker import run_worker

EVENT_HANDLERS: dict[str, Handler] = {
    MaterialCreated.topic: read_models.on_material,
    MaterialChanged.topic: read_models.on_material,
    MaterialDeleted.topic: read_models.on_material_deleted,
    BomReleased.topic: read_models.on_bom_released,
    BomChanged.topic: read_models.on_bom_changed,
    SapProductionOrderReceived.topic: from_sap.on_order,
    ProductionPostingPosted.topic: postings.on_posted,
    ProductionPostingFailed.topic: postings.on_failed,
    MaintenanceWorkOrderOpened.topic: maintenance.on_opened,
    MaintenanceWorkOrderCompleted.topic: maintenance.on_completed,
    InspectionDecided.topic: quality.on_inspection_decided,
}
EVENT_TYPES = EventTypes(
    MaterialCreated,
    MaterialChanged,
    MaterialDeleted,
    BomReleased,
    BomChanged,
    SapProductionOrderReceived,
    ProductionPostingPosted,
    ProductionPostingFailed,
    MaintenanceWorkOrderOpened,
    MaintenanceWorkOrderCompleted,
    InspectionDecided,
)
JOB_HANDLERS: dict[str, JobHandler] = {
    close.KIND: close.run,
    organization.KIND: organization.run_retention,
    planning.KIND: planning.run,
}


def job_handlers(objects: ObjectStore) -> dict[str, JobHandler]:
    """Every job this worker runs: those that keep files need the object store."""
    return {
        **JOB_HANDLERS,
        labels.KIND: labels.runner(objects),
        labels.SWEEP.job_kind: sweeper(objects, labels.SWEEP),
    }


def main() -> None:
    # Read before the worker starts: a missing setting stops it with the variable named.
    objects = ObjectStore(load_settings())
    run_worker(
        "production",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=job_handlers(objects),
    )


if __name__ == "__main__":
    main()
