"""How many pieces a new inspection lot samples, by its plan: ISO 2859-1 at the stream's
current severity (its switching state), a fixed number, or every piece."""

from __future__ import annotations

import math
from decimal import Decimal

import msgspec

from quality.aql import SamplingPlan, SwitchingState, sampling_plan
from quality.plans.models import Plan


class Sample(msgspec.Struct, frozen=True, kw_only=True):
    severity: str
    size: int
    acceptance: int | None
    rejection: int | None
    plan: SamplingPlan | None = None


def pieces(quantity: Decimal) -> int:
    """A lot of 12.5 kg is 13 pieces to the sampling tables (at least 2)."""
    return max(2, math.ceil(quantity))


def sample(plan: Plan | None, quantity: Decimal, state: SwitchingState) -> Sample:
    lot = pieces(quantity)
    if plan is None or plan.sampling == "full" or state.severity == "discontinued":
        # Discontinued inspection (clause 9.4): nothing is accepted on a sample until the
        # supplier has acted; every piece is inspected meanwhile.
        # Every piece is judged: the engineer decides what to accept of a lot with failures.
        return Sample(severity="full", size=lot, acceptance=None, rejection=None)
    if plan.sampling == "fixed":
        # A fixed sample accepts on zero failures (c = 0), the common fixed-size rule.
        size = min(plan.sample_size or lot, lot)
        return Sample(severity="normal", size=size, acceptance=0, rejection=1)
    assert plan.aql is not None
    assert plan.inspection_level is not None
    found = sampling_plan(lot, plan.aql, plan.inspection_level, state.severity)
    return Sample(
        severity=state.severity,
        size=found.sample_size,
        acceptance=found.acceptance_number,
        rejection=found.rejection_number,
        plan=found,
    )
