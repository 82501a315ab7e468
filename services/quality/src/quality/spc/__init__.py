"""Statistical process control, as pure calculations (no I/O).

Shewhart charts for variables with phase I/II limits (``charts``), Western Electric and
Nelson run rules (``rules``), process capability and performance indices
(``capability``) and the tabulated chart factors (``constants``).
"""

from quality.spc.capability import (
    Capability,
    SigmaMethod,
    capability,
    capability_from_estimates,
    capability_individuals,
)
from quality.spc.charts import (
    Chart,
    ChartKind,
    ControlChart,
    Point,
    Statistic,
    individuals,
    xbar_r,
    xbar_s,
)
from quality.spc.constants import FACTORS, Factors, factors
from quality.spc.rules import Ruleset, Violation, outside_limits, violations

__all__ = [
    "FACTORS",
    "Capability",
    "Chart",
    "ChartKind",
    "ControlChart",
    "Factors",
    "Point",
    "Ruleset",
    "SigmaMethod",
    "Statistic",
    "Violation",
    "capability",
    "capability_from_estimates",
    "capability_individuals",
    "factors",
    "individuals",
    "outside_limits",
    "violations",
    "xbar_r",
    "xbar_s",
]
