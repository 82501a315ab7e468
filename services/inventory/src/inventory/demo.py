"""Demo master data for one organization; running it again changes nothing.

Called by the stack's demo seeding with an owner connection. Everything goes through the
service's own queries inside one transaction scoped to the organization, so RLS checks
the demo data like any other write, and every created material has its audit row.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg

from inventory import repo
from inventory.demo_data import MATERIALS, STANDARD_UNITS, MaterialRow
from inventory.demo_stock import seed_stock
from inventory.models import MaterialCreate, PlantDataPut, UnitCreate
from inventory.service import audit
from inventory.service.caller import Caller
from unison_pg import Tenant

DEMO_USER = "system:demo"
_PURCHASED = frozenset({"raw", "consumable", "spare"})


async def seed_units(conn: asyncpg.Connection, organization_id: UUID) -> None:
    """The standard units of measure (EA, KG, G, M, L, H, BOX, ...) of one organization."""
    async with conn.transaction():
        await repo.tenant_scope(conn, Tenant(organization_id, (), DEMO_USER))
        await _insert_units(conn)


async def _insert_units(conn: asyncpg.Connection) -> None:
    for row in STANDARD_UNITS:
        await repo.unit_insert(
            conn,
            UnitCreate(
                code=row.code,
                name=row.name,
                dimension=row.dimension,
                factor_numerator=row.numerator,
                factor_denominator=row.denominator,
            ),
        )


def _plant_data(row: MaterialRow, index: int, plant_index: int) -> PlantDataPut:
    # Deterministic, plausible numbers: purchased parts are bought, the rest made here.
    reorder = Decimal(10 * (1 + (index * 7 + plant_index * 3) % 12))
    return PlantDataPut(
        procurement_type="buy" if row.type in _PURCHASED else "make",
        reorder_point=reorder,
        safety_stock=reorder / 2,
        lot_size=reorder * 4 if row.type in _PURCHASED else None,
        lead_time_days=3 + (index * 5 + plant_index) % 25,
        default_storage_location=f"{1000 + 10 * plant_index + (index % 3)}",
    )


def _material_fields(row: MaterialRow) -> MaterialCreate:
    weight = Decimal(row.gross_weight_kg) if row.gross_weight_kg is not None else None
    return MaterialCreate(
        number=row.number,
        description=row.description,
        type=row.type,
        base_unit=row.base_unit,
        material_group=row.group,
        gross_weight=weight,
        weight_unit="KG" if weight is not None else None,
        status=row.status,
    )


async def _insert_material(
    conn: asyncpg.Connection, caller: Caller, row: MaterialRow, index: int, plants: list[UUID]
) -> None:
    material = await repo.material_insert(conn, _material_fields(row))
    if material is None:
        return  # seeded before: leave it (and whatever users did to it) alone
    await audit.record(
        conn,
        caller,
        entity="material",
        entity_id=str(material.id),
        material_id=material.id,
        action="created",
        changes=audit.diff({}, audit.snapshot(material)),
    )
    for unit, numerator, denominator in row.alternatives:
        await repo.material_unit_upsert(
            conn, material.id, unit, Decimal(numerator), Decimal(denominator)
        )
    # Every material in the first plant, every other one in the second, and so on.
    for plant_index, plant_id in enumerate(plants):
        if index % (plant_index + 1) == 0:
            data = _plant_data(row, index, plant_index)
            await repo.material_plant_insert(conn, material.id, plant_id, data)


async def seed_demo(conn: asyncpg.Connection, organization_id: UUID, plant_ids: list[UUID]) -> None:
    """Units, ~40 materials with alternative units, plant data in ``plant_ids``, and their
    stock (locations, opening stock at a price, lots, a lot in quality inspection, an
    order's reservation).

    ``conn`` is an owner connection; the work runs in one transaction (a savepoint when
    the caller already opened one) scoped to the organization and its plants.
    """
    tenant = Tenant(organization_id, tuple(plant_ids), DEMO_USER)
    caller = Caller(tenant, request_id="demo-seed")
    async with conn.transaction():
        await repo.tenant_scope(conn, tenant)
        await _insert_units(conn)
        for index, row in enumerate(MATERIALS):
            await _insert_material(conn, caller, row, index, plant_ids)
        # Stock of the purchased materials that are active, so the ledger, valuation and
        # availability have something to show.
        stocked = []
        for row in MATERIALS:
            material_id = await repo.material_id_by_number(conn, row.number)
            if material_id is not None and row.type in _PURCHASED and row.status == "active":
                stocked.append((material_id, row.base_unit))
        await seed_stock(conn, caller, stocked[:12])
