"""What the scheduler reads and returns: frozen msgspec Structs, no behaviour.

Datetimes must be timezone-aware (UTC is expected); the scheduler works in whole seconds.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec

Direction = Literal["forward", "backward"]
Interval = tuple[datetime, datetime]
ConflictKind = Literal[
    "no_capacity",  # no candidate work center has any working time in the horizon
    "beyond_horizon",  # it would not end before horizon_end (or the horizon ends first)
    "predecessor_unscheduled",  # a predecessor could not be placed, so neither can this
    "overload",  # fixed bars overlap on one unit
    "invalid_fixed",  # a fixed bar on an unknown work center or unit, or ending before it starts
]


class WorkCenterCapacity(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    # Parallel identical machines or stations; each runs one operation at a time.
    units: int = 1
    # Sorted, merged working intervals over the horizon, already net of breaks, holidays
    # and blocked time (a machine down for maintenance is removed from them by the caller).
    available: tuple[Interval, ...] = ()
    # Run time is divided by it; setup time is not.
    efficiency: Decimal = Decimal(1)


class FixedBar(msgspec.Struct, frozen=True, kw_only=True):
    """Load that cannot move: an operation in progress or frozen by a reschedule."""

    work_center_id: UUID
    # None: on whichever unit is free (the first one is taken).
    unit: int | None
    start: datetime
    end: datetime
    order_id: UUID
    operation_id: UUID


class OperationToSchedule(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    order_id: UUID
    sequence: int
    work_center_id: UUID
    alternative_work_center_ids: tuple[UUID, ...] = ()
    setup_seconds: int = 0
    # Cycle time x remaining quantity, before the work center's efficiency.
    run_seconds: Decimal = Decimal(0)
    # Operations of the same order (a DAG). Ids that are neither in the request nor fixed
    # bars are taken as finished: a reschedule leaves completed operations out.
    predecessors: tuple[UUID, ...] = ()
    # E.g. when the material arrives.
    min_start: datetime | None = None


class OrderToSchedule(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    # Lower is more urgent; a rush order gets 0.
    priority: int
    due: datetime
    # Earliest start.
    release: datetime
    operations: tuple[OperationToSchedule, ...]


class ScheduleRequest(msgspec.Struct, frozen=True, kw_only=True):
    now: datetime
    direction: Direction
    horizon_end: datetime
    work_centers: tuple[WorkCenterCapacity, ...]
    fixed: tuple[FixedBar, ...] = ()
    orders: tuple[OrderToSchedule, ...] = ()


class Bar(msgspec.Struct, frozen=True, kw_only=True):
    order_id: UUID
    operation_id: UUID
    work_center_id: UUID
    unit: int
    start: datetime
    end: datetime
    setup_end: datetime
    # Working time between start and end, i.e. net of breaks, nights and weekends.
    working_seconds: int
    alternative_used: bool
    # The bar ends after its order's due date.
    late: bool
    # Came in as a FixedBar; the scheduler did not place it.
    fixed: bool = False


class Dependency(msgspec.Struct, frozen=True, kw_only=True):
    from_operation_id: UUID
    to_operation_id: UUID


class Conflict(msgspec.Struct, frozen=True, kw_only=True):
    kind: ConflictKind
    message: str
    order_id: UUID | None = None
    operation_id: UUID | None = None
    work_center_id: UUID | None = None


class LateOrder(msgspec.Struct, frozen=True, kw_only=True):
    order_id: UUID
    due: datetime
    finish: datetime
    lateness_seconds: int


class WorkCenterLoad(msgspec.Struct, frozen=True, kw_only=True):
    work_center_id: UUID
    # Working seconds of all bars on the work center inside the horizon.
    busy_seconds: int
    # Working seconds in the horizon times units.
    available_seconds: int
    utilisation: Decimal


class ScheduleStats(msgspec.Struct, frozen=True, kw_only=True):
    orders: int
    operations: int
    scheduled_operations: int
    # Orders with every operation placed and finishing by the due date, over all orders.
    on_time_share: Decimal
    makespan_end: datetime | None
    work_centers: tuple[WorkCenterLoad, ...]


class ScheduleResult(msgspec.Struct, frozen=True, kw_only=True):
    bars: tuple[Bar, ...]
    dependencies: tuple[Dependency, ...]
    conflicts: tuple[Conflict, ...]
    late_orders: tuple[LateOrder, ...]
    stats: ScheduleStats
