"""A requested posting (a :class:`Command`) as the documents the posting engine writes in
one transaction: a group of 261 lines is an issue to the order (locations defaulted, lots
determined FEFO where none is named), any other group a receipt into its location (101,
531), each with the order number as reference (the lot genealogy links what an order took
to what it gave through it).

Each line keeps its pointer (``/consumption/0``, ``/lines/2``, ``/receipt``), so a refusal
names the field of the request the asking service sent, also when lot determination split
the line across lots. An issue withdraws from the order's open reservation of its
material when there is one that fits its location and lot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import asyncpg

from inventory import conversions, ledger_repo
from inventory.ledger_repo import PostingMaterial
from inventory.models import GoodsMovementLineCreate, MovementType
from inventory.posting_requests import locations, lot_choice, repo
from inventory.posting_requests.models import Command, Line, LotStock, OpenReservation
from inventory.service import checks, posting
from inventory.service.posting import Document, Requested
from unison_web import Conflict, Invalid

# The one movement type that takes stock: an issue to the order.
ISSUE: MovementType = "261"


@dataclass(frozen=True)
class _Context:
    command: Command
    reference: str
    materials: dict[UUID, PostingMaterial]
    where: dict[str, UUID]  # pointer -> location


def _lot(line: Line) -> str | None:
    return (line.lot or "").strip() or None


def _reservation_for(
    open_: list[OpenReservation], material_id: UUID, location_id: UUID, lot: str | None
) -> UUID | None:
    """The order's open reservation an issue withdraws from: of its material, for its
    location and lot or for any; the most specific first, then the oldest."""
    fits = [
        r
        for r in open_
        if r.material_id == material_id
        and r.location_id in (None, location_id)
        and r.lot in (None, lot)
    ]
    fits.sort(key=lambda r: (r.location_id is None, r.lot is None))
    return fits[0].id if fits else None


def _receipt_line(ctx: _Context, pointer: str, line: Line) -> GoodsMovementLineCreate:
    return GoodsMovementLineCreate(
        material_id=line.material_id,
        plant_id=ctx.command.plant_id,
        location_id=ctx.where[pointer],
        lot=_lot(line),
        quantity=line.quantity,
        unit=line.unit,
        manufactured_on=ctx.command.manufactured_on if _lot(line) else None,
    )


async def _shortfall(
    conn: asyncpg.Connection,
    ctx: _Context,
    pointer: str,
    material: PostingMaterial,
    short: lot_choice.Shortfall,
) -> Conflict:
    location = ctx.where[pointer]
    code = (await repo.location_codes(conn, [location])).get(location, str(location))
    unit = material.base_unit
    detail = f"available {short.available} {unit}, requested {short.requested} {unit}"
    return Conflict(
        f"not enough stock of {material.number} in released, unexpired lots at {code}: {detail}",
        errors=[{"pointer": f"{pointer}/quantity", "detail": detail}],
    )


class _Issues:
    """The issue lines of a request: lots determined where none is named, each piece
    naming the reservation it withdraws from."""

    def __init__(self, ctx: _Context, items: tuple[tuple[str, Line], ...]) -> None:
        self.ctx = ctx
        self.items = items
        self.open: list[OpenReservation] = []
        self.lots: dict[tuple[UUID, UUID], list[LotStock]] = {}
        self.units: dict[str, conversions.UnitFactor] = {}
        self.taken: dict[tuple[UUID, UUID], dict[str, Decimal]] = defaultdict(dict)

    def _needs_lot(self, line: Line) -> bool:
        return self.ctx.materials[line.material_id].lot_managed and _lot(line) is None

    async def read(self, conn: asyncpg.Connection) -> None:
        """The order's open reservations; where lots are to be chosen, the usable lots and
        what lines naming those lots take of them first."""
        ctx, plant_id = self.ctx, self.ctx.command.plant_id
        materials = sorted({line.material_id for _, line in self.items})
        self.open = await repo.order_reservations_open(conn, ctx.reference, plant_id, materials)
        undetermined = [(p, line) for p, line in self.items if self._needs_lot(line)]
        if not undetermined:
            return
        pairs = {(line.material_id, ctx.where[p]) for p, line in undetermined}
        self.lots = await repo.fefo_lots(conn, plant_id, sorted(pairs), ctx.command.posting_date)
        named = [
            (p, line)
            for p, line in self.items
            if _lot(line) is not None and (line.material_id, ctx.where[p]) in pairs
        ]
        codes = {checks.unit_code(line.unit) for _, line in [*undetermined, *named]}
        for material_id in {line.material_id for _, line in undetermined}:
            material = ctx.materials[material_id]
            codes |= {material.base_unit, *material.alt_units}
        self.units = await posting.units_for(conn, codes)
        for p, line in named:  # a lot a line names is not chosen again for another
            taken = self.taken[(line.material_id, ctx.where[p])]
            lot = _lot(line) or ""
            taken[lot] = taken.get(lot, Decimal(0)) + self._base(p, line)

    def _base(self, pointer: str, line: Line) -> Decimal:
        material = self.ctx.materials[line.material_id]
        checks.decimal(line.quantity, f"{pointer}/quantity", positive=True)
        unit = checks.unit_code(line.unit)
        return posting.base_quantity(material, self.units, line.quantity, unit, pointer)

    def _piece(
        self, line: Line, location: UUID, quantity: Decimal, unit: str, lot: str | None
    ) -> GoodsMovementLineCreate:
        return GoodsMovementLineCreate(
            material_id=line.material_id,
            plant_id=self.ctx.command.plant_id,
            location_id=location,
            lot=lot,
            quantity=quantity,
            unit=unit,
            reservation_id=_reservation_for(self.open, line.material_id, location, lot),
        )

    async def lines(
        self, conn: asyncpg.Connection, pointer: str, line: Line
    ) -> list[GoodsMovementLineCreate]:
        location = self.ctx.where[pointer]
        if not self._needs_lot(line):
            return [self._piece(line, location, line.quantity, line.unit, _lot(line))]
        material = self.ctx.materials[line.material_id]
        base = self._base(pointer, line)
        key = (material.id, location)
        try:
            pieces = lot_choice.split(base, self.lots.get(key, []), self.taken[key])
        except lot_choice.Shortfall as short:
            raise await _shortfall(conn, self.ctx, pointer, material, short) from None
        return [self._piece(line, location, p.quantity, material.base_unit, p.lot) for p in pieces]


async def _context(conn: asyncpg.Connection, command: Command) -> _Context:
    reference = checks.text(command.reference, "/reference", 100)
    items = [(g.movement_type, p, line) for g in command.groups for p, line in g.lines]
    materials = await ledger_repo.materials(
        conn, sorted({line.material_id for _, _, line in items})
    )
    for _, pointer, line in items:
        if line.material_id not in materials:
            raise Invalid(f"material {line.material_id} does not exist", f"{pointer}/material_id")
    wanted = [locations.Wanted(pointer=p, line=line, issue=k == ISSUE) for k, p, line in items]
    where = await locations.resolve(conn, command.plant_id, materials, wanted)
    return _Context(command, reference, materials, where)


async def build(
    conn: asyncpg.Connection, command: Command
) -> tuple[list[Document], list[Requested]]:
    """One document per group of the command (the order the asking service gave) and their
    lines; raises the engine's refusals (Invalid, Conflict) naming the request's field."""
    ctx = await _context(conn, command)
    documents: list[Document] = []
    requested: list[Requested] = []
    for group in (g for g in command.groups if g.lines):
        kind, doc = group.movement_type, len(documents)
        documents.append(
            Document(
                plant_id=command.plant_id,
                movement_type=kind,
                posting_date=command.posting_date,
                reference=ctx.reference,
            )
        )
        issues = _Issues(ctx, group.lines) if kind == ISSUE else None
        if issues is not None:
            await issues.read(conn)
        for pointer, line in group.lines:
            made = (
                await issues.lines(conn, pointer, line)
                if issues is not None
                else [_receipt_line(ctx, pointer, line)]
            )
            requested.extend(
                Requested(
                    doc=doc,
                    pointer=pointer,
                    movement_type=kind,
                    posting_date=command.posting_date,
                    line=x,
                )
                for x in made
            )
    return documents, requested
