"""Events the production service publishes.

``plant_id`` (of the base) is the plant of the work order or work center. Quantities are
decimals in the material's base unit ``unit`` unless a field says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

import msgspec

from unison_bus import Event

# ------------------------------------------------------------------ work orders


class WorkOrderComponentLine(msgspec.Struct, frozen=True, kw_only=True):
    """A component the order needs, for its operation ``operation_no``; a ``by_product``
    is one it gives (received as a 531, never reserved)."""

    line_no: int
    material_id: UUID
    quantity: Decimal
    unit: str
    operation_no: int
    backflush: bool
    location_id: UUID | None = None
    lot: str | None = None
    # Added for inventory's reservations; older messages lack it (none were by-products).
    by_product: bool = False


class WorkOrderSnapshot(Event, frozen=True, kw_only=True):
    """What consumers (search, reporting) keep of a work order."""

    work_order_id: UUID
    number: str
    material_id: UUID
    material_number: str
    quantity: Decimal
    unit: str
    status: str
    priority: int
    due_at: datetime
    source: str
    good_quantity: Decimal
    scrap_quantity: Decimal
    version: int
    # Added for quality: the lot the order receives its product in.
    output_lot: str | None = None
    # Added for reporting (lead time and schedule adherence); older messages lack them.
    created_at: datetime | None = None
    scheduled_end: datetime | None = None


class WorkOrderCreated(WorkOrderSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "production.work_order.created"


class WorkOrderStatusChanged(WorkOrderSnapshot, frozen=True, kw_only=True):
    """Every transition of the state machine; ``previous`` is where it came from."""

    topic: ClassVar[str] = "production.work_order.status_changed"
    previous: str
    reason: str | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    # Added for reporting: where the order's output operation ran (its adherence and lead
    # time by work center); older messages lack it.
    work_center_id: UUID | None = None


class WorkOrderReleased(Event, frozen=True, kw_only=True):
    """An order was released: inventory reserves its components (reference = number)."""

    topic: ClassVar[str] = "production.work_order.released"
    work_order_id: UUID
    number: str
    material_id: UUID
    quantity: Decimal
    unit: str
    requirement_date: date
    components: tuple[WorkOrderComponentLine, ...]


class OperationStatusChanged(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "production.operation.status_changed"
    work_order_id: UUID
    number: str
    operation_no: int
    work_center_id: UUID
    status: str
    previous: str
    at: datetime
    # Added for quality (an operation's completion may be inspected): what it made so far.
    material_id: UUID | None = None
    good_quantity: Decimal | None = None


# ------------------------------------------------------------------ postings to inventory


class PostingLine(msgspec.Struct, frozen=True, kw_only=True):
    """A goods movement line production asks for. ``lot`` None on an issue lets
    inventory choose the lots (first expiring, first in)."""

    material_id: UUID
    quantity: Decimal
    unit: str
    location_id: UUID | None = None
    lot: str | None = None


class GoodsPostingRequested(Event, frozen=True, kw_only=True):
    """A confirmation's goods movements, for inventory to post as one transaction:
    ``consumption`` as 261 issues (backflush), ``receipt`` as a 101 of the product and
    ``by_products`` as 531, all with ``reference`` = the order number (so the lot
    genealogy links the issued lots to the received one). Inventory answers with
    ``inventory.production_posting.posted`` or ``.failed`` naming ``posting_id``."""

    topic: ClassVar[str] = "production.goods_posting.requested"
    posting_id: UUID
    work_order_id: UUID
    reference: str
    operation_no: int
    posting_date: date
    consumption: tuple[PostingLine, ...] = ()
    receipt: PostingLine | None = None
    manufactured_on: date | None = None
    by_products: tuple[PostingLine, ...] = ()


# ------------------------------------------------------------------ shop floor


class CountsLogged(Event, frozen=True, kw_only=True):
    """Counts reported at a work center (one event per request and work center): the
    reporting facts and the maintenance meters (``equipment_id``) are fed from it."""

    topic: ClassVar[str] = "production.counts.logged"
    work_center_id: UUID
    equipment_id: UUID | None = None
    first_at: datetime
    last_at: datetime
    good_quantity: Decimal
    scrap_quantity: Decimal
    rework_quantity: Decimal
    # Σ ideal cycle time x counted pieces: the machine time the pieces stand for.
    ideal_run_seconds: Decimal
    source: str


class DowntimeStarted(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "production.downtime.started"
    downtime_id: UUID
    work_center_id: UUID
    equipment_id: UUID | None = None
    started_at: datetime
    expected_end: datetime | None = None
    reason_code: str | None = None
    planned: bool
    loss: str
    maintenance_work_order_id: UUID | None = None


class DowntimeEnded(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "production.downtime.ended"
    downtime_id: UUID
    work_center_id: UUID
    equipment_id: UUID | None = None
    started_at: datetime
    ended_at: datetime
    reason_code: str | None = None
    planned: bool
    loss: str
    maintenance_work_order_id: UUID | None = None


class OeeClosed(Event, frozen=True, kw_only=True):
    """A work center's OEE for one shift, final (the daily close): the inputs and the
    factors, so a consumer can aggregate correctly (sum inputs, then divide)."""

    topic: ClassVar[str] = "production.oee.closed"
    work_center_id: UUID
    line: str | None = None
    production_day: date
    shift_code: str
    shift_start: datetime
    shift_end: datetime
    scheduled_seconds: Decimal
    break_seconds: Decimal
    planned_stop_seconds: Decimal
    breakdown_seconds: Decimal
    setup_seconds: Decimal
    minor_stop_seconds: Decimal
    ideal_run_seconds: Decimal
    good_count: Decimal
    scrap_count: Decimal
    rework_count: Decimal
    quality_rejected_count: Decimal
    availability: Decimal | None = None
    performance: Decimal | None = None
    quality: Decimal | None = None
    oee: Decimal | None = None


class WorkCenterChanged(Event, frozen=True, kw_only=True):
    """A work center was created or changed (``deleted`` when it was removed)."""

    topic: ClassVar[str] = "production.work_center.changed"
    work_center_id: UUID
    code: str
    name: str
    line: str | None = None
    equipment_id: UUID | None = None
    status: str
    deleted: bool = False


ALL = (
    WorkOrderCreated,
    WorkOrderStatusChanged,
    WorkOrderReleased,
    OperationStatusChanged,
    GoodsPostingRequested,
    CountsLogged,
    DowntimeStarted,
    DowntimeEnded,
    OeeClosed,
    WorkCenterChanged,
)
