"""One unit of a work center: its busy spans as two parallel sorted lists.

Spans never overlap and are at least one second long, so the starts and the ends are both
sorted and one bisect finds the span that could collide with a candidate slot. A slot is
a wall-time span: an operation keeps its unit through the breaks and nights it straddles.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from uuid import UUID

from production.scheduling.worktime import WorkingTime


class Timeline:
    __slots__ = ("ends", "owners", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        # The operation on each span; only read to name the other side of an overload.
        self.owners: list[UUID] = []

    def earliest(
        self, time: WorkingTime, ready: int, work: int, bound: int
    ) -> tuple[int, int] | None:
        """The earliest slot of ``work`` working seconds from ``ready`` that ends before
        ``bound``; each collision moves the try to the end of the span in the way."""
        starts, ends = self.starts, self.ends
        t = ready
        while True:
            start = time.next_working(t)
            if start is None:
                return None
            end = time.finish(start, work)
            if end is None or end >= bound:
                return None
            k = bisect_right(ends, start)
            if k == len(starts) or starts[k] >= end:
                return start, end
            t = ends[k]

    def latest(
        self, time: WorkingTime, due: int, work: int, lower: int, bound: int
    ) -> tuple[int, int] | None:
        """The latest slot ending by ``due`` that starts at or after ``lower`` and after
        ``bound``; each collision moves the try to the start of the span in the way."""
        starts, ends = self.starts, self.ends
        t = due
        while True:
            end = time.previous_working(t)
            if end is None:
                return None
            start = time.begin(end, work)
            if start is None or start < lower or start <= bound:
                return None
            k = bisect_left(starts, end) - 1
            if k < 0 or ends[k] <= start:
                return start, end
            t = starts[k]

    def collision(self, start: int, end: int) -> UUID | None:
        """The operation of a span overlapping [start, end), if any."""
        k = bisect_right(self.ends, start)
        if k < len(self.starts) and self.starts[k] < end:
            return self.owners[k]
        return None

    def occupy(self, start: int, end: int, owner: UUID) -> None:
        k = bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)
        self.owners.insert(k, owner)

    def merge(self, start: int, end: int, owner: UUID) -> None:
        """Occupy [start, end) even if it overlaps: the overlapped spans become one."""
        k = bisect_right(self.ends, start)
        last = k
        while last < len(self.starts) and self.starts[last] < end:
            start = min(start, self.starts[last])
            end = max(end, self.ends[last])
            last += 1
        if last > k:
            owner = self.owners[k]
        self.starts[k:last] = [start]
        self.ends[k:last] = [end]
        self.owners[k:last] = [owner]

    def release(self, start: int) -> None:
        k = bisect_left(self.starts, start)
        del self.starts[k], self.ends[k], self.owners[k]
