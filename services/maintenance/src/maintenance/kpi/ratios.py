"""The KPIs as ratios of totals: each one divided once, at the end, so nothing compounds."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from maintenance.kpi.models import Kpis, Note, Span, Totals

HOUR = Decimal(3600)


def _ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _reliability(
    totals: Totals, operating: Decimal
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """MTBF, MTTR (hours) and inherent availability."""
    n, m = totals.failures, totals.repairs
    mtbf = _ratio(operating, n * HOUR)
    mttr = _ratio(totals.repair_seconds, m * HOUR)
    if mtbf is None or mttr is None:
        return mtbf, mttr, None
    # MTBF / (MTBF + MTTR) with both fractions expanded: one division instead of three.
    up = operating * m
    return mtbf, mttr, _ratio(up, up + totals.repair_seconds * n)


def _notes(totals: Totals) -> tuple[Note, ...]:
    checks: list[tuple[bool, Note]] = [
        (totals.failures == 0, "no_failures"),
        (totals.repairs == 0, "no_repairs"),
        (totals.planned_seconds == 0, "no_planned_time"),
        (totals.downtime_seconds > totals.planned_seconds, "downtime_exceeds_planned_time"),
        (totals.maintenance_hours == 0, "no_maintenance_hours"),
        (totals.pm_due == 0, "no_pm_due"),
    ]
    return tuple(note for failed, note in checks if failed)


def kpis_from(totals: Totals, spans: tuple[Span, ...]) -> Kpis:
    # Downtime the calendar did not plan for cannot make operating time negative.
    operating = max(totals.planned_seconds - totals.downtime_seconds, Decimal(0))
    mtbf, mttr, inherent = _reliability(totals, operating)
    latest: dict[UUID, Span] = {}
    for span in spans:
        if span.equipment_id not in latest or span.end > latest[span.equipment_id].end:
            latest[span.equipment_id] = span
    return Kpis(
        spans=spans,
        totals=totals,
        operating_hours=operating / HOUR,
        downtime_hours=totals.downtime_seconds / HOUR,
        mtbf_hours=mtbf,
        mttr_hours=mttr,
        availability_inherent=inherent,
        availability_time_based=_ratio(operating, totals.planned_seconds),
        pmp=_ratio(totals.planned_maintenance_hours, totals.maintenance_hours),
        pm_compliance=_ratio(totals.pm_on_time, totals.pm_due),
        backlog_count=sum(s.backlog_count for s in latest.values()),
        backlog_hours=sum((s.backlog_hours for s in latest.values()), Decimal(0)),
        cost=totals.labour_cost + totals.parts_cost,
        notes=_notes(totals),
    )
