"""Turn the planner's state into a ScheduleResult: bars, Gantt edges, lateness, statistics."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from production.scheduling.engine import Placement, Planner
from production.scheduling.graph import Routing
from production.scheduling.models import (
    Bar,
    Dependency,
    LateOrder,
    OrderToSchedule,
    ScheduleResult,
    ScheduleStats,
    WorkCenterLoad,
)
from production.scheduling.shop import Center, Pinned
from production.scheduling.worktime import SECOND, to_datetime

SHARE = Decimal("0.0001")


def _share(part: int, whole: int, empty: Decimal) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(SHARE) if whole else empty


def _placed_bar(p: Placement) -> Bar:
    end = to_datetime(p.end)
    return Bar(
        order_id=p.order.id,
        operation_id=p.op.id,
        work_center_id=p.center.id,
        unit=p.unit,
        start=to_datetime(p.start),
        end=end,
        setup_end=to_datetime(p.setup_end),
        working_seconds=p.work,
        alternative_used=p.alternative,
        late=end > p.order.due,
    )


def _fixed_bar(pin: Pinned, center: Center, order: OrderToSchedule | None) -> Bar:
    bar = pin.bar
    primary = None
    if order is not None:
        primary = next(
            (o.work_center_id for o in order.operations if o.id == bar.operation_id), None
        )
    return Bar(
        order_id=bar.order_id,
        operation_id=bar.operation_id,
        work_center_id=bar.work_center_id,
        unit=pin.unit,
        start=bar.start,
        end=bar.end,
        setup_end=bar.start,
        working_seconds=center.time.between(pin.start, pin.end),
        # Known only when the operation is still in the request (a frozen bar).
        alternative_used=primary is not None and primary != bar.work_center_id,
        late=order is not None and bar.end > order.due,
        fixed=True,
    )


def _dependencies(routings: list[Routing], on_board: set[UUID]) -> tuple[Dependency, ...]:
    return tuple(
        Dependency(from_operation_id=pred, to_operation_id=op.id)
        for routing in routings
        for op in routing.order.operations
        if op.id in on_board
        for pred in op.predecessors
        if pred in on_board
    )


def _lateness(
    orders: tuple[OrderToSchedule, ...], bars: list[Bar]
) -> tuple[tuple[LateOrder, ...], int]:
    """The late orders and how many orders are complete and on time. An order with an
    unscheduled operation has no finish: it is neither late nor on time (see conflicts)."""
    by_order: dict[UUID, list[Bar]] = {}
    for bar in bars:
        by_order.setdefault(bar.order_id, []).append(bar)
    planned = {b.operation_id for b in bars}
    late: list[LateOrder] = []
    on_time = 0
    for order in orders:
        if any(op.id not in planned for op in order.operations):
            continue
        finish = max((b.end for b in by_order.get(order.id, [])), default=None)
        if finish is None or finish <= order.due:
            on_time += 1
            continue
        lateness = -((order.due - finish) // SECOND)
        late.append(
            LateOrder(order_id=order.id, due=order.due, finish=finish, lateness_seconds=lateness)
        )
    return tuple(late), on_time


def _loads(shop: dict[UUID, Center], bars: list[Bar]) -> tuple[WorkCenterLoad, ...]:
    busy = dict.fromkeys(shop, 0)
    for bar in bars:
        if bar.work_center_id in busy:
            busy[bar.work_center_id] += bar.working_seconds
    loads = []
    for wc_id, center in shop.items():
        available = center.time.total * len(center.units)
        loads.append(
            WorkCenterLoad(
                work_center_id=wc_id,
                busy_seconds=busy[wc_id],
                available_seconds=available,
                utilisation=_share(busy[wc_id], available, Decimal(0)),
            )
        )
    return tuple(loads)


def build_result(
    orders: tuple[OrderToSchedule, ...],
    routings: list[Routing],
    planner: Planner,
    pinned: list[Pinned],
) -> ScheduleResult:
    by_id = {order.id: order for order in orders}
    shop = planner.shop
    bars = [_fixed_bar(p, shop[p.bar.work_center_id], by_id.get(p.bar.order_id)) for p in pinned]
    bars += [_placed_bar(p) for p in planner.placed.values()]
    bars.sort(key=lambda b: (b.start, b.work_center_id, b.unit, b.operation_id))
    late, on_time = _lateness(orders, bars)
    stats = ScheduleStats(
        orders=len(orders),
        operations=sum(len(order.operations) for order in orders),
        scheduled_operations=len(planner.placed),
        on_time_share=_share(on_time, len(orders), Decimal(1)),
        makespan_end=max((b.end for b in bars), default=None),
        work_centers=_loads(planner.shop, bars),
    )
    return ScheduleResult(
        bars=tuple(bars),
        dependencies=_dependencies(routings, {b.operation_id for b in bars}),
        conflicts=tuple(planner.conflicts),
        late_orders=late,
        stats=stats,
    )
