"""Scheduling runs and the Gantt chart as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import Meta


class ScheduleRequestBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Plan the plant's open orders: ``forward`` (as soon as possible) or ``backward``
    (just in time for the due date, forward where that is too late), over ``horizon_days``."""

    direction: Literal["forward", "backward"] = "forward"
    horizon_days: Annotated[int, Meta(ge=1, le=365)] = 60
    include_drafts: bool = False


class ScheduleRun(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    direction: str
    trigger: str
    horizon_start: datetime
    horizon_end: datetime
    stats: dict[str, Any]
    conflicts: list[dict[str, Any]]
    late_orders: list[dict[str, Any]]
    duration_ms: float
    created_at: datetime


class GanttBar(msgspec.Struct, kw_only=True):
    work_order_id: UUID
    number: str
    operation_no: int
    description: str
    status: str
    unit: int | None
    start: datetime
    end: datetime
    due_at: datetime
    late: bool


class GanttRow(msgspec.Struct, kw_only=True):
    work_center_id: UUID
    code: str
    name: str
    bars: list[GanttBar]
    # Time the work center stands (open or recorded stops) inside the window.
    blocked: list[tuple[datetime, datetime]]


class GanttLink(msgspec.Struct, kw_only=True):
    work_order_id: UUID
    from_operation_no: int
    to_operation_no: int


class Gantt(msgspec.Struct, kw_only=True):
    plant_id: UUID
    start: datetime
    end: datetime
    rows: list[GanttRow]
    dependencies: list[GanttLink]
    run: ScheduleRun | None
