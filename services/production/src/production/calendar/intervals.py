"""Half-open ``[start, end)`` interval arithmetic on datetimes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from production.calendar.model import Interval


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping; touching intervals join (a night shift handing over to the
    early shift is one stretch of capacity to a scheduler)."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts inside ``[start, end)``; empty parts are dropped."""
    clipped = ((max(s, start), min(e, end)) for s, e in intervals)
    return [(s, e) for s, e in clipped if s < e]


def subtract(base: Interval, cuts: Iterable[Interval]) -> list[Interval]:
    """``base`` without any of ``cuts``, in order."""
    pieces: list[Interval] = []
    cursor = base[0]
    for start, end in merge(clip(cuts, *base)):
        if start > cursor:
            pieces.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < base[1]:
        pieces.append((cursor, base[1]))
    return pieces


def whole_seconds(intervals: Iterable[Interval]) -> int:
    total = sum((e - s for s, e in intervals), timedelta())
    return total // timedelta(seconds=1)
