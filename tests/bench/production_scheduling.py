"""Finite-capacity scheduling in process: 1,000 orders of 5 operations each on 20 work
centers with 2 units, over 60 days of two-shift calendars, forward and backward.

The instance is random but seeded, so every run schedules the same one. Shifts run Mon-Fri
06:00-14:00 and 14:00-22:00, each with a 30-minute break; orders are released over the
first 40 days with 6 to 15 days of lead time, a third of the routings join two branches
into one operation, a third of the operations may go to an alternative work center and
one order in fifty is a rush order. The figures are the best of three runs each.
"""

from __future__ import annotations

import random
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from production.scheduling import (
    OperationToSchedule,
    OrderToSchedule,
    ScheduleRequest,
    ScheduleResult,
    WorkCenterCapacity,
    schedule,
)
from tests.bench.report import Figure

START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
DAYS = 60
WORK_CENTERS = 20
UNITS = 2
OPERATIONS = 5
SHIFTS = ((6, 0, 10, 0), (10, 30, 18, 0), (18, 30, 22, 0))  # two shifts, breaks cut out
RUNS = 3


def _calendar() -> tuple[tuple[datetime, datetime], ...]:
    intervals = []
    for day in range(DAYS):
        date = START + timedelta(days=day)
        if date.weekday() >= 5:
            continue
        for h1, m1, h2, m2 in SHIFTS:
            intervals.append((date.replace(hour=h1, minute=m1), date.replace(hour=h2, minute=m2)))
    return tuple(intervals)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _operations(
    rng: random.Random, order_id: uuid.UUID, centers: list[uuid.UUID]
) -> tuple[OperationToSchedule, ...]:
    ids = [_uuid(rng) for _ in range(OPERATIONS)]
    joined = rng.random() < 1 / 3  # operations 1 and 2 both feed operation 3
    ops = []
    for n, (op_id, wc) in enumerate(
        zip(ids, rng.sample(range(WORK_CENTERS), OPERATIONS), strict=True)
    ):
        if joined:
            preds = () if n < 2 else (ids[0], ids[1]) if n == 2 else (ids[n - 1],)
        else:
            preds = (ids[n - 1],) if n else ()
        alternatives = (centers[(wc + 10) % WORK_CENTERS],) if rng.random() < 1 / 3 else ()
        ops.append(
            OperationToSchedule(
                id=op_id,
                order_id=order_id,
                sequence=10 * (n + 1),
                work_center_id=centers[wc],
                alternative_work_center_ids=alternatives,
                setup_seconds=rng.randrange(15, 61, 5) * 60,
                run_seconds=Decimal(rng.randrange(30, 320)) * Decimal("55.5"),
                predecessors=preds,
            )
        )
    return tuple(ops)


def request(orders: int, direction: str = "forward") -> ScheduleRequest:
    rng = random.Random(20250106)
    calendar = _calendar()
    centers = [_uuid(rng) for _ in range(WORK_CENTERS)]
    work_centers = tuple(
        WorkCenterCapacity(
            id=wc, units=UNITS, available=calendar, efficiency=Decimal(rng.randrange(85, 101)) / 100
        )
        for wc in centers
    )
    # The release window shrinks with the instance so the quick run loads the shop alike.
    window = 40 * 24 * 3600 * orders // 1000
    planned = []
    for _ in range(orders):
        order_id = _uuid(rng)
        release = START + timedelta(seconds=rng.randrange(window))
        planned.append(
            OrderToSchedule(
                id=order_id,
                priority=0 if rng.random() < 0.02 else 1,
                due=release + timedelta(days=rng.randrange(6, 16)),
                release=release,
                operations=_operations(rng, order_id, centers),
            )
        )
    return ScheduleRequest(
        now=START,
        direction="backward" if direction == "backward" else "forward",
        horizon_end=START + timedelta(days=DAYS),
        work_centers=work_centers,
        orders=tuple(planned),
    )


def _best(job: Callable[[], ScheduleResult]) -> tuple[float, ScheduleResult]:
    best = float("inf")
    result = None
    for _ in range(RUNS):
        began = time.perf_counter()
        result = job()
        best = min(best, time.perf_counter() - began)
    assert result is not None
    return best, result


def _peak_mb(job: Callable[[], ScheduleResult]) -> float:
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run(quick: bool) -> list[Figure]:
    orders = 100 if quick else 1000
    forward_request = request(orders, "forward")
    backward_request = request(orders, "backward")
    forward_s, forward = _best(lambda: schedule(forward_request))
    backward_s, backward = _best(lambda: schedule(backward_request))
    peak = _peak_mb(lambda: schedule(forward_request))
    shape = f"{orders} orders x {OPERATIONS} ops, {WORK_CENTERS} work centers x {UNITS} units"
    return [
        Figure(
            "production.schedule_forward_seconds",
            round(forward_s, 3),
            "s",
            "lower",
            note=f"{shape}, {DAYS} days; {len(forward.conflicts)} conflicts",
        ),
        Figure(
            "production.schedule_backward_seconds",
            round(backward_s, 3),
            "s",
            "lower",
            note=f"just in time, late orders forward; {len(backward.conflicts)} conflicts",
        ),
        Figure(
            "production.schedule_on_time_share",
            float(forward.stats.on_time_share),
            "share",
            "higher",
            note=f"forward; backward {backward.stats.on_time_share}",
        ),
        Figure(
            "production.schedule_peak_memory",
            round(peak, 1),
            "MB",
            "lower",
            note="tracemalloc peak of one forward run, request excluded",
        ),
    ]
