"""Keyset pagination: an opaque cursor holds the sort key of the last row returned."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec

from unison_web.errors import Invalid

T = TypeVar("T")

MAX_LIMIT = 500


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(values)).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`; a forged or stale one is a 400-class error."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = msgspec.json.decode(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, msgspec.DecodeError, ValueError) as exc:
        raise Invalid("cursor is not valid", "/cursor") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise Invalid("cursor is not valid for this list", "/cursor")
    return values


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", "/limit")
    return limit


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


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value) if isinstance(value, UUID) else value


def cut(rows: Sequence[T], limit: int, key: Callable[[T], Sequence[Any]]) -> Page[T]:
    """``rows`` were fetched with ``limit + 1``: the extra one says there is a next page,
    and the last row kept gives the cursor."""
    items = list(rows[:limit])
    if len(rows) <= limit:
        return Page(items=items)
    return Page(items=items, next_cursor=encode_cursor([_plain(v) for v in key(items[-1])]))
