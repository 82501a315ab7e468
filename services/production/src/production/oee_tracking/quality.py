"""Quality's verdict on pieces the machine counted good: rejected ones lower the quality
factor of the shift that made them."""

from __future__ import annotations

import asyncpg

from production.oee_tracking import repo
from unison_events.quality import InspectionDecided
from unison_pg.scope import scope_plants


async def on_inspection_decided(conn: asyncpg.Connection, event: InspectionDecided) -> None:
    if event.work_order_id is None or event.rejected_quantity <= 0:
        return
    await scope_plants(conn, event.plant_id)
    bucket = await repo.last_count_slot(conn, event.work_order_id, event.operation_no)
    if bucket is not None:
        await repo.add_rejected(conn, bucket, event.rejected_quantity)
