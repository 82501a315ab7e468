"""Demo stock: storage locations per plant, opening stock at a price, lots, a held lot and
an order's reservation, posted through the posting engine like any other stock, so the
demo ledger, balances, valuation and genealogy agree. Running it again changes nothing:
it only runs while the plant has no storage locations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg

from inventory import stock_repo
from inventory.models import GoodsMovementCreate, GoodsMovementLineCreate
from inventory.service import movements, posting, reservations
from inventory.service.caller import Caller
from inventory.stock_models import ReservationLineCreate, ReservationsCreate

# (code, name, kind, parent code)
LOCATIONS = (
    ("WH01", "Main warehouse", "warehouse", None),
    ("WH01-A", "Racks A", "area", "WH01"),
    ("WH01-A-01", "Rack A bin 01", "bin", "WH01-A"),
    ("WH01-A-02", "Rack A bin 02", "bin", "WH01-A"),
    ("WH01-QA", "Quality inspection area", "area", "WH01"),
    ("PSA", "Production supply area", "warehouse", None),
)


async def _locations(conn: asyncpg.Connection, plant_id: UUID) -> dict[str, UUID] | None:
    """The demo locations of a plant, or None when it has locations already."""
    if await stock_repo.locations_page(conn, plant_id, None, 1):
        return None
    made: dict[str, UUID] = {}
    for code, name, kind, parent in LOCATIONS:
        location = await stock_repo.location_insert(
            conn, plant_id, code, name, kind, made.get(parent) if parent else None
        )
        assert location is not None
        made[code] = location.id
    return made


def _price(index: int) -> Decimal:
    return Decimal(2 + (index * 37) % 90) + Decimal("0.45")


async def seed_stock(
    conn: asyncpg.Connection, caller: Caller, material_ids: list[tuple[UUID, str]]
) -> None:
    """Opening stock of ``material_ids`` ((id, base unit) in demo order) in each plant."""
    today = posting.today()
    opening = today - timedelta(days=20)
    for plant_index, plant_id in enumerate(caller.tenant.plant_ids):
        made = await _locations(conn, plant_id)
        if made is None:
            continue
        lines = [
            GoodsMovementLineCreate(
                material_id=material_id,
                plant_id=plant_id,
                location_id=made["WH01-A-01" if index % 2 else "WH01-A-02"],
                quantity=Decimal(40 + (index * 13 + plant_index * 7) % 160),
                unit=unit,
                price=_price(index),
                lot=f"L{opening:%y%m}-{index:03d}" if index % 5 == 0 else None,
                expires_on=opening + timedelta(days=365) if index % 5 == 0 else None,
            )
            for index, (material_id, unit) in enumerate(material_ids)
        ]
        await movements.post_in(
            conn,
            caller,
            GoodsMovementCreate(
                posting_date=opening,
                movement_type="101",
                reference="OPENING-STOCK",
                lines=lines,
            ),
        )
        # A delivery waiting for inspection, and stock moved to the production area.
        first_id, first_unit = material_ids[0]
        await movements.post_in(
            conn,
            caller,
            GoodsMovementCreate(
                posting_date=today - timedelta(days=2),
                movement_type="101",
                reference="PO-4500012345",
                lines=[
                    GoodsMovementLineCreate(
                        material_id=first_id,
                        plant_id=plant_id,
                        location_id=made["WH01-QA"],
                        quantity=Decimal(25),
                        unit=first_unit,
                        price=_price(0) + Decimal("0.30"),
                        category="quality",
                        lot=f"Q{today:%y%m%d}-1",
                    )
                ],
            ),
        )
        await movements.post_in(
            conn,
            caller,
            GoodsMovementCreate(
                posting_date=today - timedelta(days=1),
                movement_type="311",
                reference="REPLENISH-PSA",
                lines=[
                    GoodsMovementLineCreate(
                        material_id=material_id,
                        plant_id=plant_id,
                        location_id=made["WH01-A-01" if index % 2 else "WH01-A-02"],
                        to_location_id=made["PSA"],
                        quantity=Decimal(10),
                        unit=unit,
                        lot=f"L{opening:%y%m}-{index:03d}" if index % 5 == 0 else None,
                    )
                    for index, (material_id, unit) in enumerate(material_ids[1:4], start=1)
                ],
            ),
        )
        await _reserve(conn, caller, plant_id, material_ids[1:4], today + timedelta(days=3))


async def _reserve(
    conn: asyncpg.Connection,
    caller: Caller,
    plant_id: UUID,
    material_ids: list[tuple[UUID, str]],
    needed_on: date,
) -> None:
    await reservations.create_in(
        conn,
        caller,
        ReservationsCreate(
            reference="WO-100001",
            requirement_date=needed_on,
            lines=[
                ReservationLineCreate(
                    material_id=material_id, plant_id=plant_id, quantity=Decimal(6), unit=unit
                )
                for material_id, unit in material_ids
            ],
        ),
    )
