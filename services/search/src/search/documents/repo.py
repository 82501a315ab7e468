"""Writing the index (``documents.sql``). The caller owns the transaction and its tenant:
the organization, and the plants of the documents it writes (RLS checks both)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import asyncpg

from search.documents.models import DocumentGone, DocumentIn
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("documents.sql"))


async def upsert(
    conn: asyncpg.Connection, docs: Sequence[DocumentIn], *, force: bool = False
) -> int:
    """Index ``docs`` (newer changes replace older ones); returns how many were written."""
    if not docs:
        return 0
    written: int = await conn.fetchval(
        Q.upsert,
        [d.entity_type for d in docs],
        [d.entity_id for d in docs],
        [d.plant_id for d in docs],
        [d.code for d in docs],
        [d.title for d in docs],
        [d.body for d in docs],
        [d.extra for d in docs],
        [d.status for d in docs],
        [d.material_group for d in docs],
        [d.doc_date for d in docs],
        [d.link for d in docs],
        [d.changed_at for d in docs],
        force,
    )
    return written


async def delete(conn: asyncpg.Connection, gone: Sequence[DocumentGone]) -> int:
    if not gone:
        return 0
    removed: int = await conn.fetchval(
        Q.delete,
        [g.entity_type for g in gone],
        [g.entity_id for g in gone],
        [g.changed_at for g in gone],
    )
    return removed
