"""Working time of one work center: its intervals as integer seconds plus a cumulative index.

``worked(t)`` is the working time from the start of the horizon up to ``t``; with it,
"where do N working seconds starting at t end?" is a subtraction and one bisect over the
cumulative ends, O(log I) for I intervals, instead of a walk over the intervals.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()}: the scheduler needs UTC times")
    return value


def floor_seconds(value: datetime) -> int:
    # Timedelta floor division is exact; float timestamps would round at microseconds.
    return (_aware(value) - EPOCH) // SECOND


def ceil_seconds(value: datetime) -> int:
    return -((EPOCH - _aware(value)) // SECOND)


def to_datetime(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


class WorkingTime:
    """Sorted, disjoint working intervals [start, end) in seconds with cumulative sums."""

    __slots__ = ("cum_end", "cum_start", "ends", "starts", "total")

    def __init__(self, intervals: Iterable[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        # Sorted and merged again here: cheap, and a caller's touching intervals would
        # otherwise make the bisects below pick the wrong neighbour.
        for start, end in sorted(i for i in intervals if i[1] > i[0]):
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)
        self.cum_start: list[int] = []
        self.cum_end: list[int] = []
        total = 0
        for start, end in zip(self.starts, self.ends, strict=True):
            self.cum_start.append(total)
            total += end - start
            self.cum_end.append(total)
        self.total = total

    def worked(self, t: int) -> int:
        """Working seconds before ``t``."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.cum_start[i] + min(t, self.ends[i]) - self.starts[i]

    def between(self, start: int, end: int) -> int:
        return self.worked(end) - self.worked(start) if end > start else 0

    def next_working(self, t: int) -> int | None:
        """The first working instant at or after ``t``; None past the last interval."""
        i = bisect_right(self.ends, t)
        if i == len(self.ends):
            return None
        return max(t, self.starts[i])

    def previous_working(self, t: int) -> int | None:
        """The last instant at or before ``t`` that closes working time; None before it."""
        i = bisect_left(self.starts, t) - 1
        if i < 0:
            return None
        return min(t, self.ends[i])

    def finish(self, start: int, seconds: int) -> int | None:
        """The earliest instant by which ``seconds`` of working time from ``start`` are done."""
        if seconds <= 0:
            return start
        target = self.worked(start) + seconds
        j = bisect_left(self.cum_end, target)
        if j == len(self.cum_end):
            return None
        return self.starts[j] + target - self.cum_start[j]

    def begin(self, end: int, seconds: int) -> int | None:
        """The latest start from which ``seconds`` of working time are done at ``end``."""
        if seconds <= 0:
            return end
        target = self.worked(end) - seconds
        if target < 0:
            return None
        j = bisect_right(self.cum_start, target) - 1
        return self.starts[j] + target - self.cum_start[j]
