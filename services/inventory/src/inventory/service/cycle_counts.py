"""Cycle count sheets: made for a plant with the book quantities frozen, read, listed,
changed (reference, tolerances) and cancelled. Counting and posting: ``cycle_count_posting``.

A sheet in a plant outside the caller's token is answered like one that does not exist
(404): RLS hides it anyway, and the answer must not tell one case from the other. Every
change names the version it was made from (``If-Match``) and takes the sheet's row lock,
so two counters never overwrite each other unseen.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import cycle_count_repo, reorder, stock_repo
from inventory.cycle_count_repo import Candidate
from inventory.replenishment_models import (
    MAX_LINES,
    CycleCount,
    CycleCountCreate,
    CycleCountLine,
    CycleCountStatus,
    CycleCountUpdate,
)
from inventory.service import checks
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed
from unison_web.paging import Page, decode_cursor, encode_cursor

CHANGEABLE: tuple[CycleCountStatus, ...] = ("open", "counted", "recount_requested")


def not_found(sheet_id: UUID) -> NotFound:
    return NotFound(f"cycle count {sheet_id} does not exist")


def with_flags(sheet: CycleCount, lines: list[CycleCountLine]) -> CycleCount:
    """The sheet with its lines, each marked when its difference is out of tolerance."""
    for line in lines:
        if line.difference is not None and line.book_at_count is not None:
            line.out_of_tolerance = reorder.out_of_tolerance(
                line.difference,
                line.book_at_count,
                sheet.tolerance_percent,
                sheet.tolerance_quantity,
            )
    sheet.lines = lines
    return sheet


async def locked(conn: asyncpg.Connection, sheet_id: UUID, expected_version: int) -> CycleCount:
    """Lock the sheet for this transaction; refuse if the caller saw another version."""
    sheet = await cycle_count_repo.lock(conn, sheet_id)
    if sheet is None:
        raise not_found(sheet_id)
    if sheet.version != expected_version:
        raise PreconditionFailed(
            f"cycle count {sheet_id} is at version {sheet.version}, not {expected_version};"
            " read it again and retry"
        )
    return sheet


def refuse_unless(sheet: CycleCount, allowed: tuple[CycleCountStatus, ...], action: str) -> None:
    if sheet.status not in allowed:
        raise Conflict(f"cycle count {sheet.id} is {sheet.status.replace('_', ' ')}: {action}")


def _tolerances(
    percent: Decimal | None, quantity: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    checks.optional_decimal(percent, "/tolerance_percent")
    checks.optional_decimal(quantity, "/tolerance_quantity")
    if percent is not None and percent > 100:
        raise Invalid("at most 100", "/tolerance_percent")
    return percent, quantity


def _normalized(data: CycleCountCreate) -> CycleCountCreate:
    """Trimmed text, checked tolerances, duplicates dropped (first one kept)."""
    _tolerances(data.tolerance_percent, data.tolerance_quantity)
    if not (data.location_ids or data.material_ids or data.items):
        raise Invalid("name location_ids, material_ids or items to count", "/location_ids")
    return msgspec.structs.replace(
        data,
        reference=checks.optional_text(data.reference, "/reference", 100),
        location_ids=list(dict.fromkeys(data.location_ids)),
        material_ids=list(dict.fromkeys(data.material_ids)),
    )


async def _check_references(conn: asyncpg.Connection, data: CycleCountCreate) -> None:
    """Every location is in the sheet's plant and every material exists."""
    locations = [(f"/location_ids/{i}", loc) for i, loc in enumerate(data.location_ids)]
    locations += [(f"/items/{i}/location_id", it.location_id) for i, it in enumerate(data.items)]
    materials = [(f"/material_ids/{i}", mat) for i, mat in enumerate(data.material_ids)]
    materials += [(f"/items/{i}/material_id", it.material_id) for i, it in enumerate(data.items)]
    known_locations = await stock_repo.locations_in_plant(
        conn, data.plant_id, list({loc for _, loc in locations})
    )
    for pointer, location_id in locations:
        if location_id not in known_locations:
            raise Invalid("no such storage location in this plant", pointer)
    known_materials = await cycle_count_repo.materials_existing(
        conn, list({mat for _, mat in materials})
    )
    for pointer, material_id in materials:
        if material_id not in known_materials:
            raise Invalid(f"material {material_id} does not exist", pointer)


def _check_candidates(items: list[Candidate]) -> None:
    if not items:
        raise Invalid(
            "nothing to count: no stock where chosen (include_zero, or items, count empty places)",
            "/location_ids",
        )
    if len(items) > MAX_LINES:
        raise Invalid(
            f"more than {MAX_LINES} lines: count fewer locations or materials per sheet",
            "/location_ids",
        )
    busy = [item for item in items if item.active_sheet_id is not None]
    if busy:
        raise Conflict(
            f"{len(busy)} of the items are on another cycle count that is not posted or"
            " cancelled yet",
            errors=[
                {
                    "pointer": "",
                    "detail": f"material {item.material_id} in location {item.location_id}"
                    f"{f' lot {item.lot}' if item.lot else ''} is on cycle count"
                    f" {item.active_sheet_id}",
                }
                for item in busy[:20]
            ],
        )


async def create(db: Database, caller: Caller, data: CycleCountCreate) -> CycleCount:
    """Make an open sheet: one line per item, in walking order, its book quantity frozen."""
    if data.plant_id not in caller.tenant.plant_ids:
        raise NotFound(f"plant {data.plant_id} does not exist")
    fields = _normalized(data)
    async with db.transaction(caller.tenant) as conn:
        await _check_references(conn, fields)
        items = await cycle_count_repo.candidates(conn, fields, MAX_LINES + 1)
        _check_candidates(items)
        sheet = await cycle_count_repo.insert(conn, fields, len(items))
        try:
            await cycle_count_repo.lines_insert(conn, sheet, items)
        except asyncpg.UniqueViolationError:
            raise Conflict(
                "an item went on another cycle count at the same moment; retry"
            ) from None
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet.id))


async def get(db: Database, caller: Caller, sheet_id: UUID) -> CycleCount:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        sheet = await cycle_count_repo.get(conn, sheet_id)
        if sheet is None:
            raise not_found(sheet_id)
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id))


async def list_sheets(
    db: Database,
    caller: Caller,
    plant_id: UUID | None,
    status: CycleCountStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[CycleCount]:
    """Sheets newest first (without their lines)."""
    before = None
    if cursor is not None:
        try:
            before = UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise Invalid("cursor is not valid", "/cursor") from exc
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await cycle_count_repo.page(conn, plant_id, status, before, limit + 1)
    items = rows[:limit]
    next_cursor = encode_cursor([str(items[-1].id)]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


async def update(
    db: Database, caller: Caller, sheet_id: UUID, patch: CycleCountUpdate, expected_version: int
) -> CycleCount:
    """Change the reference or the tolerances until the sheet is posted or cancelled."""
    async with db.transaction(caller.tenant) as conn:
        sheet = await locked(conn, sheet_id, expected_version)
        refuse_unless(sheet, CHANGEABLE, "it cannot change any more")
        reference = sheet.reference
        if patch.reference is not msgspec.UNSET:
            reference = checks.optional_text(patch.reference, "/reference", 100)
        percent, quantity = _tolerances(
            sheet.tolerance_percent
            if patch.tolerance_percent is msgspec.UNSET
            else patch.tolerance_percent,
            sheet.tolerance_quantity
            if patch.tolerance_quantity is msgspec.UNSET
            else patch.tolerance_quantity,
        )
        if (reference, percent, quantity) != (
            sheet.reference,
            sheet.tolerance_percent,
            sheet.tolerance_quantity,
        ):
            sheet = await cycle_count_repo.update(conn, sheet_id, reference, percent, quantity)
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id))


async def cancel(db: Database, caller: Caller, sheet_id: UUID, expected_version: int) -> CycleCount:
    """Drop a sheet without booking anything; its items may go on another sheet."""
    async with db.transaction(caller.tenant) as conn:
        sheet = await locked(conn, sheet_id, expected_version)
        refuse_unless(sheet, CHANGEABLE, "it cannot be cancelled")
        await cycle_count_repo.lines_close(conn, sheet_id)
        sheet = await cycle_count_repo.set_status(
            conn, sheet_id, "cancelled", sheet.uncounted_lines
        )
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id))
