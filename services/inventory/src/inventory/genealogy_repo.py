"""Typed functions for the lot genealogy's named queries; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Literal
from uuid import UUID

import asyncpg

from inventory.genealogy_models import TraceDirection
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("genealogy.sql"))

FlowRole = Literal["input", "output", "delivery", "scrap"]

_TRACE = {"backward": Q.trace_backward, "forward": Q.trace_forward}


async def orders_lock(conn: asyncpg.Connection, references: list[str]) -> None:
    await conn.execute(Q.genealogy_orders_lock, sorted(set(references)))


async def flows_add(
    conn: asyncpg.Connection,
    flows: dict[tuple[UUID, str, FlowRole, UUID, str], Decimal],
) -> list[tuple[UUID, str]]:
    """Add (plant, reference, role, material, lot) -> quantity; the orders that changed."""
    keys = list(flows)
    records = await conn.fetch(
        Q.genealogy_flows_add,
        *[[k[i] for k in keys] for i in range(5)],
        [flows[k] for k in keys],
    )
    return sorted((r["plant_id"], r["reference"]) for r in records)


async def links_refresh(
    conn: asyncpg.Connection, orders: list[tuple[UUID, str]], shrunk: list[tuple[UUID, str]]
) -> None:
    """Set the links of ``orders`` from their flows; delete those of ``shrunk`` (the orders
    with a flow that went down) whose input or output is no longer positive."""
    await conn.execute(Q.genealogy_links_set, [o[0] for o in orders], [o[1] for o in orders])
    if shrunk:
        await conn.execute(Q.genealogy_links_prune, [o[0] for o in shrunk], [o[1] for o in shrunk])


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
