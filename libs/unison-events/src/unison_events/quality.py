"""Events the quality service publishes.

The quality service's own issue builds what sends them; the contract comes first so that
production counts quality's rejections in the quality factor of OEE.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

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


ALL = (InspectionDecided,)
