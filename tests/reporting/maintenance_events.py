"""Maintenance's KPI events built the way maintenance builds them: its own formulas
(``maintenance.kpi``) on a day's inputs, published by its daily job's ``_published``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import msgspec

from maintenance import kpi
from maintenance.kpis.service import _published
from tests.reporting.shop import Shop
from unison_events.maintenance import EquipmentKpis

D = Decimal
DAY = date(2026, 11, 2)  # a Monday
T0 = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)  # the daily job, the morning after


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(), UTC) + timedelta(hours=hour)


def inputs(
    equipment: UUID,
    day: date,
    *,
    planned_hours: int = 16,
    failures: tuple[tuple[float, float], ...] = (),
    labour: tuple[tuple[str, str, kpi.WorkKind], ...] = (),
    parts: str = "0",
    pm: tuple[date | None, ...] = (),
    open_hours: tuple[str, ...] = (),
) -> kpi.PeriodInputs:
    """A day of ``equipment``: each failure (start hour, hours down) repaired as it ends,
    labour (hours, rate, kind), PM orders due that day (completed on the date given, or
    open), unplanned orders still open (estimated hours)."""
    start = _at(day, 0)
    return kpi.PeriodInputs(
        equipment_id=equipment,
        start=start,
        end=start + timedelta(days=1),
        planned_operating_seconds=D(planned_hours * 3600),
        failures=tuple(kpi.Failure(start=_at(day, s), end=_at(day, s + h)) for s, h in failures),
        repairs=tuple(kpi.Repair(start=_at(day, s), end=_at(day, s + h)) for s, h in failures),
        work_orders=tuple(
            kpi.WorkOrder(kind="planned", created=day - timedelta(days=3), completed=done, due=day)
            for done in pm
        )
        + tuple(
            kpi.WorkOrder(kind="unplanned", created=day, open_hours=D(hours))
            for hours in open_hours
        ),
        labour=tuple(kpi.Labour(hours=D(h), rate=D(r), kind=k) for h, r, k in labour),
        parts_cost=D(parts),
    )


def published(
    shop: Shop, day_inputs: kpi.PeriodInputs, *, plant: int = 0, at: datetime = T0
) -> tuple[EquipmentKpis, kpi.Kpis]:
    """Maintenance's KPIs of the day and the event its daily job publishes for them."""
    result = kpi.equipment_kpis(day_inputs)
    event = _published(
        shop.org_id,
        shop.plants[plant],
        day_inputs.start.date(),
        result,
        day_inputs.equipment_id,
    )
    return msgspec.structs.replace(event, occurred_at=at), result
