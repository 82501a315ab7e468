"""Equipment maintenance KPIs (pure: no I/O).

From one equipment's period inputs (breakdowns, repairs, work orders, labour, parts and
the planned operating time from production's calendar):

- MTBF = operating time / failures, where operating time = planned time - downtime;
- MTTR = repair time (start of work to end) / repairs;
- inherent availability = MTBF / (MTBF + MTTR) (how failures and repairs behave);
- time-based availability = (planned - downtime) / planned (what the period delivered);
- PMP = planned maintenance hours / all maintenance hours;
- PM compliance = PM work orders completed within a tolerance / PM work orders due;
- backlog = open work orders (count, estimated hours) at the period's end;
- cost = labour hours x rate + parts.

A KPI whose denominator is zero is None and ``notes`` say why (no failures means MTBF is
unknown, not infinite). ``combine`` sums the inputs and divides again; it never averages
ratios. Results are unrounded Decimals: round when displaying.
"""

from maintenance.kpi.compute import combine, equipment_kpis
from maintenance.kpi.models import (
    Failure,
    Kpis,
    Labour,
    Note,
    PeriodInputs,
    Repair,
    Span,
    Tolerance,
    Totals,
    WorkKind,
    WorkOrder,
)

__all__ = [
    "Failure",
    "Kpis",
    "Labour",
    "Note",
    "PeriodInputs",
    "Repair",
    "Span",
    "Tolerance",
    "Totals",
    "WorkKind",
    "WorkOrder",
    "combine",
    "equipment_kpis",
]
