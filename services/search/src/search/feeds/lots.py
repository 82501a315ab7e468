"""Inventory's lots. There is no lot-created event: a lot appears with the first goods
movement that names it (``inventory.goods_movement.posted``; receipts create lots
released) and changes status by ``inventory.lot.status_changed`` (a lot created held says
so with ``previous`` None). A movement only adds a lot the index lacks, so it never
undoes a status. The rebuild reads ``GET /api/inventory/materials/{id}/lots``.
Organization-wide (lots have no plant)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from search.documents.models import DocumentIn
from search.feeds.index import write
from unison_events.inventory import GoodsMovementPosted, LotStatusChanged
from unison_pg import Queries

ENTITY = "lot"
Q = Queries.load(Path(__file__).with_name("feeds.sql"))


def source(material_id: UUID) -> str:
    return f"/api/inventory/materials/{material_id}/lots"


class Lot(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID
    lot: str
    status: str = "released"
    status_reason: str | None = None


def entity_id(material_id: UUID, lot: str) -> str:
    return f"{material_id}/{lot}"


def document(lot: Lot, changed_at: datetime) -> DocumentIn:
    return DocumentIn(
        entity_type=ENTITY,
        entity_id=entity_id(lot.material_id, lot.lot),
        title=f"Lot {lot.lot}",
        code=lot.lot,
        extra=lot.status_reason or "",
        status=lot.status,
        link=f"/inventory/materials/{lot.material_id}/lots/{lot.lot}",
        changed_at=changed_at,
    )


def from_status_changed(event: LotStatusChanged) -> DocumentIn:
    lot = Lot(
        material_id=event.material_id,
        lot=event.lot,
        status=event.status,
        status_reason=event.reason,
    )
    return document(lot, event.occurred_at)


def received(event: GoodsMovementPosted) -> list[DocumentIn]:
    """The lots a movement brings in (released, as receipts create them), once each."""
    if event.reversal_of is not None:
        return []
    keys = {(line.material_id, line.lot) for line in event.lines if line.lot and line.quantity > 0}
    return [document(Lot(material_id=m, lot=lot), event.occurred_at) for m, lot in sorted(keys)]


async def on_lot_status_changed(conn: asyncpg.Connection, event: LotStatusChanged) -> None:
    await write(conn, [from_status_changed(event)])


async def on_goods_movement(conn: asyncpg.Connection, event: GoodsMovementPosted) -> None:
    docs = received(event)
    if not docs:
        return
    known = {r[0] for r in await conn.fetch(Q.known, ENTITY, [d.entity_id for d in docs])}
    await write(conn, [d for d in docs if d.entity_id not in known])
