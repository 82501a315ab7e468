"""Reorder point planning: find the material/plants below their reorder point, tell each
crossing once, and list what is below now.

The check is one set-based statement over the organization's planned materials; a
crossing is remembered (``inventory.below_reorder_point``) until the stock is back, so an
hourly check that finds the same shortage again says nothing, and the next drop after a
recovery is told again. Postings in this service (cycle counts) run the same check for
the materials they moved, inside their own transaction, so a crossing they cause is told
at once rather than at the next hour.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from inventory import reorder, replenishment_repo, repo
from inventory.replenishment_models import BelowReorderPoint
from inventory.replenishment_repo import BelowRow, ReorderChange
from inventory.service.caller import Caller
from unison_bus import Event, JobContext, publish_many
from unison_events.inventory import StockBelowReorderPoint, StockReorderPointRecovered
from unison_pg import Database, Tenant
from unison_web import Invalid
from unison_web.paging import Page, decode_cursor, encode_cursor

KIND = "inventory.reorder_point_check"


class CheckResult(msgspec.Struct, frozen=True):
    below: int
    recovered: int


def _event(organization_id: UUID, change: ReorderChange) -> Event:
    if change.change == "recovered":
        return StockReorderPointRecovered(
            organization_id=organization_id,
            plant_id=change.plant_id,
            material_id=change.material_id,
            material_number=change.material_number,
            unit=change.unit,
            on_hand=change.on_hand,
            reorder_point=change.reorder_point,
            below_since=change.below_since,
        )
    if change.reorder_point is None or change.safety_stock is None:
        raise ValueError("a crossing below is of a planned material: it has plant data")
    return StockBelowReorderPoint(
        organization_id=organization_id,
        plant_id=change.plant_id,
        material_id=change.material_id,
        material_number=change.material_number,
        unit=change.unit,
        on_hand=change.on_hand,
        reorder_point=change.reorder_point,
        safety_stock=change.safety_stock,
        max_stock=change.max_stock,
        lot_size=change.lot_size,
        suggested_quantity=reorder.suggested_quantity(
            change.on_hand, change.reorder_point, change.max_stock, change.lot_size
        ),
        below_since=change.below_since,
    )


async def check_in(
    conn: asyncpg.Connection, caller: Caller, material_ids: list[UUID] | None = None
) -> CheckResult:
    """Check (every planned material, or ``material_ids``) in the transaction's plants and
    publish each crossing, inside the caller's transaction."""
    changes = await replenishment_repo.check(conn, material_ids)
    if changes:
        org = caller.tenant.organization_id
        await publish_many(conn, [_event(org, change) for change in changes])
    below = sum(1 for change in changes if change.change == "below")
    return CheckResult(below=below, recovered=len(changes) - below)


async def run(ctx: JobContext) -> dict[str, Any]:
    """The hourly job of one organization: the check over all its plants.

    A scheduled job names no plants, and RLS shows plant rows only for the plants of the
    transaction; the organization's plants with planned materials come from a function
    that reveals nothing else, and the transaction is scoped to them.
    """
    async with ctx.database.transaction(ctx.tenant) as conn:
        plant_ids = await replenishment_repo.planned_plants(conn)
        tenant = Tenant(ctx.organization_id, tuple(plant_ids), ctx.tenant.user_id)
        await repo.tenant_scope(conn, tenant)
        result = await check_in(conn, Caller(tenant, request_id=f"job:{ctx.job_id}"))
    return {"plants": len(plant_ids), "below": result.below, "recovered": result.recovered}


def _after(cursor: str | None) -> tuple[datetime, UUID, UUID] | None:
    if cursor is None:
        return None
    since, material_id, plant_id = decode_cursor(cursor, 3)
    try:
        return datetime.fromisoformat(str(since)), UUID(str(material_id)), UUID(str(plant_id))
    except ValueError as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc


def _item(row: BelowRow) -> BelowReorderPoint:
    suggested = reorder.suggested_quantity(
        row.on_hand, row.reorder_point, row.max_stock, row.lot_size
    )
    return BelowReorderPoint(**msgspec.structs.asdict(row), suggested_quantity=suggested)


async def below_reorder_point(
    db: Database, caller: Caller, plant_id: UUID | None, cursor: str | None, limit: int
) -> Page[BelowReorderPoint]:
    """What the last check found below its reorder point, longest first, with today's on
    hand and order suggestion; like the stock list, a plant outside the token shows nothing."""
    after = _after(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await replenishment_repo.below_page(conn, plant_id, after, limit + 1)
    items = [_item(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            [last.below_since.isoformat(), str(last.material_id), str(last.plant_id)]
        )
    return Page(items=items, next_cursor=next_cursor)
