"""Label batches: requested over the API, rendered by a job in the worker (in a thread:
rendering is CPU work), stored for download: the PDF in the object store
(``org/<organization>/production/label-files/<uuid7>``, written first), the row with its
key in the job's transaction. The hourly sweep removes expired files and orphans."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Response
from msgspec import Meta

from production.caller import SHOP_FLOOR, Caller
from production.labels import LabelFormat, LotLabel, WorkOrderLabel, render_labels
from production.read_models import repo as read_models
from production.work_orders import repo as orders_repo
from production.work_orders.models import WorkOrder
from unison_bus import JobContext, JobHandler, enqueue
from unison_objects import DownloadLink, ObjectStore, StoredFile, new_key, presigned, send
from unison_objects.sweep import SweepPlan
from unison_pg import Database, Queries, Tenant
from unison_web import Invalid, NotFound

Q = Queries.load(Path(__file__).with_name("labels.sql"))
KIND = "production.labels"
QUEUE = "production_jobs"
FILES = "label-files"
SWEEP = SweepPlan(service="production", kinds=(FILES,), expire=Q.expire)


class LabelRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Labels for these orders: the order's traveller (``work_order``) or the label of
    the lot it makes (``lot``), ``copies`` of each. ``plant_code`` is printed as given."""

    kind: Literal["work_order", "lot"]
    work_order_ids: Annotated[list[UUID], Meta(min_length=1, max_length=1000)]
    format: Literal["A4_3x8", "100x50"] = "100x50"
    copies: Annotated[int, Meta(ge=1, le=50)] = 1
    plant_code: Annotated[str, Meta(min_length=1, max_length=40)] = "-"


async def request(db: Database, caller: Caller, data: LabelRequest, public_url: str) -> UUID:
    caller.require(*SHOP_FLOOR)
    if len(data.work_order_ids) * data.copies > 5000:
        raise Invalid("at most 5,000 labels in one batch (orders x copies)", "/copies")
    params = {
        "request": msgspec.to_builtins(data),
        "plant_ids": [str(p) for p in caller.tenant.plant_ids],
        "requested_by": caller.user,
        "public_url": public_url,
    }
    async with db.transaction(caller.tenant) as conn:
        return await enqueue(
            conn,
            queue=QUEUE,
            organization_id=caller.tenant.organization_id,
            kind=KIND,
            params=params,
        )


def _labels(
    data: LabelRequest, orders: list[WorkOrder], numbers: dict[UUID, tuple[str, str]], url: str
) -> list[WorkOrderLabel | LotLabel]:
    made: list[WorkOrderLabel | LotLabel] = []
    for order in orders:
        number, description = numbers.get(order.material_id, ("?", "?"))
        link = f"{url}/work-orders/{order.id}"
        label: WorkOrderLabel | LotLabel
        if data.kind == "work_order":
            label = WorkOrderLabel(
                order_number=order.number,
                material_number=number,
                material_description=description,
                quantity=order.quantity,
                unit=order.unit,
                due_date=order.due_at.date(),
                plant_code=data.plant_code,
                link=link,
            )
        else:
            label = LotLabel(
                material_number=number,
                material_description=description,
                lot_number=order.output_lot or order.number,
                quantity=order.good_quantity or order.quantity,
                unit=order.unit,
                manufactured_on=(order.actual_start or order.created_at).date(),
                status="released",
                link=link,
                order_number=order.number,
            )
        made.extend([label] * data.copies)
    return made


async def _orders(
    ctx: JobContext, tenant: Tenant, ids: list[UUID]
) -> tuple[list[WorkOrder], dict[UUID, tuple[str, str]]]:
    async with ctx.database.transaction(tenant, readonly=True) as conn:
        found = await orders_repo.headers(conn, ids)
        orders = [found[i] for i in ids if i in found]
        materials = await read_models.materials_get(conn, [o.material_id for o in orders])
    numbers = {m.id: (m.number, m.description) for m in materials.values()}
    return orders, numbers


async def run(ctx: JobContext, store: ObjectStore) -> dict[str, Any]:
    data = msgspec.convert(ctx.params["request"], LabelRequest)
    tenant = Tenant(
        ctx.organization_id,
        tuple(UUID(p) for p in ctx.params.get("plant_ids", [])),
        str(ctx.params.get("requested_by", "job")),
    )
    orders, numbers = await _orders(ctx, tenant, data.work_order_ids)
    if not orders:
        raise ValueError("none of the work orders exists (any more)")
    labels = _labels(data, orders, numbers, str(ctx.params.get("public_url", "")))
    progress = [0, len(labels)]

    def seen(done: int, total: int) -> None:
        progress[0], progress[1] = done, total

    rendering = asyncio.create_task(
        asyncio.to_thread(render_labels, labels, LabelFormat(preset=data.format), seen)
    )
    while not rendering.done():
        await asyncio.wait({rendering}, timeout=0.5)
        await ctx.progress(progress[0], progress[1], f"{progress[0]} of {progress[1]} labels")
    pdf = rendering.result()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    key = new_key(ctx.organization_id, "production", FILES)
    await store.put(key, pdf, "application/pdf")
    async with ctx.database.transaction(tenant) as conn:
        file_id = await conn.fetchval(
            Q.insert, ctx.job_id, f"labels-{stamp}.pdf", len(labels), len(pdf), key
        )
    return {
        "labels": len(labels),
        "bytes": len(pdf),
        "missing_orders": len(data.work_order_ids) - len(orders),
        "download": f"/api/production/labels/{file_id}",
    }


def runner(store: ObjectStore) -> JobHandler:
    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(ctx, store)

    return handler


async def _stored(db: Database, caller: Caller, file_id: UUID) -> StoredFile:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        row = await conn.fetchrow(Q.get, file_id)
    if row is None:
        raise NotFound(f"label file {file_id} does not exist or has expired")
    return StoredFile.of(row)


async def download(
    db: Database, store: ObjectStore, caller: Caller, file_id: UUID
) -> Response[Any]:
    return await send(store, await _stored(db, caller, file_id), caller.tenant.organization_id)


async def link(db: Database, store: ObjectStore, caller: Caller, file_id: UUID) -> DownloadLink:
    stored = await _stored(db, caller, file_id)
    return presigned(store, stored, caller.tenant.organization_id)
