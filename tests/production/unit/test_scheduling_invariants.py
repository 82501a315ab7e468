"""Property-style checks of the scheduler over random, seeded instances.

Every instance mixes parallel units, alternatives, breaks, weekends, fixed load, material
dates, DAG routings and more work than fits before the horizon; the checks recompute
working time from the raw intervals instead of trusting the scheduler's index.
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from uuid import UUID

import pytest

from production.scheduling import (
    Bar,
    FixedBar,
    OperationToSchedule,
    OrderToSchedule,
    ScheduleRequest,
    ScheduleResult,
    WorkCenterCapacity,
    schedule,
)
from tests.production.unit.scheduling_support import MONDAY, at, calendar

SEEDS = range(40)


def _id(rng: random.Random) -> UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _center(rng: random.Random) -> WorkCenterCapacity:
    shifts = rng.choice([((8, 16),), ((6, 10), (10.5, 14), (14, 18), (18.5, 22)), ((0, 24),)])
    return WorkCenterCapacity(
        id=_id(rng),
        units=rng.randint(1, 3),
        available=calendar(days=10, shifts=shifts, weekends=rng.random() < 0.7),
        efficiency=Decimal(rng.choice(["0.8", "1", "1.25"])),
    )


def _fixed(rng: random.Random, wc: WorkCenterCapacity) -> list[FixedBar]:
    bars = []
    for unit in range(wc.units):
        start = MONDAY + timedelta(hours=rng.randint(0, 48))
        end = start + timedelta(minutes=rng.randint(30, 600))
        bars.append(
            FixedBar(
                work_center_id=wc.id,
                unit=unit,
                start=start,
                end=end,
                order_id=_id(rng),
                operation_id=_id(rng),
            )
        )
    return bars


def _operations(
    rng: random.Random, order_id: UUID, centers: list[WorkCenterCapacity]
) -> tuple[OperationToSchedule, ...]:
    ops: list[OperationToSchedule] = []
    for n in range(rng.randint(1, 5)):
        primary, *others = rng.sample(centers, rng.randint(1, 2))
        preds = tuple(p.id for p in ops if rng.random() < 0.5)
        ops.append(
            OperationToSchedule(
                id=_id(rng),
                order_id=order_id,
                sequence=10 * (n + 1),
                work_center_id=primary.id,
                alternative_work_center_ids=tuple(o.id for o in others),
                setup_seconds=rng.randint(0, 3600),
                run_seconds=Decimal(rng.randint(60, 8 * 3600 * 100)) / 100,
                predecessors=preds,
                min_start=at(rng.randint(0, 3), rng.randint(0, 23)) if rng.random() < 0.2 else None,
            )
        )
    rng.shuffle(ops)  # input order must not matter: the scheduler sorts topologically
    return tuple(ops)


def instance(seed: int, direction: str) -> ScheduleRequest:
    rng = random.Random(seed)
    centers = [_center(rng) for _ in range(rng.randint(2, 4))]
    orders = []
    for _ in range(rng.randint(4, 16)):
        order_id = _id(rng)
        release = at(rng.randint(0, 4), rng.randint(0, 23))
        orders.append(
            OrderToSchedule(
                id=order_id,
                priority=rng.randint(0, 2),
                due=release + timedelta(hours=rng.randint(4, 120)),
                release=release,
                operations=_operations(rng, order_id, centers),
            )
        )
    return ScheduleRequest(
        now=at(0, rng.randint(0, 12)),
        direction="backward" if direction == "backward" else "forward",
        horizon_end=at(rng.randint(5, 10), 0),
        work_centers=tuple(centers),
        fixed=tuple(b for wc in centers if rng.random() < 0.5 for b in _fixed(rng, wc)),
        orders=tuple(orders),
    )


def _working(req: ScheduleRequest, wc_id: UUID, start: datetime, end: datetime) -> float:
    """Working seconds in [start, end) straight from the raw intervals."""
    wc = next(w for w in req.work_centers if w.id == wc_id)
    lo, hi = max(start, req.now), min(end, req.horizon_end)
    return sum(max(0.0, (min(hi, e) - max(lo, s)).total_seconds()) for s, e in wc.available)


def _check_units(result: ScheduleResult) -> None:
    lanes: dict[tuple[UUID, int], list[Bar]] = {}
    for bar in result.bars:
        lanes.setdefault((bar.work_center_id, bar.unit), []).append(bar)
    for bars in lanes.values():
        bars.sort(key=lambda b: b.start)
        for before, after in pairwise(bars):
            assert before.end <= after.start, (before, after)


def _check_bar(
    req: ScheduleRequest, bar: Bar, op: OperationToSchedule, order: OrderToSchedule
) -> None:
    wc = next(w for w in req.work_centers if w.id == bar.work_center_id)
    assert bar.alternative_used == (wc.id != op.work_center_id)
    assert wc.id in (op.work_center_id, *op.alternative_work_center_ids)
    expected = max(1, op.setup_seconds + math.ceil(op.run_seconds / wc.efficiency))
    assert bar.working_seconds == expected
    assert _working(req, wc.id, bar.start, bar.end) == expected
    # Start and end sit on working time, not in a break.
    assert _working(req, wc.id, bar.start, bar.start + timedelta(seconds=1)) == 1
    assert _working(req, wc.id, bar.end - timedelta(seconds=1), bar.end) == 1
    assert bar.start <= bar.setup_end <= bar.end
    assert bar.start >= max(req.now, order.release, op.min_start or req.now)
    assert bar.end <= req.horizon_end
    assert bar.late == (bar.end > order.due)


def _check_operations(req: ScheduleRequest, result: ScheduleResult) -> None:
    bars = {b.operation_id: b for b in result.bars if not b.fixed}
    fixed = {b.operation_id: b for b in result.bars if b.fixed}
    missing = {c.operation_id for c in result.conflicts}
    for order in req.orders:
        for op in order.operations:
            # Never silently dropped: placed or reported.
            assert (op.id in bars) != (op.id in missing), op
            if op.id not in bars:
                continue
            _check_bar(req, bars[op.id], op, order)
            for pred in op.predecessors:
                before = bars.get(pred) or fixed.get(pred)
                assert before is not None and before.end <= bars[op.id].start


def _check_lateness(req: ScheduleRequest, result: ScheduleResult) -> None:
    late = {o.order_id for o in result.late_orders}
    for order in req.orders:
        ends = [b.end for b in result.bars if b.order_id == order.id]
        complete = len(ends) == len(order.operations)
        assert (order.id in late) == (complete and max(ends, default=order.due) > order.due)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_random_schedules_keep_every_invariant(seed: int, direction: str) -> None:
    req = instance(seed, direction)
    result = schedule(req)
    _check_units(result)
    _check_operations(req, result)
    _check_lateness(req, result)
    assert all(c.kind not in ("overload", "invalid_fixed") for c in result.conflicts)


@pytest.mark.parametrize("seed", SEEDS)
def test_complete_backward_orders_that_are_not_late_end_by_their_due_date(
    seed: int,
) -> None:
    req = instance(seed, "backward")
    result = schedule(req)
    late = {o.order_id for o in result.late_orders}
    for order in req.orders:
        bars = [b for b in result.bars if b.order_id == order.id]
        if len(bars) == len(order.operations) and order.id not in late:
            assert max(b.end for b in bars) <= min(order.due, req.horizon_end)
