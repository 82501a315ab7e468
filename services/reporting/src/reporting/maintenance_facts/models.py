"""The maintenance KPIs as the API speaks them: a chart-ready series and the period's total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec


class KpiPoint(msgspec.Struct, kw_only=True):
    """One bucket's KPIs, as maintenance computes them from the summed inputs (hours):
    operating = max(planned - downtime, 0); ``mtbf_hours`` = operating / failures,
    ``mttr_hours`` = repair hours / repairs, ``availability`` = operating / planned,
    ``planned_maintenance_share`` = planned maintenance hours / maintenance hours,
    ``pm_compliance`` = PM on time / PM due (each null where its divisor is 0);
    ``cost`` = labour + parts. The backlog is the one of the bucket's last day."""

    bucket: str
    start: date
    planned_operating_hours: Decimal
    downtime_hours: Decimal
    operating_hours: Decimal
    failures: int
    repairs: int
    repair_hours: Decimal
    mtbf_hours: float | None
    mttr_hours: float | None
    availability: float | None
    maintenance_hours: Decimal
    planned_maintenance_hours: Decimal
    planned_maintenance_share: float | None
    pm_due: int
    pm_on_time: int
    pm_compliance: float | None
    labour_cost: Decimal
    parts_cost: Decimal
    cost: Decimal
    backlog_count: int
    backlog_hours: Decimal


class KpiSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    equipment_id: UUID | None
    points: list[KpiPoint]
    total: KpiPoint
