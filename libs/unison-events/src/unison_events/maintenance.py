"""Events the maintenance service publishes.

The maintenance service's own issue builds what sends them; the contracts come first so
that production can consume them (a machine down for maintenance is downtime there).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from unison_bus import Event


class MaintenanceWorkOrderOpened(Event, frozen=True, kw_only=True):
    """A maintenance work order was opened. ``machine_down`` says the equipment stands
    from ``down_since`` (a breakdown, or a planned stop for preventive work); production
    then records downtime on ``work_center_id`` linked to this order."""

    topic: ClassVar[str] = "maintenance.work_order.opened"
    maintenance_work_order_id: UUID
    number: str
    kind: str  # preventive, corrective, predictive
    equipment_id: UUID
    work_center_id: UUID | None = None
    machine_down: bool
    down_since: datetime | None = None
    expected_end: datetime | None = None
    description: str | None = None


class MaintenanceWorkOrderCompleted(Event, frozen=True, kw_only=True):
    """The work is done; the machine runs again from ``machine_running_at`` (None: it
    never stood)."""

    topic: ClassVar[str] = "maintenance.work_order.completed"
    maintenance_work_order_id: UUID
    number: str
    equipment_id: UUID
    work_center_id: UUID | None = None
    machine_running_at: datetime | None = None


ALL = (MaintenanceWorkOrderOpened, MaintenanceWorkOrderCompleted)
