"""Production's events built the way production builds them (its own ``closed_event``
for a shift's OEE bucket), published to the topics, and delivered through the reporting
worker's consumer with its inbox, exactly as ``python -m reporting.worker`` does."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec

from production.oee_tracking.close import closed_event
from production.oee_tracking.repo import Bucket
from reporting import worker
from unison_bus import Consumer, Event, publish
from unison_events.production import CountsLogged, DowntimeEnded, OeeClosed
from unison_pg import Database

_READ = (
    "SELECT msg_id, read_ct, message::text AS body, headers::text AS headers"
    " FROM pgmq.read('reporting_events', 30, 100)"
)
D = Decimal


class Shop:
    def __init__(
        self,
        database: Database,
        owner: asyncpg.Connection,
        admin: asyncpg.Connection,
        org_id: UUID,
        plants: list[UUID],
    ) -> None:
        self.database, self.owner, self.admin = database, owner, admin
        self.org_id, self.plants = org_id, plants
        self.centers = [uuid4(), uuid4()]
        self.consumer = Consumer(
            database,
            queue="reporting_events",
            handlers=worker.EVENT_HANDLERS,
            types=worker.EVENT_TYPES,
        )

    def bucket(self, day: date, shift: str, start: datetime, **amounts: Any) -> Bucket:
        """A shift's OEE bucket of work center 0 (plant 0) as production keeps it."""
        fields: dict[str, Any] = {
            "scheduled_seconds": D(28800),
            "break_seconds": D(1800),
            "planned_stop_seconds": D(0),
            "breakdown_seconds": D(0),
            "setup_seconds": D(0),
            "minor_stop_seconds": D(0),
            "ideal_run_seconds": D(0),
            "good_count": D(0),
            "scrap_count": D(0),
            "rework_count": D(0),
            "quality_rejected_count": D(0),
        }
        fields.update({k: D(v) for k, v in amounts.items() if k in fields})
        return Bucket(
            work_center_id=amounts.get("work_center_id", self.centers[0]),
            plant_id=amounts.get("plant_id", self.plants[0]),
            production_day=day,
            shift_code=shift,
            shift_start=start,
            shift_end=start + timedelta(hours=8),
            closed=True,
            **fields,
        )

    def closed(self, bucket: Bucket, at: datetime | None = None) -> OeeClosed:
        event = closed_event(self.org_id, bucket, "L1")
        return event if at is None else _at(event, at)

    def counts(
        self, at: datetime, good: int, scrap: int = 0, rework: int = 0, cycle: int = 30, **kw: Any
    ) -> CountsLogged:
        """As production's machine counts publish them: ideal time = cycle x pieces."""
        return CountsLogged(
            organization_id=self.org_id,
            plant_id=kw.get("plant_id", self.plants[0]),
            work_center_id=kw.get("work_center_id", self.centers[0]),
            first_at=at - timedelta(minutes=5),
            last_at=at,
            good_quantity=D(good),
            scrap_quantity=D(scrap),
            rework_quantity=D(rework),
            ideal_run_seconds=D(cycle * (good + scrap + rework)),
            source="machine",
        )

    def stop(self, start: datetime, end: datetime, *, planned: bool = False) -> DowntimeEnded:
        return DowntimeEnded(
            organization_id=self.org_id,
            plant_id=self.plants[0],
            downtime_id=uuid4(),
            work_center_id=self.centers[0],
            started_at=start,
            ended_at=end,
            reason_code="JAM",
            planned=planned,
            loss="planned_stop" if planned else "breakdown",
        )

    async def publish(self, *events: Event) -> None:
        async with self.owner.transaction():
            for event in events:
                await publish(self.owner, event)

    async def deliver(self, *events: Event) -> None:
        """Publish, then let the consumer handle every message in the queue."""
        await self.publish(*events)
        while True:
            async with self.database.connection() as conn:
                rows = await conn.fetch(_READ)
            if not rows:
                break
            await self.consumer.handle(list(rows))

        # A handler that failed leaves its message in the queue (invisible for a while).
        left = await self.admin.fetchval(
            "SELECT queue_length FROM pgmq.metrics('reporting_events')"
        )
        assert left == 0, "an event failed: see the event_failed log line"

    async def rollups(self, table: str) -> list[dict[str, Any]]:
        """The organization's non-empty rows of ``production_hourly`` or ``_daily``."""
        key = "bucket_start" if table == "production_hourly" else "bucket_day"
        rows = await self.admin.fetch(
            f"SELECT * FROM reporting.{table} WHERE organization_id = $1"
            f" ORDER BY {key}, plant_id, work_center_id, shift_code",
            self.org_id,
        )
        found = []
        for r in rows:
            row = dict(r)
            measures = [v for k, v in row.items() if isinstance(v, (int, Decimal))]
            if any(measures):
                found.append({k: _plain(v) for k, v in row.items()})
        return found


def _plain(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value


def _at(event: OeeClosed, at: datetime) -> OeeClosed:
    return msgspec.structs.replace(event, occurred_at=at)
