"""The OEE dashboard's series and the rebuild request, as the API speaks them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from reporting.production_facts.figures import Losses


class OeePoint(msgspec.Struct, kw_only=True):
    """One bucket of the chart. ``good``/``scrap``/``rework`` and the factors come from
    closed shifts (production's daily close); ``logged_*`` and ``downtime_*`` from the
    counts and stops as they were reported, so a shift still running shows output too."""

    bucket: str
    start: datetime
    shifts: int
    availability: Decimal | None
    performance: Decimal | None
    quality: Decimal | None
    oee: Decimal | None
    good: Decimal
    scrap: Decimal
    rework: Decimal
    quality_rejected: Decimal
    losses: Losses
    logged_good: Decimal
    logged_scrap: Decimal
    logged_rework: Decimal
    downtime_planned_minutes: Decimal
    downtime_unplanned_minutes: Decimal


class OeeSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    work_center_id: UUID | None
    points: list[OeePoint]
    total: OeePoint


class RebuildRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Recompute the rollups of the days ``from`` to ``to`` (UTC, inclusive)."""

    first: date = msgspec.field(name="from")
    last: date = msgspec.field(name="to")


class JobQueued(msgspec.Struct, frozen=True):
    job_id: UUID
    status: str
    href: str


class LeadTime(msgspec.Struct, frozen=True, kw_only=True):
    """Lead time in hours of the orders whose start is known (``orders``): the average
    from the rollups, the median and 90th percentile from the facts (exact, not additive)."""

    orders: int
    average_hours: float | None
    p50_hours: float | None
    p90_hours: float | None


class SchedulePoint(msgspec.Struct, frozen=True, kw_only=True):
    """Orders completed in a bucket: how many by their due time (``on_time``), by their
    scheduled end (of those that had one: ``scheduled``), with their whole quantity good
    (``quantity_met``), and how long they took from release and from creation."""

    bucket: str
    start: datetime
    completed: int
    on_time: int
    on_time_rate: float | None
    scheduled: int
    on_schedule: int
    schedule_adherence: float | None
    quantity_met: int
    quantity_adherence: float | None
    planned_quantity: Decimal
    good_quantity: Decimal
    lead_time_from_release: LeadTime
    lead_time_from_creation: LeadTime


class ScheduleSeries(msgspec.Struct, frozen=True, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    work_center_id: UUID | None
    points: list[SchedulePoint]
    total: SchedulePoint


class OeeGroup(msgspec.Struct, frozen=True, kw_only=True):
    """One series of a grouped OEE dashboard: ``key`` the work center id, the line ('' for
    work centers on no line) or the shift code ('' for output and stops, which know no
    shift until their shift is closed)."""

    key: str
    points: list[OeePoint]
    total: OeePoint


class OeeGroups(msgspec.Struct, frozen=True, kw_only=True):
    granularity: str
    group_by: str | None
    first_day: date
    last_day: date
    plant_id: UUID | None
    work_center_id: UUID | None
    line: str | None
    groups: list[OeeGroup]
