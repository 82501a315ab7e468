"""A lot's status as quality decides it: held (quarantine), released or blocked, each change
published as ``inventory.lot.status_changed`` like a change through the lot API."""

from __future__ import annotations

import re
from uuid import UUID

import asyncpg
import msgspec
import structlog

from inventory import ledger_repo, stock_store
from inventory.service import outbound
from inventory.service.caller import Caller
from inventory.stock_models import LotRecord, LotStatus
from unison_web import Conflict

log = structlog.get_logger("inventory.quality")

# As the lots table's CHECKs on status_reason and the lot number.
REASON_LENGTH = 200
LOT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")


def reason_text(reason: str) -> str:
    text = " ".join(reason.split()) or "quality"
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


async def _change(
    conn: asyncpg.Connection, caller: Caller, current: LotRecord, status: LotStatus, reason: str
) -> None:
    wanted = msgspec.structs.replace(current, status=status, status_reason=reason_text(reason))
    saved = await stock_store.lot_update(conn, wanted)
    await outbound.lot_status_changed(conn, caller, saved, current.status)


async def hold(
    conn: asyncpg.Connection, caller: Caller, material_id: UUID, lot: str, reason: str
) -> None:
    """Put the lot in quarantine; a lot not known yet is created in quarantine, so its stock
    arrives held. A lot held already stays as it is, and so does a blocked one: a hold
    never loosens a stricter decision."""
    current = await stock_store.lot_lock(conn, material_id, lot)
    if current is None:
        # Quality names materials and lots it heard of from inventory: anything else is a
        # contract breach, not a refusal, so the event goes to the dead letters saying why.
        if not LOT_PATTERN.match(lot):
            raise ValueError(f"lot {lot!r} is not a lot number: it is not held")
        if not await ledger_repo.materials(conn, [material_id]):
            raise LookupError(f"material {material_id} does not exist: lot {lot} is not held")
        created = await stock_store.lot_insert(
            conn, material_id, lot, "quarantine", None, None, None, reason_text(reason)
        )
        if created is not None:
            await outbound.lot_status_changed(conn, caller, created, None)
            return
        # Created by a posting meanwhile: hold the lot it created.
        current = await stock_store.lot_lock(conn, material_id, lot)
        assert current is not None
    if current.status != "released":
        log.info("lot_hold_kept", material_id=str(material_id), lot=lot, status=current.status)
        return
    await _change(conn, caller, current, "quarantine", reason)


async def decide(
    conn: asyncpg.Connection,
    caller: Caller,
    material: ledger_repo.PostingMaterial,
    lot: str,
    status: LotStatus,
    reason: str,
    pointer: str,
) -> None:
    """Set an existing lot's status (nothing when it has it already); an unknown lot is
    refused, naming ``pointer``."""
    current = await stock_store.lot_lock(conn, material.id, lot)
    if current is None:
        raise Conflict(
            f"lot {lot} of material {material.number} does not exist",
            errors=[{"pointer": pointer, "detail": "no such lot"}],
        )
    if current.status != status:
        await _change(conn, caller, current, status, reason)
