"""The work centers as the scheduler sees them: working time, units and fixed load."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from production.scheduling.models import (
    Conflict,
    FixedBar,
    OperationToSchedule,
    WorkCenterCapacity,
)
from production.scheduling.timeline import Timeline
from production.scheduling.worktime import WorkingTime, ceil_seconds, floor_seconds


@dataclass(slots=True)
class Center:
    id: UUID
    time: WorkingTime
    units: list[Timeline]
    efficiency: Decimal

    @property
    def has_capacity(self) -> bool:
        return bool(self.units) and self.time.total > 0


@dataclass(slots=True, frozen=True)
class Option:
    """A work center an operation may run on, and how long it takes there."""

    center: Center
    work: int
    alternative: bool


@dataclass(slots=True, frozen=True)
class Pinned:
    """A fixed bar on the unit it ended up on, in seconds."""

    bar: FixedBar
    unit: int
    start: int
    end: int


def _center(wc: WorkCenterCapacity, now: int, horizon: int) -> Center:
    if wc.efficiency <= 0:
        raise ValueError(f"work center {wc.id} has efficiency {wc.efficiency}; it must be > 0")
    # Time before now or after the horizon is not working time for this run: clipping
    # the calendar makes "ends before the horizon" a plain "the index has room".
    intervals = (
        (max(ceil_seconds(start), now), min(floor_seconds(end), horizon))
        for start, end in wc.available
    )
    units = [Timeline() for _ in range(max(wc.units, 0))]
    return Center(wc.id, WorkingTime(intervals), units, wc.efficiency)


def build_shop(
    work_centers: tuple[WorkCenterCapacity, ...], now: int, horizon: int
) -> dict[UUID, Center]:
    shop: dict[UUID, Center] = {}
    for wc in work_centers:
        if wc.id in shop:
            raise ValueError(f"work center {wc.id} appears twice in the request")
        shop[wc.id] = _center(wc, now, horizon)
    return shop


def work_seconds(op: OperationToSchedule, center: Center) -> int:
    """Setup plus run over efficiency, rounded up to whole seconds and at least one second,
    so that every bar has a length and the busy lists stay strictly ordered."""
    if op.setup_seconds < 0 or op.run_seconds < 0:
        raise ValueError(f"operation {op.id} has a negative setup or run time")
    return max(1, op.setup_seconds + math.ceil(op.run_seconds / center.efficiency))


def options(op: OperationToSchedule, shop: dict[UUID, Center]) -> list[Option]:
    """The primary work center first, then the alternatives; those without capacity left out."""
    found: list[Option] = []
    seen: set[UUID] = set()
    for wc_id in (op.work_center_id, *op.alternative_work_center_ids):
        center = shop.get(wc_id)
        if wc_id in seen or center is None or not center.has_capacity:
            continue
        seen.add(wc_id)
        found.append(Option(center, work_seconds(op, center), wc_id != op.work_center_id))
    return found


def _invalid(bar: FixedBar, center: Center | None, start: int, end: int) -> str | None:
    if center is None:
        return f"fixed bar of operation {bar.operation_id}: unknown work center"
    if bar.unit is not None and not 0 <= bar.unit < len(center.units):
        return f"fixed bar of operation {bar.operation_id}: no unit {bar.unit}"
    if not center.units:
        return f"fixed bar of operation {bar.operation_id}: work center has no units"
    if end < start:
        return f"fixed bar of operation {bar.operation_id} ends before it starts"
    return None


def _free_unit(center: Center, start: int, end: int) -> int:
    for unit, line in enumerate(center.units):
        if line.collision(start, end) is None:
            return unit
    return 0


def _overload(bar: FixedBar, unit: int, other: UUID) -> Conflict:
    return Conflict(
        kind="overload",
        message=f"fixed operations {other} and {bar.operation_id} overlap on unit {unit}",
        order_id=bar.order_id,
        operation_id=bar.operation_id,
        work_center_id=bar.work_center_id,
    )


def pin_fixed(
    shop: dict[UUID, Center], bars: tuple[FixedBar, ...], conflicts: list[Conflict]
) -> list[Pinned]:
    """Put fixed bars on their units; bars without a unit go on the first free one.

    Overlapping bars are reported and merged into one busy span: they stay where they are
    (they cannot move) and nothing else is planned on top of them."""
    pinned: list[Pinned] = []
    for bar in sorted(bars, key=lambda b: (b.unit is None, b.start, b.end, b.operation_id)):
        start, end = floor_seconds(bar.start), ceil_seconds(bar.end)
        center = shop.get(bar.work_center_id)
        problem = _invalid(bar, center, start, end)
        if problem is not None or center is None:
            conflicts.append(
                Conflict(
                    kind="invalid_fixed",
                    message=problem or "",
                    order_id=bar.order_id,
                    operation_id=bar.operation_id,
                    work_center_id=bar.work_center_id,
                )
            )
            continue
        unit = bar.unit if bar.unit is not None else _free_unit(center, start, end)
        if end > start:
            other = center.units[unit].collision(start, end)
            if other is not None:
                conflicts.append(_overload(bar, unit, other))
            center.units[unit].merge(start, end, bar.operation_id)
        pinned.append(Pinned(bar, unit, start, end))
    return pinned
