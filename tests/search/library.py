"""Writing documents into the index as the worker does (the organization and the
documents' plants set on the transaction), and reading the index's own statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from search.documents import repo
from search.documents.models import DocumentGone, DocumentIn

T0 = datetime(2026, 11, 1, tzinfo=UTC)


class Library:
    def __init__(self, conn: asyncpg.Connection, org_id: UUID, plants: list[UUID]) -> None:
        self.conn = conn
        self.org_id = org_id
        self.plants = plants
        self.clock = T0

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    async def scoped(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        async with self.conn.transaction():
            await self.conn.execute(
                "SELECT set_config('app.organization_id', $1, true),"
                " set_config('app.plant_ids', $2, true)",
                str(self.org_id),
                ",".join(str(p) for p in self.plants),
            )
            return await fn(self.conn, *args, **kwargs)

    def doc(self, title: str, **fields: Any) -> DocumentIn:
        fields.setdefault("entity_type", "material")
        fields.setdefault("entity_id", str(uuid4()))
        fields.setdefault("link", f"/materials/{fields['entity_id']}")
        fields.setdefault("changed_at", self.tick())
        return DocumentIn(title=title, **fields)

    async def add(self, *docs: DocumentIn) -> int:
        return int(await self.scoped(repo.upsert, list(docs)))

    async def remove(self, doc: DocumentIn, changed_at: datetime | None = None) -> int:
        gone = DocumentGone(
            entity_type=doc.entity_type,
            entity_id=doc.entity_id,
            changed_at=changed_at or self.tick(),
        )
        return int(await self.scoped(repo.delete, [gone]))

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async def run(conn: asyncpg.Connection) -> list[asyncpg.Record]:
            return list(await conn.fetch(sql, *args))

        return list(await self.scoped(run))

    async def totals(self) -> dict[str, Any]:
        (row,) = await self.fetch(
            "SELECT language, doc_count, title_length, body_length, extra_length"
            " FROM search.settings"
        )
        return dict(row)

    async def df(self, term: str) -> int:
        rows = await self.fetch("SELECT df FROM search.terms WHERE term = $1", term)
        return int(rows[0]["df"]) if rows else 0
