"""Goods movement use cases: post one document, post a batch, reverse, read.

Each runs the posting engine (``service.posting``) in one transaction and publishes
``inventory.goods_movement.posted`` per document in it, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from inventory import ledger_repo, stock_repo
from inventory.ledger_repo import Header, Line
from inventory.models import GoodsMovement, GoodsMovementCreate
from inventory.service import (
    checks,
    idempotency,
    outbound,
    posting,
    replenishment,
)
from inventory.service.caller import Caller
from inventory.service.posting import Document, Requested
from inventory.stock_models import BatchCreate, BatchDocument, BatchPosted
from unison_bus import uuid7
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound

REVERSAL = posting.REVERSAL


async def _publish(
    conn: asyncpg.Connection, caller: Caller, plan: posting.Plan
) -> list[GoodsMovement]:
    """One event per document of the plan, as written; the first also carries the
    earlier lines a back-dated posting restated."""
    documents = await posting.movements(conn, [h.id for h in plan.headers])
    restated = outbound.restated_lines(plan.restated, plan.units)
    for n, movement in enumerate(documents):
        await outbound.goods_movement_posted(conn, caller, movement, restated if n == 0 else ())
    return documents


async def post_in(
    conn: asyncpg.Connection, caller: Caller, data: GoodsMovementCreate
) -> GoodsMovement:
    """Post a document inside the caller's transaction (a cycle count's differences, an
    SAP message): it commits or rolls back with whatever else that transaction writes."""
    plant_id = data.lines[0].plant_id
    for index, line in enumerate(data.lines):
        if line.plant_id != plant_id:
            raise Invalid("one plant per document", f"/lines/{index}/plant_id")
    reference = checks.optional_text(data.reference, "/reference", 100)
    if data.posting_date > posting.today():
        raise Invalid("must not be in the future", "/posting_date")
    document = Document(
        plant_id=plant_id,
        movement_type=data.movement_type,
        posting_date=data.posting_date,
        reference=reference,
    )
    requested = [
        Requested(
            doc=0,
            pointer=f"/lines/{index}",
            movement_type=data.movement_type,
            posting_date=data.posting_date,
            line=line,
        )
        for index, line in enumerate(data.lines)
    ]
    plan = await posting.plan(conn, caller, [document], requested)
    await posting.write(conn, plan)
    await _after_write(conn, caller, plan)
    return (await _publish(conn, caller, plan))[0]


async def post_documents_in(
    conn: asyncpg.Connection,
    caller: Caller,
    documents: Sequence[Document],
    requested: Sequence[Requested],
) -> list[GoodsMovement]:
    """Post several documents inside the caller's transaction as one posting (a production
    confirmation's issues, receipt and by-products): checked together, written together,
    genealogy recorded across them; one ``goods_movement.posted`` per document."""
    plan = await posting.plan(conn, caller, documents, requested)
    await posting.write(conn, plan)
    await _after_write(conn, caller, plan)
    return await _publish(conn, caller, plan)


async def _after_write(conn: asyncpg.Connection, caller: Caller, plan: posting.Plan) -> None:
    """What every posting does once its lines are in the ledger, in its transaction: a
    material taken below its reorder point (or back above it) is told at once; the hourly
    check catches anything no posting moved. (The lot genealogy is kept by
    ``posting.write``, before the valuation locks.)"""
    await replenishment.check_in(conn, caller, sorted({x.material_id for x in plan.lines}))


class Posted(msgspec.Struct, frozen=True):
    """The answer to a posting: 201 and the document, possibly the replay of the first."""

    status: int
    body: bytes
    movement_id: UUID | None
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


def _batch_documents(data: BatchCreate) -> tuple[list[Document], list[Requested]]:
    """Lines with the same type, date, reference and plant form one document, in the order
    they first appear; every line keeps its own index for the pointer of a refusal."""
    keys: dict[tuple[str, object, str | None, UUID], int] = {}
    documents: list[Document] = []
    requested: list[Requested] = []
    for index, line in enumerate(data.lines):
        at = f"/lines/{index}"
        reference = checks.optional_text(line.reference, f"{at}/reference", 100)
        key = (line.movement_type, line.posting_date, reference, line.plant_id)
        doc = keys.get(key)
        if doc is None:
            doc = keys[key] = len(documents)
            documents.append(
                Document(
                    plant_id=line.plant_id,
                    movement_type=line.movement_type,
                    posting_date=line.posting_date,
                    reference=reference,
                )
            )
        requested.append(
            Requested(
                doc=doc,
                pointer=at,
                movement_type=line.movement_type,
                posting_date=line.posting_date,
                line=line,
            )
        )
    return documents, requested


async def post_batch(
    db: Database, caller: Caller, data: BatchCreate, idempotency_key: str | None = None
) -> Posted:
    """Up to 10,000 lines in one transaction: all are posted or none, and a refusal names
    the failing line as ``/lines/N/...``."""
    documents, requested = _batch_documents(data)
    async with db.transaction(caller.tenant) as conn:
        if idempotency_key is not None:
            # Hashing 10,000 lines costs; only a request that asks for a replay pays it.
            request_fingerprint = idempotency.fingerprint("POST", "/goods-movements/batch", data)
            replay = await idempotency.claim(conn, idempotency_key, request_fingerprint)
            if replay is not None:
                return Posted(replay.status, replay.body, None, replayed=True)
        plan = await posting.plan(conn, caller, documents, requested)
        written = await posting.write(conn, plan)
        await _after_write(conn, caller, plan)
        # Published from what was written, not read back: a batch is ingest, not a read.
        await outbound.goods_movements_written(
            conn,
            caller,
            plan.headers,
            written,
            plan.units,
            outbound.restated_lines(plan.restated, plan.units),
        )
        ids = [h.id for h in plan.headers]
        members: list[list[int]] = [[] for _ in documents]
        for item_index, item in enumerate(requested):
            members[item.doc].append(item_index)
        answer = BatchPosted(
            line_count=len(requested),
            documents=[
                BatchDocument(
                    id=ids[i],
                    movement_type=d.movement_type,
                    posting_date=d.posting_date,
                    reference=d.reference,
                    plant_id=d.plant_id,
                    lines=members[i],
                )
                for i, d in enumerate(documents)
            ],
        )
        body = msgspec.json.encode(answer)
        if idempotency_key is not None:
            await idempotency.complete(conn, idempotency_key, 201, body)
    return Posted(201, body, None)


def _not_found(movement_id: UUID) -> NotFound:
    return NotFound(f"goods movement {movement_id} does not exist")


def _reversal_plan(original: GoodsMovement, movement_id: UUID) -> posting.Plan:
    """Every line negated, dated today. A line valued at a price gives that value back;
    one valued at the average goes back at today's average."""
    header = Header(
        id=movement_id,
        plant_id=original.plant_id,
        movement_type=REVERSAL[original.movement_type],
        posting_date=posting.today(),
        reference=original.reference,
        reversal_of=original.id,
    )
    lines = [
        Line(
            movement_id=movement_id,
            posting_date=header.posting_date,
            movement_type=header.movement_type,
            line_no=line.line_no,
            material_id=line.material_id,
            plant_id=line.plant_id,
            location_id=line.location_id,
            lot=line.lot or ledger_repo.NO_LOT,
            category=line.category,
            quantity=-line.quantity,
            entry_quantity=-line.entry_quantity,
            entry_unit=line.entry_unit,
            value=-line.value if line.valuation == "price" else Decimal(0),
            valuation=line.valuation,
            reservation_id=line.reservation_id,
            index=index,
            # The same serials, moved back: the signs say which way.
            serials=tuple(line.serials or ()),
        )
        for index, line in enumerate(original.lines)
    ]
    return posting.Plan(
        headers=[header],
        lines=lines,
        pointers=[f"/lines/{line.line_no}" for line in original.lines],
        lots_to_create=[],
        numbers={},
        units={line.material_id: line.unit for line in original.lines},
        negative_allowed=set(),
    )


async def reverse(db: Database, caller: Caller, movement_id: UUID) -> GoodsMovement:
    """Post the reversal (type + 1, every line negated), dated today; once per document."""
    async with db.transaction(caller.tenant) as conn:
        found = await posting.movements(conn, [movement_id])
        if not found:
            raise _not_found(movement_id)
        original = found[0]
        if original.reversal_of is not None or original.movement_type not in REVERSAL:
            raise Conflict(
                f"goods movement {movement_id} ({original.movement_type}) cannot be reversed"
                + (": it is a reversal" if original.reversal_of is not None else "")
            )
        reversed_by = await stock_repo.movement_reversed_by(conn, movement_id)
        if reversed_by is not None:
            raise Conflict(f"goods movement {movement_id} was already reversed by {reversed_by}")
        materials = await ledger_repo.materials(
            conn, sorted({x.material_id for x in original.lines})
        )
        plan = _reversal_plan(original, uuid7())
        plan.numbers = {m.id: m.number for m in materials.values()}
        plan.negative_allowed = {m.id for m in materials.values() if m.negative_stock_allowed}
        try:
            await posting.write(conn, plan)
            await _after_write(conn, caller, plan)
        except asyncpg.UniqueViolationError:
            # Another reversal of the same document committed first.
            raise Conflict(f"goods movement {movement_id} was already reversed") from None
        return (await _publish(conn, caller, plan))[0]


async def get(db: Database, caller: Caller, movement_id: UUID) -> GoodsMovement:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await posting.movements(conn, [movement_id])
    if not found:
        raise _not_found(movement_id)
    return found[0]
