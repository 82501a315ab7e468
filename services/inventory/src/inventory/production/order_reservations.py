"""An order's reservations follow the order: reserved when it is released, adjusted when it
is released again, released when it is cancelled or closed.

The reservations of one order are those with ``reference`` = its number in its plant,
one per component (material, location, lot). A release reserves what the order still
needs of each: the component's quantity less what was already withdrawn for it (from any
of its reservations, a cancelled one too), so a reopened order released again neither
doubles the reservation nor asks again for what it already took.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import ledger_repo, stock_store
from inventory.production import repo
from inventory.production.models import OrderReservation
from inventory.service import checks, posting, reservations
from inventory.service.caller import Caller
from inventory.stock_models import ReservationLineCreate, ReservationsCreate
from unison_events.production import WorkOrderReleased, WorkOrderStatusChanged
from unison_web import Invalid

# What the order needs of a material at a location and lot (None = anywhere, any lot).
Key = tuple[UUID, UUID | None, str | None]


class Adjustment(msgspec.Struct, kw_only=True):
    """How an order's reservations change: open ones cancelled, kept ones given a new
    quantity (in the base unit, withdrawals included), new ones added."""

    cancel: list[UUID] = msgspec.field(default_factory=list)
    resize: list[tuple[UUID, Decimal]] = msgspec.field(default_factory=list)
    add: list[tuple[Key, Decimal]] = msgspec.field(default_factory=list)


def adjustment(
    wanted: dict[Key, Decimal], existing: list[OrderReservation], dated_alike: bool
) -> Adjustment:
    """The change from ``existing`` to ``wanted`` (the base quantities the order needs in
    all). One open reservation per key is kept and resized, so issues naming it go on
    withdrawing from it; ``dated_alike`` False resizes every kept one (a new date)."""
    by_key: dict[Key, list[OrderReservation]] = defaultdict(list)
    for reservation in existing:
        by_key[(reservation.material_id, reservation.location_id, reservation.lot)].append(
            reservation
        )
    change = Adjustment()
    for key in sorted({*wanted, *by_key}, key=str):
        rows = by_key.get(key, [])
        withdrawn = sum((r.withdrawn for r in rows), Decimal(0))
        outstanding = max(wanted.get(key, Decimal(0)) - withdrawn, Decimal(0))
        open_rows = [r for r in rows if r.status == "open"]
        if not open_rows:
            if outstanding > 0:
                change.add.append((key, outstanding))
            continue
        kept, *others = open_rows
        change.cancel.extend(r.id for r in others)
        quantity = kept.withdrawn + outstanding
        if quantity == 0:
            change.cancel.append(kept.id)
        elif quantity != kept.quantity or not dated_alike:
            change.resize.append((kept.id, quantity))
    return change


async def _wanted(conn: asyncpg.Connection, event: WorkOrderReleased) -> dict[Key, Decimal]:
    """What the order consumes, summed per key, in each material's base unit."""
    consumed = [(i, c) for i, c in enumerate(event.components) if not c.by_product]
    found = await ledger_repo.materials(conn, sorted({c.material_id for _, c in consumed}))
    codes = {checks.unit_code(c.unit) for _, c in consumed}
    for known in found.values():
        codes |= {known.base_unit, *known.alt_units}
    units = await posting.units_for(conn, codes)
    wanted: dict[Key, Decimal] = defaultdict(Decimal)
    for index, component in consumed:
        at = f"/components/{index}"
        material = found.get(component.material_id)
        if material is None:
            raise Invalid(f"material {component.material_id} does not exist", f"{at}/material_id")
        checks.decimal(component.quantity, f"{at}/quantity", positive=True)
        unit = checks.unit_code(component.unit)
        base = posting.base_quantity(material, units, component.quantity, unit, at)
        lot = (component.lot or "").strip() or None
        wanted[(material.id, component.location_id, lot)] += base
    return wanted


async def reserve(
    conn: asyncpg.Connection, caller: Caller, event: WorkOrderReleased, plant_id: UUID
) -> None:
    """Reserve the released order's components (a shortage too: it is still a
    requirement), adjusting what an earlier release of the same order reserved."""
    reference = checks.text(event.number, "/number", 100)
    await repo.order_lock(conn, reference)
    wanted = await _wanted(conn, event)
    existing = await repo.order_reservations(conn, reference, plant_id)
    dated_alike = all(r.requirement_date == event.requirement_date for r in existing)
    change = adjustment(wanted, existing, dated_alike)
    if change.cancel:
        await stock_store.reservations_cancel(conn, change.cancel)
    if change.resize:
        await repo.order_reservations_resize(conn, change.resize, event.requirement_date)
    if not change.add:
        return
    found = await ledger_repo.materials(conn, sorted({key[0] for key, _ in change.add}))
    lines = [
        ReservationLineCreate(
            material_id=material_id,
            plant_id=plant_id,
            location_id=location_id,
            lot=lot,
            quantity=quantity,
            unit=found[material_id].base_unit,
        )
        for (material_id, location_id, lot), quantity in change.add
    ]
    create = ReservationsCreate(
        reference=reference,
        requirement_date=event.requirement_date,
        allow_shortage=True,
        lines=lines,
    )
    await reservations.create_in(conn, caller, create)


FINISHED = {"cancelled": "cancelled", "closed": "closed"}


async def finish(conn: asyncpg.Connection, event: WorkOrderStatusChanged) -> None:
    """A cancelled order's open reservations are cancelled, a closed order's closed; what
    was withdrawn stays withdrawn. Other statuses change nothing."""
    ending = FINISHED.get(event.status)
    if ending is None:
        return
    await repo.order_lock(conn, event.number)
    ids = await stock_store.reservations_of_reference_open(conn, event.number)
    if not ids:
        return
    if ending == "cancelled":
        await stock_store.reservations_cancel(conn, ids)
    else:
        await repo.reservations_close(conn, ids)
