"""The rebuild job: re-read every source through its service's API and index it again,
for when the index was lost or its mapping changed.

Each page is indexed as one transaction with ``changed_at`` = the row's ``updated_at``,
written over what the index has (the source's answer is the truth). Documents the index
has but no source listed were deleted there: they are removed as of the rebuild's start,
so a document an event added meanwhile stays. Only what the API client may see is
removed (organization-wide documents and those of the client's plants).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import httpx
import msgspec

from search.admin.settings import RebuildSettings
from search.admin.sources import Sources, SourceUnavailable, TokenClaims
from search.documents import repo
from search.documents.models import DocumentGone, DocumentIn
from search.feeds import (
    capas,
    equipment,
    equipment_documents,
    inspection_plans,
    lots,
    maintenance_orders,
    materials,
    ncrs,
    work_orders,
)
from unison_bus import JobContext, JobHandler
from unison_pg import Queries, Tenant

KIND = "search.rebuild"
Q = Queries.load(Path(__file__).with_name("rebuild.sql"))
T = TypeVar("T")
BATCH = 1000


class Stamp(msgspec.Struct):
    updated_at: datetime


class Rebuild:
    """One run: what was indexed per type (to find what is gone) and the counts so far."""

    def __init__(self, ctx: JobContext, sources: Sources, claims: TokenClaims) -> None:
        self.ctx = ctx
        self.sources = sources
        self.claims = claims
        self.started = datetime.now(UTC)
        self.seen: dict[str, set[str]] = {}
        self.indexed = 0
        self.pages = 0

    async def rows(self, path: str, kind: type[T]) -> AsyncIterator[list[tuple[T, datetime]]]:
        """Each page's rows as ``kind`` with their ``updated_at``."""
        async for page in self.sources.pages(path):
            yield [
                (msgspec.convert(row, kind, strict=False), msgspec.convert(row, Stamp).updated_at)
                for row in page
            ]

    async def index(self, entity: str, docs: list[DocumentIn]) -> None:
        self.seen.setdefault(entity, set()).update(d.entity_id for d in docs)
        if not docs:
            return
        plants = tuple({d.plant_id for d in docs if d.plant_id is not None})
        tenant = Tenant(self.ctx.organization_id, plants, f"job:{KIND}")
        async with self.ctx.database.transaction(tenant) as conn:
            await repo.upsert(conn, docs, force=True)
        self.indexed += len(docs)
        self.pages += 1
        await self.ctx.progress(self.indexed, None, f"{entity}: {len(self.seen[entity])} indexed")

    async def feed(
        self, entity: str, path: str, kind: type[T], make: Callable[[T, datetime], DocumentIn]
    ) -> list[T]:
        found: list[T] = []
        self.seen.setdefault(entity, set())
        async for page in self.rows(path, kind):
            found.extend(row for row, _ in page)
            await self.index(entity, [make(row, at) for row, at in page])
        return found

    async def feed_listing(
        self, entity: str, path: str, kind: type[T], make: Callable[[T], DocumentIn]
    ) -> None:
        """An unpaged list whose rows never change (no ``updated_at``)."""
        rows = await self.sources.listing(path)
        await self.index(entity, [make(msgspec.convert(row, kind, strict=False)) for row in rows])

    async def remove_unseen(self) -> int:
        """Remove what the index has and no source listed, type by type."""
        reach = list(self.claims.plants)
        async with self.ctx.database.transaction(Tenant(self.ctx.organization_id)) as conn:
            plants: list[UUID] = await conn.fetchval(Q.organization_plants)
        tenant = Tenant(self.ctx.organization_id, tuple(plants), f"job:{KIND}")
        removed = 0
        for entity, seen in self.seen.items():
            async with self.ctx.database.transaction(tenant, readonly=True) as conn:
                live = {r[0] for r in await conn.fetch(Q.live, entity, reach)}
            gone = [
                DocumentGone(entity_type=entity, entity_id=i, changed_at=self.started)
                for i in sorted(live - seen)
            ]
            for start in range(0, len(gone), BATCH):
                async with self.ctx.database.transaction(tenant) as conn:
                    removed += await repo.delete(conn, gone[start : start + BATCH])
        return removed


async def run(ctx: JobContext, settings: RebuildSettings, http: httpx.AsyncClient | None) -> Any:
    async with Sources(settings, http, ctx.organization_id) as sources:
        claims = sources.claims
        if claims is None or claims.org != ctx.organization_id:
            raise SourceUnavailable(
                "the token the gateway gave is for another organization than the rebuild's"
            )
        rebuild = Rebuild(ctx, sources, claims)
        numbers = await _inventory(rebuild)
        await _production_and_quality(rebuild, numbers)
        await _maintenance(rebuild)
        removed = await rebuild.remove_unseen()
    counts = {entity: len(ids) for entity, ids in rebuild.seen.items()}
    await ctx.progress(rebuild.indexed, rebuild.indexed, f"done: {removed} removed")
    return {"indexed": counts, "removed": removed, "pages": rebuild.pages}


async def _inventory(rebuild: Rebuild) -> dict[UUID, str]:
    """Materials and their lots; the material numbers, which other documents name."""
    found = await rebuild.feed(
        materials.ENTITY, materials.SOURCE, materials.Material, materials.document
    )
    numbers = {m.id: m.number for m in found}
    for material_id in numbers:
        await rebuild.feed(lots.ENTITY, lots.source(material_id), lots.Lot, lots.document)
    return numbers


async def _production_and_quality(rebuild: Rebuild, numbers: dict[UUID, str]) -> None:
    def order(o: work_orders.WorkOrder, at: datetime) -> DocumentIn:
        return work_orders.document(o, numbers.get(o.material_id, ""), at)

    def plan(p: inspection_plans.InspectionPlan, at: datetime) -> DocumentIn:
        named = msgspec.structs.replace(p, material_number=numbers.get(p.material_id))
        return inspection_plans.document(named, at)

    await rebuild.feed(work_orders.ENTITY, work_orders.SOURCE, work_orders.WorkOrder, order)
    await rebuild.feed(ncrs.ENTITY, ncrs.SOURCE, ncrs.Ncr, ncrs.document)
    await rebuild.feed(capas.ENTITY, capas.SOURCE, capas.Capa, capas.document)
    await rebuild.feed(
        inspection_plans.ENTITY, inspection_plans.SOURCE, inspection_plans.InspectionPlan, plan
    )


async def _maintenance(rebuild: Rebuild) -> None:
    machines = await rebuild.feed(
        equipment.ENTITY, equipment.SOURCE, equipment.Equipment, equipment.document
    )
    rebuild.seen.setdefault(equipment_documents.ENTITY, set())
    for machine in machines:
        await rebuild.feed_listing(
            equipment_documents.ENTITY,
            equipment_documents.source(machine.id),
            equipment_documents.EquipmentDocument,
            _files_of(machine),
        )
    await rebuild.feed(
        maintenance_orders.ENTITY,
        maintenance_orders.SOURCE,
        maintenance_orders.MaintenanceOrder,
        maintenance_orders.document,
    )


def _files_of(
    machine: equipment.Equipment,
) -> Callable[[equipment_documents.EquipmentDocument], DocumentIn]:
    def make(file: equipment_documents.EquipmentDocument) -> DocumentIn:
        return equipment_documents.document(file, machine.plant_id, machine.code, file.uploaded_at)

    return make


def runner(settings: RebuildSettings, http: httpx.AsyncClient | None = None) -> JobHandler:
    """The job handler; ``http`` replaces the gateway connection (tests)."""

    async def handle(ctx: JobContext) -> dict[str, Any]:
        result: dict[str, Any] = await run(ctx, settings, http)
        return result

    return handle
