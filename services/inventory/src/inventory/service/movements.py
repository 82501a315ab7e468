"""Posting goods movements: the ledger lines, the on-hand balances and the event, all in
one transaction, so nothing is ever half-written.

Balances are changed in key order, whatever the order of the lines, so two documents
touching the same stock lock it in the same order and cannot deadlock. The balance row's
lock serializes concurrent postings on the same stock; its CHECK refuses stock below zero.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

import asyncpg
import msgspec

from inventory import conversions, stock_repo
from inventory.models import GoodsMovement, GoodsMovementCreate, GoodsMovementLineCreate
from inventory.service import checks, genealogy, idempotency, outbound
from inventory.service.caller import Caller
from inventory.service.units import conversion_inputs
from inventory.stock_repo import NO_LOT, LedgerLine, MovementHeader
from unison_pg import Database
from unison_web import Conflict, Forbidden, Invalid, NotFound

# +1 into the location, -1 out of it; 311 is a pair of lines (- from, + to).
DIRECTION = {"101": 1, "261": -1, "551": -1}
REVERSAL = {"101": "102", "261": "262", "311": "312", "551": "552"}
NOT_NEGATIVE = "stock_balances_not_negative"


def _check_lines(caller: Caller, data: GoodsMovementCreate) -> UUID:
    """Shape rules msgspec cannot express; returns the document's plant."""
    plant_id = data.lines[0].plant_id
    for index, line in enumerate(data.lines):
        at = f"/lines/{index}"
        if line.plant_id not in caller.tenant.plant_ids:
            raise Forbidden(
                f"plant {line.plant_id} is not in your access",
                errors=[{"pointer": f"{at}/plant_id", "detail": "not in your plants"}],
            )
        if line.plant_id != plant_id:
            raise Invalid("one plant per document", f"{at}/plant_id")
        checks.decimal(line.quantity, f"{at}/quantity", positive=True)
        if data.movement_type == "311":
            if line.to_location_id is None:
                raise Invalid("a transfer needs to_location_id", f"{at}/to_location_id")
            if line.to_location_id == line.location_id:
                raise Invalid("must differ from location_id", f"{at}/to_location_id")
        elif line.to_location_id is not None:
            raise Invalid("only a transfer (311) has to_location_id", f"{at}/to_location_id")
    return plant_id


async def _base_quantity(
    conn: asyncpg.Connection, line: GoodsMovementLineCreate, at: str
) -> tuple[Decimal, str]:
    """The line's quantity in the material's base unit, and that unit."""
    unit = checks.unit_code(line.unit)
    try:
        material, units = await conversion_inputs(conn, line.material_id, (unit, unit))
    except NotFound:
        raise Invalid(f"material {line.material_id} does not exist", f"{at}/material_id") from None
    if unit not in units:
        raise Invalid(f"unit {unit} does not exist", f"{at}/unit")
    try:
        exact = conversions.convert(
            Fraction(line.quantity), unit, material.base_unit, material, units
        )
    except conversions.NotConvertibleError as exc:
        raise Invalid(str(exc), f"{at}/unit") from None
    # Rounded half-even to the ledger's precision when the ratio does not end.
    base = Decimal(conversions.show(exact, checks.MAX_FRACTION_DIGITS).value)
    if base == 0:
        raise Invalid("is zero in the base unit", f"{at}/quantity")
    return base, material.base_unit


def _signed(entered: LedgerLine, sign: int, line_no: int, location_id: UUID) -> LedgerLine:
    return msgspec.structs.replace(
        entered,
        line_no=line_no,
        location_id=location_id,
        quantity=sign * entered.quantity,
        entry_quantity=sign * entered.entry_quantity,
    )


def _postings(
    movement_type: str, entered: LedgerLine, to_location: UUID | None
) -> list[LedgerLine]:
    """The ledger lines of one request line: one, or for a transfer - from and + to."""
    index = entered.line_no
    if to_location is None:
        return [_signed(entered, DIRECTION[movement_type], index, entered.location_id)]
    return [
        _signed(entered, -1, 2 * index, entered.location_id),
        _signed(entered, 1, 2 * index + 1, to_location),
    ]


async def _ledger_lines(
    conn: asyncpg.Connection, plant_id: UUID, data: GoodsMovementCreate
) -> list[LedgerLine]:
    wanted = {line.location_id for line in data.lines} | {
        line.to_location_id for line in data.lines if line.to_location_id is not None
    }
    known = await stock_repo.locations_in_plant(conn, plant_id, sorted(wanted))
    ledger: list[LedgerLine] = []
    for index, line in enumerate(data.lines):
        at = f"/lines/{index}"
        for field, location in (
            ("location_id", line.location_id),
            ("to_location_id", line.to_location_id),
        ):
            if location is not None and location not in known:
                raise Invalid("no such storage location in this plant", f"{at}/{field}")
        base, base_unit = await _base_quantity(conn, line, at)
        entered = LedgerLine(
            line_no=index,
            material_id=line.material_id,
            plant_id=plant_id,
            location_id=line.location_id,
            lot=(line.lot or "").strip() or NO_LOT,
            quantity=base,
            unit=base_unit,
            entry_quantity=line.quantity,
            entry_unit=checks.unit_code(line.unit),
            pointer=f"{at}/quantity",
        )
        ledger.extend(_postings(data.movement_type, entered, line.to_location_id))
    return ledger


async def _apply_to_balances(conn: asyncpg.Connection, lines: list[LedgerLine]) -> None:
    def key(line: LedgerLine) -> tuple[str, str, str, int]:
        return (str(line.material_id), str(line.location_id), line.lot, line.line_no)

    for line in sorted(lines, key=key):
        try:
            # A savepoint, so the on-hand can still be read to say what was available.
            async with conn.transaction():
                await stock_repo.balance_add(conn, line)
        except asyncpg.CheckViolationError as exc:
            if exc.constraint_name != NOT_NEGATIVE:
                raise
            available = await stock_repo.balance_get(conn, line)
            requested = -line.quantity
            detail = f"available {available} {line.unit}, requested {requested} {line.unit}"
            raise Conflict(
                f"not enough stock: {detail}",
                errors=[{"pointer": line.pointer, "detail": detail}],
            ) from None


async def _write(
    conn: asyncpg.Connection, caller: Caller, header: MovementHeader, lines: list[LedgerLine]
) -> GoodsMovement:
    movement = await stock_repo.movement_insert(conn, header)
    await stock_repo.movement_lines_insert(conn, movement, lines)
    await _apply_to_balances(conn, lines)
    await genealogy.record(conn, movement)
    movement.lines = await stock_repo.movement_lines_of(conn, movement.id, movement.posting_date)
    await outbound.goods_movement_posted(conn, caller, movement)
    return movement


async def post_in(
    conn: asyncpg.Connection, caller: Caller, data: GoodsMovementCreate
) -> GoodsMovement:
    """Post a document inside the caller's transaction (a cycle count's differences, an
    SAP message): it commits or rolls back with whatever else that transaction writes."""
    plant_id = _check_lines(caller, data)
    reference = checks.optional_text(data.reference, "/reference", 100)
    header = MovementHeader(
        plant_id=plant_id,
        movement_type=data.movement_type,
        posting_date=data.posting_date,
        reference=reference,
    )
    lines = await _ledger_lines(conn, plant_id, data)
    return await _write(conn, caller, header, lines)


class Posted(msgspec.Struct, frozen=True):
    """The answer to a posting: 201 and the document, possibly the replay of the first."""

    status: int
    body: bytes
    movement_id: UUID
    replayed: bool = False


async def post(
    db: Database, caller: Caller, data: GoodsMovementCreate, idempotency_key: str | None = None
) -> Posted:
    """Post a document: all its lines and balance changes, or nothing.

    With an ``Idempotency-Key`` a retried posting (SAP resends, a double click) replays the
    first answer instead of moving the stock twice.
    """
    request_fingerprint = idempotency.fingerprint("POST", "/goods-movements", data)
    async with db.transaction(caller.tenant) as conn:
        if idempotency_key is not None:
            replay = await idempotency.claim(conn, idempotency_key, request_fingerprint)
            if replay is not None:
                first = msgspec.json.decode(replay.body, type=GoodsMovement)
                return Posted(replay.status, replay.body, first.id, replayed=True)
        movement = await post_in(conn, caller, data)
        body = msgspec.json.encode(movement)
        if idempotency_key is not None:
            await idempotency.complete(conn, idempotency_key, 201, body)
    return Posted(201, body, movement.id)


def _not_found(movement_id: UUID) -> NotFound:
    return NotFound(f"goods movement {movement_id} does not exist")


async def reverse(db: Database, caller: Caller, movement_id: UUID) -> GoodsMovement:
    """Post the reversal (type + 1, every line negated), dated today; once per document."""
    async with db.transaction(caller.tenant) as conn:
        original = await stock_repo.movement_get(conn, movement_id)
        if original is None:
            raise _not_found(movement_id)
        if original.movement_type not in REVERSAL:
            raise Conflict(f"goods movement {movement_id} is a reversal; it cannot be reversed")
        reversed_by = await stock_repo.movement_reversed_by(conn, movement_id)
        if reversed_by is not None:
            raise Conflict(f"goods movement {movement_id} was already reversed by {reversed_by}")
        originals = await stock_repo.movement_lines_of(conn, movement_id, original.posting_date)
        lines = [
            LedgerLine(
                line_no=line.line_no,
                material_id=line.material_id,
                plant_id=line.plant_id,
                location_id=line.location_id,
                lot=line.lot or NO_LOT,
                quantity=-line.quantity,
                unit=line.unit,
                entry_quantity=-line.entry_quantity,
                entry_unit=line.entry_unit,
                pointer=f"/lines/{line.line_no}/quantity",
            )
            for line in originals
        ]
        header = MovementHeader(
            plant_id=original.plant_id,
            movement_type=REVERSAL[original.movement_type],
            posting_date=datetime.now(UTC).date(),
            reference=original.reference,
            reversal_of=movement_id,
        )
        try:
            return await _write(conn, caller, header, lines)
        except asyncpg.UniqueViolationError:
            # Another reversal of the same document committed first.
            raise Conflict(f"goods movement {movement_id} was already reversed") from None


async def get(db: Database, caller: Caller, movement_id: UUID) -> GoodsMovement:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        movement = await stock_repo.movement_get(conn, movement_id)
        if movement is None:
            raise _not_found(movement_id)
        movement.lines = await stock_repo.movement_lines_of(
            conn, movement_id, movement.posting_date
        )
    return movement
