"""Keyset pages: the cursor's values typed back, and the page cut from limit + 1 rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from unison_web import Invalid
from unison_web.paging import Page, decode_cursor, encode_cursor

T = TypeVar("T")

_PARSERS: dict[type, Callable[[Any], Any]] = {
    UUID: lambda v: UUID(str(v)),
    str: str,
    int: int,
    datetime: lambda v: datetime.fromisoformat(str(v)),
    date: lambda v: date.fromisoformat(str(v)),
}


def after(cursor: str | None, *kinds: type) -> tuple[Any, ...] | None:
    """The cursor's values as ``kinds``; a forged cursor is a 422, never a 500."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, len(kinds))
    try:
        return tuple(_PARSERS[k](v) for k, v in zip(kinds, values, strict=True))
    except (ValueError, TypeError) as exc:
        raise Invalid("cursor is not valid for this list", "/cursor") from exc


def cut(rows: Sequence[T], limit: int, key: Callable[[T], Sequence[Any]]) -> Page[T]:
    """``rows`` were fetched with ``limit + 1``: the extra one says there is a next page."""
    items = list(rows[:limit])
    if len(rows) <= limit:
        return Page(items=items)
    values = [v.isoformat() if isinstance(v, date | datetime) else v for v in key(items[-1])]
    return Page(
        items=items,
        next_cursor=encode_cursor([str(v) if isinstance(v, UUID) else v for v in values]),
    )
