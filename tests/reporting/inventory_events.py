"""Inventory's events built the way inventory builds them (``service/outbound.py`` and
``service/replenishment.py``): goods movement documents with signed ledger lines, the
material master, reorder-point crossings, for one organization."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import msgspec

from unison_events.inventory import (
    GoodsMovementPosted,
    GoodsMovementPostedLine,
    GoodsMovementRestatedLine,
    MaterialCreated,
    StockBelowReorderPoint,
    StockReorderPointRecovered,
)

D = Decimal
T0 = datetime(2026, 11, 9, 12, tzinfo=UTC)


class Stockroom:
    """Documents of an organization's plants; a line is (plant index, material, signed
    quantity, signed value[, lot])."""

    def __init__(self, org_id: UUID, plants: list[UUID]) -> None:
        self.org_id, self.plants = org_id, plants
        self.location = uuid4()

    def line(
        self,
        plant: int,
        material: UUID,
        quantity: str,
        value: str,
        lot: str | None = None,
        **extra: Any,
    ) -> GoodsMovementPostedLine:
        return GoodsMovementPostedLine(
            material_id=material,
            plant_id=self.plants[plant],
            location_id=extra.get("location_id", self.location),
            lot=lot,
            quantity=D(quantity),
            unit="PC",
            category=extra.get("category", "unrestricted"),
            entry_quantity=abs(D(quantity)),
            entry_unit="PC",
            value=D(value),
        )

    def movement(
        self,
        movement_type: str,
        day: date,
        *lines: GoodsMovementPostedLine,
        at: datetime | None = None,
        reversal_of: UUID | None = None,
    ) -> GoodsMovementPosted:
        return GoodsMovementPosted(
            organization_id=self.org_id,
            plant_id=lines[0].plant_id,
            occurred_at=at or T0,
            movement_id=uuid4(),
            movement_type=movement_type,
            posting_date=day,
            reference="WO-1",
            reversal_of=reversal_of,
            lines=lines,
        )

    def receipt(
        self,
        day: date,
        material: UUID,
        quantity: str,
        value: str,
        plant: int = 0,
        lot: str | None = None,
    ) -> GoodsMovementPosted:
        return self.movement("101", day, self.line(plant, material, quantity, value, lot))

    def issue(
        self,
        day: date,
        material: UUID,
        quantity: str,
        value: str,
        plant: int = 0,
        lot: str | None = None,
        movement_type: str = "261",
    ) -> GoodsMovementPosted:
        line = self.line(plant, material, f"-{quantity}", f"-{value}", lot)
        return self.movement(movement_type, day, line)

    def restated(
        self, document: GoodsMovementPosted, value: str, line: int = 1
    ) -> GoodsMovementRestatedLine:
        """Line ``line`` of an earlier document at a new value, as a back-dated posting's
        event tells it."""
        x = document.lines[line - 1]
        return GoodsMovementRestatedLine(
            **{
                **msgspec.structs.asdict(x),
                "line_no": line,
                "value": D(value),
                "movement_id": document.movement_id,
                "movement_type": document.movement_type,
                "posting_date": document.posting_date,
                "previous_value": x.value,
            }
        )

    def material(
        self, material: UUID, number: str, group: str | None, version: int = 1
    ) -> MaterialCreated:
        return MaterialCreated(
            organization_id=self.org_id,
            material_id=material,
            number=number,
            description=number,
            type="raw",
            base_unit="PC",
            status="active",
            material_group=group,
            version=version,
        )

    def below(
        self,
        material: UUID,
        number: str,
        plant: int = 0,
        *,
        on_hand: str = "2",
        since: datetime = T0,
        at: datetime | None = None,
    ) -> StockBelowReorderPoint:
        return StockBelowReorderPoint(
            organization_id=self.org_id,
            plant_id=self.plants[plant],
            occurred_at=at or since,
            material_id=material,
            material_number=number,
            unit="PC",
            on_hand=D(on_hand),
            reorder_point=D(10),
            safety_stock=D(3),
            suggested_quantity=D(8),
            below_since=since,
        )

    def recovered(
        self, material: UUID, number: str, plant: int = 0, *, since: datetime = T0, at: datetime
    ) -> StockReorderPointRecovered:
        return StockReorderPointRecovered(
            organization_id=self.org_id,
            plant_id=self.plants[plant],
            occurred_at=at,
            material_id=material,
            material_number=number,
            unit="PC",
            on_hand=D(12),
            reorder_point=D(10),
            below_since=since,
        )


def days_ago(n: int) -> date:
    return datetime.now(UTC).date() - timedelta(days=n)
