"""Events the maintenance service publishes.

The maintenance service's own issue builds what sends them; the contracts come first so
that production can consume them (a machine down for maintenance is downtime there).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

import msgspec

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


class MaintenanceWorkOrderStatusChanged(Event, frozen=True, kw_only=True):
    """Every transition of a maintenance work order (search and reporting keep them)."""

    topic: ClassVar[str] = "maintenance.work_order.status_changed"
    maintenance_work_order_id: UUID
    number: str
    kind: str
    equipment_id: UUID
    title: str
    status: str
    previous: str | None = None
    due_date: date | None = None
    priority: int
    version: int
    # Added for search (what is wrong or to be done); older messages lack it.
    description: str | None = None


class EquipmentChanged(Event, frozen=True, kw_only=True):
    """Equipment created or changed (``deleted`` when removed)."""

    topic: ClassVar[str] = "maintenance.equipment.changed"
    equipment_id: UUID
    code: str
    name: str
    level: str
    parent_id: UUID | None = None
    work_center_id: UUID | None = None
    criticality: str
    status: str
    manufacturer: str | None = None
    model: str | None = None
    deleted: bool = False


class EquipmentDocumentAdded(Event, frozen=True, kw_only=True):
    """A file (manual, drawing, certificate) was attached to equipment (search keeps them)."""

    topic: ClassVar[str] = "maintenance.equipment_document.added"
    document_id: UUID
    equipment_id: UUID
    equipment_code: str
    filename: str
    content_type: str
    uploaded_at: datetime


class EquipmentDocumentDeleted(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "maintenance.equipment_document.deleted"
    document_id: UUID
    equipment_id: UUID


class PartLine(msgspec.Struct, frozen=True, kw_only=True):
    """A spare part to issue, in ``unit``; ``lot`` None: inventory chooses (first
    expiring, first in)."""

    material_id: UUID
    quantity: Decimal
    unit: str
    location_id: UUID | None = None
    lot: str | None = None


class PartsIssueRequested(Event, frozen=True, kw_only=True):
    """Spare parts for a maintenance work order: inventory posts them as one issue (261,
    reference = the order number) and answers ``inventory.maintenance_issue.posted`` or
    ``.failed`` naming ``request_id``."""

    topic: ClassVar[str] = "maintenance.parts_issue.requested"
    request_id: UUID
    maintenance_work_order_id: UUID
    reference: str
    posting_date: date
    lines: tuple[PartLine, ...]


class EquipmentKpis(Event, frozen=True, kw_only=True):
    """One equipment's KPIs over a period (the daily job: yesterday), with the inputs, so
    a consumer can combine periods by summing inputs."""

    topic: ClassVar[str] = "maintenance.kpis.published"
    equipment_id: UUID
    period_start: date
    period_end: date
    planned_operating_hours: Decimal
    downtime_hours: Decimal
    failures: int
    repairs: int
    repair_hours: Decimal
    mtbf_hours: Decimal | None = None
    mttr_hours: Decimal | None = None
    availability: Decimal | None = None
    planned_maintenance_percentage: Decimal | None = None
    pm_compliance: Decimal | None = None
    backlog_count: int
    backlog_hours: Decimal
    labour_cost: Decimal
    parts_cost: Decimal
    # The inputs of the two ratios above (None from publishers before they were added):
    # maintenance hours booked (planned: on preventive work orders) and PM work orders
    # due in the period (on time: completed within the tolerance).
    maintenance_hours: Decimal | None = None
    planned_maintenance_hours: Decimal | None = None
    pm_due: int | None = None
    pm_on_time: int | None = None


ALL = (
    MaintenanceWorkOrderOpened,
    MaintenanceWorkOrderCompleted,
    MaintenanceWorkOrderStatusChanged,
    EquipmentChanged,
    EquipmentDocumentAdded,
    EquipmentDocumentDeleted,
    PartsIssueRequested,
    EquipmentKpis,
)
