"""Shift calendar use cases: each owns its transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from production import shift_calendar
from production.calendar.model import CalendarException, ShiftCalendar
from production.calendars import repo
from production.calendars.models import (
    Calendar,
    CalendarCreate,
    CalendarExceptionItem,
    CalendarPut,
    ExceptionCreate,
    ShiftList,
)
from production.caller import PLANNERS, Caller
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page

# A shift list is for a screen or a check, not an export: 93 days covers a quarter.
MAX_SHIFT_WINDOW = timedelta(days=93)


def _invalid(problems: list[tuple[str, str]]) -> Invalid:
    first_pointer, first = problems[0]
    error = Invalid(f"{first_pointer}: {first}" if len(problems) == 1 else f"{first} (and more)")
    error.errors = [{"pointer": p, "detail": d} for p, d in problems]
    return error


def _check_rules(data: CalendarCreate | CalendarPut) -> None:
    rules = ShiftCalendar(
        timezone=data.timezone, patterns=tuple(data.patterns), holidays=tuple(data.holidays)
    )
    problems = shift_calendar.validate(rules)
    days = [h.day for h in data.holidays]
    if len(days) != len(set(days)):
        problems.append(("/holidays", "a day is listed twice"))
    if problems:
        raise _invalid(problems)


async def create(db: Database, caller: Caller, data: CalendarCreate) -> Calendar:
    caller.require(*PLANNERS)
    caller.check_plant(data.plant_id)
    name = checks.text(data.name, "/name", 100)
    _check_rules(data)
    async with db.transaction(caller.tenant) as conn:
        header = await repo.insert(conn, data.plant_id, checks.code(data.code), name, data.timezone)
        if header is None:
            raise Conflict(
                f"shift calendar {checks.code(data.code)} already exists in this plant",
                errors=[{"pointer": "/code", "detail": "already used in this plant"}],
            )
        await repo.replace_rules(conn, header.id, data.patterns, data.holidays)
        return await _document(conn, header.id)


async def _document(conn: asyncpg.Connection, calendar_id: UUID) -> Calendar:
    found = await repo.document(conn, calendar_id)
    if found is None:
        raise NotFound(f"shift calendar {calendar_id} does not exist")
    return found.header


async def get(db: Database, caller: Caller, calendar_id: UUID) -> Calendar:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await _document(conn, calendar_id)


async def _locked(conn: asyncpg.Connection, calendar_id: UUID, expected: int | None) -> repo.Header:
    header = await repo.lock(conn, calendar_id)
    if header is None:
        raise NotFound(f"shift calendar {calendar_id} does not exist")
    if expected is not None and header.version != expected:
        raise PreconditionFailed(
            f"shift calendar {header.code} is at version {header.version}, not {expected}"
        )
    return header


async def replace(
    db: Database, caller: Caller, calendar_id: UUID, data: CalendarPut, expected: int
) -> Calendar:
    caller.require(*PLANNERS)
    name = checks.text(data.name, "/name", 100)
    _check_rules(data)
    async with db.transaction(caller.tenant) as conn:
        await _locked(conn, calendar_id, expected)
        await repo.replace_rules(conn, calendar_id, data.patterns, data.holidays)
        await repo.touch(conn, calendar_id, name, data.timezone)
        return await _document(conn, calendar_id)


async def delete(db: Database, caller: Caller, calendar_id: UUID, expected: int) -> None:
    caller.require(*PLANNERS)
    try:
        async with db.transaction(caller.tenant) as conn:
            await _locked(conn, calendar_id, expected)
            await repo.delete(conn, calendar_id)
    except asyncpg.ForeignKeyViolationError:
        raise Conflict(f"shift calendar {calendar_id} is used by work centers") from None


async def list_page(
    db: Database, caller: Caller, plant_id: UUID | None, cursor: str | None, limit: int
) -> Page[repo.Header]:
    if plant_id is not None:
        caller.check_plant(plant_id)
    key = paging.after(cursor, UUID, str)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, plant_id, key, limit + 1)
    return paging.cut(rows, limit, lambda c: (c.plant_id, c.code))


async def add_exception(
    db: Database, caller: Caller, calendar_id: UUID, data: ExceptionCreate
) -> CalendarExceptionItem:
    caller.require(*PLANNERS)
    name = checks.text(data.name, "/name", 100)
    item = CalendarException(
        start=data.starts_at,
        end=data.ends_at,
        kind=data.kind,
        name=name,
        shift_code=data.shift_code,
    )
    problems = shift_calendar.validate(ShiftCalendar(timezone="UTC", exceptions=(item,)))
    if problems:
        raise _invalid([(p.replace("/exceptions/0", ""), d) for p, d in problems])
    async with db.transaction(caller.tenant) as conn:
        await _locked(conn, calendar_id, None)
        created = await repo.exception_insert(
            conn,
            calendar_id,
            (data.starts_at, data.ends_at, data.kind, name, data.shift_code),
        )
        await repo.touch(conn, calendar_id)
    return created


async def delete_exception(db: Database, caller: Caller, calendar_id: UUID, item: UUID) -> None:
    caller.require(*PLANNERS)
    async with db.transaction(caller.tenant) as conn:
        await _locked(conn, calendar_id, None)
        if not await repo.exception_delete(conn, calendar_id, item):
            raise NotFound(f"calendar exception {item} does not exist")
        await repo.touch(conn, calendar_id)


def _window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid("give times with an offset, e.g. 2026-12-01T00:00:00Z", "/from")
    if end <= start:
        raise Invalid("must be after from", "/to")
    if end - start > MAX_SHIFT_WINDOW:
        raise Invalid(f"at most {MAX_SHIFT_WINDOW.days} days", "/to")
    return start.astimezone(UTC), end.astimezone(UTC)


async def list_exceptions(
    db: Database,
    caller: Caller,
    calendar_id: UUID,
    window: tuple[datetime, datetime],
    cursor: str | None,
    limit: int,
) -> Page[CalendarExceptionItem]:
    key = paging.after(cursor, datetime, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        if await repo.get(conn, calendar_id) is None:
            raise NotFound(f"shift calendar {calendar_id} does not exist")
        rows = await repo.exceptions_page(conn, calendar_id, window, key, limit + 1)
    return paging.cut(rows, limit, lambda e: (e.starts_at, e.id))


async def shifts(
    db: Database, caller: Caller, calendar_id: UUID, start: datetime, end: datetime
) -> ShiftList:
    """The shifts as they run in ``[start, end)``: the calendar expanded."""
    start, end = _window(start, end)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        # Two days either side: an exception in the part of a shift outside the window
        # still shortens it.
        found = await repo.document(
            conn, calendar_id, start - timedelta(days=2), end + timedelta(days=2)
        )
    if found is None:
        raise NotFound(f"shift calendar {calendar_id} does not exist")
    instances = shift_calendar.shifts_between(found.rules, start, end)
    return ShiftList(
        calendar_id=calendar_id,
        timezone=found.rules.timezone,
        start=start,
        end=end,
        shifts=instances,
        planned_seconds=sum(s.planned_seconds for s in instances),
    )
