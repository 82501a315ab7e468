"""Production's side, as inventory sees it in tests: production's events built and handled
the way the worker handles them (the handler table, in a transaction scoped to the
event's organization with no plants, as the consumer opens it), events heard on a queue of
the test's own, and the production postings API. The fixtures are in ``conftest.py``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from inventory import worker
from tests.inventory.ledger_support import TODAY, Headers, Ledger
from unison_bus import Event, publish, uuid7
from unison_events.production import (
    GoodsPostingRequested,
    PostingLine,
    WorkOrderComponentLine,
    WorkOrderReleased,
    WorkOrderStatusChanged,
)
from unison_pg import Database

POSTINGS = "/api/inventory/production-postings"
RESERVATIONS = "/api/inventory/reservations"
# What the consumer runs first in every event's transaction (unison_bus.consumer).
CONSUMER_SCOPE = (
    "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', '', true),"
    " set_config('app.user_id', $2, true)"
)


async def handled_by_worker(db: Database, event: Event) -> None:
    """The worker's handler of the event's topic, in a consumer's transaction."""
    handler = worker.EVENT_HANDLERS[event.topic]
    async with db.transaction(None) as conn:
        await conn.execute(CONSUMER_SCOPE, str(event.organization_id), "event:test")
        await handler(conn, event)


async def published_by(service: str, role_dsn: Callable[[str], str], *events: Event) -> None:
    """The events published by ``service``'s role in one transaction of its own."""
    conn = await asyncpg.connect(role_dsn(service))
    try:
        async with conn.transaction():
            for event in events:
                await publish(conn, event)
    finally:
        await conn.close()


async def settled(
    client: AsyncTestClient[Any], auth: Headers, path: str, timeout: float = 60
) -> dict[str, Any]:
    """``path`` once it answers 200 (the worker handled what it shows)."""
    async with asyncio.timeout(timeout):
        while True:
            response = await client.get(path, headers=auth())
            if response.status_code == 200:
                found: dict[str, Any] = response.json()
                return found
            await asyncio.sleep(0.1)


async def documents_of(
    conn: asyncpg.Connection, org_id: UUID, reference: str
) -> list[dict[str, Any]]:
    """Every document of the order (id, movement type), read as a superuser: what was
    really written."""
    rows = await conn.fetch(
        "SELECT id, movement_type FROM inventory.goods_movements"
        " WHERE organization_id = $1 AND reference = $2 ORDER BY id",
        org_id,
        reference,
    )
    return [dict(r) for r in rows]


class Heard:
    """What a queue of the test's own, bound to some of inventory's topics, heard: what
    production or maintenance hears of inventory's answers."""

    def __init__(self, conn: asyncpg.Connection, queue: str, org_id: UUID) -> None:
        self.conn, self.queue, self.org_id = conn, queue, org_id

    async def events(self, topic: str) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            f"SELECT message::text AS body FROM pgmq.q_{self.queue}"
            " WHERE message->>'organization_id' = $1 AND headers->>'topic' = $2 ORDER BY msg_id",
            str(self.org_id),
            topic,
        )
        return [msgspec.json.decode(r["body"]) for r in rows]


def line(
    material: dict[str, Any], quantity: str, location: str | None = None, **extra: Any
) -> PostingLine:
    return PostingLine(
        material_id=UUID(material["id"]),
        quantity=Decimal(quantity),
        unit=extra.pop("unit", material["base_unit"]),
        location_id=UUID(location) if location else None,
        **extra,
    )


def component(
    material: dict[str, Any], quantity: str, line_no: int = 1, **extra: Any
) -> WorkOrderComponentLine:
    location = extra.pop("location_id", None)
    return WorkOrderComponentLine(
        line_no=line_no,
        material_id=UUID(material["id"]),
        quantity=Decimal(quantity),
        unit=extra.pop("unit", material["base_unit"]),
        operation_no=extra.pop("operation_no", 10),
        backflush=extra.pop("backflush", True),
        location_id=UUID(location) if location else None,
        **extra,
    )


@dataclass
class Production:
    """Production's events about one plant of the test's organization, handled as the
    inventory worker handles them; the inventory API as the plant's admin sees it."""

    db: Database
    client: AsyncTestClient[Any]
    auth: Headers
    ledger: Ledger
    org_id: UUID
    plant_id: UUID
    product: dict[str, Any]

    async def handle(self, event: Event) -> None:
        await handled_by_worker(self.db, event)

    def released(
        self, number: str, *components: WorkOrderComponentLine, on: date = TODAY
    ) -> WorkOrderReleased:
        return WorkOrderReleased(
            organization_id=self.org_id,
            plant_id=self.plant_id,
            work_order_id=uuid7(),
            number=number,
            material_id=UUID(self.product["id"]),
            quantity=Decimal(10),
            unit=self.product["base_unit"],
            requirement_date=on,
            components=components,
        )

    def status_changed(self, number: str, status: str, previous: str) -> WorkOrderStatusChanged:
        return WorkOrderStatusChanged(
            organization_id=self.org_id,
            plant_id=self.plant_id,
            work_order_id=uuid7(),
            number=number,
            material_id=UUID(self.product["id"]),
            material_number=self.product["number"],
            quantity=Decimal(10),
            unit=self.product["base_unit"],
            status=status,
            previous=previous,
            priority=50,
            due_at=datetime(2030, 1, 1, tzinfo=UTC),
            source="manual",
            good_quantity=Decimal(0),
            scrap_quantity=Decimal(0),
            version=2,
        )

    def requested(self, number: str, **fields: Any) -> GoodsPostingRequested:
        return GoodsPostingRequested(
            organization_id=self.org_id,
            plant_id=self.plant_id,
            posting_id=fields.pop("posting_id", None) or uuid7(),
            work_order_id=fields.pop("work_order_id", None) or uuid7(),
            reference=number,
            operation_no=fields.pop("operation_no", 10),
            posting_date=fields.pop("posting_date", TODAY),
            **fields,
        )

    async def reservations(self, reference: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            RESERVATIONS, params={"reference": reference, "limit": "500"}, headers=self.auth()
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def posting(self, posting_id: UUID) -> dict[str, Any]:
        response = await self.client.get(f"{POSTINGS}/{posting_id}", headers=self.auth())
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def movements(self, reference: str, conn: asyncpg.Connection) -> list[dict[str, Any]]:
        return await documents_of(conn, self.org_id, reference)
