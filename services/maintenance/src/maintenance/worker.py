"""``python -m maintenance.worker``: the maintenance worker process.

It moves meters with production's counts, turns breakdowns into repair orders, keeps
production's stops and planned time for the KPIs, records inventory's answers to part
issues, and runs the jobs: the daily PM generation and the daily KPIs.
"""

from __future__ import annotations

from maintenance.equipment import documents
from maintenance.kpis import service as kpis
from maintenance.meters import service as meters
from maintenance.plans import generation
from maintenance.read_models import handlers
from unison_bus import EventTypes, Handler, JobHandler
from unison_events.inventory import MaintenanceIssueFailed, MaintenanceIssuePosted
from unison_events.production import (
    CountsLogged,
    DowntimeEnded,
    DowntimeStarted,
    OeeClosed,
    WorkCenterChanged,
)
from unison_objects import ObjectStore, load_settings, sweeper
from unison_worker import run_worker

EVENT_HANDLERS: dict[str, Handler] = {
    CountsLogged.topic: meters.on_counts_logged,
    DowntimeStarted.topic: handlers.on_downtime_started,
    DowntimeEnded.topic: handlers.on_downtime_ended,
    OeeClosed.topic: handlers.on_oee_closed,
    WorkCenterChanged.topic: handlers.on_work_center,
    MaintenanceIssuePosted.topic: handlers.on_issue_posted,
    MaintenanceIssueFailed.topic: handlers.on_issue_failed,
}
EVENT_TYPES = EventTypes(
    CountsLogged,
    DowntimeStarted,
    DowntimeEnded,
    OeeClosed,
    WorkCenterChanged,
    MaintenanceIssuePosted,
    MaintenanceIssueFailed,
)
JOB_HANDLERS: dict[str, JobHandler] = {
    generation.KIND: generation.run,
    kpis.KIND: kpis.run,
}


def job_handlers(objects: ObjectStore) -> dict[str, JobHandler]:
    """Every job this worker runs: those that keep files need the object store."""
    return {
        **JOB_HANDLERS,
        documents.SWEEP.job_kind: sweeper(objects, documents.SWEEP),
    }


def main() -> None:
    # Read before the worker starts: a missing setting stops it with the variable named.
    objects = ObjectStore(load_settings())
    run_worker(
        "maintenance",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=job_handlers(objects),
    )


if __name__ == "__main__":
    main()
