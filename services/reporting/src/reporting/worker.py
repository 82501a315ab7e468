"""``python -m reporting.worker``: the reporting worker process.

It keeps production's counts, stops and closed shifts, quality's day figures, NCRs and
CAPAs, and maintenance's equipment day KPIs as facts with their rollups, and runs the
rollup rebuild, exports and the scheduled reports."""

from __future__ import annotations

from reporting.exports import job as export_job
from reporting.maintenance_facts import handlers as maintenance_facts
from reporting.production_facts import handlers as production_facts
from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from reporting.quality_facts import handlers as quality_facts
from reporting.subscriptions import job as report_job
from reporting.subscriptions.mail import LinkSettings, SmtpSettings
from unison_bus import EventTypes, Handler, JobHandler
from unison_config import load
from unison_events.maintenance import EquipmentKpis
from unison_events.production import CountsLogged, DowntimeEnded, OeeClosed
from unison_events.quality import CapaChanged, InspectionDecided, NcrChanged, QualityFigures
from unison_worker import run_worker

EVENT_HANDLERS: dict[str, Handler] = {
    CountsLogged.topic: production_facts.on_counts_logged,
    DowntimeEnded.topic: production_facts.on_downtime_ended,
    OeeClosed.topic: production_facts.on_oee_closed,
    QualityFigures.topic: quality_facts.on_quality_figures,
    InspectionDecided.topic: quality_facts.on_inspection_decided,
    NcrChanged.topic: quality_facts.on_ncr_changed,
    CapaChanged.topic: quality_facts.on_capa_changed,
    EquipmentKpis.topic: maintenance_facts.on_equipment_kpis,
}
EVENT_TYPES = EventTypes(
    CountsLogged,
    DowntimeEnded,
    OeeClosed,
    QualityFigures,
    InspectionDecided,
    NcrChanged,
    CapaChanged,
    EquipmentKpis,
)
JOB_HANDLERS: dict[str, JobHandler] = {REBUILD_KIND: rebuild.run, export_job.KIND: export_job.run}


def job_handlers(smtp: SmtpSettings, links: LinkSettings) -> dict[str, JobHandler]:
    """Every job, the scheduled reports' sender bound to the mail settings."""
    return {**JOB_HANDLERS, report_job.KIND: report_job.sender(smtp, links)}


def main() -> None:
    # Read before the worker starts: a malformed setting stops it with the variable named.
    smtp = load(SmtpSettings, prefix="UNISON_SMTP_")
    links = load(LinkSettings, prefix="UNISON_REPORTS_")
    run_worker(
        "reporting",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=job_handlers(smtp, links),
    )


if __name__ == "__main__":
    main()
