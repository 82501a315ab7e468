"""Quality's requests as the engine's documents: one document per request, dated today,
with the NCR or inspection number as its reference, posted in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from inventory.ledger_repo import NO_LOT, PostingMaterial
from inventory.models import GoodsMovement, GoodsMovementLineCreate, MovementType
from inventory.quality.stock_places import Take
from inventory.service import movements, posting
from inventory.service.caller import Caller
from inventory.service.posting import Document, Requested
from unison_web import Invalid

# As goods_movements.reference.
REFERENCE_LENGTH = 100


def line(
    material: PostingMaterial, plant_id: UUID, lot: str, take: Take, *, named_category: bool
) -> GoodsMovementLineCreate:
    """A line of ``take`` in the base unit. Pairs of categories (343, 344) imply theirs;
    551 and 122 take from the category the line names."""
    return GoodsMovementLineCreate(
        material_id=material.id,
        plant_id=plant_id,
        location_id=take.location_id,
        lot=lot if lot != NO_LOT else None,
        quantity=take.quantity,
        unit=material.base_unit,
        category=take.category if named_category else None,
    )


def checked_reference(reference: str, pointer: str) -> str:
    text = reference.strip()
    if not text or len(text) > REFERENCE_LENGTH:
        raise Invalid(f"must be 1 to {REFERENCE_LENGTH} characters", pointer)
    return text


async def post(
    conn: asyncpg.Connection,
    caller: Caller,
    plant_id: UUID,
    movement_type: MovementType,
    reference: str,
    lines: Sequence[tuple[str, GoodsMovementLineCreate]],
) -> list[GoodsMovement]:
    """``lines`` (each with the pointer into the request a refusal names) as one document;
    nothing to post is no document."""
    if not lines:
        return []
    today = posting.today()
    document = Document(
        plant_id=plant_id, movement_type=movement_type, posting_date=today, reference=reference
    )
    requested = [
        Requested(doc=0, pointer=pointer, movement_type=movement_type, posting_date=today, line=x)
        for pointer, x in lines
    ]
    return await movements.post_documents_in(conn, caller, [document], requested)
