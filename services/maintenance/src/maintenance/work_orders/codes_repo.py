"""The failure code catalogue (problem, cause, remedy): typed functions for ``codes.sql``
and its use cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import asyncpg
import msgspec
from msgspec import Meta

from maintenance.caller import MAINTAINERS, Caller
from unison_pg import Database, Queries
from unison_pg.rows import many, one
from unison_web import Invalid, checks, paging
from unison_web.paging import Page

Q = Queries.load(Path(__file__).with_name("codes.sql"))
CodeKind = Literal["problem", "cause", "remedy"]


class FailureCode(msgspec.Struct, kw_only=True):
    kind: CodeKind
    code: str
    name: str
    active: bool


class FailureCodePut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    active: bool = True


async def active(conn: asyncpg.Connection) -> set[tuple[str, str]]:
    return {(r["kind"], r["code"]) for r in await conn.fetch(Q.active)}


async def put(
    db: Database, caller: Caller, kind: CodeKind, code: str, data: FailureCodePut
) -> FailureCode:
    """Codes are never deleted (orders name them): deactivate one instead."""
    caller.require(*MAINTAINERS)
    value = checks.code(code)
    if not value or len(value) > 20 or not all(c.isalnum() or c in "_.-" for c in value):
        raise Invalid("a code is 1-20 letters, digits, _ . -", "/code")
    name = checks.text(data.name, "/name", 100)
    async with db.transaction(caller.tenant) as conn:
        found = one(await conn.fetchrow(Q.upsert, kind, value, name, data.active), FailureCode)
    assert found is not None
    return found


async def list_page(
    db: Database, caller: Caller, kind: CodeKind | None, cursor: str | None, limit: int
) -> Page[FailureCode]:
    key = paging.after(cursor, str, str) or (None, None)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = many(await conn.fetch(Q.page, kind, *key, limit + 1), FailureCode)
    return paging.cut(rows, limit, lambda c: (c.kind, c.code))
