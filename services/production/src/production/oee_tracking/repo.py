"""Typed functions for ``buckets.sql``, and the delta a transaction adds to its buckets.
The caller owns the transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from production.oee import OeeInputs
from production.oee_tracking.slots import Slot
from unison_pg import Queries
from unison_pg.rows import many

Q = Queries.load(Path(__file__).with_name("buckets.sql"))

AMOUNTS = (
    "planned_stop_seconds",
    "breakdown_seconds",
    "setup_seconds",
    "minor_stop_seconds",
    "ideal_run_seconds",
    "good_count",
    "scrap_count",
    "rework_count",
    "quality_rejected_count",
)
LOSS_FIELDS = {
    "planned_stop": "planned_stop_seconds",
    "breakdown": "breakdown_seconds",
    "setup": "setup_seconds",
    "minor_stop": "minor_stop_seconds",
}


class Bucket(msgspec.Struct, kw_only=True):
    work_center_id: UUID
    plant_id: UUID
    production_day: date
    shift_code: str
    shift_start: datetime
    shift_end: datetime
    scheduled_seconds: Decimal
    break_seconds: Decimal
    planned_stop_seconds: Decimal
    breakdown_seconds: Decimal
    setup_seconds: Decimal
    minor_stop_seconds: Decimal
    ideal_run_seconds: Decimal
    good_count: Decimal
    scrap_count: Decimal
    rework_count: Decimal
    quality_rejected_count: Decimal
    closed: bool

    def inputs(self) -> OeeInputs:
        return OeeInputs(
            scheduled_seconds=self.scheduled_seconds,
            break_seconds=self.break_seconds,
            planned_stop_seconds=self.planned_stop_seconds,
            breakdown_seconds=self.breakdown_seconds,
            setup_seconds=self.setup_seconds,
            minor_stop_seconds=self.minor_stop_seconds,
            ideal_run_seconds=self.ideal_run_seconds,
            total_count=self.good_count + self.scrap_count + self.rework_count,
            good_count=self.good_count,
            scrap_count=self.scrap_count,
            rework_count=self.rework_count,
            quality_rejected_count=self.quality_rejected_count,
        )


class Delta:
    """What one transaction adds to its buckets, summed per bucket before one upsert
    (a statement may not update the same row twice)."""

    def __init__(self) -> None:
        self._slots: dict[tuple[UUID, date, str], tuple[UUID, Slot]] = {}
        self._amounts: dict[tuple[UUID, date, str], dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(AMOUNTS, Decimal(0))
        )

    def add(self, work_center: UUID, plant: UUID, slot: Slot, **amounts: Decimal) -> None:
        key = (work_center, slot.production_day, slot.shift_code)
        self._slots[key] = (plant, slot)
        bucket = self._amounts[key]
        for name, value in amounts.items():
            bucket[name] += value

    def loss(self, work_center: UUID, plant: UUID, slot: Slot, loss: str, seconds: Decimal) -> None:
        self.add(work_center, plant, slot, **{LOSS_FIELDS[loss]: seconds})

    def __bool__(self) -> bool:
        return bool(self._slots)

    async def save(self, conn: asyncpg.Connection) -> None:
        if not self._slots:
            return
        keys = sorted(self._slots, key=lambda k: (str(k[0]), k[1], k[2]))
        slots = [self._slots[k] for k in keys]
        columns: list[list[object]] = [
            [k[0] for k in keys],
            [p for p, _ in slots],
            [k[1] for k in keys],
            [k[2] for k in keys],
            [s.start for _, s in slots],
            [s.end for _, s in slots],
            [s.scheduled_seconds for _, s in slots],
            [s.break_seconds for _, s in slots],
        ]
        columns += [[self._amounts[k][name] for k in keys] for name in AMOUNTS]
        await conn.execute(Q.add, *columns)


async def buckets(
    conn: asyncpg.Connection, work_centers: list[UUID], first: date, last: date
) -> list[Bucket]:
    return many(await conn.fetch(Q.range, work_centers, first, last), Bucket)


async def open_ended(conn: asyncpg.Connection, by: datetime) -> list[Bucket]:
    return many(await conn.fetch(Q.open_ended, by), Bucket)


async def mark_closed(conn: asyncpg.Connection, settled: list[Bucket]) -> None:
    await conn.execute(
        Q.mark_closed,
        [b.work_center_id for b in settled],
        [b.production_day for b in settled],
        [b.shift_code for b in settled],
    )


async def last_count_slot(
    conn: asyncpg.Connection, order_id: UUID, operation_no: int | None
) -> tuple[UUID, date, str] | None:
    r = await conn.fetchrow(Q.last_count_slot, order_id, operation_no)
    return None if r is None else (r["work_center_id"], r["production_day"], r["shift_code"])


async def add_rejected(
    conn: asyncpg.Connection, bucket: tuple[UUID, date, str], quantity: Decimal
) -> None:
    await conn.execute(Q.add_rejected, *bucket, quantity)
