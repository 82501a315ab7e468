"""ISO 2859-1:1999 single sampling by attributes: plans and switching rules (pure, no I/O)."""

from quality.aql.plans import (
    SamplingPlan,
    aql_column,
    code_letter,
    sampling_plan,
    tighter_acceptance_number,
)
from quality.aql.switching import (
    SwitchingSeverity,
    SwitchingState,
    next_state,
    resume_after_corrective_action,
    switching_score_after,
)
from quality.aql.tables import AQL_SERIES, INSPECTION_LEVELS, InspectionLevel, Severity

__all__ = [
    "AQL_SERIES",
    "INSPECTION_LEVELS",
    "InspectionLevel",
    "SamplingPlan",
    "Severity",
    "SwitchingSeverity",
    "SwitchingState",
    "aql_column",
    "code_letter",
    "next_state",
    "resume_after_corrective_action",
    "sampling_plan",
    "switching_score_after",
    "tighter_acceptance_number",
]
