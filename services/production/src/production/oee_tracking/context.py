"""The work centers a transaction touches, with their calendars expanded over the time it
works on: loaded once, then every log row and stop finds its shift in memory."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg

from production.calendars import repo as calendars_repo
from production.oee_tracking.slots import ShiftIndex, Slot, for_units
from production.work_centers import repo as work_centers_repo
from production.work_centers.models import WorkCenter
from unison_web import Invalid

# Expanded calendars by (calendar, version, first day, last day): every report of a shift
# reads the same calendar over the same days. A changed calendar has a new version, so a
# stale expansion is never found, in this process or another.
_EXPANDED: OrderedDict[tuple[UUID, int, date, date], ShiftIndex] = OrderedDict()
_EXPANDED_MAX = 512
# Shifts reach into the day before (a night shift); exceptions a little further.
_PAD = timedelta(days=2)


async def _index(
    conn: asyncpg.Connection, calendar_id: UUID, version: int, start: datetime, end: datetime
) -> ShiftIndex:
    first, last = (start - _PAD).date(), (end + _PAD).date()
    key = (calendar_id, version, first, last)
    found = _EXPANDED.get(key)
    if found is not None:
        _EXPANDED.move_to_end(key)
        return found
    window = (
        datetime.combine(first, time(), UTC),
        datetime.combine(last + timedelta(days=1), time(), UTC),
    )
    document = await calendars_repo.document(conn, calendar_id, *window)
    if document is None:
        raise Invalid(f"shift calendar {calendar_id} is gone")
    index = ShiftIndex(document.rules, window[0] + _PAD, window[1] - _PAD)
    _EXPANDED[key] = index
    if len(_EXPANDED) > _EXPANDED_MAX:
        _EXPANDED.popitem(last=False)
    return index


class FloorContext:
    def __init__(self, centers: dict[UUID, WorkCenter], indexes: dict[UUID, ShiftIndex]) -> None:
        self.centers = centers
        self._indexes = indexes

    @classmethod
    async def load(
        cls, conn: asyncpg.Connection, work_centers: set[UUID], start: datetime, end: datetime
    ) -> FloorContext:
        centers = await work_centers_repo.get_many(conn, sorted(work_centers))
        calendars = sorted({c.calendar_id for c in centers.values()})
        versions = await calendars_repo.versions(conn, calendars)
        indexes = {
            calendar_id: await _index(conn, calendar_id, versions.get(calendar_id, 0), start, end)
            for calendar_id in calendars
        }
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
