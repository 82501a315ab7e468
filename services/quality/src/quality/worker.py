"""``python -m quality.worker``: the quality worker process.

It keeps materials, work orders, lot stock and people from other services' events, makes
inspection lots from receipts and finished operations, records inventory's answers to
NCR dispositions, sends e-mails, and runs the daily job.
"""

from __future__ import annotations

import asyncpg

from quality import daily
from quality.inspections import handlers as inspections
from quality.ncrs import files
from quality.ncrs import handlers as ncrs
from quality.notifications import JOB_KIND
from quality.notifications.people import on_user_changed
from quality.notifications.sender import sender
from quality.notifications.settings import SmtpSettings
from quality.read_models import handlers as read_models
from unison_bus import EventTypes, Handler, JobHandler
from unison_config import load
from unison_events.identity import UserChanged
from unison_events.inventory import (
    GoodsMovementPosted,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
    QualityPostingFailed,
    QualityPostingPosted,
)
from unison_events.production import OperationStatusChanged, WorkOrderCreated
from unison_objects import ObjectStore, load_settings, sweeper
from unison_worker import run_worker


async def on_goods_movement(conn: asyncpg.Connection, event: GoodsMovementPosted) -> None:
    """Lot stock first, then the inspection a receipt asks for."""
    await read_models.on_goods_movement(conn, event)
    await inspections.on_goods_movement_posted(conn, event)


EVENT_HANDLERS: dict[str, Handler] = {
    MaterialCreated.topic: read_models.on_material,
    MaterialChanged.topic: read_models.on_material,
    MaterialDeleted.topic: read_models.on_material_deleted,
    WorkOrderCreated.topic: read_models.on_work_order,
    GoodsMovementPosted.topic: on_goods_movement,
    OperationStatusChanged.topic: inspections.on_operation_status_changed,
    QualityPostingPosted.topic: ncrs.on_posted,
    QualityPostingFailed.topic: ncrs.on_failed,
    UserChanged.topic: on_user_changed,
}
EVENT_TYPES = EventTypes(
    MaterialCreated,
    MaterialChanged,
    MaterialDeleted,
    WorkOrderCreated,
    GoodsMovementPosted,
    OperationStatusChanged,
    QualityPostingPosted,
    QualityPostingFailed,
    UserChanged,
)


def job_handlers(smtp: SmtpSettings, objects: ObjectStore) -> dict[str, JobHandler]:
    return {
        daily.KIND: daily.run,
        JOB_KIND: sender(smtp),
        files.SWEEP.job_kind: sweeper(objects, files.SWEEP),
    }


def main() -> None:
    # Read before the worker starts: a malformed setting stops it with the variable named.
    smtp = load(SmtpSettings, prefix="UNISON_SMTP_")
    objects = ObjectStore(load_settings())
    run_worker(
        "quality",
        event_handlers=EVENT_HANDLERS,
        event_types=EVENT_TYPES,
        job_handlers=job_handlers(smtp, objects),
    )


if __name__ == "__main__":
    main()
