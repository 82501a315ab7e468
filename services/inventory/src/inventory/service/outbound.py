"""What other services and live clients hear about materials, sent inside the same
transaction as the change: an event on the bus and a small live-update NOTIFY."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory.ledger_repo import Header, LedgerLine, Line, show_lot
from inventory.models import GoodsMovement, Material
from inventory.service.caller import Caller
from inventory.stock_models import LotRecord
from unison_bus import LiveUpdate, notify_live, publish, publish_many
from unison_events.inventory import (
    GoodsMovementPosted,
    GoodsMovementPostedLine,
    GoodsMovementRestatedLine,
    LotStatusChanged,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
)


def _snapshot(material: Material) -> dict[str, object]:
    return {
        "material_id": material.id,
        "number": material.number,
        "description": material.description,
        "type": material.type,
        "base_unit": material.base_unit,
        "status": material.status,
        "material_group": material.material_group,
        "version": material.version,
    }


async def _live(conn: asyncpg.Connection, caller: Caller, kind: str, material_id: str) -> None:
    await notify_live(
        conn,
        LiveUpdate(
            type=f"inventory.material.{kind}",
            id=material_id,
            organization_id=caller.tenant.organization_id,
        ),
    )


async def material_created(conn: asyncpg.Connection, caller: Caller, material: Material) -> None:
    snapshot = {**_snapshot(material), "organization_id": caller.tenant.organization_id}
    await publish(conn, msgspec.convert(snapshot, MaterialCreated))
    await _live(conn, caller, "created", str(material.id))


async def material_changed(
    conn: asyncpg.Connection, caller: Caller, material: Material, fields: list[str]
) -> None:
    snapshot = {
        **_snapshot(material),
        "organization_id": caller.tenant.organization_id,
        "changed_fields": fields,
    }
    await publish(conn, msgspec.convert(snapshot, MaterialChanged))
    await _live(conn, caller, "changed", str(material.id))


async def material_deleted(conn: asyncpg.Connection, caller: Caller, material: Material) -> None:
    org = caller.tenant.organization_id
    await publish(
        conn, MaterialDeleted(organization_id=org, material_id=material.id, number=material.number)
    )
    await _live(conn, caller, "deleted", str(material.id))


def restated_lines(
    restated: Sequence[tuple[LedgerLine, Decimal]], units: dict[UUID, str]
) -> tuple[GoodsMovementRestatedLine, ...]:
    """Earlier lines a back-dated posting restated, as the event tells them."""
    return tuple(
        GoodsMovementRestatedLine(
            movement_id=x.movement_id,
            movement_type=x.movement_type,
            posting_date=x.posting_date,
            line_no=x.line_no,
            material_id=x.material_id,
            plant_id=x.plant_id,
            location_id=x.location_id,
            lot=show_lot(x.lot),
            quantity=x.quantity,
            unit=units.get(x.material_id, x.entry_unit),
            category=x.category,
            entry_quantity=x.entry_quantity,
            entry_unit=x.entry_unit,
            value=x.value,
            reservation_id=x.reservation_id,
            previous_value=previous,
        )
        for x, previous in restated
    )


async def goods_movement_posted(
    conn: asyncpg.Connection,
    caller: Caller,
    movement: GoodsMovement,
    restated: tuple[GoodsMovementRestatedLine, ...] = (),
) -> None:
    org = caller.tenant.organization_id
    lines = tuple(
        GoodsMovementPostedLine(
            material_id=line.material_id,
            plant_id=line.plant_id,
            location_id=line.location_id,
            lot=line.lot,
            quantity=line.quantity,
            unit=line.unit,
            category=line.category,
            entry_quantity=line.entry_quantity,
            entry_unit=line.entry_unit,
            value=line.value,
            reservation_id=line.reservation_id,
            serials=tuple(line.serials or ()),
            line_no=line.line_no,
        )
        for line in movement.lines
    )
    event = GoodsMovementPosted(
        organization_id=org,
        plant_id=movement.plant_id,
        movement_id=movement.id,
        movement_type=movement.movement_type,
        posting_date=movement.posting_date,
        reference=movement.reference,
        reversal_of=movement.reversal_of,
        lines=lines,
        restated=restated,
    )
    await publish(conn, event)
    update = LiveUpdate(
        type="inventory.goods_movement.posted",
        id=str(movement.id),
        organization_id=org,
        plant_id=movement.plant_id,
        data={"movement_type": movement.movement_type},
    )
    await notify_live(conn, update)


async def lot_status_changed(
    conn: asyncpg.Connection, caller: Caller, lot: LotRecord, previous: str | None
) -> None:
    org = caller.tenant.organization_id
    await publish(
        conn,
        LotStatusChanged(
            organization_id=org,
            material_id=lot.material_id,
            lot=lot.lot,
            status=lot.status,
            previous=previous,
            reason=lot.status_reason,
        ),
    )
    await notify_live(
        conn,
        LiveUpdate(
            type="inventory.lot.status_changed",
            id=f"{lot.material_id}/{lot.lot}",
            organization_id=org,
            data={"status": lot.status},
        ),
    )


async def goods_movements_written(
    conn: asyncpg.Connection,
    caller: Caller,
    headers: list[Header],
    lines: list[Line],
    units: dict[UUID, str],
    restated: tuple[GoodsMovementRestatedLine, ...] = (),
) -> None:
    """One ``goods_movement.posted`` per document of a batch, from the lines as written,
    sent in one round trip (the first carries the lines the batch restated); one live
    update for the whole batch."""
    org = caller.tenant.organization_id
    by_document: dict[UUID, list[GoodsMovementPostedLine]] = {h.id: [] for h in headers}
    for x in lines:
        by_document[x.movement_id].append(
            GoodsMovementPostedLine(
                material_id=x.material_id,
                plant_id=x.plant_id,
                location_id=x.location_id,
                lot=show_lot(x.lot),
                quantity=x.quantity,
                unit=units.get(x.material_id, x.entry_unit),
                category=x.category,
                entry_quantity=x.entry_quantity,
                entry_unit=x.entry_unit,
                value=x.value,
                reservation_id=x.reservation_id,
                serials=x.serials,
                line_no=x.line_no,
            )
        )
    events = [
        GoodsMovementPosted(
            organization_id=org,
            plant_id=h.plant_id,
            movement_id=h.id,
            movement_type=h.movement_type,
            posting_date=h.posting_date,
            reference=h.reference,
            reversal_of=h.reversal_of,
            lines=tuple(by_document[h.id]),
            restated=restated if n == 0 else (),
        )
        for n, h in enumerate(headers)
    ]
    await publish_many(conn, events)
    for plant_id in sorted({h.plant_id for h in headers}, key=str):
        await notify_live(
            conn,
            LiveUpdate(
                type="inventory.goods_movement.batch_posted",
                id=str(headers[0].id),
                organization_id=org,
                plant_id=plant_id,
                data={"documents": sum(1 for h in headers if h.plant_id == plant_id)},
            ),
        )
