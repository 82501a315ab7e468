"""SAP BOMMAT IDocs applied to the BOMs of the caller's organization.

``apply_bommat`` runs inside the caller's transaction (the SAP message store's) and
raises ``Invalid`` / ``Conflict`` / ``NotFound`` / ``Forbidden`` with a readable detail on
a business error; the caller rolls back, so nothing is half-applied. Applying the same
IDoc twice changes nothing: a BOM whose version valid on DATUV already says what the IDoc
says is left alone, and a deletion that already happened is not repeated.

Message functions: 009 original, 005 replace and 018 resend carry the whole BOM as valid
from DATUV; 004 change carries only the items that change (an item with MSGFN 003 is
removed); 003 delete ends the BOM's validity at DATUV. A new content is released as a new
revision from DATUV, valid until the next later revision starts, if any; the version it
succeeds ends at DATUV, and a version starting on DATUV itself is replaced (obsoleted).

Items: a negative MENGE is a by-product (kept positive with category ``by_product``),
DUMPS = X a phantom assembly, AUSCH the component scrap %; an item DATUV later than the
header's starts the item later. Text, document, class and non-stock items (POSTP other
than L or R) are skipped: inventory does not stock them.

Plants: WERKS is an SAP plant code and Unison's plants live in the identity service, so
the caller passes ``plants`` (code -> plant id); a blank WERKS is a BOM for all plants.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg

from inventory import bom_repo, bommat
from inventory.bom_models import BomItemIn
from inventory.bom_repo import BomKey, BomRow, MaterialRef
from inventory.bommat import Assignment, Bommat, IdocItem
from inventory.service import bom_input, bom_outbound, bom_views, boms
from inventory.service.bom_input import HeaderIn
from inventory.service.caller import Caller
from unison_web import DomainError, Forbidden, Invalid, NotFound

_ITEM_POINTER = re.compile(r"^/items/(\d+)/")


async def apply_bommat(
    conn: asyncpg.Connection,
    caller: Caller,
    idoc: ET.Element,
    *,
    plants: Mapping[str, UUID] | None = None,
) -> str:
    """Apply one BOMMAT IDoc (its root or its IDOC element); a one-line summary."""
    message = bommat.parse(idoc)
    outcomes = [
        await _apply(conn, caller, message, assignment, plants or {})
        for assignment in message.assignments
    ]
    return f"BOMMAT {message.docnum or '(no DOCNUM)'}: " + "; ".join(outcomes)


def _label(assignment: Assignment) -> str:
    return (
        f"BOM of {assignment.material} plant {assignment.plant or '(all)'}"
        f" usage {assignment.usage} alternative {assignment.alternative:02d}"
    )


async def _apply(
    conn: asyncpg.Connection,
    caller: Caller,
    message: Bommat,
    assignment: Assignment,
    plants: Mapping[str, UUID],
) -> str:
    label = _label(assignment)
    try:
        plant_id = _plant(caller, assignment.plant, plants)
        wanted = [assignment.material, *(i.component for i in message.items if i.component)]
        found = await bom_repo.materials_by_number(conn, _lookups(wanted))
        material = _material(found, assignment.material, "MATNR")
        key = BomKey(
            material_id=material.id,
            plant_id=plant_id,
            usage=assignment.usage,
            alternative=assignment.alternative,
        )
        if message.function == bommat.DELETE:
            outcome = await _delete(conn, caller, key, message.valid_from)
        else:
            outcome = await _save(conn, caller, message, key, found)
    except DomainError as exc:
        exc.detail = f"{label}: {exc.detail}"
        exc.args = (exc.detail,)
        raise
    return f"{label}: {outcome}"


def _plant(caller: Caller, code: str, plants: Mapping[str, UUID]) -> UUID | None:
    if not code:
        return None
    plant_id = plants.get(code)
    if plant_id is None:
        raise Invalid(f"SAP plant {code} (WERKS) is not mapped to a Unison plant")
    if plant_id not in caller.tenant.plant_ids:
        raise Forbidden(f"plant {code} is not among the plants of the caller")
    return plant_id


def _lookups(numbers: list[str]) -> list[str]:
    # SAP pads numeric material numbers with zeros (000000000000100234): try both forms.
    return sorted({n for number in numbers for n in (number, number.lstrip("0")) if n})


def _material(found: dict[str, MaterialRef], number: str, field: str) -> MaterialRef:
    material = found.get(number.lower()) or found.get(number.lstrip("0").lower())
    if material is None:
        raise NotFound(f"material {number} ({field}) does not exist in Unison")
    return material


def _item_input(item: IdocItem, found: dict[str, MaterialRef], valid_from: date) -> BomItemIn:
    where = f"item {item.item_number:04d}"
    if not item.component:
        raise Invalid(f"{where} has no component (IDNRK)")
    if item.quantity == 0:
        raise Invalid(f"{where}: quantity MENGE is zero")
    by_product = item.quantity < 0
    return BomItemIn(
        item_number=item.item_number,
        component_id=_material(found, item.component, f"IDNRK of {where}").id,
        quantity=abs(item.quantity),
        unit=bommat.unit_code(item.unit) if item.unit else None,
        category="by_product" if by_product else "stock",
        phantom=item.phantom and not by_product,
        scrap_percent=Decimal(0) if by_product else item.scrap_percent,
        # An item valid since before the header's change state is valid with the header.
        valid_from=item.valid_from if item.valid_from and item.valid_from > valid_from else None,
    )


def _is_stock(item: IdocItem) -> bool:
    return item.category in bommat.STOCK_ITEM_CATEGORIES


def _items(
    message: Bommat, found: dict[str, MaterialRef], current: list[bom_repo.ItemRow] | None
) -> list[BomItemIn]:
    """The full item list the BOM has after this message."""
    on = message.valid_from
    if current is None:
        return [
            _item_input(i, found, on)
            for i in message.items
            if _is_stock(i) and i.function != bommat.DELETE
        ]
    by_number = {i.item_number: bom_input.as_input(i) for i in current}
    for item in message.items:
        if item.function == bommat.DELETE or not _is_stock(item):
            by_number.pop(item.item_number, None)
        else:
            by_number[item.item_number] = _item_input(item, found, on)
    return [by_number[n] for n in sorted(by_number)]


async def _valid_on(
    conn: asyncpg.Connection, key: BomKey, on: date
) -> tuple[BomRow, list[bom_repo.ItemRow]] | None:
    versions = await bom_repo.released_overlapping(conn, key, on, on + timedelta(days=1))
    if not versions:
        return None
    return versions[0], (await bom_repo.items_of(conn, [versions[0].id]))[versions[0].id]


async def _next_start(conn: asyncpg.Connection, key: BomKey, on: date) -> date | None:
    later = await bom_repo.released_overlapping(conn, key, on + timedelta(days=1), None)
    return min((v.valid_from for v in later if v.valid_from > on), default=None)


def _header(message: Bommat, current: BomRow | None, valid_to: date | None) -> HeaderIn:
    keep = current is not None and message.function == bommat.CHANGE and not message.has_header
    source: BomRow | Bommat = current if keep and current is not None else message
    description = source.description
    return HeaderIn(
        base_quantity=source.base_quantity,
        base_unit=source.base_unit,
        valid_from=message.valid_from,
        valid_to=valid_to,
        description=description[:200] if description else None,
        change_number=message.change_number[:40] if message.change_number else None,
    )


async def _prepare(
    conn: asyncpg.Connection,
    caller: Caller,
    key: BomKey,
    header: HeaderIn,
    items: list[BomItemIn],
) -> bom_input.Prepared:
    try:
        return await bom_input.prepare(conn, caller, key, header, items)
    except Invalid as exc:
        pointer = exc.errors[0]["pointer"] if exc.errors else ""
        match = _ITEM_POINTER.match(pointer)
        if match is None:
            raise
        raise Invalid(f"item {items[int(match[1])].item_number:04d}: {exc.detail}") from None


async def _save(
    conn: asyncpg.Connection,
    caller: Caller,
    message: Bommat,
    key: BomKey,
    found: dict[str, MaterialRef],
) -> str:
    current = await _valid_on(conn, key, message.valid_from)
    if message.function == bommat.CHANGE and current is None:
        raise NotFound(f"no released version valid on {message.valid_from} to change")
    items = _items(message, found, current[1] if current else None)
    if not items:
        raise Invalid("no stock items: a BOM needs at least one (or send MSGFN 003 to delete)")
    valid_to = await _next_start(conn, key, message.valid_from)
    header = _header(message, current[0] if current else None, valid_to)
    prepared = await _prepare(conn, caller, key, header, items)
    if current is not None and bom_views.same_content(*current, prepared.header, prepared.items):
        row = current[0]
        return f"unchanged (revision {row.revision} valid from {row.valid_from} already says so)"
    row = await boms.save_in(conn, caller, prepared, release=True, replace=True)
    skipped = sum(1 for i in message.items if not _is_stock(i))
    note = f", {skipped} non-stock or text items skipped" if skipped else ""
    return f"released revision {row.revision} from {row.valid_from} ({len(items)} items{note})"


async def _delete(conn: asyncpg.Connection, caller: Caller, key: BomKey, on: date) -> str:
    versions = await bom_repo.released_overlapping(conn, key, on, None)
    if not versions:
        if await bom_repo.versions_exist(conn, key):
            return f"nothing valid from {on} (already deleted)"
        raise NotFound("there is no such BOM to delete")
    for version in versions:
        if version.valid_from < on:
            await bom_repo.close_validity(conn, version.id, on)
            change: bom_outbound.Change = "ended"
        else:
            await bom_repo.set_obsolete(conn, version.id)
            change = "obsoleted"
        after = await bom_repo.get(conn, version.id)
        if after is not None:
            await bom_outbound.changed(conn, caller, after, change)
    revisions = ", ".join(str(v.revision) for v in versions)
    return f"deleted from {on} (revisions {revisions} ended or withdrawn)"
