"""Material master export to CSV: requested over the API, produced by a job in the worker.

The job pages through the materials with the same keyset query as the list endpoint
(each page its own short read transaction, so a large export never holds a snapshot or
locks for long), reports progress per page, and streams the pages to the object store
(``org/<organization>/inventory/exports/<uuid7>``: spooled, then uploaded in parts), then
records the file's row in one transaction. The hourly sweep removes expired files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import msgspec
from litestar import Response

from inventory import repo
from inventory.models import Material, MaterialStatus, MaterialType
from inventory.service.caller import Caller
from inventory.service.lists import ListQuery, materials
from unison_bus import JobContext, JobHandler, enqueue
from unison_objects import DownloadLink, ObjectStore, StoredFile, new_key, presigned, send
from unison_objects.sweep import SweepPlan
from unison_pg import Database, Tenant
from unison_web import NotFound

KIND = "inventory.materials_export"
QUEUE = "inventory_jobs"
PAGE = 500
FILES = "exports"
CONTENT_TYPE = "text/csv; charset=utf-8"
SWEEP = SweepPlan(service="inventory", kinds=(FILES,), expire=repo.Q.exports_expire)
COLUMNS = (
    "number",
    "description",
    "type",
    "base_unit",
    "material_group",
    "status",
    "gross_weight",
    "net_weight",
    "weight_unit",
    "version",
    "updated_at",
)


class ExportRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The list's filters; an empty object exports every material the caller can see."""

    type: MaterialType | None = None
    status: MaterialStatus | None = None
    base_unit: str | None = None
    material_group: str | None = None
    q: str | None = None
    plant_id: UUID | None = None


class ExportQueued(msgspec.Struct, frozen=True):
    job_id: UUID
    status: str
    href: str


async def request(db: Database, caller: Caller, filters: ExportRequest) -> UUID:
    """Queue the export; the job runs with the caller's organization and plants."""
    ListQuery(**msgspec.structs.asdict(filters))  # the same validation as the list
    params: dict[str, Any] = {
        "filters": msgspec.to_builtins(filters),
        "plant_ids": [str(p) for p in caller.tenant.plant_ids],
        "requested_by": caller.tenant.user_id,
    }
    async with db.transaction(caller.tenant) as conn:
        return await enqueue(
            conn,
            queue=QUEUE,
            organization_id=caller.tenant.organization_id,
            kind=KIND,
            params=params,
        )


def _row(material: Material) -> list[str]:
    values = msgspec.to_builtins(material)
    return ["" if values.get(c) is None else str(values[c]) for c in COLUMNS]


async def run(ctx: JobContext, store: ObjectStore) -> dict[str, Any]:
    """The job handler: write every matching material, then store the file."""
    tenant = Tenant(
        organization_id=ctx.organization_id,
        plant_ids=tuple(UUID(p) for p in ctx.params.get("plant_ids", [])),
        user_id=str(ctx.params.get("requested_by", "job")),
    )
    caller = Caller(tenant=tenant, request_id=f"job:{ctx.job_id}")
    filters = msgspec.convert(ctx.params.get("filters", {}), ExportRequest)
    written = [0]

    async def pages() -> AsyncIterator[bytes]:
        yield _csv([list(COLUMNS)]).encode("utf-8-sig")  # a BOM: Excel opens UTF-8 right
        cursor = None
        while True:
            query = ListQuery(limit=PAGE, cursor=cursor, **msgspec.structs.asdict(filters))
            page = await materials(ctx.database, caller, query)
            yield _csv([_row(m) for m in page.items]).encode("utf-8")
            written[0] += len(page.items)
            await ctx.progress(written[0], None, f"{written[0]} materials written")
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    key = new_key(ctx.organization_id, "inventory", FILES)
    stored = await store.put_stream(key, pages(), CONTENT_TYPE)
    async with ctx.database.transaction(tenant) as conn:
        export_id = await repo.export_insert(
            conn, ctx.job_id, "materials.csv", CONTENT_TYPE, written[0], stored
        )
    return {
        "rows": written[0],
        "bytes": stored.size_bytes,
        "download": f"/api/inventory/exports/{export_id}",
    }


def runner(store: ObjectStore) -> JobHandler:
    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(ctx, store)

    return handler


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


async def _stored(db: Database, caller: Caller, export_id: UUID) -> StoredFile:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.export_get(conn, export_id)
    if found is None:
        raise NotFound(f"export {export_id} does not exist or has expired")
    return found


async def download(
    db: Database, store: ObjectStore, caller: Caller, export_id: UUID
) -> Response[Any]:
    return await send(store, await _stored(db, caller, export_id), caller.tenant.organization_id)


async def link(db: Database, store: ObjectStore, caller: Caller, export_id: UUID) -> DownloadLink:
    stored = await _stored(db, caller, export_id)
    return presigned(store, stored, caller.tenant.organization_id)
