"""Events the quality service publishes.

The quality service's own issue builds what sends them; the contract comes first so that
production counts quality's rejections in the quality factor of OEE.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

import msgspec

from unison_bus import Event


class InspectionDecided(Event, frozen=True, kw_only=True):
    """A usage decision on an inspection lot: ``accepted_quantity`` and
    ``rejected_quantity`` in the material's base unit. For pieces made by a work order
    (``work_order_id``, ``operation_no``), the rejected ones were counted good at the
    machine and are not."""

    topic: ClassVar[str] = "quality.inspection.decided"
    inspection_id: UUID
    material_id: UUID
    lot: str | None = None
    work_order_id: UUID | None = None
    operation_no: int | None = None
    decision: str  # accepted, rejected, partially_accepted
    accepted_quantity: Decimal
    rejected_quantity: Decimal
    decided_at: datetime
    # Added with lot holds: the lot's unit, and whether the decision lifts a hold
    # (inventory releases the lot, blocks what was rejected).
    unit: str | None = None
    inspection_number: str | None = None
    lifts_hold: bool = False
    # Added for reporting (first-pass yield by work center); older messages lack it.
    work_center_id: UUID | None = None


class Measurement(msgspec.Struct, frozen=True, kw_only=True):
    """One measured value of a sample, with the limits it was judged against."""

    characteristic: str
    sample_no: int
    value: Decimal
    measured_at: datetime
    lsl: Decimal | None = None
    usl: Decimal | None = None


class MeasurementsRecorded(Event, frozen=True, kw_only=True):
    """Measured results of one inspection lot, in the order they were recorded (the order
    SPC reads values of the same time in). Added for reporting's capability trend."""

    topic: ClassVar[str] = "quality.measurements.recorded"
    inspection_id: UUID
    material_id: UUID
    work_center_id: UUID | None = None
    measurements: tuple[Measurement, ...]


class InspectionCreated(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "quality.inspection.created"
    inspection_id: UUID
    number: str
    material_id: UUID
    lot: str | None = None
    trigger: str
    quantity: Decimal
    unit: str
    sample_size: int
    work_order_id: UUID | None = None
    work_center_id: UUID | None = None
    supplier: str | None = None


class LotHoldPlaced(Event, frozen=True, kw_only=True):
    """A lot waits for (or failed) an inspection: inventory puts it in quarantine, so it
    cannot be issued or delivered until the usage decision lifts the hold."""

    topic: ClassVar[str] = "quality.lot_hold.placed"
    inspection_id: UUID
    inspection_number: str
    material_id: UUID
    lot: str
    reason: str


class DispositionLot(msgspec.Struct, frozen=True, kw_only=True):
    lot: str
    quantity: Decimal


class NcrDispositionDecided(Event, frozen=True, kw_only=True):
    """What is done with non-conforming stock: inventory carries it out and answers
    ``inventory.quality_posting.posted`` or ``.failed`` naming ``request_id``.

    ``use_as_is``: the lots are released; ``scrap``: scrapped (551); ``return_to_supplier``:
    returned (122); ``rework`` and ``sort``: kept on hold (blocked) until reworked or
    sorted."""

    topic: ClassVar[str] = "quality.ncr.disposition_decided"
    request_id: UUID
    ncr_id: UUID
    reference: str
    disposition: str
    material_id: UUID
    unit: str
    lots: tuple[DispositionLot, ...]
    supplier: str | None = None


class NcrChanged(Event, frozen=True, kw_only=True):
    """An NCR was raised or moved a step (search and reporting keep them)."""

    topic: ClassVar[str] = "quality.ncr.changed"
    ncr_id: UUID
    number: str
    title: str
    status: str
    severity: str
    material_id: UUID
    quantity: Decimal
    unit: str
    defect_codes: tuple[str, ...] = ()
    supplier: str | None = None
    work_center_id: UUID | None = None
    disposition: str | None = None
    created_at: datetime
    version: int
    # Added for search (the defect described); older messages lack it.
    description: str | None = None


class CapaChanged(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "quality.capa.changed"
    capa_id: UUID
    number: str
    kind: str
    title: str
    status: str
    owner: str
    due_date: date
    overdue: bool = False
    version: int
    # Added for reporting (the on-time rate: closed by the due date); older messages lack it.
    closed_at: datetime | None = None


class InspectionPlanChanged(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "quality.inspection_plan.changed"
    plan_id: UUID
    material_id: UUID
    trigger: str
    revision: int
    status: str
    valid_from: date
    valid_to: date | None = None
    expiring: bool = False
    # Added for search (what the plan is about); older messages lack them.
    description: str | None = None
    supplier: str | None = None
    material_number: str | None = None


class QualityFigures(Event, frozen=True, kw_only=True):
    """A day's first-pass yield and defects of a material at a work center. Published again
    for the same (day, plant, material, work center), it replaces the earlier figures;
    reporting combines days by summing the counts."""

    topic: ClassVar[str] = "quality.figures.published"
    day: date
    material_id: UUID
    work_center_id: UUID | None = None
    inspected: Decimal
    passed_first_time: Decimal
    defects: tuple[tuple[str, int], ...] = ()


ALL = (
    InspectionDecided,
    InspectionCreated,
    LotHoldPlaced,
    NcrDispositionDecided,
    NcrChanged,
    CapaChanged,
    InspectionPlanChanged,
    QualityFigures,
    MeasurementsRecorded,
)
