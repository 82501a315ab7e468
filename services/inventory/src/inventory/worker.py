"""``python -m inventory.worker``: the inventory worker process."""

from __future__ import annotations

from inventory.maintenance import handlers as maintenance
from inventory.production import handlers as production
from inventory.quality import handlers as quality
from inventory.sap import goods_movements, inbound, processing
from inventory.service import exports, replenishment
from unison_bus import EventTypes, Handler, JobHandler
from unison_events.inventory import GoodsMovementPosted
from unison_events.maintenance import PartsIssueRequested
from unison_events.production import (
    GoodsPostingRequested,
    WorkOrderReleased,
    WorkOrderStatusChanged,
)
from unison_events.quality import InspectionDecided, LotHoldPlaced, NcrDispositionDecided
from unison_objects import ObjectStore, load_settings, sweeper
from unison_worker import run_worker

JOB_HANDLERS: dict[str, JobHandler] = {
    replenishment.KIND: replenishment.run,
    processing.INBOUND_JOB: inbound.process,
    processing.OUTBOUND_JOB: goods_movements.push,
}
EVENT_HANDLERS: dict[str, Handler] = {
    GoodsMovementPosted.topic: goods_movements.on_goods_movement_posted,
    WorkOrderReleased.topic: production.on_work_order_released,
    WorkOrderStatusChanged.topic: production.on_work_order_status_changed,
    GoodsPostingRequested.topic: production.on_goods_posting_requested,
    PartsIssueRequested.topic: maintenance.on_parts_issue_requested,
    LotHoldPlaced.topic: quality.on_lot_hold_placed,
    InspectionDecided.topic: quality.on_inspection_decided,
    NcrDispositionDecided.topic: quality.on_ncr_disposition_decided,
}
EVENT_TYPES = EventTypes(
    GoodsMovementPosted,
    WorkOrderReleased,
    WorkOrderStatusChanged,
    GoodsPostingRequested,
    PartsIssueRequested,
    LotHoldPlaced,
    InspectionDecided,
    NcrDispositionDecided,
)


def job_handlers(objects: ObjectStore) -> dict[str, JobHandler]:
    """Every job this worker runs: those that keep files need the object store."""
    return {
        **JOB_HANDLERS,
        exports.KIND: exports.runner(objects),
        exports.SWEEP.job_kind: sweeper(objects, exports.SWEEP),
    }


def main() -> None:
    # Read before the worker starts: a missing setting stops it with the variable named.
    objects = ObjectStore(load_settings())
    run_worker(
        "inventory",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=job_handlers(objects),
    )


if __name__ == "__main__":
    main()
