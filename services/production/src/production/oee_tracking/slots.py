"""Which shift an instant or a stretch of time belongs to, for one work center's
calendar over a window: the calendar expanded once, looked up many times."""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import msgspec

from production import shift_calendar
from production.calendar import intervals
from production.calendar.model import Interval, ShiftCalendar, ShiftInstance

# Time outside every shift still belongs somewhere: a slot of the local day with no
# planned time, so counts made in unplanned overtime are not lost.
NO_SHIFT = "-"


class Slot(msgspec.Struct, frozen=True, kw_only=True):
    """An OEE bucket's identity and its calendar figures."""

    production_day: date
    shift_code: str
    start: datetime
    end: datetime
    scheduled_seconds: Decimal
    break_seconds: Decimal


def _slot(instance: ShiftInstance) -> Slot:
    length = int((instance.end - instance.start).total_seconds())
    return Slot(
        production_day=instance.production_day,
        shift_code=instance.code,
        start=instance.start,
        end=instance.end,
        scheduled_seconds=Decimal(length),
        break_seconds=Decimal(length - instance.planned_seconds),
    )


class ShiftIndex:
    """A calendar's shifts over ``[start, end)``, padded by a day each side (a night
    shift reaches back)."""

    def __init__(self, calendar: ShiftCalendar, start: datetime, end: datetime) -> None:
        pad = timedelta(days=1)
        self._zone = ZoneInfo(calendar.timezone)
        expanded = shift_calendar.shifts_with_working_time(calendar, start - pad, end + pad)
        self._shifts = [s for s, _ in expanded]
        self._working = [w for _, w in expanded]
        self._starts = [s.start for s in self._shifts]

    def at(self, instant: datetime) -> Slot:
        """The shift ``instant`` belongs to (a pattern shift before an extra one, then the
        one that started last), or the local day's no-shift slot."""
        upto = bisect.bisect_right(self._starts, instant)
        candidates = [
            s for s in self._shifts[max(0, upto - 8) : upto] if s.start <= instant < s.end
        ]
        if candidates:
            return _slot(max(candidates, key=lambda s: (not s.extra, s.start)))
        return self._no_shift(instant)

    def _no_shift(self, instant: datetime) -> Slot:
        day = instant.astimezone(self._zone).date()
        start = datetime.combine(day, time(), self._zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), self._zone).astimezone(UTC)
        zero = Decimal(0)
        return Slot(
            production_day=day,
            shift_code=NO_SHIFT,
            start=start,
            end=end,
            scheduled_seconds=zero,
            break_seconds=zero,
        )

    def split(self, stretch: Interval) -> list[tuple[Slot, Decimal]]:
        """The working seconds of ``stretch`` in each shift it touches; time outside
        working time (breaks, nights, shutdowns) costs no shift anything."""
        parts: list[tuple[Slot, Decimal]] = []
        for shift, working in zip(self._shifts, self._working, strict=True):
            if shift.end <= stretch[0] or shift.start >= stretch[1]:
                continue
            inside = intervals.clip(
                working, max(stretch[0], shift.start), min(stretch[1], shift.end)
            )
            seconds = sum((e - s).total_seconds() for s, e in inside)
            if seconds > 0:
                parts.append((_slot(shift), Decimal(str(round(seconds, 3)))))
        return parts

    def slots(self, start: datetime, end: datetime) -> list[Slot]:
        """Every shift that ends in ``(start, end]``: what a daily close settles."""
        return [_slot(s) for s in self._shifts if start < s.end <= end]


def for_units(slot: Slot, units: int) -> Slot:
    """A work center of ``units`` parallel machines plans ``units`` times the shift."""
    if units == 1:
        return slot
    return msgspec.structs.replace(
        slot,
        scheduled_seconds=slot.scheduled_seconds * units,
        break_seconds=slot.break_seconds * units,
    )
