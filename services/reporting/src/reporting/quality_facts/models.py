"""The quality dashboards as the API speaks them: chart-ready series and totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec


class YieldPoint(msgspec.Struct, kw_only=True):
    """One bucket's first-pass yield by quantity: ``passed_first_time`` / ``inspected``
    (null where nothing was inspected), from quality's published day figures; and by
    lots: ``lots_passed`` / ``lots`` from the usage decisions as they are made (so today
    shows lots before its figures are published)."""

    bucket: str
    start: date
    inspected: Decimal
    passed_first_time: Decimal
    fpy: float | None
    lots: int
    lots_passed: int
    lot_fpy: float | None


class YieldSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    material_id: UUID | None
    points: list[YieldPoint]
    total: YieldPoint


class DefectBar(msgspec.Struct, kw_only=True):
    code: str
    count: int
    share: float
    cumulative: float


class DefectPareto(msgspec.Struct, kw_only=True):
    first_day: date
    last_day: date
    plant_id: UUID | None
    total: int
    defects: list[DefectBar]


class NcrPoint(msgspec.Struct, kw_only=True):
    bucket: str
    start: date
    opened: int
    closed: int


class NcrAgeing(msgspec.Struct, kw_only=True):
    """Open NCRs (neither closed nor cancelled) today, by days since they were raised."""

    days_0_7: int
    days_8_30: int
    days_31_90: int
    over_90: int
    open: int


class NcrSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    points: list[NcrPoint]
    opened: int
    closed: int
    ageing: NcrAgeing


class CapaOnTime(msgspec.Struct, kw_only=True):
    """CAPAs closed in the period and how many by their due date; ``rate`` is null when
    none was closed."""

    first_day: date
    last_day: date
    plant_id: UUID | None
    closed: int
    on_time: int
    late: int
    rate: float | None


class CapabilityPoint(msgspec.Struct, kw_only=True):
    """One bucket's (or the period's) capability of a characteristic, computed as
    quality's individuals capability: mean and overall sigma (n - 1) of the values,
    sigma within = mean moving range / d2 (1.128), C indices on sigma within, P indices
    on the overall sigma; limits of the bucket's last measurement. Null where undefined
    (fewer than 2 values, no limit on that side, a sigma of 0)."""

    bucket: str
    start: date
    n: int
    mean: float | None
    sigma_within: float | None
    sigma_overall: float | None
    lsl: float | None
    usl: float | None
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None


class CapabilitySeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID
    material_id: UUID
    characteristic: str
    points: list[CapabilityPoint]
    total: CapabilityPoint
