"""Apply an SAP material master to Unison's materials, inside the caller's transaction.

Through the same use cases as the API (validation, audit rows, events), so applying the
same content twice writes nothing the second time: no version, no history row, no
event. SAP is the master of what it sends; what it does not send stays as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from msgspec import UNSET

from inventory import repo as inventory_repo
from inventory.models import (
    AlternativeUnitPut,
    Material,
    MaterialCreate,
    MaterialType,
    PlantDataPut,
    ProcurementType,
)
from inventory.sap import codes as sap_codes
from inventory.sap import repo
from inventory.sap.codes import Codes
from inventory.sap.master import MaterialMaster, PlantMaster
from inventory.service import materials, plants, units
from inventory.service.caller import Caller
from unison_web import DomainError, Invalid

PLANTS_URL = "/api/inventory/admin/sap/plants"
_PURCHASED = frozenset({"raw", "consumable", "spare"})
_PROCUREMENT: dict[str, ProcurementType] = {"E": "make", "X": "make", "F": "buy"}


@contextlib.contextmanager
def about(subject: str) -> Iterator[None]:
    """Name what a refusal is about: "plant 1021: must not be negative"."""
    try:
        yield
    except DomainError as exc:
        exc.detail = f"{subject}: {exc.detail}"
        exc.args = (exc.detail,)
        raise


async def apply_master(conn: asyncpg.Connection, caller: Caller, master: MaterialMaster) -> str:
    """Create, change or delete the material; a summary of what happened."""
    codes = await sap_codes.load(conn)
    await repo.object_lock(conn, f"material:{master.number.lower()}")
    material_id = await inventory_repo.material_id_by_number(conn, master.number)
    current = None if material_id is None else await inventory_repo.material_lock(conn, material_id)
    subject = f"material {master.number}"
    if master.delete:
        if current is None:
            return f"{subject} does not exist; nothing to delete"
        with about(subject):
            await materials.delete_in(conn, caller, current)
        return f"{subject} ({current.id}) deleted"
    with about(subject):
        wanted = _wanted(master, current, codes)
        if current is None:
            material = await materials.create_in(conn, caller, wanted)
            done = ["created"]
        else:
            material = await materials.update_in(conn, caller, current, wanted)
            done = [] if material is current else ["changed"]
    done += await _sync_units(conn, caller, material, master, codes)
    done += await _sync_plants(conn, caller, material, master)
    done += list(master.notes)
    return f"{subject} ({material.id}): {', '.join(done) or 'unchanged'}"


def _wanted(master: MaterialMaster, current: Material | None, codes: Codes) -> MaterialCreate:
    stored: dict[str, Any] = msgspec.structs.asdict(current) if current is not None else {}

    def given(name: str, unit: bool = False) -> Any:
        value = getattr(master, name)
        if value is UNSET:
            return stored.get(name)
        return codes.unit(value) if unit and value is not None else value

    description = master.description or stored.get("description")
    if description is None:
        raise Invalid("a new material needs a description (E1MAKTM, to_Description)")
    material_type: MaterialType
    if master.material_type is not None:
        material_type = codes.material_type(master.material_type)
    elif "type" in stored:
        material_type = stored["type"]
    else:
        raise Invalid("a new material needs a material type (MTART, ProductType)")
    base_unit = codes.unit(master.base_unit) if master.base_unit else stored.get("base_unit")
    if base_unit is None:
        raise Invalid("a new material needs a base unit (MEINS, BaseUnit)")
    status = stored.get("status", "active")
    if master.deletion_flag is not UNSET:
        status = "blocked" if master.deletion_flag else "active"
    return MaterialCreate(
        number=master.number,
        description=description[:200],
        type=material_type,
        base_unit=base_unit,
        material_group=given("material_group"),
        gross_weight=given("gross_weight"),
        net_weight=given("net_weight"),
        weight_unit=given("weight_unit", unit=True),
        length=given("length"),
        width=given("width"),
        height=given("height"),
        dimension_unit=given("dimension_unit", unit=True),
        status=status,
        negative_stock_allowed=stored.get("negative_stock_allowed", False),
    )


async def _sync_units(
    conn: asyncpg.Connection,
    caller: Caller,
    material: Material,
    master: MaterialMaster,
    codes: Codes,
) -> list[str]:
    if master.units is None:
        return []
    done: list[str] = []
    listed: set[str] = set()
    for uom in master.units:
        unit = codes.unit(uom.sap_unit)
        listed.add(unit)
        if unit == material.base_unit:
            continue  # SAP lists the base unit itself as 1/1
        with about(f"unit {uom.sap_unit}"):
            if uom.delete:
                if await inventory_repo.material_unit_get(conn, material.id, unit) is not None:
                    version = await units.delete_alternative_in(conn, caller, material.id, unit)
                    material = msgspec.structs.replace(material, version=version)
                    done.append(f"unit {unit} removed")
                continue
            ratio = AlternativeUnitPut(numerator=uom.numerator, denominator=uom.denominator)
            _, version = await units.put_alternative_in(conn, caller, material, unit, ratio)
        if version != material.version:
            material = msgspec.structs.replace(material, version=version)
            done.append(f"unit {unit} set")
    if master.complete:
        for stale in await inventory_repo.material_units_of(conn, material.id):
            if stale.unit not in listed:
                await units.delete_alternative_in(conn, caller, material.id, stale.unit)
                done.append(f"unit {stale.unit} removed")
    return done


async def _sync_plants(
    conn: asyncpg.Connection, caller: Caller, material: Material, master: MaterialMaster
) -> list[str]:
    if not master.plants:
        return []
    mapped = {p.werks: p.plant_id for p in await repo.plants_all(conn)}
    done: list[str] = []
    for plant in master.plants:
        subject = f"plant {plant.werks}"
        with about(subject):
            plant_id = _plant_id(caller, mapped, plant.werks)
            if plant_id is None:
                done.append(f"{subject} skipped (not run in Unison)")
                continue
            outcome = await _sync_plant(conn, caller, material, plant, plant_id)
        if outcome:
            done.append(f"{subject} {outcome}")
    return done


def _plant_id(caller: Caller, mapped: dict[str, UUID | None], werks: str) -> UUID | None:
    if werks not in mapped:
        raise Invalid(
            f"SAP plant {werks} is not mapped to a Unison plant: PUT {PLANTS_URL}/{werks}"
            ' with {"plant_id": "<Unison plant id>"} (or null to skip it), then replay'
        )
    plant_id = mapped[werks]
    if plant_id is not None and plant_id not in caller.tenant.plant_ids:
        raise Invalid(
            f"SAP plant {werks} is Unison plant {plant_id}, which {caller.tenant.user_id}"
            " may not act on"
        )
    return plant_id


async def _sync_plant(
    conn: asyncpg.Connection,
    caller: Caller,
    material: Material,
    plant: PlantMaster,
    plant_id: UUID,
) -> str | None:
    current = await inventory_repo.material_plant_lock(conn, material.id, plant_id)
    if plant.delete:
        if current is None:
            return None
        await plants.delete_in(conn, caller, current)
        return "removed"
    stored: dict[str, Any] = msgspec.structs.asdict(current) if current is not None else {}

    def given(name: str, value: Any, default: Any) -> Any:
        return stored.get(name, default) if value is UNSET else value

    procurement = plant.procurement if isinstance(plant.procurement, str) else None
    default_procurement: ProcurementType = "buy" if material.type in _PURCHASED else "make"
    data = PlantDataPut(
        procurement_type=_PROCUREMENT.get(procurement or "")
        or stored.get("procurement_type", default_procurement),
        reorder_point=given("reorder_point", plant.reorder_point, Decimal(0)),
        safety_stock=given("safety_stock", plant.safety_stock, Decimal(0)),
        lot_size=given("lot_size", plant.lot_size, None),
        lead_time_days=given("lead_time_days", plant.lead_time_days, 0),
        default_storage_location=given("default_storage_location", plant.storage_location, None),
    )
    saved = await plants.put_in(conn, caller, material.id, plant_id, data)
    flagged = " (flagged for deletion in SAP)" if plant.deletion_flag else ""
    if saved.created:
        return f"created{flagged}"
    if current is not None and saved.plant_data.version != current.version:
        return f"changed{flagged}"
    return f"unchanged{flagged}" if flagged else None
