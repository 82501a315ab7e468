"""Typed functions for the lot genealogy's named queries; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Literal
from uuid import UUID

import asyncpg

from inventory.genealogy_models import TraceDirection
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("genealogy.sql"))

FlowRole = Literal["input", "output", "delivery", "scrap"]

_TRACE = {"backward": Q.trace_backward, "forward": Q.trace_forward}


async def order_lock(conn: asyncpg.Connection, reference: str) -> None:
    await conn.execute(Q.genealogy_order_lock, reference)


async def record(
    conn: asyncpg.Connection,
    movement_id: UUID,
    posting_date: date,
    reference: str,
    role: FlowRole,
    sign: int,
) -> None:
    await conn.execute(Q.genealogy_record, movement_id, posting_date, reference, role, sign)


async def trace(
    conn: asyncpg.Connection,
    direction: TraceDirection,
    material_id: UUID,
    lot: str,
    max_depth: int,
    max_links: int,
) -> str | None:
    """The trace as a JSON document, or None when the material does not exist."""
    value = await conn.fetchval(_TRACE[direction], material_id, lot, max_depth, max_links)
    return value if isinstance(value, str) else None


async def rebuild(conn: asyncpg.Connection, roles: Mapping[str, tuple[FlowRole, int]]) -> None:
    types = sorted(roles)
    await conn.execute(Q.genealogy_clear)
    await conn.execute(
        Q.genealogy_rebuild, types, [roles[t][0] for t in types], [roles[t][1] for t in types]
    )
