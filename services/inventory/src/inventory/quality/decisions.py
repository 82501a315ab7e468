"""A usage decision that lifts a lot hold: accepted releases the lot, rejected blocks it,
partially accepted releases it and moves the rejected quantity from unrestricted into
blocked stock of the lot (344), all or nothing in the caller's transaction."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg

from inventory.ledger_repo import PostingMaterial
from inventory.models import GoodsMovement
from inventory.quality import documents, lot_status, repo, stock_places
from inventory.service.caller import Caller
from inventory.stock_models import LotStatus
from unison_events.quality import InspectionDecided
from unison_web import Conflict, Invalid

STATUS: dict[str, LotStatus] = {
    "accepted": "released",
    "rejected": "blocked",
    "partially_accepted": "released",
}


def reference(decision: InspectionDecided) -> str:
    """The inspection's number, or its id when the decision names none."""
    return decision.inspection_number or str(decision.inspection_id)


async def _block_rejected(
    conn: asyncpg.Connection,
    caller: Caller,
    decision: InspectionDecided,
    material: PostingMaterial,
    plant_id: UUID,
) -> list[GoodsMovement]:
    assert decision.lot is not None
    pointer = "/rejected_quantity"
    unit = decision.unit or material.base_unit
    rejected = await stock_places.to_base(conn, material, decision.rejected_quantity, unit, pointer)
    places = await repo.lot_places(conn, plant_id, material.id, [decision.lot])
    takes = stock_places.take(places, decision.lot, rejected, ("unrestricted",))
    if takes is None:
        have = stock_places.available(places, decision.lot, "unrestricted")
        detail = (
            f"unrestricted {have} {material.base_unit} in the plant,"
            f" rejected {rejected} {material.base_unit}"
        )
        raise Conflict(
            f"not enough stock of lot {decision.lot} of {material.number} to block the"
            f" rejected quantity: {detail}",
            errors=[{"pointer": pointer, "detail": detail}],
        )
    lines = [
        (pointer, documents.line(material, plant_id, decision.lot, x, named_category=False))
        for x in takes
    ]
    number = documents.checked_reference(reference(decision), "/inspection_number")
    return await documents.post(conn, caller, plant_id, "344", number, lines)


async def carry_out(
    conn: asyncpg.Connection, caller: Caller, decision: InspectionDecided, plant_id: UUID
) -> list[GoodsMovement]:
    """The lot's new status and, for a partial acceptance, the 344 document."""
    status = STATUS.get(decision.decision)
    if status is None:
        raise Invalid(f"must be one of {', '.join(STATUS)}", "/decision")
    if decision.lot is None:
        raise Invalid("a decision lifting a hold names the lot", "/lot")
    material = await stock_places.material(conn, decision.material_id)
    reason = f"usage decision {reference(decision)}: {decision.decision.replace('_', ' ')}"
    await lot_status.decide(conn, caller, material, decision.lot, status, reason, "/lot")
    if decision.decision != "partially_accepted" or decision.rejected_quantity == Decimal(0):
        return []
    return await _block_rejected(conn, caller, decision, material, plant_id)
