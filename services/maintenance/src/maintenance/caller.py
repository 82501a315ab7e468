"""Who may do what in maintenance. Technicians and planners keep equipment, plans and
orders; anyone on the shop floor may report a breakdown; machines post meter readings."""

from __future__ import annotations

from unison_pg import Tenant
from unison_web.caller import Caller
from unison_web.caller import system_caller as system_caller_of

MAINTAINERS = ("admin", "maintenance_tech", "planner")
REPORTERS = ("admin", "maintenance_tech", "planner", "operator")
MACHINES = ("admin", "maintenance_tech", "planner", "operator", "integration")

__all__ = ["MACHINES", "MAINTAINERS", "REPORTERS", "Caller", "system_caller"]


def system_caller(tenant: Tenant, request_id: str | None = None) -> Caller:
    """A worker acting on an event or a job: trusted, with every maintenance role."""
    return system_caller_of(tenant, MACHINES, request_id)
