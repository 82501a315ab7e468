"""Records to Structs: repo functions return typed rows, never asyncpg Records."""

from __future__ import annotations

from typing import TypeVar

import asyncpg
import msgspec

T = TypeVar("T")


def one(record: asyncpg.Record | None, kind: type[T]) -> T | None:
    return None if record is None else msgspec.convert(dict(record), kind)


def many(records: list[asyncpg.Record], kind: type[T]) -> list[T]:
    return [msgspec.convert(dict(r), kind) for r in records]
