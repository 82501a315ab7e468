"""Releasing a BOM version: no cycle, no overlap with another released version, the version
it succeeds closed where it starts, all in the caller's transaction.

Cycles are refused in SQL (``bom_cycle_path``), over the organization's whole released
graph (every plant, usage, alternative and validity, whatever the caller's plants). Two
releases that together would close a loop (A uses B here, B uses A there) must not both
pass: each first takes a transaction-scoped advisory lock on the organization's BOM graph,
so the second one's check runs after the first committed and sees its items. A lock rather
than SERIALIZABLE: the recursive walk reads wide ranges, which under SERIALIZABLE fails
unrelated releases with serialization errors that every caller would have to retry, and
BOM releases are rare enough per organization that waiting in line costs nothing.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from inventory import bom_repo
from inventory.bom_repo import BomKey, BomRow, ItemRow
from inventory.service import bom_outbound
from inventory.service.caller import Caller
from unison_web import Conflict

OVERLAP = "boms_released_versions_do_not_overlap"


def key_of(row: BomRow) -> BomKey:
    return BomKey(
        material_id=row.material_id,
        plant_id=row.plant_id,
        usage=row.usage,
        alternative=row.alternative,
    )


async def refuse_cycle(conn: asyncpg.Connection, material_id: UUID, items: list[ItemRow]) -> None:
    """Conflict naming the path (A → B → C → A) if these items would make the assembly
    contain itself."""
    stock = [i for i in items if i.category == "stock"]
    path = await bom_repo.cycle_path(conn, material_id, [i.component_id for i in stock])
    if path is None:
        return
    shown = " → ".join(path)
    first = next((index for index, i in enumerate(items) if i.component_number == path[1]), None)
    pointer = "/items" if first is None else f"/items/{first}/component_id"
    raise Conflict(
        f"the BOM would contain itself: {shown}",
        errors=[{"pointer": pointer, "detail": f"closes the cycle {shown}"}],
    )


def _splits(row: BomRow, other: BomRow) -> bool:
    """Whether ``row`` would cut ``other``'s validity in two (it starts later and ends
    earlier than ``other``)."""
    if row.valid_to is None:
        return False
    return other.valid_to is None or other.valid_to > row.valid_to


async def _make_room(
    conn: asyncpg.Connection, row: BomRow, *, replace: bool
) -> tuple[list[BomRow], list[BomRow]]:
    """Close the version ``row`` succeeds; with ``replace``, withdraw those starting with or
    after it. Returns (superseded, obsoleted)."""
    superseded: list[BomRow] = []
    obsoleted: list[BomRow] = []
    for other in await bom_repo.released_overlapping(
        conn, key_of(row), row.valid_from, row.valid_to
    ):
        if other.valid_from < row.valid_from and not _splits(row, other):
            await bom_repo.close_validity(conn, other.id, row.valid_from)
            superseded.append(other)
        elif other.valid_from >= row.valid_from and replace:
            await bom_repo.set_obsolete(conn, other.id)
            obsoleted.append(other)
        elif other.valid_from < row.valid_from:
            raise Conflict(
                f"revision {other.revision} is valid from {other.valid_from}"
                f" to {other.valid_to or 'open end'}; a version ending {row.valid_to} inside"
                " it would split it: release without valid_to, or change that revision first"
            )
        else:
            raise Conflict(
                f"revision {other.revision} of this BOM is already released from"
                f" {other.valid_from}; make it obsolete first or release this one from a"
                " later date"
            )
    return superseded, obsoleted


async def release_in(
    conn: asyncpg.Connection, caller: Caller, row: BomRow, *, replace: bool = False
) -> BomRow:
    """Release draft ``row`` (locked by the caller) inside the caller's transaction."""
    await bom_repo.lock_graph(conn)
    items = (await bom_repo.items_of(conn, [row.id]))[row.id]
    await refuse_cycle(conn, row.material_id, items)
    superseded, obsoleted = await _make_room(conn, row, replace=replace)
    try:
        # A savepoint, so a lost race is still answered with a readable conflict.
        async with conn.transaction():
            await bom_repo.set_released(conn, row.id)
    except asyncpg.ExclusionViolationError as exc:
        if exc.constraint_name != OVERLAP:
            raise
        raise Conflict("another released version of this BOM is valid in the same period") from None
    for other in superseded:
        closed = await bom_repo.get(conn, other.id)
        if closed is not None:
            await bom_outbound.changed(conn, caller, closed, "superseded")
    for other in obsoleted:
        withdrawn = await bom_repo.get(conn, other.id)
        if withdrawn is not None:
            await bom_outbound.changed(conn, caller, withdrawn, "obsoleted")
    released = await bom_repo.get(conn, row.id)
    assert released is not None  # locked by this transaction
    await bom_outbound.released(conn, caller, released, items, [o.id for o in superseded])
    return released


async def obsolete_in(conn: asyncpg.Connection, caller: Caller, row: BomRow) -> BomRow:
    """Withdraw released version ``row`` (locked by the caller)."""
    if row.status != "released":
        raise Conflict(f"BOM {row.id} is {row.status}; only a released version can be obsoleted")
    await bom_repo.set_obsolete(conn, row.id)
    withdrawn = await bom_repo.get(conn, row.id)
    assert withdrawn is not None  # locked by this transaction
    await bom_outbound.changed(conn, caller, withdrawn, "obsoleted")
    return withdrawn
