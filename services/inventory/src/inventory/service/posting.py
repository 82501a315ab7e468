"""The posting engine: requested lines in, ledger lines, on-hand, valuation, reservations
and lots out, all in the caller's transaction.

The order of the work is the point of this module:

1. Every check that needs no lock (shape, materials, units, locations, lots) runs first,
   in a few set-based reads, so a bad request writes nothing and names its line.
2. Period locks (shared), then the genealogy of the documents' orders (under the
   orders' locks, in reference order) and the document headers, then the valuation rows
   of each material and plant, then the on-hand rows, each in key order: any two
   postings take their locks in the same order and cannot deadlock, and postings of one
   material in one plant follow one order, which is the order the moving average is
   computed in.
3. The on-hand check runs on the locked rows, line by line in request order, so a refusal
   names the first line that would take the stock below zero; the CHECK constraint on the
   balance table stays as the last word.
4. Lines are written; a back-dated line taking stock out is checked against the history
   after it; the moving average walks from the first new line of each material and plant
   (from the back-dated point, for a back-dated posting) and restates only what follows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from uuid import UUID

import asyncpg
import msgspec

from inventory import conversions, ledger_repo
from inventory.ledger_repo import NO_LOT, BalanceKey, Header, Line, PostingMaterial
from inventory.models import (
    GoodsMovement,
    GoodsMovementLineCreate,
    MovementType,
    StockCategory,
)
from inventory.repo import Q
from inventory.service import checks, genealogy
from inventory.service import serials as serial_numbers
from inventory.service.caller import Caller
from unison_bus import uuid7
from unison_web import Conflict, Forbidden, Invalid

CENT = Decimal("0.01")
# As the lots table's CHECK: a lot number is a key in SAP and on labels.
_LOT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")


@dataclass(frozen=True)
class Kind:
    """What a movement type does to stock."""

    sign: int = 0  # +1 a receipt, -1 an issue; 0 a pair (- from, + to)
    pair: str | None = None  # "location" (311), "plant" (301), "category" (321, ...)
    from_category: StockCategory | None = None  # fixed by the type (pairs of categories)
    to_category: StockCategory | None = None
    line_category: bool = False  # the line may name its category
    priced: bool = False  # a receipt that may carry a price
    creates_lots: bool = False
    released_lot: bool = False  # only released, unexpired lots (issue to order, delivery)
    reservation: bool = False


KINDS: dict[str, Kind] = {
    "101": Kind(sign=1, line_category=True, priced=True, creates_lots=True),
    "531": Kind(sign=1, line_category=True, priced=True, creates_lots=True),
    "701": Kind(sign=1, line_category=True, creates_lots=True),
    "261": Kind(sign=-1, released_lot=True, reservation=True),
    "601": Kind(sign=-1, released_lot=True),
    "551": Kind(sign=-1, line_category=True),
    # Return delivery to the supplier: held stock goes back too (no released_lot).
    "122": Kind(sign=-1, line_category=True),
    "702": Kind(sign=-1, line_category=True),
    "311": Kind(pair="location", line_category=True),
    "301": Kind(pair="plant"),
    "321": Kind(pair="category", from_category="quality", to_category="unrestricted"),
    "322": Kind(pair="category", from_category="unrestricted", to_category="quality"),
    "343": Kind(pair="category", from_category="blocked", to_category="unrestricted"),
    "344": Kind(pair="category", from_category="unrestricted", to_category="blocked"),
}

# The reversal of each type that can be reversed; 701/702 (count differences) are not:
# a wrong count is corrected by counting again.
REVERSAL: dict[str, str] = {
    "101": "102",
    "122": "123",
    "261": "262",
    "301": "302",
    "311": "312",
    "321": "322",
    "322": "321",
    "343": "344",
    "344": "343",
    "531": "532",
    "551": "552",
    "601": "602",
}


class Requested(msgspec.Struct, frozen=True, kw_only=True):
    """One request line and where it goes: its document and its pointer's prefix."""

    doc: int
    pointer: str  # "/lines/3"
    movement_type: str
    posting_date: date
    line: GoodsMovementLineCreate


class Document(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    movement_type: MovementType
    posting_date: date
    reference: str | None
    reversal_of: UUID | None = None


def today() -> date:
    return datetime.now(UTC).date()


# ------------------------------------------------------------------ request checks


def _forbidden(plant_id: UUID, pointer: str) -> Forbidden:
    return Forbidden(
        f"plant {plant_id} is not in your access",
        errors=[{"pointer": pointer, "detail": "not in your plants"}],
    )


def _check_destination(caller: Caller, item: Requested) -> None:
    """Where a transfer goes: a location (311), a plant and a location (301), or nowhere."""
    line, at, kind = item.line, item.pointer, KINDS[item.movement_type]
    wants_to_location = kind.pair in ("location", "plant")
    if wants_to_location and line.to_location_id is None:
        raise Invalid(f"a {item.movement_type} needs to_location_id", f"{at}/to_location_id")
    if not wants_to_location and line.to_location_id is not None:
        raise Invalid("only a transfer (311, 301) has to_location_id", f"{at}/to_location_id")
    if kind.pair == "location" and line.to_location_id == line.location_id:
        raise Invalid("must differ from location_id", f"{at}/to_location_id")
    if kind.pair != "plant":
        if line.to_plant_id is not None:
            raise Invalid(
                "only a transfer between plants (301) has to_plant_id", f"{at}/to_plant_id"
            )
        return
    if line.to_plant_id is None:
        raise Invalid("a transfer between plants (301) needs to_plant_id", f"{at}/to_plant_id")
    if line.to_plant_id == line.plant_id:
        raise Invalid("must differ from plant_id", f"{at}/to_plant_id")
    if line.to_plant_id not in caller.tenant.plant_ids:
        raise _forbidden(line.to_plant_id, f"{at}/to_plant_id")


def _check_extras(item: Requested) -> None:
    """Fields only some movement types take."""
    line, at, kind = item.line, item.pointer, KINDS[item.movement_type]
    if line.category is not None and not kind.line_category:
        raise Invalid(f"a {item.movement_type} does not take a stock category", f"{at}/category")
    if line.price is not None:
        if not kind.priced:
            raise Invalid("only a receipt (101, 531) has a price", f"{at}/price")
        checks.decimal(line.price, f"{at}/price")
    if line.reservation_id is not None and not kind.reservation:
        raise Invalid("only an issue to an order (261) names a reservation", f"{at}/reservation_id")
    if (line.manufactured_on or line.expires_on) and not kind.creates_lots:
        raise Invalid("only a receipt creates a lot with dates", f"{at}/manufactured_on")


def _check_shape(caller: Caller, item: Requested) -> None:
    """Rules of a line that need nothing from the database."""
    line, at = item.line, item.pointer
    if line.plant_id not in caller.tenant.plant_ids:
        raise _forbidden(line.plant_id, f"{at}/plant_id")
    checks.decimal(line.quantity, f"{at}/quantity", positive=True)
    if item.posting_date > today():
        raise Invalid("must not be in the future", f"{at}/posting_date")
    _check_destination(caller, item)
    _check_extras(item)


def _lot_of(line: GoodsMovementLineCreate) -> str:
    return (line.lot or "").strip() or NO_LOT


def base_quantity(
    material: PostingMaterial,
    units: dict[str, conversions.UnitFactor],
    quantity: Decimal,
    unit: str,
    at: str,
) -> Decimal:
    """``quantity`` of ``unit`` in the material's base unit, at the ledger's precision."""
    if unit not in units:
        raise Invalid(f"unit {unit} does not exist", f"{at}/unit")
    if unit == material.base_unit:
        # Most lines are entered in the base unit: nothing to convert.
        return quantity
    own = conversions.MaterialUnits(
        material.base_unit,
        {
            code: conversions.ratio(num, den)
            for code, num, den in zip(
                material.alt_units, material.alt_numerators, material.alt_denominators, strict=True
            )
        },
    )
    try:
        exact = conversions.convert(Fraction(quantity), unit, material.base_unit, own, units)
    except conversions.NotConvertibleError as exc:
        raise Invalid(str(exc), f"{at}/unit") from None
    # Rounded half-even to the ledger's precision when the ratio does not end.
    base = Decimal(conversions.show(exact, checks.MAX_FRACTION_DIGITS).value)
    if base == 0:
        raise Invalid("is zero in the base unit", f"{at}/quantity")
    return base


async def units_for(conn: asyncpg.Connection, codes: set[str]) -> dict[str, conversions.UnitFactor]:
    return {
        r["code"]: conversions.UnitFactor(
            r["code"],
            r["dimension"],
            conversions.ratio(r["factor_numerator"], r["factor_denominator"])
            if r["factor_numerator"] is not None and r["factor_denominator"] is not None
            else None,
        )
        for r in await conn.fetch(Q.units_by_codes, sorted(codes))
    }


def _signed_lines(
    item: Requested,
    index: int,
    movement_id: UUID,
    line_no: int,
    base: Decimal,
    material: PostingMaterial,
) -> list[Line]:
    """The ledger lines of one request line: one, or a pair (- from, + to)."""
    line, kind = item.line, KINDS[item.movement_type]
    unit = checks.unit_code(line.unit)
    lot = _lot_of(line)

    def make(
        sign: int,
        plant: UUID,
        location: UUID,
        category: str,
        n: int,
        valuation: str,
        value: Decimal,
    ) -> Line:
        return Line(
            movement_id=movement_id,
            posting_date=item.posting_date,
            movement_type=item.movement_type,
            line_no=n,
            material_id=material.id,
            plant_id=plant,
            location_id=location,
            lot=lot,
            category=category,
            quantity=sign * base,
            entry_quantity=sign * line.quantity,
            entry_unit=unit,
            value=sign * value,
            valuation=valuation,
            reservation_id=line.reservation_id,
            index=index,
        )

    if kind.pair is None:
        category = line.category or "unrestricted"
        if line.price is not None:
            amount = (line.price * line.quantity).quantize(CENT, ROUND_HALF_UP)
            return [
                make(kind.sign, line.plant_id, line.location_id, category, line_no, "price", amount)
            ]
        return [
            make(
                kind.sign, line.plant_id, line.location_id, category, line_no, "average", Decimal(0)
            )
        ]
    zero = Decimal(0)
    if kind.pair == "location":
        category = line.category or "unrestricted"
        to_location = line.to_location_id or line.location_id
        return [
            make(-1, line.plant_id, line.location_id, category, line_no, "none", zero),
            make(1, line.plant_id, to_location, category, line_no + 1, "none", zero),
        ]
    if kind.pair == "plant":
        to_plant = line.to_plant_id or line.plant_id
        to_location = line.to_location_id or line.location_id
        return [
            make(-1, line.plant_id, line.location_id, "unrestricted", line_no, "average", zero),
            # Arrives at the value it left with (copied once the sending line is valued).
            make(1, to_plant, to_location, "unrestricted", line_no + 1, "price", zero),
        ]
    assert kind.from_category is not None
    assert kind.to_category is not None
    return [
        make(-1, line.plant_id, line.location_id, kind.from_category, line_no, "none", zero),
        make(1, line.plant_id, line.location_id, kind.to_category, line_no + 1, "none", zero),
    ]


class Plan(msgspec.Struct, kw_only=True):
    headers: list[Header]
    lines: list[Line]
    pointers: list[str]  # request index -> pointer prefix
    lots_to_create: list[tuple[UUID, str, date | None, date | None]]
    numbers: dict[UUID, str]  # material id -> number, for messages
    units: dict[UUID, str]  # material id -> base unit
    negative_allowed: set[UUID]
    # Set by write: earlier lines a back-dated posting restated, with their old values
    # (what goods_movement.posted tells consumers that keep values, like reporting).
    restated: list[tuple[ledger_repo.LedgerLine, Decimal]] = []


async def plan(
    conn: asyncpg.Connection,
    caller: Caller,
    documents: Sequence[Document],
    requested: Sequence[Requested],
) -> Plan:
    """Check every requested line and turn it into ledger lines; writes nothing."""
    for item in requested:
        _check_shape(caller, item)
    material_ids = {item.line.material_id for item in requested}
    found = await ledger_repo.materials(conn, sorted(material_ids))
    codes = {checks.unit_code(item.line.unit) for item in requested}
    for m in found.values():
        codes |= {m.base_unit, *m.alt_units}
    units = await units_for(conn, codes)
    location_ids = {item.line.location_id for item in requested} | {
        item.line.to_location_id for item in requested if item.line.to_location_id is not None
    }
    plant_of = await ledger_repo.locations(conn, sorted(location_ids))
    lot_keys = {
        (item.line.material_id, _lot_of(item.line))
        for item in requested
        if KINDS[item.movement_type].released_lot and _lot_of(item.line) != NO_LOT
    }
    lot_states = await ledger_repo.lots(conn, sorted(lot_keys)) if lot_keys else {}

    ids = [uuid7() for _ in documents]
    headers = [
        Header(
            id=ids[i],
            plant_id=d.plant_id,
            movement_type=d.movement_type,
            posting_date=d.posting_date,
            reference=d.reference,
            reversal_of=d.reversal_of,
        )
        for i, d in enumerate(documents)
    ]
    next_line_no: dict[int, int] = defaultdict(int)
    lines: list[Line] = []
    lots_to_create: list[tuple[UUID, str, date | None, date | None]] = []
    for index, item in enumerate(requested):
        line, at, kind = item.line, item.pointer, KINDS[item.movement_type]
        material = found.get(line.material_id)
        if material is None:
            raise Invalid(f"material {line.material_id} does not exist", f"{at}/material_id")
        lot = _lot_of(line)
        if material.lot_managed and lot == NO_LOT:
            raise Invalid(
                f"material {material.number} is managed in lots: name the lot", f"{at}/lot"
            )
        if lot != NO_LOT and not _LOT_PATTERN.match(lot):
            raise Invalid(
                "letters, digits and _ . / - only, starting with a letter or digit", f"{at}/lot"
            )
        for field, location, plant in (
            ("location_id", line.location_id, line.plant_id),
            ("to_location_id", line.to_location_id, line.to_plant_id or line.plant_id),
        ):
            if location is not None and plant_of.get(location) != plant:
                raise Invalid(f"no such storage location in plant {plant}", f"{at}/{field}")
        if kind.released_lot and lot != NO_LOT:
            _check_lot_usable(lot_states.get((material.id, lot)), material, lot, item)
        base = base_quantity(material, units, line.quantity, checks.unit_code(line.unit), at)
        line_no = next_line_no[item.doc]
        made = _signed_lines(item, index, ids[item.doc], line_no, base, material)
        serials = serial_numbers.requested(material, line, base, at)
        if serials:
            made = [msgspec.structs.replace(x, serials=serials) for x in made]
        next_line_no[item.doc] = line_no + len(made)
        lines.extend(made)
        if kind.creates_lots and lot != NO_LOT:
            lots_to_create.append((material.id, lot, line.manufactured_on, line.expires_on))
    return Plan(
        headers=headers,
        lines=lines,
        pointers=[item.pointer for item in requested],
        lots_to_create=lots_to_create,
        numbers={m.id: m.number for m in found.values()},
        units={m.id: m.base_unit for m in found.values()},
        negative_allowed={m.id for m in found.values() if m.negative_stock_allowed},
    )


def _check_lot_usable(
    state: ledger_repo.LotState | None, material: PostingMaterial, lot: str, item: Requested
) -> None:
    at = f"{item.pointer}/lot"
    if state is None:
        raise Conflict(
            f"lot {lot} of material {material.number} does not exist",
            errors=[{"pointer": at, "detail": "no such lot"}],
        )
    if state.status != "released":
        raise Conflict(
            f"lot {lot} of material {material.number} is in {state.status}: it cannot be issued",
            errors=[{"pointer": at, "detail": f"lot is in {state.status}"}],
        )
    if state.expires_on is not None and state.expires_on < item.posting_date:
        raise Conflict(
            f"lot {lot} of material {material.number} expired on {state.expires_on}",
            errors=[{"pointer": at, "detail": f"expired on {state.expires_on}"}],
        )


# ------------------------------------------------------------------ writing


def _period_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


async def _check_periods(conn: asyncpg.Connection, plan_: Plan) -> None:
    closed = await ledger_repo.periods_lock(conn, [x.plant_id for x in plan_.lines])
    for x in plan_.lines:
        through = closed.get(x.plant_id)
        if through is not None and (x.posting_date.year, x.posting_date.month) <= (
            through.year,
            through.month,
        ):
            detail = f"period {_period_text(through)} of plant {x.plant_id} is closed"
            raise Conflict(
                f"posting date {x.posting_date}: {detail}",
                errors=[{"pointer": f"{plan_.pointers[x.index]}/posting_date", "detail": detail}],
            )


def _shortage(plan_: Plan, x: Line, available: Decimal) -> Conflict:
    unit = plan_.units.get(x.material_id, "")
    number = plan_.numbers.get(x.material_id, str(x.material_id))
    detail = f"available {available} {unit}, requested {-x.quantity} {unit}"
    return Conflict(
        f"not enough stock of {number}: {detail}",
        errors=[{"pointer": f"{plan_.pointers[x.index]}/quantity", "detail": detail}],
    )


async def _apply_balances(conn: asyncpg.Connection, plan_: Plan) -> None:
    keys = [x.key for x in plan_.lines]
    current = await ledger_repo.balances_lock(conn, keys)
    await _check_history(conn, plan_, current)
    running = dict(current)
    deltas: dict[BalanceKey, Decimal] = defaultdict(Decimal)
    for x, key in zip(plan_.lines, keys, strict=True):
        before = running[key]
        running[key] = after = before + x.quantity
        deltas[key] += x.quantity
        if x.quantity < 0 and after < 0 and x.material_id not in plan_.negative_allowed:
            raise _shortage(plan_, x, max(before, Decimal(0)))
    await ledger_repo.balances_apply(conn, {k: d for k, d in deltas.items() if d != 0})


async def _check_history(
    conn: asyncpg.Connection, plan_: Plan, current: dict[BalanceKey, Decimal]
) -> None:
    """A back-dated posting taking stock out must leave every later balance of the same
    stock at zero or more; the refusal says on which day it would go below and by how
    much. Checked on the locked balance rows, before anything is written."""
    takes: dict[BalanceKey, tuple[date, int, Decimal]] = {}
    now = today()
    for x in plan_.lines:
        if x.material_id in plan_.negative_allowed or x.posting_date >= now:
            continue
        first_date, first_index, delta = takes.get(x.key, (x.posting_date, x.index, Decimal(0)))
        takes[x.key] = (min(first_date, x.posting_date), first_index, delta + x.quantity)
    wanted = [(key, d, i, q) for key, (d, i, q) in takes.items() if q < 0]
    if not wanted:
        return
    dips = await ledger_repo.history_dips(conn, wanted)
    if dips:
        dip = dips[0]
        x = next(line for line in plan_.lines if line.index == dip.index)
        unit = plan_.units.get(x.material_id, "")
        number = plan_.numbers.get(x.material_id, str(x.material_id))
        detail = (
            f"on {dip.posting_date} the stock of {number} would be {dip.balance} {unit}:"
            f" {-dip.balance} {unit} short"
        )
        raise Conflict(
            f"back-dated posting refused: {detail}",
            errors=[{"pointer": f"{plan_.pointers[x.index]}/posting_date", "detail": detail}],
        )


async def _withdraw_reservations(conn: asyncpg.Connection, plan_: Plan) -> None:
    named = [x for x in plan_.lines if x.reservation_id is not None]
    if not named:
        return
    states = await ledger_repo.reservations_for_issue(
        conn, [x.reservation_id for x in named if x.reservation_id is not None]
    )
    for x in named:
        assert x.reservation_id is not None
        state = states.get(x.reservation_id)
        at = f"{plan_.pointers[x.index]}/reservation_id"
        if state is None:
            raise Invalid(f"reservation {x.reservation_id} does not exist", at)
        mismatch = (
            state.material_id != x.material_id
            or state.plant_id != x.plant_id
            or (state.location_id is not None and state.location_id != x.location_id)
            or (state.lot is not None and state.lot != x.lot)
        )
        if mismatch:
            raise Invalid("the reservation is for another material, plant, location or lot", at)
        # An issue against a finished reservation is refused; a reversal gives back.
        if x.quantity < 0 and (state.status != "open" or state.expired):
            status = "expired" if state.expired and state.status == "open" else state.status
            raise Conflict(
                f"reservation {x.reservation_id} is {status}",
                errors=[{"pointer": at, "detail": f"reservation is {status}"}],
            )
    await ledger_repo.reservations_withdraw(
        conn, [(x.reservation_id, -x.quantity) for x in named if x.reservation_id is not None]
    )


async def _value(conn: asyncpg.Connection, lines: list[Line]) -> list[Line]:
    """The lines with their values at the moving average, before they are written.

    Plants receiving a 301 are valued after the sending plants: the stock arrives at the
    value it left with (the receiving line follows its sending line in ``lines``).
    """
    receiving = {
        (x.material_id, x.plant_id)
        for x in lines
        if x.movement_type in ("301", "302") and x.valuation == "price" and x.line_no % 2
    }
    valued = list(lines)
    for phase in ("sending", "receiving") if receiving else ("sending",):
        positions: dict[tuple[UUID, UUID], list[int]] = defaultdict(list)
        for position, x in enumerate(valued):
            pair = (x.material_id, x.plant_id)
            if (pair in receiving) == (phase == "receiving"):
                positions[pair].append(position)
        if not positions:
            continue
        groups = []
        # In any order: each group is a material and plant of its own.
        for pair in positions:
            # Ledger order: by posting date, then as inserted (entered_at is the clock).
            ordered = sorted(positions[pair], key=lambda k: (valued[k].posting_date, k))
            positions[pair] = ordered
            groups.append((pair[0], pair[1], [valued[k] for k in ordered]))
        amounts = await ledger_repo.revalue(conn, groups)
        for (material_id, plant_id, _), values in zip(groups, amounts, strict=True):
            for k, amount in zip(positions[(material_id, plant_id)], values, strict=True):
                valued[k] = msgspec.structs.replace(valued[k], value=amount)
        if phase == "sending":
            for k, x in enumerate(valued):
                if (x.material_id, x.plant_id) in receiving and x.line_no % 2:
                    valued[k] = msgspec.structs.replace(x, value=-valued[k - 1].value)
    return valued


def _back_dated(lines: Sequence[Line]) -> list[tuple[UUID, UUID, date]]:
    """Each (material, plant) with a new valued line dated before today, and its earliest
    such date: the walk restates that pair's later lines."""
    first: dict[tuple[UUID, UUID], date] = {}
    for x in lines:
        if x.valuation != "none" and x.posting_date < today():
            pair = (x.material_id, x.plant_id)
            first[pair] = min(first.get(pair, x.posting_date), x.posting_date)
    return [(m, p, d) for (m, p), d in sorted(first.items(), key=str)]


async def write(conn: asyncpg.Connection, plan_: Plan) -> list[Line]:
    """Write a checked plan; returns its lines as written (with their values). Raises
    409s naming the line."""
    await _check_periods(conn, plan_)
    # Before the valuation locks, what needs no value: the genealogy (the lines' quantities
    # and lots, under locks of its own, the orders') and the document headers. Other
    # postings of the same materials do not wait for them (a quarter of that wait in a
    # 5,000-line batch).
    await genealogy.record(conn, plan_.headers, plan_.lines)
    await ledger_repo.headers_insert(conn, plan_.headers)
    pairs = {(x.material_id, x.plant_id) for x in plan_.lines}
    await ledger_repo.valuations_lock(conn, sorted(pairs))
    await _apply_balances(conn, plan_)
    # Under the balance locks: postings on the same stock reach their serials in turn.
    await serial_numbers.post(conn, plan_.lines, plan_.pointers, plan_.numbers)
    if plan_.lots_to_create:
        await ledger_repo.lots_ensure(conn, plan_.lots_to_create)
    points = _back_dated(plan_.lines)
    before = await ledger_repo.lines_after(conn, points) if points else []
    lines = await _value(conn, plan_.lines)
    if before:
        old = {(x.posting_date, x.movement_id, x.line_no): x.value for x in before}
        plan_.restated = [
            (x, old[(x.posting_date, x.movement_id, x.line_no)])
            for x in await ledger_repo.lines_after(conn, points)
            if old.get((x.posting_date, x.movement_id, x.line_no), x.value) != x.value
        ]
    await ledger_repo.lines_insert(conn, lines)
    await _withdraw_reservations(conn, plan_)
    return lines


async def movements(conn: asyncpg.Connection, ids: Sequence[UUID]) -> list[GoodsMovement]:
    return await ledger_repo.movements_with_lines(conn, ids)
