"""Material master export to CSV: requested over the API, produced by a job in the worker.

The job pages through the materials with the same keyset query as the list endpoint
(each page its own short read transaction, so a large export never holds a snapshot or
locks for long), reports progress per page, and stores the file for download.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import msgspec

from inventory import repo
from inventory.models import Material, MaterialStatus, MaterialType
from inventory.service.caller import Caller
from inventory.service.lists import ListQuery, materials
from unison_bus import JobContext, enqueue
from unison_pg import Database, Tenant
from unison_web import NotFound

KIND = "inventory.materials_export"
QUEUE = "inventory_jobs"
PAGE = 500
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


class ExportFile(msgspec.Struct, frozen=True):
    filename: str
    content_type: str
    content: bytes


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


async def run(ctx: JobContext) -> dict[str, Any]:
    """The job handler: write every matching material, then store the file."""
    tenant = Tenant(
        organization_id=ctx.organization_id,
        plant_ids=tuple(UUID(p) for p in ctx.params.get("plant_ids", [])),
        user_id=str(ctx.params.get("requested_by", "job")),
    )
    caller = Caller(tenant=tenant, request_id=f"job:{ctx.job_id}")
    filters = msgspec.convert(ctx.params.get("filters", {}), ExportRequest)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    written, cursor = 0, None
    while True:
        query = ListQuery(limit=PAGE, cursor=cursor, **msgspec.structs.asdict(filters))
        page = await materials(ctx.database, caller, query)
        writer.writerows(_row(m) for m in page.items)
        written += len(page.items)
        await ctx.progress(written, None, f"{written} materials written")
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    content = out.getvalue().encode("utf-8-sig")  # a BOM, so Excel opens UTF-8 correctly
    async with ctx.database.transaction(tenant) as conn:
        export_id = await repo.export_insert(
            conn, ctx.job_id, "materials.csv", "text/csv; charset=utf-8", written, content
        )
    return {
        "rows": written,
        "bytes": len(content),
        "download": f"/api/inventory/exports/{export_id}",
    }


async def download(db: Database, caller: Caller, export_id: UUID) -> ExportFile:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.export_get(conn, export_id)
    if found is None:
        raise NotFound(f"export {export_id} does not exist or has expired")
    return ExportFile(*found)
