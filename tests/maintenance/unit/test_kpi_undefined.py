"""KPIs whose denominator is zero are None, and the notes say why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from maintenance.kpi import Failure, PeriodInputs, Repair, equipment_kpis

MILL = UUID("0b7d6c1a-0000-4000-8000-0000000000c3")
MONDAY = datetime(2026, 4, 6, tzinfo=UTC)
# One week, two 8-hour shifts on five days: 80 h planned.
QUIET_WEEK = PeriodInputs(
    equipment_id=MILL,
    start=MONDAY,
    end=MONDAY + timedelta(days=7),
    planned_operating_seconds=Decimal(80 * 3600),
)


def week(**changes: Any) -> PeriodInputs:
    return msgspec.structs.replace(QUIET_WEEK, **changes)


def test_a_quiet_period_leaves_every_ratio_but_availability_undefined() -> None:
    k = equipment_kpis(QUIET_WEEK)
    assert k.mtbf_hours is None
    assert k.mttr_hours is None
    assert k.availability_inherent is None
    assert k.pmp is None
    assert k.pm_compliance is None
    assert k.availability_time_based == 1
    assert k.operating_hours == 80
    assert (k.backlog_count, k.backlog_hours, k.cost) == (0, Decimal(0), Decimal(0))
    assert k.notes == ("no_failures", "no_repairs", "no_maintenance_hours", "no_pm_due")


def test_without_failures_mtbf_is_unknown_not_infinite() -> None:
    repair = Repair(start=MONDAY, end=MONDAY + timedelta(hours=2))
    k = equipment_kpis(week(repairs=(repair,)))
    assert k.mtbf_hours is None
    assert k.mttr_hours == 2
    assert k.availability_inherent is None
    assert "no_failures" in k.notes
    assert "no_repairs" not in k.notes


def test_a_failure_without_a_repair_has_an_mtbf_but_no_mttr() -> None:
    k = equipment_kpis(week(failures=(Failure(start=MONDAY, end=MONDAY + timedelta(hours=4)),)))
    assert k.mtbf_hours == 76
    assert k.mttr_hours is None
    assert k.availability_inherent is None
    assert k.availability_time_based == Decimal(76) / Decimal(80)
    assert k.notes[:2] == ("no_repairs", "no_maintenance_hours")


def test_without_planned_time_the_time_based_availability_is_undefined() -> None:
    k = equipment_kpis(week(planned_operating_seconds=Decimal(0)))
    assert k.availability_time_based is None
    assert "no_planned_time" in k.notes


def test_downtime_beyond_the_planned_time_leaves_no_operating_time() -> None:
    # Down all week (168 h), but only 80 h were planned.
    failure = Failure(start=MONDAY, end=MONDAY + timedelta(days=7))
    k = equipment_kpis(week(failures=(failure,)))
    assert k.operating_hours == 0
    assert k.mtbf_hours == 0
    assert k.availability_time_based == 0
    assert "downtime_exceeds_planned_time" in k.notes
