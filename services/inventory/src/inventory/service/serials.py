"""Serial numbers: what the posting engine checks and keeps for a serial-managed
material, and the reads (where a serial is, its history).

A posting of a serial-managed material names one distinct serial per piece. A line
putting stock in (+) takes serials that are not in stock (new, or issued before) into its
stock (plant, location, lot, category); a line taking stock out (-) takes serials that are
in stock exactly there. Transfers are a pair of lines, so they move the serials. The
engine runs this after its balance locks: one statement locks the plan's serials, the
checks run here in line order (a refusal names the line and the serial), one statement
writes where each serial ends up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import repo, serials_repo
from inventory.ledger_repo import NO_LOT, Line, PostingMaterial
from inventory.models import GoodsMovementLineCreate
from inventory.serial_models import SerialDetail, SerialMovement, SerialNumber
from inventory.serials_repo import Place, SerialKey, SerialState, SerialWrite
from inventory.service.caller import Caller
from inventory.service.materials import not_found as material_not_found
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound
from unison_web.paging import Page, decode_cursor, encode_cursor

# Movement types whose request lines become a pair of ledger lines (- from, + to), with
# their reversals: line_no 2k and 2k + 1 are one pair.
PAIRED = frozenset({"301", "302", "311", "312", "321", "322", "343", "344"})
HISTORY_DEFAULT = 100
HISTORY_MAX = 1000


# ------------------------------------------------------------------ checks of a request


def requested(
    material: PostingMaterial, line: GoodsMovementLineCreate, base: Decimal, at: str
) -> tuple[str, ...]:
    """The serials a request line names, checked against its material and base quantity."""
    serials = line.serials or []
    if not material.serial_managed:
        if serials:
            raise Invalid(
                f"material {material.number} is not serial-managed: it takes no serials",
                f"{at}/serials",
            )
        return ()
    if base != base.to_integral_value():
        raise Invalid(
            f"material {material.number} is serial-managed: whole pieces only,"
            f" not {base} {material.base_unit}",
            f"{at}/quantity",
        )
    seen: set[str] = set()
    for serial in serials:
        if serial in seen:
            raise Invalid(f"serial {serial} is named twice", f"{at}/serials")
        seen.add(serial)
    if len(serials) != base:
        raise Invalid(
            f"material {material.number} is serial-managed: {base:f} {material.base_unit}"
            f" need {base:f} serials, not {len(serials)}",
            f"{at}/serials",
        )
    return tuple(serials)


# ------------------------------------------------------------------ posting


def _moving_order(lines: Iterable[Line]) -> list[Line]:
    """The lines in the order they move serials: as planned, except that inside a pair the
    line taking out comes first (a reversed transfer puts in before it takes out)."""
    ordered: list[Line] = []
    pair: list[Line] = []
    current: tuple[UUID, int] | None = None
    for x in lines:
        group = (x.movement_id, x.line_no // 2 if x.movement_type in PAIRED else x.line_no)
        if group != current:
            ordered.extend(sorted(pair, key=lambda y: y.quantity > 0))
            pair, current = [], group
        pair.append(x)
    ordered.extend(sorted(pair, key=lambda y: y.quantity > 0))
    return ordered


class _Refusal(msgspec.Struct, frozen=True):
    line: Line
    serial: str
    state: SerialState | None  # where the serial was when the line came to it


class _Walked(msgspec.Struct, frozen=True):
    place: Place
    in_stock: bool
    movement_id: UUID


def _walk(lines: Sequence[Line], found: dict[SerialKey, SerialState]) -> dict[SerialKey, _Walked]:
    """Where each serial ends up, line by line; raises _RefusedError at the first line that
    cannot move one of its serials."""
    now: dict[SerialKey, SerialState] = dict(found)
    ends: dict[SerialKey, _Walked] = {}
    for x in _moving_order(lines):
        place: Place = (x.plant_id, x.location_id, x.lot, x.category)
        for serial in x.serials:
            key = (x.material_id, serial)
            state = now.get(key)
            here = state is not None and state.in_stock
            if x.quantity > 0 and here:
                raise _RefusedError(_Refusal(x, serial, state))
            if x.quantity < 0 and not (here and state is not None and state.place == place):
                raise _RefusedError(_Refusal(x, serial, state))
            now[key] = SerialState(
                place=place, in_stock=x.quantity > 0, last_movement_id=x.movement_id
            )
            ends[key] = _Walked(place, x.quantity > 0, x.movement_id)
    return ends


class _RefusedError(Exception):
    def __init__(self, refusal: _Refusal) -> None:
        super().__init__(refusal.serial)
        self.refusal = refusal


def _where(place: Place, codes: dict[UUID, str]) -> str:
    _, location, lot, category = place
    text = codes.get(location, f"location {location}")
    extra = [f"lot {lot}"] if lot != NO_LOT else []
    if category != "unrestricted":
        extra.append(category)
    return f"{text} ({', '.join(extra)})" if extra else text


async def _conflict(
    conn: asyncpg.Connection, refusal: _Refusal, pointers: Sequence[str], numbers: dict[UUID, str]
) -> Conflict:
    x, serial, state = refusal.line, refusal.serial, refusal.state
    place: Place = (x.plant_id, x.location_id, x.lot, x.category)
    ids = [x.location_id] + ([state.place[1]] if state is not None else [])
    codes = await serials_repo.location_codes(conn, ids)
    if x.quantity > 0:
        assert state is not None
        detail = f"serial {serial} is already in stock at {_where(state.place, codes)}"
    else:
        detail = f"serial {serial} is not in stock at {_where(place, codes)}"
    number = numbers.get(x.material_id, str(x.material_id))
    message = detail.replace(f"serial {serial}", f"serial {serial} of {number}", 1)
    return Conflict(message, errors=[{"pointer": f"{pointers[x.index]}/serials", "detail": detail}])


async def post(
    conn: asyncpg.Connection,
    lines: Sequence[Line],
    pointers: Sequence[str],
    numbers: dict[UUID, str],
) -> None:
    """Check and move the serials of a plan's lines, under the balance locks the caller
    holds. Raises a 409 naming the first line (in line order) and serial that cannot move."""
    moving = [x for x in lines if x.serials]
    if not moving:
        return
    keys = sorted(
        {(x.material_id, s) for x in moving for s in x.serials}, key=lambda k: (str(k[0]), k[1])
    )
    found = await serials_repo.lock(conn, keys)
    try:
        ends = _walk(moving, found)
    except _RefusedError as refused:
        raise await _conflict(conn, refused.refusal, pointers, numbers) from None
    writes = [
        SerialWrite(
            key=key,
            place=ends[key].place,
            in_stock=ends[key].in_stock,
            last_movement_id=ends[key].movement_id,
            existed=key in found,
        )
        for key in keys
    ]
    written = await serials_repo.apply(conn, writes)
    if len(written) == len(keys):
        return
    # A serial new when read was created by another posting since: read it again (now
    # locked), so the refusal says where it is.
    found |= await serials_repo.lock(conn, [k for k in keys if k not in written])
    try:
        _walk(moving, found)
    except _RefusedError as refused:
        raise await _conflict(conn, refused.refusal, pointers, numbers) from None
    raise Conflict("serials of this posting were posted by another document at the same time")


# ------------------------------------------------------------------ reads


async def list_serials(
    db: Database,
    caller: Caller,
    material_id: UUID,
    in_stock: bool | None,
    plant_id: UUID | None,
    location_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[SerialNumber]:
    after = str(decode_cursor(cursor, 1)[0]) if cursor is not None else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.material_get(conn, material_id) is None:
            raise material_not_found(material_id)
        rows = await serials_repo.page(
            conn, material_id, in_stock, plant_id, location_id, after, limit + 1
        )
    items = rows[:limit]
    next_cursor = encode_cursor([items[-1].serial]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


def _newest_first(lines: list[SerialMovement]) -> list[SerialMovement]:
    """The lines of one document (entered in one statement) in the order they moved the
    serial, reversed: a reversed transfer puts in (line 2k) before it takes out (2k + 1)."""
    ordered: list[SerialMovement] = []
    start = 0
    for end in range(1, len(lines) + 1):
        if end == len(lines) or lines[end].movement_id != lines[start].movement_id:
            ordered.extend(
                sorted(
                    lines[start:end],
                    key=lambda y: (
                        y.line_no // 2 if y.movement_type in PAIRED else y.line_no,
                        y.direction == "in",
                    ),
                    reverse=True,
                )
            )
            start = end
    return ordered


async def get(
    db: Database, caller: Caller, material_id: UUID, serial: str, limit: int
) -> SerialDetail:
    """Where the serial is now and the ledger lines that moved it, newest first."""
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await serials_repo.get(conn, material_id, serial)
        if found is None:
            raise NotFound(f"serial {serial} of material {material_id} does not exist")
        lines = await serials_repo.history(conn, material_id, serial, limit + 1)
    return SerialDetail(
        **msgspec.structs.asdict(found),
        history=_newest_first(lines[:limit]),
        history_complete=len(lines) <= limit,
    )
