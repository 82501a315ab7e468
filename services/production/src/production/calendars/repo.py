"""Typed functions for ``calendars.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from production.calendar.model import CalendarException, Holiday, ShiftCalendar, ShiftPattern
from production.calendars.models import Calendar, CalendarExceptionItem
from unison_pg import Queries
from unison_pg.rows import many, one

Q = Queries.load(Path(__file__).with_name("calendars.sql"))


class Header(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    code: str
    name: str
    timezone: str
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class Document(msgspec.Struct, frozen=True, kw_only=True):
    """A calendar with its rules, the exceptions of a window included."""

    header: Calendar
    rules: ShiftCalendar


_patterns = msgspec.json.Decoder(list[ShiftPattern])
_holidays = msgspec.json.Decoder(list[Holiday])
_exceptions = msgspec.json.Decoder(list[CalendarException])


async def insert(
    conn: asyncpg.Connection, plant_id: UUID, code: str, name: str, timezone: str
) -> Header | None:
    return one(await conn.fetchrow(Q.insert, plant_id, code, name, timezone), Header)


async def get(conn: asyncpg.Connection, calendar_id: UUID) -> Header | None:
    return one(await conn.fetchrow(Q.header, calendar_id), Header)


async def lock(conn: asyncpg.Connection, calendar_id: UUID) -> Header | None:
    return one(await conn.fetchrow(Q.header_lock, calendar_id), Header)


async def touch(
    conn: asyncpg.Connection, calendar_id: UUID, name: str | None = None, tz: str | None = None
) -> Header:
    found = one(await conn.fetchrow(Q.header_update, calendar_id, name, tz), Header)
    assert found is not None  # locked by the caller
    return found


async def delete(conn: asyncpg.Connection, calendar_id: UUID) -> bool:
    return await conn.fetchval(Q.delete, calendar_id) is not None


async def replace_rules(
    conn: asyncpg.Connection,
    calendar_id: UUID,
    patterns: list[ShiftPattern],
    holidays: list[Holiday],
) -> None:
    await conn.execute(Q.patterns_delete, calendar_id)
    await conn.execute(Q.holidays_delete, calendar_id)
    await conn.execute(
        Q.patterns_insert,
        calendar_id,
        [p.valid_from for p in patterns],
        [p.valid_to for p in patterns],
        [msgspec.json.encode(p.shifts).decode() for p in patterns],
    )
    await conn.execute(
        Q.holidays_insert, calendar_id, [h.day for h in holidays], [h.name for h in holidays]
    )


async def document(
    conn: asyncpg.Connection,
    calendar_id: UUID,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Document | None:
    """The calendar and its rules; exceptions only of ``[start, end)`` when given."""
    r = await conn.fetchrow(Q.document, calendar_id, start, end)
    if r is None:
        return None
    patterns = _patterns.decode(r["patterns"])
    holidays = _holidays.decode(r["holidays"])
    header = Calendar(
        id=r["id"],
        plant_id=r["plant_id"],
        code=r["code"],
        name=r["name"],
        timezone=r["timezone"],
        patterns=patterns,
        holidays=holidays,
        version=r["version"],
        created_at=r["created_at"],
        created_by=r["created_by"],
        updated_at=r["updated_at"],
        updated_by=r["updated_by"],
    )
    rules = ShiftCalendar(
        timezone=r["timezone"],
        patterns=tuple(patterns),
        holidays=tuple(holidays),
        exceptions=tuple(_exceptions.decode(r["exceptions"])),
    )
    return Document(header=header, rules=rules)


async def page(
    conn: asyncpg.Connection, plant_id: UUID | None, after: tuple[object, ...] | None, limit: int
) -> list[Header]:
    key = after if after is not None else (None, None)
    return many(await conn.fetch(Q.page, plant_id, *key, limit), Header)


async def exception_insert(
    conn: asyncpg.Connection, calendar_id: UUID, fields: tuple[object, ...]
) -> CalendarExceptionItem:
    """``fields``: starts_at, ends_at, kind, name, shift_code."""
    found = one(
        await conn.fetchrow(Q.exception_insert, calendar_id, *fields), CalendarExceptionItem
    )
    assert found is not None
    return found


async def exception_delete(conn: asyncpg.Connection, calendar_id: UUID, item: UUID) -> bool:
    return await conn.fetchval(Q.exception_delete, calendar_id, item) is not None


async def exceptions_page(
    conn: asyncpg.Connection,
    calendar_id: UUID,
    window: tuple[datetime, datetime],
    after: tuple[object, ...] | None,
    limit: int,
) -> list[CalendarExceptionItem]:
    key = after if after is not None else (None, None)
    return many(
        await conn.fetch(Q.exceptions_page, calendar_id, *window, *key, limit),
        CalendarExceptionItem,
    )


async def any_calendar(conn: asyncpg.Connection) -> bool:
    return bool(await conn.fetchval(Q.any_calendar))


async def versions(conn: asyncpg.Connection, ids: list[UUID]) -> dict[UUID, int]:
    return {r["id"]: r["version"] for r in await conn.fetch(Q.versions, ids)}
