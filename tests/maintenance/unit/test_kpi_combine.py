"""Combining KPIs over periods and equipment sums the inputs; it never averages ratios."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from maintenance.kpi import (
    Failure,
    Kpis,
    Labour,
    PeriodInputs,
    Repair,
    WorkOrder,
    combine,
    equipment_kpis,
)

PRESS = UUID("0b7d6c1a-0000-4000-8000-0000000000a1")
LATHE = UUID("0b7d6c1a-0000-4000-8000-0000000000b2")
APRIL = datetime(2026, 4, 1, tzinfo=UTC)
MAY = datetime(2026, 5, 1, tzinfo=UTC)
JUNE = datetime(2026, 6, 1, tzinfo=UTC)


def broken(start: datetime, hours: int) -> tuple[Failure, Repair]:
    end = start + timedelta(hours=hours)
    return Failure(start=start, end=end), Repair(start=start, end=end)


def month(
    equipment: UUID,
    start: datetime,
    end: datetime,
    downtimes: tuple[int, ...],
    *,
    backlog_hours: tuple[int, ...] = (),
    labour: tuple[Labour, ...] = (),
) -> Kpis:
    events = [broken(start + timedelta(days=2 * i + 1), h) for i, h in enumerate(downtimes)]
    orders = tuple(
        WorkOrder(kind="unplanned", created=start.date(), open_hours=Decimal(h))
        for h in backlog_hours
    )
    return equipment_kpis(
        PeriodInputs(
            equipment_id=equipment,
            start=start,
            end=end,
            planned_operating_seconds=Decimal((end - start).days * 24 * 3600),
            failures=tuple(f for f, _ in events),
            repairs=tuple(r for _, r in events),
            work_orders=orders,
            labour=labour,
        )
    )


def test_two_months_of_one_press_sum_their_hours_and_failures() -> None:
    """April: 720 h, breakdowns of 2, 4, 6 h -> MTBF 236 h, MTTR 4 h.
    May: 744 h, one breakdown of 24 h -> MTBF 720 h, MTTR 24 h.

    Together: planned 1464 h, downtime 36 h, operating 1428 h, 4 failures
    MTBF = 1428 / 4 = 357 h (not (236 + 720) / 2 = 478 h)
    MTTR = 36 / 4 = 9 h (not (4 + 24) / 2 = 14 h)
    inherent availability = 357 / (357 + 9) = 357 / 366
    time-based availability = 1428 / 1464 = 357 / 366
    """
    k = combine([month(PRESS, APRIL, MAY, (2, 4, 6)), month(PRESS, MAY, JUNE, (24,))])
    assert (k.totals.failures, k.totals.repairs) == (4, 4)
    assert (k.operating_hours, k.downtime_hours) == (Decimal(1428), Decimal(36))
    assert (k.mtbf_hours, k.mttr_hours) == (Decimal(357), Decimal(9))
    assert k.availability_inherent == Decimal(357) / Decimal(366)
    assert k.availability_time_based == Decimal(1428) / Decimal(1464)


def test_two_machines_in_one_month_weigh_by_their_hours_not_equally() -> None:
    """PMP: press 30 of 40 h planned (0.75), lathe 1 of 10 h (0.1).

    Together: 31 / 50 = 0.62 (the average of the ratios would say 0.425).
    Cost: 40 x 50 + 10 x 40 = 2400.
    """
    press = month(
        PRESS,
        APRIL,
        MAY,
        (),
        labour=(
            Labour(hours=Decimal(30), rate=Decimal(50), kind="planned"),
            Labour(hours=Decimal(10), rate=Decimal(50), kind="unplanned"),
        ),
    )
    lathe = month(
        LATHE,
        APRIL,
        MAY,
        (),
        labour=(
            Labour(hours=Decimal(1), rate=Decimal(40), kind="planned"),
            Labour(hours=Decimal(9), rate=Decimal(40), kind="unplanned"),
        ),
    )
    k = combine([press, lathe])
    assert k.pmp == Decimal("0.62")
    assert k.cost == 2400


def test_the_backlog_is_the_latest_one_per_machine_summed_over_machines() -> None:
    press_april = month(PRESS, APRIL, MAY, (), backlog_hours=(4, 4))
    press_may = month(PRESS, MAY, JUNE, (), backlog_hours=(3,))
    lathe_april = month(LATHE, APRIL, MAY, (), backlog_hours=(5, 1))
    k = combine([press_may, lathe_april, press_april])
    assert (k.backlog_count, k.backlog_hours) == (1 + 2, Decimal(3 + 6))


def test_combining_in_steps_gives_the_same_as_combining_at_once() -> None:
    a = month(PRESS, APRIL, MAY, (2, 4, 6), backlog_hours=(1,))
    b = month(PRESS, MAY, JUNE, (24,), backlog_hours=(2,))
    c = month(LATHE, APRIL, MAY, (5,), backlog_hours=(3,))
    assert combine([combine([a, b]), c]) == combine([a, b, c])


def test_combining_one_result_changes_nothing() -> None:
    a = month(PRESS, APRIL, MAY, (2, 4, 6), backlog_hours=(1,))
    assert combine([a]) == a


def test_a_combined_undefined_ratio_becomes_defined_once_any_part_defines_it() -> None:
    quiet = month(PRESS, APRIL, MAY, ())
    k = combine([quiet, month(PRESS, MAY, JUNE, (24,))])
    assert quiet.mtbf_hours is None
    # April runs 720 h without failure, May 744 - 24 = 720 h with one.
    assert k.mtbf_hours == Decimal(720 + 720)
    assert "no_failures" not in k.notes


def test_overlapping_periods_of_one_machine_are_refused() -> None:
    april = month(PRESS, APRIL, MAY, (2,))
    with pytest.raises(ValueError, match="overlap"):
        combine([april, april])
    mid_april = APRIL + timedelta(days=15)
    with pytest.raises(ValueError, match="overlap"):
        combine([april, month(PRESS, mid_april, mid_april + timedelta(days=30), ())])


def test_the_same_period_of_different_machines_is_not_an_overlap() -> None:
    k = combine([month(PRESS, APRIL, MAY, (2,)), month(LATHE, APRIL, MAY, (2,))])
    assert k.totals.failures == 2


def test_there_must_be_something_to_combine() -> None:
    with pytest.raises(ValueError, match="nothing to combine"):
        combine([])
