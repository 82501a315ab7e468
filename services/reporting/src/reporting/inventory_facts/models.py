"""The inventory KPIs as the API speaks them: chart-ready series, buckets and lists."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec


class StockPoint(msgspec.Struct, kw_only=True):
    """One bucket: ``stock_value`` at the end of its last day, ``average_stock_value`` over
    its days, ``issued_value`` the cost of goods issued (261 to orders and 601 deliveries,
    net of their reversals); ``turns`` = issued / average stock value, ``days_of_supply``
    = closing stock value / (issued / days). Quantities (base unit) only with a
    ``material_id`` filter: across materials they would add different units."""

    bucket: str
    start: date
    days: int
    stock_value: Decimal
    average_stock_value: Decimal
    issued_value: Decimal
    turns: float | None
    days_of_supply: float | None
    stock_quantity: Decimal | None
    average_stock_quantity: Decimal | None
    issued_quantity: Decimal | None
    days_of_supply_quantity: float | None


class StockSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    material_id: UUID | None
    material_group: str | None
    points: list[StockPoint]
    total: StockPoint


class MovementType(msgspec.Struct, kw_only=True):
    """One SAP movement type's ledger lines: in (+) and out (-, as positive amounts).
    ``documents`` is null with a material filter (a document has lines of many)."""

    movement_type: str
    documents: int | None
    lines: int
    quantity_in: Decimal
    quantity_out: Decimal
    value_in: Decimal
    value_out: Decimal


class MovementPoint(msgspec.Struct, kw_only=True):
    bucket: str
    start: date
    types: list[MovementType]


class MovementSeries(msgspec.Struct, kw_only=True):
    granularity: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    material_id: UUID | None
    material_group: str | None
    points: list[MovementPoint]
    total: list[MovementType]


class AgeingBucket(msgspec.Struct, kw_only=True):
    """Lots in stock whose first receipt into their plant was ``min_days`` to
    ``max_days`` (null: no upper bound) days before ``as_of``; value at the moving
    average of their material in their plant."""

    bucket: str
    min_days: int
    max_days: int | None
    lots: int
    quantity: Decimal
    value: Decimal


class LotAgeing(msgspec.Struct, kw_only=True):
    as_of: date
    plant_id: UUID | None
    material_id: UUID | None
    material_group: str | None
    buckets: list[AgeingBucket]
    total: AgeingBucket


class BelowReorderItem(msgspec.Struct, kw_only=True):
    """As inventory's crossing told it: on hand when it fell below, the reorder point,
    safety stock, the suggested order quantity, since when."""

    plant_id: UUID
    material_id: UUID
    material_number: str
    material_group: str | None
    unit: str
    on_hand: Decimal
    reorder_point: Decimal | None
    safety_stock: Decimal | None
    suggested_quantity: Decimal | None
    below_since: datetime


class BelowReorderPage(msgspec.Struct, kw_only=True):
    count: int
    items: list[BelowReorderItem]
    next_cursor: str | None = None
