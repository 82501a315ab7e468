"""``python -m reporting.worker``: the reporting worker process.

It keeps production's counts, stops and closed shifts as facts with their rollups, and
runs the rollup rebuild."""

from __future__ import annotations

from reporting.production_facts import handlers as production_facts
from reporting.production_facts import rebuild
from reporting.production_facts.service import REBUILD_KIND
from unison_bus import EventTypes, Handler, JobHandler
from unison_events.production import CountsLogged, DowntimeEnded, OeeClosed
from unison_worker import run_worker

EVENT_HANDLERS: dict[str, Handler] = {
    CountsLogged.topic: production_facts.on_counts_logged,
    DowntimeEnded.topic: production_facts.on_downtime_ended,
    OeeClosed.topic: production_facts.on_oee_closed,
}
EVENT_TYPES = EventTypes(CountsLogged, DowntimeEnded, OeeClosed)
JOB_HANDLERS: dict[str, JobHandler] = {REBUILD_KIND: rebuild.run}


def main() -> None:
    run_worker(
        "reporting",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=JOB_HANDLERS,
    )


if __name__ == "__main__":
    main()
