"""Equipment KPIs for one period, and combined over periods and equipment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from maintenance.kpi.models import Kpis, PeriodInputs, Span, Tolerance, Totals
from maintenance.kpi.ratios import kpis_from
from maintenance.kpi.totals import period_span, period_totals


def equipment_kpis(inputs: PeriodInputs, *, tolerance: Tolerance | None = None) -> Kpis:
    """The KPIs of one equipment over one period (``tolerance``: PM lateness allowed)."""
    totals = period_totals(inputs, tolerance or Tolerance())
    return kpis_from(totals, (period_span(inputs),))


def _sum(totals: Iterable[Totals]) -> Totals:
    # Counts stay ints and amounts Decimals (0 + Decimal is a Decimal).
    summed: dict[str, Any] = {}
    for t in totals:
        for name in Totals.__struct_fields__:
            summed[name] = summed.get(name, 0) + getattr(t, name)
    return Totals(**summed)


def _check_no_overlap(spans: Iterable[Span]) -> None:
    # The same equipment's hours counted twice would skew every ratio without a trace.
    last_end: dict[UUID, Span] = {}
    for span in sorted(spans, key=lambda s: (str(s.equipment_id), s.start)):
        before = last_end.get(span.equipment_id)
        if before is not None and span.start < before.end:
            raise ValueError(f"periods of equipment {span.equipment_id} overlap")
        last_end[span.equipment_id] = span


def combine(results: Iterable[Kpis]) -> Kpis:
    """KPIs over several periods and/or equipment, from the summed inputs.

    Ratios are recomputed from the summed totals, never averaged: an average of MTBFs
    would weigh a quiet week like a month of breakdowns. The backlog is each equipment's
    at its latest period end, summed over equipment. Periods of one equipment must not
    overlap (ValueError); combined results can be combined again.
    """
    items = list(results)
    if not items:
        raise ValueError("nothing to combine")
    spans = tuple(span for k in items for span in k.spans)
    _check_no_overlap(spans)
    return kpis_from(_sum(k.totals for k in items), spans)
