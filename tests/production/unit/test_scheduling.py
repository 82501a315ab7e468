"""Finite-capacity scheduling: scenarios a planner would check on the Gantt chart.

The calendar, unless a test says otherwise, is 08:00-16:00 Monday to Friday from Monday
3 March 2025 (``at(day, hour)``), one unit per work center.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import msgspec
import pytest

from production.scheduling import reschedule, schedule
from tests.production.unit.scheduling_support import (
    HOUR,
    MONDAY,
    at,
    bar_of,
    calendar,
    center,
    fixed,
    op,
    order,
    request,
    without,
)


def test_an_operation_interrupted_by_the_night_continues_the_next_morning() -> None:
    wc = center()
    oid = uuid.uuid4()
    first = op(oid, wc, 6)
    second = op(oid, wc, 4, sequence=20, after=(first,))
    result = schedule(request((wc,), (order(oid, (first, second)),)))
    assert bar_of(result, first).end == at(0, 14)
    bar = bar_of(result, second)
    assert (bar.start, bar.end) == (at(0, 14), at(1, 10))
    assert bar.working_seconds == 4 * 3600
    assert result.dependencies[0].from_operation_id == first.id
    assert result.conflicts == ()


def test_a_friday_afternoon_operation_continues_on_monday() -> None:
    wc = center()
    oid = uuid.uuid4()
    job = op(oid, wc, 5)
    result = schedule(request((wc,), (order(oid, (job,), release=at(4, 13)),)))
    assert (bar_of(result, job).start, bar_of(result, job).end) == (at(4, 13), at(7, 10))


def test_setup_time_is_not_divided_by_efficiency_but_run_time_is() -> None:
    wc = center(efficiency="0.8")
    oid = uuid.uuid4()
    job = op(oid, wc, 4, setup_hours=1)
    bar = bar_of(schedule(request((wc,), (order(oid, (job,)),))), job)
    assert bar.setup_end == at(0, 9)
    assert bar.end == at(0, 14)  # 1 h setup + 4 h / 0.8
    assert bar.working_seconds == 6 * 3600


def test_two_units_run_two_orders_at_the_same_time() -> None:
    wc = center(units=2)
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    jobs = [op(first, wc, 3), op(second, wc, 3), op(third, wc, 3)]
    orders = tuple(
        order(o, (j,), due=at(5, 0)) for o, j in zip((first, second, third), jobs, strict=True)
    )
    result = schedule(request((wc,), orders))
    placed = sorted((bar_of(result, j).unit, bar_of(result, j).start) for j in jobs)
    assert placed == [(0, at(0, 8)), (0, at(0, 11)), (1, at(0, 8))]


def test_an_alternative_work_center_is_used_when_it_finishes_earlier() -> None:
    primary, alternative = center(), center()
    oid = uuid.uuid4()
    job = op(oid, primary, 2, alternatives=(alternative,))
    busy = fixed(primary, at(0, 8), at(0, 16))
    result = schedule(request((primary, alternative), (order(oid, (job,)),), fixed_bars=(busy,)))
    bar = bar_of(result, job)
    assert (bar.work_center_id, bar.alternative_used, bar.end) == (alternative.id, True, at(0, 10))


def test_the_primary_work_center_is_kept_when_a_slower_alternative_would_finish_later() -> None:
    primary, slow = center(), center(efficiency="0.5")
    oid = uuid.uuid4()
    job = op(oid, primary, 2, alternatives=(slow,))
    busy = fixed(primary, at(0, 8), at(0, 9))
    result = schedule(request((primary, slow), (order(oid, (job,)),), fixed_bars=(busy,)))
    bar = bar_of(result, job)
    # The slow one could start at once but would need 4 h, until 12:00; the primary ends at 11.
    assert (bar.work_center_id, bar.alternative_used, bar.end) == (primary.id, False, at(0, 11))


def test_an_operation_is_inserted_into_a_gap_between_fixed_bars() -> None:
    wc = center()
    oid = uuid.uuid4()
    short, long = op(oid, wc, 2), op(oid, wc, 3, sequence=20)
    bars = (fixed(wc, at(0, 8), at(0, 10)), fixed(wc, at(0, 12), at(0, 16)))
    result = schedule(request((wc,), (order(oid, (short, long)),), fixed_bars=bars))
    assert (bar_of(result, short).start, bar_of(result, short).end) == (at(0, 10), at(0, 12))
    assert bar_of(result, long).start == at(1, 8)


def test_a_gap_counts_only_its_working_time_not_the_break_inside_it() -> None:
    wc = center(available=calendar(shifts=((8, 10), (10.5, 16))))
    too_long, fits = uuid.uuid4(), uuid.uuid4()
    first, second = op(too_long, wc, 2), op(fits, wc, 1.5)
    bars = (fixed(wc, at(0, 8), at(0, 9)), fixed(wc, at(0, 11), at(0, 16)))
    orders = (order(too_long, (first,), due=at(3, 0)), order(fits, (second,), due=at(4, 0)))
    result = schedule(request((wc,), orders, fixed_bars=bars))
    assert (bar_of(result, first).start, bar_of(result, first).end) == (at(1, 8), at(1, 10))
    assert (bar_of(result, second).start, bar_of(result, second).end) == (at(0, 9), at(0, 11))


def test_an_operation_with_two_predecessors_waits_for_the_later_one() -> None:
    saw, drill, weld = center(), center(), center()
    oid = uuid.uuid4()
    cut = op(oid, saw, 2, sequence=10)
    bore = op(oid, drill, 5, sequence=20)
    join = op(oid, weld, 1, sequence=30, after=(cut, bore))
    result = schedule(request((saw, drill, weld), (order(oid, (join, bore, cut)),)))
    assert bar_of(result, cut).start == bar_of(result, bore).start == at(0, 8)
    assert bar_of(result, join).start == at(0, 13)
    edges = {(d.from_operation_id, d.to_operation_id) for d in result.dependencies}
    assert edges == {(cut.id, join.id), (bore.id, join.id)}


def test_material_availability_delays_the_start() -> None:
    wc = center()
    oid = uuid.uuid4()
    job = op(oid, wc, 1, min_start=at(1, 13))
    assert bar_of(schedule(request((wc,), (order(oid, (job,)),))), job).start == at(1, 13)


def test_backward_scheduling_ends_the_last_operation_at_the_due_date() -> None:
    mill, paint = center(), center()
    oid = uuid.uuid4()
    milling = op(oid, mill, 3)
    painting = op(oid, paint, 6, sequence=20, after=(milling,))
    req = request(
        (mill, paint), (order(oid, (milling, painting), due=at(2, 12)),), direction="backward"
    )
    result = schedule(req)
    # Painting: Wednesday 08-12 and Tuesday 14-16; milling ends as painting starts.
    assert (bar_of(result, painting).start, bar_of(result, painting).end) == (at(1, 14), at(2, 12))
    assert (bar_of(result, milling).start, bar_of(result, milling).end) == (at(1, 11), at(1, 14))
    assert result.late_orders == ()
    assert result.stats.on_time_share == Decimal(1)


def test_backward_scheduling_falls_back_to_forward_when_it_would_start_too_early() -> None:
    mill, paint = center(), center()
    oid = uuid.uuid4()
    milling = op(oid, mill, 3)
    painting = op(oid, paint, 4, sequence=20, after=(milling,))
    req = request(
        (mill, paint), (order(oid, (milling, painting), due=at(0, 12)),), direction="backward"
    )
    result = schedule(req)
    assert bar_of(result, milling).start == at(0, 8)
    assert bar_of(result, painting).end == at(0, 15)
    assert bar_of(result, painting).late
    [late] = result.late_orders
    assert (late.order_id, late.finish, late.lateness_seconds) == (oid, at(0, 15), 3 * 3600)
    assert result.stats.on_time_share == Decimal(0)


def test_a_rush_order_displaces_the_others_in_a_reschedule() -> None:
    wc = center()
    a, b, rush = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    job_a, job_b = op(a, wc, 4), op(b, wc, 4)
    orders = (order(a, (job_a,), due=at(3, 0)), order(b, (job_b,), due=at(4, 0)))
    previous = schedule(request((wc,), orders))
    assert bar_of(previous, job_b).start == at(0, 12)
    rush_job = op(rush, wc, 2)
    event = request(
        (wc,), (*orders, order(rush, (rush_job,), due=at(0, 16), priority=0)), now=at(0, 9)
    )
    result = reschedule(previous, event, frozen_until=at(0, 9))
    # A is running since 08:00 and stays; the rush order goes next, B after it.
    assert bar_of(result, job_a).fixed
    assert (bar_of(result, rush_job).start, bar_of(result, rush_job).end) == (at(0, 12), at(0, 14))
    assert (bar_of(result, job_b).start, bar_of(result, job_b).end) == (at(0, 14), at(1, 10))
    assert result.late_orders == ()


def test_a_downtime_pushes_operations_later() -> None:
    wc = center()
    oid = uuid.uuid4()
    first = op(oid, wc, 4)
    second = op(oid, wc, 2, sequence=20, after=(first,))
    orders = (order(oid, (first, second)),)
    before = schedule(request((wc,), orders))
    assert bar_of(before, second).end == at(0, 14)
    down = msgspec.structs.replace(wc, available=without(wc.available, (at(0, 7), at(0, 11))))
    after = schedule(request((down,), orders))
    assert (bar_of(after, first).start, bar_of(after, first).end) == (at(0, 11), at(0, 15))
    assert bar_of(after, second).end == at(1, 9)
    assert (
        after.stats.work_centers[0].available_seconds
        == before.stats.work_centers[0].available_seconds - 3 * 3600
    )


def test_work_beyond_the_horizon_is_reported_as_a_conflict_with_its_successors() -> None:
    wc = center()
    oid = uuid.uuid4()
    fits = op(oid, wc, 6)
    too_long = op(oid, wc, 5, sequence=20, after=(fits,))
    last = op(oid, wc, 1, sequence=30, after=(too_long,))
    req = request((wc,), (order(oid, (fits, too_long, last)),), horizon_end=at(1, 0))
    result = schedule(req)
    assert [b.operation_id for b in result.bars] == [fits.id]
    kinds = [(c.kind, c.operation_id) for c in result.conflicts]
    assert kinds == [("beyond_horizon", too_long.id), ("predecessor_unscheduled", last.id)]
    assert result.late_orders == ()
    assert result.stats.on_time_share == Decimal(0)


def test_an_operation_whose_work_centers_have_no_capacity_is_reported() -> None:
    idle = center(available=())
    oid = uuid.uuid4()
    job = op(oid, idle, 1)
    result = schedule(request((idle,), (order(oid, (job,)),)))
    assert [c.kind for c in result.conflicts] == ["no_capacity"]
    assert result.bars == ()


def test_a_dependency_cycle_is_refused_naming_its_operations() -> None:
    wc = center()
    oid = uuid.uuid4()
    first = op(oid, wc, 1)
    second = op(oid, wc, 1, sequence=20, after=(first,))
    looped = msgspec.structs.replace(first, predecessors=(second.id,))
    behind = op(oid, wc, 1, sequence=30, after=(second,))
    with pytest.raises(ValueError, match="cycle") as raised:
        schedule(request((wc,), (order(oid, (looped, second, behind)),)))
    assert str(first.id) in str(raised.value)
    assert str(second.id) in str(raised.value)
    assert str(behind.id) not in str(raised.value)


def test_fixed_bars_overlapping_on_one_unit_are_reported_as_an_overload() -> None:
    wc = center()
    one, two = fixed(wc, at(0, 8), at(0, 12)), fixed(wc, at(0, 10), at(0, 14))
    oid = uuid.uuid4()
    job = op(oid, wc, 1)
    result = schedule(request((wc,), (order(oid, (job,)),), fixed_bars=(one, two)))
    [conflict] = result.conflicts
    assert conflict.kind == "overload"
    assert str(one.operation_id) in conflict.message
    assert bar_of(result, job).start == at(0, 14)


def test_a_fixed_bar_without_a_unit_takes_a_free_one() -> None:
    wc = center(units=2)
    one, two = fixed(wc, at(0, 8), at(0, 12)), fixed(wc, at(0, 8), at(0, 12), unit=None)
    result = schedule(request((wc,), (), fixed_bars=(one, two)))
    assert sorted(b.unit for b in result.bars) == [0, 1]
    assert result.conflicts == ()


def test_a_started_operation_as_fixed_bar_holds_back_its_successor() -> None:
    wc = center()
    oid = uuid.uuid4()
    running = op(oid, wc, 3)
    nxt = op(oid, wc, 1, sequence=20, after=(running,))
    started = msgspec.structs.replace(
        fixed(wc, MONDAY, at(0, 11)), order_id=oid, operation_id=running.id
    )
    result = schedule(request((wc,), (order(oid, (running, nxt)),), fixed_bars=(started,)))
    assert bar_of(result, running).fixed
    assert bar_of(result, nxt).start == at(0, 11)
    assert result.stats.scheduled_operations == 1


def test_statistics_report_utilisation_and_makespan() -> None:
    wc = center(units=2, available=calendar(days=1))
    oid = uuid.uuid4()
    result = schedule(request((wc,), (order(oid, (op(oid, wc, 4),)),)))
    [load] = result.stats.work_centers
    assert (load.busy_seconds, load.available_seconds) == (4 * 3600, 2 * 8 * 3600)
    assert load.utilisation == Decimal("0.2500")
    assert result.stats.makespan_end == at(0, 12)


def test_naive_datetimes_are_refused() -> None:
    wc = center()
    req = msgspec.structs.replace(request((wc,), ()), now=MONDAY.replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        schedule(req)


def test_the_same_request_gives_the_same_schedule() -> None:
    wcs = (center(units=2), center(), center(efficiency="0.9"))
    orders = []
    for n in range(12):
        oid = uuid.uuid4()
        first = op(oid, wcs[n % 3], 1 + n % 4, alternatives=(wcs[(n + 1) % 3],))
        second = op(oid, wcs[(n + 1) % 3], 2, sequence=20, after=(first,))
        orders.append(order(oid, (first, second), due=at(2, 0) + n * HOUR, priority=n % 2))
    for direction in ("forward", "backward"):
        req = request(wcs, tuple(orders), direction=direction)
        assert msgspec.json.encode(schedule(req)) == msgspec.json.encode(schedule(req))
