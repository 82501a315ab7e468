"""Counting a sheet and posting it.

Stock may move while a sheet is out (SAP blocks postings on items being counted; here
nothing stops production). A count is therefore compared with the book as it stands when
the count is entered, not with the book frozen when the sheet was made: a goods issue
before the count is already in both the shelf and the book, one after the count in
neither the count nor ``book_at_count``. Posting books ``counted - book_at_count`` onto
whatever the stock is by then, so every movement is kept and the count's own difference
is added once. (Against the frozen book, SAP's rule, an issue during the count would be
booked a second time; against the book at posting, one after the count would be undone.)
Lines whose stock moved are marked ``moved_during_count``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import cast
from uuid import UUID

import asyncpg

from inventory import cycle_count_repo
from inventory.models import (
    GoodsMovement,
    GoodsMovementCreate,
    GoodsMovementLineCreate,
    PostedMovementType,
)
from inventory.replenishment_models import (
    CountEntries,
    CycleCount,
    CycleCountLine,
    CycleCountPosting,
    RecountRequest,
)
from inventory.service import checks, movements, replenishment
from inventory.service.caller import Caller
from inventory.service.cycle_counts import CHANGEABLE, locked, refuse_unless, with_flags
from unison_bus import publish
from unison_events.inventory import CycleCountPosted, CycleCountPostedLine
from unison_pg import Database
from unison_web import Conflict, Invalid

ZERO = Decimal(0)
SURPLUS = "701"
DEFICIT = "702"


def _check_entries(entries: CountEntries) -> None:
    seen: set[int] = set()
    for index, entry in enumerate(entries.lines):
        if entry.line_no in seen:
            raise Invalid("this line is counted twice in the request", f"/lines/{index}/line_no")
        seen.add(entry.line_no)
        checks.decimal(entry.counted_quantity, f"/lines/{index}/counted_quantity")


async def enter_counts(
    db: Database, caller: Caller, sheet_id: UUID, entries: CountEntries, expected_version: int
) -> CycleCount:
    """Enter (or correct) counted quantities; the last missing count makes it ``counted``."""
    _check_entries(entries)
    line_nos = [entry.line_no for entry in entries.lines]
    async with db.transaction(caller.tenant) as conn:
        sheet = await locked(conn, sheet_id, expected_version)
        refuse_unless(sheet, CHANGEABLE, "counts cannot be entered any more")
        states = await cycle_count_repo.lines_state(conn, sheet_id, line_nos)
        for index, line_no in enumerate(line_nos):
            if line_no not in states:
                raise Invalid("no such line on this sheet", f"/lines/{index}/line_no")
        newly_counted = sum(1 for state in states.values() if not state.counted)
        await cycle_count_repo.lines_enter(
            conn, sheet_id, line_nos, [entry.counted_quantity for entry in entries.lines]
        )
        uncounted = sheet.uncounted_lines - newly_counted
        status = "counted" if uncounted == 0 else sheet.status
        sheet = await cycle_count_repo.set_status(conn, sheet_id, status, uncounted)
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id))


def _recount_lines(lines: list[CycleCountLine], request: RecountRequest) -> list[int]:
    if request.line_nos is None:
        chosen = [line.line_no for line in lines if line.out_of_tolerance]
        if not chosen:
            raise Conflict("no counted line is out of the sheet's tolerance")
        return chosen
    by_no = {line.line_no: line for line in lines}
    for index, line_no in enumerate(request.line_nos):
        line = by_no.get(line_no)
        if line is None:
            raise Invalid("no such line on this sheet", f"/line_nos/{index}")
        if line.counted_quantity is None:
            raise Invalid("this line has no count yet", f"/line_nos/{index}")
    return list(dict.fromkeys(request.line_nos))


async def request_recount(
    db: Database, caller: Caller, sheet_id: UUID, request: RecountRequest, expected_version: int
) -> CycleCount:
    """Clear the counts of the named lines (default: those out of tolerance) for a recount;
    the replaced count is kept on the line."""
    async with db.transaction(caller.tenant) as conn:
        sheet = await locked(conn, sheet_id, expected_version)
        refuse_unless(sheet, ("counted", "recount_requested"), "only counted lines are recounted")
        lines = with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id)).lines
        chosen = _recount_lines(lines, request)
        await cycle_count_repo.lines_recount(conn, sheet_id, chosen)
        sheet = await cycle_count_repo.set_status(
            conn, sheet_id, "recount_requested", sheet.uncounted_lines + len(chosen)
        )
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id))


async def _book(
    conn: asyncpg.Connection,
    caller: Caller,
    sheet: CycleCount,
    movement_type: str,
    lines: list[CycleCountLine],
    posting_date: date,
) -> GoodsMovement | None:
    """One goods movement document for the lines of one direction (none without lines)."""
    if not lines:
        return None
    document = GoodsMovementCreate(
        posting_date=posting_date,
        # 701/702 are posted by cycle counts only, never through the goods movement API.
        movement_type=cast(PostedMovementType, movement_type),
        reference=f"cycle count {sheet.id}",
        lines=[
            GoodsMovementLineCreate(
                material_id=line.material_id,
                plant_id=sheet.plant_id,
                location_id=line.location_id,
                lot=line.lot,
                quantity=abs(line.difference or ZERO),
                unit=line.unit,
            )
            for line in lines
        ],
    )
    try:
        return await movements.post_in(conn, caller, document)
    except Conflict as exc:
        # The document's line N is sheet line lines[N]: say which line the stock is short on.
        errors = []
        for error in exc.errors:
            parts = error.get("pointer", "").split("/")
            if len(parts) > 2 and parts[1] == "lines" and parts[2].isdigit():
                line_no = lines[int(parts[2])].line_no
                errors.append({"pointer": "", "detail": f"line {line_no}: {error['detail']}"})
        raise Conflict(
            f"the deficit cannot be booked, stock moved after the count ({exc.detail});"
            " recount the lines named",
            errors=errors,
        ) from None


def _event(caller: Caller, sheet: CycleCount, booked: list[CycleCountLine]) -> CycleCountPosted:
    if sheet.posting_date is None:
        raise ValueError("a posted sheet has a posting date")
    return CycleCountPosted(
        organization_id=caller.tenant.organization_id,
        plant_id=sheet.plant_id,
        cycle_count_id=sheet.id,
        reference=sheet.reference,
        posting_date=sheet.posting_date,
        line_count=sheet.line_count,
        surplus_movement_id=sheet.surplus_movement_id,
        deficit_movement_id=sheet.deficit_movement_id,
        lines=tuple(
            CycleCountPostedLine(
                material_id=line.material_id,
                location_id=line.location_id,
                lot=line.lot,
                book_at_count=line.book_at_count or ZERO,
                counted_quantity=line.counted_quantity or ZERO,
                difference=line.difference or ZERO,
                unit=line.unit,
            )
            for line in booked
        ),
    )


async def post(
    db: Database, caller: Caller, sheet_id: UUID, posting: CycleCountPosting, expected_version: int
) -> CycleCount:
    """Book the differences (701 surplus, 702 deficit) and close the sheet, in one
    transaction; then tell it, and any reorder point crossing it caused."""
    posting_date = posting.posting_date or datetime.now(UTC).date()
    async with db.transaction(caller.tenant) as conn:
        sheet = await locked(conn, sheet_id, expected_version)
        refuse_unless(sheet, ("counted",), "only a fully counted sheet is posted")
        lines = await cycle_count_repo.lines_of(conn, sheet_id)
        surplus = [line for line in lines if (line.difference or ZERO) > 0]
        deficit = [line for line in lines if (line.difference or ZERO) < 0]
        surplus_doc = await _book(conn, caller, sheet, SURPLUS, surplus, posting_date)
        deficit_doc = await _book(conn, caller, sheet, DEFICIT, deficit, posting_date)
        await cycle_count_repo.lines_close(conn, sheet_id)
        sheet = await cycle_count_repo.posted(
            conn,
            sheet_id,
            posting_date,
            surplus_doc.id if surplus_doc is not None else None,
            deficit_doc.id if deficit_doc is not None else None,
        )
        await publish(conn, _event(caller, sheet, surplus + deficit))
        moved = list(dict.fromkeys(line.material_id for line in surplus + deficit))
        if moved:
            await replenishment.check_in(conn, caller, moved)
        return with_flags(sheet, await cycle_count_repo.lines_of(conn, sheet_id))
