"""What production, search and live clients hear about BOMs, sent inside the transaction of
the change: ``inventory.bom.released`` and ``inventory.bom.changed``, and a live update."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import asyncpg

from inventory.bom_repo import BomRow, ItemRow
from inventory.service.bom_views import shown
from inventory.service.caller import Caller
from unison_bus import LiveUpdate, notify_live, publish
from unison_events.inventory import BomChanged, BomReleased, BomReleasedItem

Change = Literal["created", "updated", "deleted", "superseded", "ended", "obsoleted"]


async def _live(conn: asyncpg.Connection, caller: Caller, kind: str, row: BomRow) -> None:
    update = LiveUpdate(
        type=f"inventory.bom.{kind}",
        id=str(row.id),
        organization_id=caller.tenant.organization_id,
        plant_id=row.plant_id,
        data={"material_id": str(row.material_id)},
    )
    await notify_live(conn, update)


def _item(item: ItemRow) -> BomReleasedItem:
    return BomReleasedItem(
        item_number=item.item_number,
        component_id=item.component_id,
        category=item.category,
        phantom=item.phantom,
        quantity=item.quantity,
        unit=item.unit,
        base_quantity=shown(item.base_num, item.base_den),
        base_unit=item.component_base_unit,
        scrap_percent=item.scrap_percent,
        operation=item.operation,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
    )


async def released(
    conn: asyncpg.Connection,
    caller: Caller,
    row: BomRow,
    items: list[ItemRow],
    supersedes: list[UUID],
) -> None:
    event = BomReleased(
        organization_id=caller.tenant.organization_id,
        plant_id=row.plant_id,
        bom_id=row.id,
        material_id=row.material_id,
        usage=row.usage,
        alternative=row.alternative,
        revision=row.revision,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        base_quantity=row.base_quantity,
        base_unit=row.base_unit,
        change_number=row.change_number,
        supersedes=tuple(supersedes),
        items=tuple(_item(i) for i in items),
        version=row.version,
    )
    await publish(conn, event)
    await _live(conn, caller, "released", row)


async def changed(conn: asyncpg.Connection, caller: Caller, row: BomRow, change: Change) -> None:
    event = BomChanged(
        organization_id=caller.tenant.organization_id,
        plant_id=row.plant_id,
        bom_id=row.id,
        material_id=row.material_id,
        usage=row.usage,
        alternative=row.alternative,
        revision=row.revision,
        status=row.status,
        change=change,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        version=row.version,
    )
    await publish(conn, event)
    await _live(conn, caller, "changed", row)
