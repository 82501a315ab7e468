"""The entry points: ``schedule`` and ``reschedule``."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from production.scheduling.engine import Planner
from production.scheduling.graph import routings
from production.scheduling.models import (
    Conflict,
    FixedBar,
    OrderToSchedule,
    ScheduleRequest,
    ScheduleResult,
)
from production.scheduling.results import build_result
from production.scheduling.shop import build_shop, pin_fixed
from production.scheduling.worktime import ceil_seconds, floor_seconds


def _edd(order: OrderToSchedule) -> tuple[int, datetime, UUID]:
    return order.priority, order.due, order.id


def _backward_rule(order: OrderToSchedule) -> tuple[int, int, int, UUID]:
    """EDD mirrored in time: backward, the release is the deadline, so the latest release
    goes first. Plain EDD let early-due orders take the slots just before later due dates
    and cut the benchmark's backward on-time share from 0.96 to 0.32."""
    return order.priority, -floor_seconds(order.release), -floor_seconds(order.due), order.id


def schedule(request: ScheduleRequest) -> ScheduleResult:
    """Place every operation of ``request`` on a unit of a work center.

    Raises ValueError for input no schedule can fix: a dependency cycle (naming its
    operations), duplicate ids, a predecessor in another order, naive datetimes, an
    efficiency <= 0 or negative times. Everything else that cannot be placed comes back as
    a conflict. Operations that also appear as fixed bars are not planned again.
    """
    now = ceil_seconds(request.now)
    horizon = floor_seconds(request.horizon_end)
    plans = routings(request.orders)
    shop = build_shop(request.work_centers, now, horizon)
    conflicts: list[Conflict] = []
    pinned = pin_fixed(shop, request.fixed, conflicts)
    order = sorted(request.orders, key=_backward_rule if request.direction == "backward" else _edd)
    planner = Planner(shop, now, horizon, pinned, conflicts)
    planner.run([plans[o.id] for o in order], request.direction)
    return build_result(request.orders, [plans[o.id] for o in request.orders], planner, pinned)


def frozen_bars(
    previous: ScheduleResult, request: ScheduleRequest, frozen_until: datetime
) -> tuple[FixedBar, ...]:
    """Bars of ``previous`` that start before ``frozen_until`` and are still to be done
    (their operation is in ``request`` and not already fixed there), as fixed bars."""
    pending = {op.id for order in request.orders for op in order.operations}
    pending -= {bar.operation_id for bar in request.fixed}
    return tuple(
        FixedBar(
            work_center_id=bar.work_center_id,
            unit=bar.unit,
            start=bar.start,
            end=bar.end,
            order_id=bar.order_id,
            operation_id=bar.operation_id,
        )
        for bar in previous.bars
        if not bar.fixed and bar.start < frozen_until and bar.operation_id in pending
    )


def reschedule(
    previous: ScheduleResult, request: ScheduleRequest, frozen_until: datetime
) -> ScheduleResult:
    """A new ``schedule`` in which the bars of ``previous`` starting before ``frozen_until``
    stay where they are; everything later is planned again from scratch."""
    fixed = request.fixed + frozen_bars(previous, request, frozen_until)
    return schedule(msgspec.structs.replace(request, fixed=fixed))
