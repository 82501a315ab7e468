"""Goods movements a confirmation implies, asked of inventory as one request, and what
inventory answered. Inventory owns the stock: production only asks and records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from production.quantities import plain
from production.shop_floor import repo
from production.work_orders.models import WorkOrder, WorkOrderOperation
from unison_bus import LiveUpdate, announce, notify_live, uuid7
from unison_events.inventory import ProductionPostingFailed, ProductionPostingPosted
from unison_events.production import GoodsPostingRequested, PostingLine
from unison_pg.scope import scope_plants


def _share(total: Decimal, pieces: Decimal, of: Decimal) -> Decimal:
    """``total`` for ``of`` pieces, scaled to ``pieces``: exact to nine places."""
    return plain(total * pieces / of)


def build(
    organization_id: UUID,
    order: WorkOrder,
    op: WorkOrderOperation,
    made: tuple[Decimal, Decimal],
    day: date,
) -> GoodsPostingRequested | None:
    """Backflush what the operation consumes for every piece it made (good or scrap);
    receive the good pieces and the by-products when it reports output."""
    good = made[0]
    pieces = made[0] + made[1]
    consumption = tuple(
        PostingLine(
            material_id=c.material_id,
            quantity=_share(c.quantity, pieces, order.quantity),
            unit=c.unit,
            location_id=c.issue_location_id,
            lot=c.lot,
        )
        for c in order.components
        if c.operation_no == op.operation_no and c.backflush and not c.by_product and pieces > 0
    )
    output = op.reports_output and good > 0
    receipt = (
        PostingLine(
            material_id=order.material_id,
            quantity=good,
            unit=order.unit,
            location_id=order.output_location_id,
            lot=order.output_lot or order.number,
        )
        if output
        else None
    )
    by_products = tuple(
        PostingLine(
            material_id=c.material_id,
            quantity=_share(c.quantity, good, order.quantity),
            unit=c.unit,
            location_id=c.issue_location_id,
        )
        for c in order.components
        if c.by_product and output
    )
    if not consumption and receipt is None and not by_products:
        return None
    return GoodsPostingRequested(
        organization_id=organization_id,
        plant_id=order.plant_id,
        posting_id=uuid7(),
        work_order_id=order.id,
        reference=order.number,
        operation_no=op.operation_no,
        posting_date=day,
        consumption=tuple(c for c in consumption if c.quantity > 0),
        receipt=receipt,
        manufactured_on=day if receipt is not None else None,
        by_products=tuple(b for b in by_products if b.quantity > 0),
    )


async def request(
    conn: asyncpg.Connection, order: WorkOrder, posting: GoodsPostingRequested
) -> UUID:
    await repo.posting_insert(
        conn,
        posting.posting_id,
        order.plant_id,
        (order.id, posting.operation_no),
        msgspec.json.encode(posting),
    )
    await announce(conn, posting, order.id, {"posting_id": str(posting.posting_id)})
    return posting.posting_id


async def _settled(
    conn: asyncpg.Connection, event: ProductionPostingPosted | ProductionPostingFailed, status: str
) -> None:
    await notify_live(
        conn,
        LiveUpdate(
            type=f"production.goods_posting.{status}",
            id=str(event.work_order_id),
            organization_id=event.organization_id,
            plant_id=event.plant_id,
            data={"posting_id": str(event.posting_id)},
        ),
    )


async def on_posted(conn: asyncpg.Connection, event: ProductionPostingPosted) -> None:
    await scope_plants(conn, event.plant_id)
    settled = await repo.posting_settle(
        conn, event.posting_id, "posted", list(event.movement_ids), None
    )
    if settled is None:
        return  # a posting production never asked for, or answered already
    issued = [(line.material_id, -line.quantity) for line in event.lines if line.quantity < 0]
    await repo.components_issued(conn, settled[0], issued)
    await _settled(conn, event, "posted")


async def on_failed(conn: asyncpg.Connection, event: ProductionPostingFailed) -> None:
    await scope_plants(conn, event.plant_id)
    settled = await repo.posting_settle(conn, event.posting_id, "failed", [], event.error)
    if settled is not None:
        await _settled(conn, event, "failed")
