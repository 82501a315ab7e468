"""Wall-clock arithmetic: shift and break lengths and offsets, and the step to UTC.

Shifts are planned in local wall time, so their layout (how long, where the breaks sit) is
computed on naive wall-clock offsets from the shift's start; only the final instants go
through the timezone. That keeps a break at "12:00" at noon on a DST day, and makes a night
shift across spring-forward an hour shorter in real time, as the clock on the wall says.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from production.calendar.model import BreakDefinition, ShiftDefinition

ONE_DAY = timedelta(days=1)


def since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def shift_length(shift: ShiftDefinition) -> timedelta:
    """Wall-clock length: ``end <= start`` crosses midnight, so ``end == start`` is 24 h."""
    return (since_midnight(shift.end) - since_midnight(shift.start)) % ONE_DAY or ONE_DAY


def break_offset(shift: ShiftDefinition, pause: BreakDefinition) -> tuple[timedelta, timedelta]:
    """(offset from the shift's start, length), both wall-clock.

    A break earlier in the day than its shift's start is taken to be after midnight of a
    night shift. ``end == start`` is an empty break (validation reports it), not 24 h.
    """
    offset = (since_midnight(pause.start) - since_midnight(shift.start)) % ONE_DAY
    length = (since_midnight(pause.end) - since_midnight(pause.start)) % ONE_DAY
    return offset, length


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or ValueError; ZoneInfo signals bad keys with three exception types."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(
            f"unknown timezone {name!r}: use an IANA name such as Europe/Berlin"
        ) from exc


def to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall-clock time, with fold=0 (PEP 495).

    fold=0 maps a time in the spring-forward gap with the offset from before the change,
    i.e. forward by the gap (02:30 becomes 03:30 summer time), and an ambiguous fall-back
    time to its first occurrence. Shift ends and the next shift's start use the same rule,
    so consecutive shifts still meet without gap or overlap.
    """
    return wall.replace(tzinfo=tz).astimezone(UTC)
