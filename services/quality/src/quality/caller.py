"""Who may do what in quality. Quality engineers own plans, decisions, NCRs and CAPAs;
inspectors (operators too) record results and raise NCRs; gauges post results in bulk."""

from __future__ import annotations

from unison_pg import Tenant
from unison_web.caller import Caller
from unison_web.caller import system_caller as system_caller_of

ENGINEERS = ("admin", "quality_engineer")
INSPECTORS = ("admin", "quality_engineer", "operator")
MACHINES = ("admin", "quality_engineer", "operator", "integration")

__all__ = ["ENGINEERS", "INSPECTORS", "MACHINES", "Caller", "system_caller"]


def system_caller(tenant: Tenant, request_id: str | None = None) -> Caller:
    """A worker acting on an event or a job: trusted, with every quality role."""
    return system_caller_of(tenant, MACHINES, request_id)
