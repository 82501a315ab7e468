"""Inventory's answers to an NCR's disposition."""

from __future__ import annotations

import asyncpg

from quality.ncrs import service
from unison_events.inventory import QualityPostingFailed, QualityPostingPosted
from unison_pg.scope import scope_plants


async def on_posted(conn: asyncpg.Connection, event: QualityPostingPosted) -> None:
    await scope_plants(conn, event.plant_id)
    await service.on_answer(
        conn, event.organization_id, event.request_id, None, movements=event.movement_ids
    )


async def on_failed(conn: asyncpg.Connection, event: QualityPostingFailed) -> None:
    await scope_plants(conn, event.plant_id)
    await service.on_answer(
        conn, event.organization_id, event.request_id, (event.error, event.pointer)
    )
