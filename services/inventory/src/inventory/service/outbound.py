"""What other services and live clients hear about materials, sent inside the same
transaction as the change: an event on the bus and a small live-update NOTIFY."""

from __future__ import annotations

import asyncpg
import msgspec

from inventory.models import Material
from inventory.service.caller import Caller
from unison_bus import LiveUpdate, notify_live, publish
from unison_events.inventory import MaterialChanged, MaterialCreated, MaterialDeleted


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
