"""``python -m reporting.worker``: the reporting worker process.

It keeps production's counts, stops and closed shifts, quality's day figures, NCRs and
CAPAs, maintenance's equipment day KPIs and inventory's goods movements, reorder-point
crossings and materials as facts with their rollups, and runs the rollup rebuild,
exports, the scheduled reports and the monthly archive of fact partitions past the
retention."""

from __future__ import annotations

from reporting.analytics.settings import PREFIX, AnalyticsSettings
from reporting.archive import job as archive
from reporting.exports import job as export_job
from reporting.inventory_facts import handlers as inventory_facts
from reporting.maintenance_facts import handlers as maintenance_facts
from reporting.objects import SWEEP
from reporting.production_facts import handlers as production_facts
from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from reporting.quality_facts import handlers as quality_facts
from reporting.subscriptions import job as report_job
from reporting.subscriptions.mail import LinkSettings, SmtpSettings
from unison_bus import EventTypes, Handler, JobHandler
from unison_config import load
from unison_events.inventory import (
    GoodsMovementPosted,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
    StockBelowReorderPoint,
    StockReorderPointRecovered,
)
from unison_events.maintenance import EquipmentKpis
from unison_events.production import (
    CountsLogged,
    DowntimeEnded,
    OeeClosed,
    WorkCenterChanged,
    WorkOrderCreated,
    WorkOrderStatusChanged,
)
from unison_events.quality import (
    CapaChanged,
    InspectionDecided,
    MeasurementsRecorded,
    NcrChanged,
    QualityFigures,
)
from unison_objects import ObjectStore, load_settings, sweeper
from unison_worker import run_worker

EVENT_HANDLERS: dict[str, Handler] = {
    CountsLogged.topic: production_facts.on_counts_logged,
    DowntimeEnded.topic: production_facts.on_downtime_ended,
    OeeClosed.topic: production_facts.on_oee_closed,
    WorkCenterChanged.topic: production_facts.on_work_center_changed,
    WorkOrderCreated.topic: production_facts.on_work_order_created,
    WorkOrderStatusChanged.topic: production_facts.on_work_order_status_changed,
    QualityFigures.topic: quality_facts.on_quality_figures,
    InspectionDecided.topic: quality_facts.on_inspection_decided,
    NcrChanged.topic: quality_facts.on_ncr_changed,
    CapaChanged.topic: quality_facts.on_capa_changed,
    MeasurementsRecorded.topic: quality_facts.on_measurements_recorded,
    EquipmentKpis.topic: maintenance_facts.on_equipment_kpis,
    GoodsMovementPosted.topic: inventory_facts.on_goods_movement_posted,
    MaterialCreated.topic: inventory_facts.on_material,
    MaterialChanged.topic: inventory_facts.on_material,
    MaterialDeleted.topic: inventory_facts.on_material_deleted,
    StockBelowReorderPoint.topic: inventory_facts.on_reorder_point,
    StockReorderPointRecovered.topic: inventory_facts.on_reorder_point,
}
EVENT_TYPES = EventTypes(
    CountsLogged,
    DowntimeEnded,
    OeeClosed,
    WorkCenterChanged,
    WorkOrderCreated,
    WorkOrderStatusChanged,
    QualityFigures,
    InspectionDecided,
    NcrChanged,
    CapaChanged,
    MeasurementsRecorded,
    EquipmentKpis,
    GoodsMovementPosted,
    MaterialCreated,
    MaterialChanged,
    MaterialDeleted,
    StockBelowReorderPoint,
    StockReorderPointRecovered,
)
JOB_HANDLERS: dict[str, JobHandler] = {REBUILD_KIND: rebuild.run}


def file_jobs(objects: ObjectStore) -> dict[str, JobHandler]:
    """The jobs that keep files: exports and the object sweep."""
    return {
        export_job.KIND: export_job.runner(objects),
        SWEEP.job_kind: sweeper(objects, SWEEP),
    }


def job_handlers(
    smtp: SmtpSettings, links: LinkSettings, objects: ObjectStore
) -> dict[str, JobHandler]:
    """Every job but the archive: the scheduled reports' sender bound to the mail
    settings, the file jobs to the object store."""
    return {
        **JOB_HANDLERS,
        **file_jobs(objects),
        report_job.KIND: report_job.sender(smtp, links, objects),
    }


def main() -> None:
    # Read before the worker starts: a malformed setting stops it with the variable named.
    # The archive job's retention and cache are bound to its handler.
    settings = load(AnalyticsSettings, prefix=PREFIX)
    smtp = load(SmtpSettings, prefix="UNISON_SMTP_")
    links = load(LinkSettings, prefix="UNISON_REPORTS_")
    objects = ObjectStore(load_settings())
    run_worker(
        "reporting",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers={
            **job_handlers(smtp, links, objects),
            archive.ARCHIVE_KIND: archive.job(settings, objects),
        },
    )


if __name__ == "__main__":
    main()
