"""Who may do what in production. The gateway lets every production role write under
/api/production; the service tells planning (master data, orders) from the shop floor."""

from __future__ import annotations

from unison_pg import Tenant
from unison_web.caller import Caller
from unison_web.caller import system_caller as system_caller_of

PLANNERS = ("admin", "planner")
SHOP_FLOOR = ("admin", "planner", "operator")
MACHINES = ("admin", "planner", "operator", "integration")

__all__ = ["MACHINES", "PLANNERS", "SHOP_FLOOR", "Caller", "system_caller"]


def system_caller(tenant: Tenant, request_id: str | None = None) -> Caller:
    """A worker acting on an event or a job: trusted, with every production role."""
    return system_caller_of(tenant, MACHINES, request_id)
