"""The work centers a transaction touches, with their calendars expanded over the time it
works on: loaded once, then every log row and stop finds its shift in memory."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from production.calendars import repo as calendars_repo
from production.oee_tracking.slots import ShiftIndex, Slot, for_units
from production.work_centers import repo as work_centers_repo
from production.work_centers.models import WorkCenter
from unison_web import Invalid


class FloorContext:
    def __init__(self, centers: dict[UUID, WorkCenter], indexes: dict[UUID, ShiftIndex]) -> None:
        self.centers = centers
        self._indexes = indexes

    @classmethod
    async def load(
        cls, conn: asyncpg.Connection, work_centers: set[UUID], start: datetime, end: datetime
    ) -> FloorContext:
        centers = await work_centers_repo.get_many(conn, sorted(work_centers))
        indexes: dict[UUID, ShiftIndex] = {}
        for calendar_id in {c.calendar_id for c in centers.values()}:
            document = await calendars_repo.document(conn, calendar_id, start, end)
            if document is None:
                raise Invalid(f"shift calendar {calendar_id} is gone")
            indexes[calendar_id] = ShiftIndex(document.rules, start, end)
        return cls(centers, indexes)

    def center(self, work_center_id: UUID) -> WorkCenter:
        return self.centers[work_center_id]

    def slot_at(self, work_center_id: UUID, instant: datetime) -> Slot:
        center = self.centers[work_center_id]
        return for_units(self._indexes[center.calendar_id].at(instant), center.capacity_units)

    def split(
        self, work_center_id: UUID, stretch: tuple[datetime, datetime]
    ) -> list[tuple[Slot, Decimal]]:
        center = self.centers[work_center_id]
        return [
            (for_units(slot, center.capacity_units), seconds)
            for slot, seconds in self._indexes[center.calendar_id].split(stretch)
        ]

    def ended_slots(self, work_center_id: UUID, start: datetime, end: datetime) -> list[Slot]:
        center = self.centers[work_center_id]
        return [
            for_units(s, center.capacity_units)
            for s in self._indexes[center.calendar_id].slots(start, end)
        ]
