"""Typed functions for ``capas.sql``. The caller owns the transaction."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from quality.capas.models import ActionIn, Capa, RootCause
from quality.ncrs.models import Step
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("capas.sql"))


class NewCapa(msgspec.Struct, frozen=True, kw_only=True):
    plant_id: UUID
    kind: str
    title: str
    owner: str
    due_date: date
    root_cause: RootCause
    ncr_ids: list[UUID]
    effectiveness_due: date | None


def _capa(record: asyncpg.Record | None) -> Capa | None:
    if record is None:
        return None
    row = dict(record)
    row["root_cause"] = msgspec.json.decode(row["root_cause"])
    row["actions"] = msgspec.json.decode(row["actions"])
    return msgspec.convert(row, Capa)


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def insert(conn: asyncpg.Connection, number: str, n: NewCapa, first: Step) -> UUID:
    capa_id: UUID = await conn.fetchval(
        Q.insert,
        n.plant_id,
        number,
        n.kind,
        n.title,
        n.owner,
        n.due_date,
        _json(n.root_cause),
        n.ncr_ids,
        n.effectiveness_due,
        f"[{_json(first)}]",
    )
    return capa_id


async def actions_insert(
    conn: asyncpg.Connection, capa_id: UUID, plant_id: UUID, actions: list[ActionIn]
) -> None:
    if actions:
        await conn.execute(
            Q.actions_insert,
            capa_id,
            plant_id,
            [a.description for a in actions],
            [a.owner for a in actions],
            [a.due_date for a in actions],
        )


async def get_many(conn: asyncpg.Connection, ids: list[UUID], today: date) -> dict[UUID, Capa]:
    found = (_capa(r) for r in await conn.fetch(Q.get_many, ids, today))
    return {c.id: c for c in found if c}


async def get(conn: asyncpg.Connection, capa_id: UUID, today: date) -> Capa | None:
    return (await get_many(conn, [capa_id], today)).get(capa_id)


async def lock(conn: asyncpg.Connection, capa_id: UUID) -> int | None:
    version: int | None = await conn.fetchval(Q.lock, capa_id)
    return version


async def page(
    conn: asyncpg.Connection,
    filters: tuple[UUID | None, str | None, UUID | None, bool | None],
    today: date,
    before: UUID | None,
    limit: int,
) -> list[Capa]:
    records = await conn.fetch(Q.page, *filters, today, before, limit)
    return [c for c in (_capa(r) for r in records) if c]


async def update_fields(conn: asyncpg.Connection, capa: Capa) -> None:
    await conn.execute(
        Q.update_fields,
        capa.id,
        capa.title,
        capa.owner,
        capa.due_date,
        capa.ncr_ids,
        _json(capa.root_cause),
        capa.effectiveness_due,
    )


async def step(
    conn: asyncpg.Connection,
    capa_id: UUID,
    status: str,
    taken: Step,
    check: tuple[bool | None, str | None] = (None, None),
) -> None:
    await conn.execute(Q.step, capa_id, status, _json(taken), *check)


async def touch(conn: asyncpg.Connection, capa_id: UUID) -> None:
    await conn.execute(Q.touch, capa_id)


async def action_done(conn: asyncpg.Connection, capa_id: UUID, action_id: UUID, done: bool) -> bool:
    return await conn.fetchval(Q.action_done, capa_id, action_id, done) is not None


async def ncrs_known(conn: asyncpg.Connection, ncr_ids: list[UUID], plant_id: UUID) -> set[UUID]:
    return {r["id"] for r in await conn.fetch(Q.ncrs_known, ncr_ids, plant_id)}


async def overdue(
    conn: asyncpg.Connection, today: date, limit: int
) -> tuple[list[UUID], list[tuple[UUID, UUID]]]:
    """(CAPAs, (action, CAPA) pairs) newly overdue, locked; at most ``limit`` of each."""
    capas = [r["id"] for r in await conn.fetch(Q.overdue_capas, today, limit)]
    actions = [(r["id"], r["capa_id"]) for r in await conn.fetch(Q.overdue_actions, today, limit)]
    return capas, actions


async def flag(conn: asyncpg.Connection, capas: list[UUID], actions: list[UUID]) -> None:
    if capas:
        await conn.execute(Q.flag_capas, capas)
    if actions:
        await conn.execute(Q.flag_actions, actions)
