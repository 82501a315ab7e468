"""Keyset-paginated reads: the material list and a material's history.

A cursor holds the sort key of the last row returned (and the sort it belongs to), so a
page costs the same wherever it is, and rows written meanwhile neither repeat nor vanish.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from inventory import repo
from inventory.models import AuditEntry, Material
from inventory.service.caller import Caller
from inventory.service.materials import not_found
from unison_pg import Database
from unison_web import Invalid
from unison_web.paging import Page, decode_cursor, encode_cursor

_SEARCH_MAX = 100


class ListQuery(msgspec.Struct, frozen=True, kw_only=True):
    """The list's query parameters as the route received them."""

    sort: repo.Sort = "number"
    limit: int = 50
    cursor: str | None = None
    type: str | None = None
    status: str | None = None
    base_unit: str | None = None
    material_group: str | None = None
    q: str | None = None
    plant_id: UUID | None = None


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filter(query: ListQuery) -> repo.MaterialFilter:
    search = (query.q or "").strip().lower() or None
    if search is not None and len(search) > _SEARCH_MAX:
        raise Invalid(f"at most {_SEARCH_MAX} characters", "/q")
    words = search.split() if search else []
    return repo.MaterialFilter(
        type=query.type,
        status=query.status,
        base_unit=query.base_unit.strip().upper() if query.base_unit else None,
        material_group=query.material_group,
        search=search,
        search_patterns=[_like_pattern(w) for w in words],
        search_words=words,
        plant_id=query.plant_id,
    )


def _sort_value(material: Material, sort: repo.Sort) -> str:
    field = sort.lstrip("-")
    if field == "number":
        return material.number
    stamp: datetime = getattr(material, field)
    return stamp.isoformat()


def _after(cursor: str | None, sort: repo.Sort) -> tuple[str | datetime, UUID] | None:
    if cursor is None:
        return None
    cursor_sort, value, row_id = decode_cursor(cursor, 3)
    if cursor_sort != sort or not isinstance(value, str) or not isinstance(row_id, str):
        raise Invalid("cursor belongs to another sort order; start again", "/cursor")
    try:
        key: str | datetime = (
            value if sort.lstrip("-") == "number" else datetime.fromisoformat(value)
        )
        return key, UUID(row_id)
    except ValueError as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc


async def materials(db: Database, caller: Caller, query: ListQuery) -> Page[Material]:
    where = _filter(query)
    after = _after(query.cursor, query.sort)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        # One row more than asked says whether another page exists.
        rows = await repo.materials_page(conn, query.sort, where, after, query.limit + 1)
    items, more = rows[: query.limit], len(rows) > query.limit
    next_cursor = None
    if more:
        last = items[-1]
        next_cursor = encode_cursor([query.sort, _sort_value(last, query.sort), str(last.id)])
    return Page(items=items, next_cursor=next_cursor)


def _before(cursor: str | None) -> tuple[datetime, UUID] | None:
    if cursor is None:
        return None
    values: list[Any] = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(str(values[0])), UUID(str(values[1]))
    except ValueError as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc


async def history(
    db: Database, caller: Caller, material_id: UUID, cursor: str | None, limit: int
) -> Page[AuditEntry]:
    """Changes to the material and its parts, newest first; kept after it is deleted."""
    before = _before(cursor)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.material_history_page(conn, material_id, before, limit + 1)
        if not rows and before is None and await repo.material_get(conn, material_id) is None:
            raise not_found(material_id)
    items, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more:
        last = items[-1]
        next_cursor = encode_cursor([last.occurred_at.isoformat(), str(last.id)])
    return Page(items=items, next_cursor=next_cursor)
