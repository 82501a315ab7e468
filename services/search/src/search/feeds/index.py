"""Writing what a feed made: the documents' plants scoped on the consumer's transaction
(it comes with the event's organization and no plants), then the upserts and removals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from search.documents import repo
from search.documents.models import DocumentGone, DocumentIn
from unison_pg.scope import scope_plants


async def write(
    conn: asyncpg.Connection,
    docs: Sequence[DocumentIn] = (),
    gone: Sequence[DocumentGone] = (),
    *,
    plants: Sequence[UUID | None] = (),
) -> None:
    """``plants``: where the removed documents live (RLS checks a removal's plant too)."""
    await scope_plants(conn, *{d.plant_id for d in docs}, *plants)
    await repo.upsert(conn, docs)
    await repo.delete(conn, gone)


def words(*parts: object) -> str:
    """The non-empty parts as one field's text, in order (None and "" left out)."""
    return " ".join(_text(p) for p in parts if p is not None and _text(p))


def _text(part: object) -> str:
    if isinstance(part, Decimal):
        return format(part.normalize(), "f")
    if isinstance(part, datetime | date):
        return part.isoformat()
    if isinstance(part, tuple | list):
        return words(*part)
    return str(part).strip()
