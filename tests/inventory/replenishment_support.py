"""Helpers for the replenishment and cycle count tests: locations, stock, captured events."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers

TODAY = datetime.now(UTC).date().isoformat()

Client = AsyncTestClient[Any]
MATERIALS = "/api/inventory/materials"
MOVEMENTS = "/api/inventory/goods-movements"
CYCLE_COUNTS = "/api/inventory/cycle-counts"
BELOW = "/api/inventory/replenishment/below-reorder-point"


async def create_location(
    client: Client,
    auth: Headers,
    plant_id: uuid.UUID,
    code: str,
    kind: str = "warehouse",
    parent_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    body: dict[str, Any] = {"code": code, "name": f"Location {code}", "kind": kind}
    if parent_id is not None:
        body["parent_id"] = parent_id
    response = await client.post(
        f"/api/inventory/plants/{plant_id}/locations", json=body, headers=headers or auth()
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def move(
    client: Client,
    headers: dict[str, str],
    movement_type: str,
    material_id: str,
    plant_id: uuid.UUID,
    location_id: str,
    quantity: str,
    lot: str | None = None,
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "material_id": material_id,
        "plant_id": str(plant_id),
        "location_id": location_id,
        "quantity": quantity,
        "unit": "PC",
    }
    if lot is not None:
        line["lot"] = lot
    body = {"posting_date": TODAY, "movement_type": movement_type, "lines": [line]}
    response = await client.post(MOVEMENTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


async def plan(
    client: Client,
    headers: dict[str, str],
    material_id: str,
    plant_id: uuid.UUID,
    **fields: Any,
) -> dict[str, Any]:
    """Put the material's plant data with the given reorder parameters."""
    url = f"{MATERIALS}/{material_id}/plants/{plant_id}"
    response = await client.put(url, json={"procurement_type": "buy", **fields}, headers=headers)
    assert response.status_code in (200, 201), response.text
    plant_data: dict[str, Any] = response.json()
    return plant_data


async def on_hand(
    client: Client, headers: dict[str, str], material_id: str, location_id: str
) -> str:
    response = await client.get(
        "/api/inventory/stock",
        params={"material_id": material_id, "location_id": location_id},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return str(sum((Decimal(i["quantity"]) for i in items), Decimal(0)))


class EventTap:
    """A pgmq queue bound to some topics: what the service published, in order."""

    def __init__(self, conn: asyncpg.Connection, queue: str) -> None:
        self._conn = conn
        self.queue = queue

    async def events(self, organization_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            f"SELECT headers->>'topic' AS topic, message::text AS body FROM pgmq.q_{self.queue}"
            " ORDER BY msg_id"
        )
        found = [{"topic": r["topic"], **json.loads(r["body"])} for r in rows]
        return [e for e in found if e["organization_id"] == str(organization_id)]


async def tap(conn: asyncpg.Connection, pattern: str) -> AsyncIterator[EventTap]:
    queue = f"tap_{uuid.uuid4().hex[:8]}"
    await conn.execute("SELECT pgmq.create($1)", queue)
    await conn.execute("SELECT pgmq.bind_topic($1, $2)", pattern, queue)
    await conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        yield EventTap(conn, queue)
    finally:
        await conn.execute("SELECT pgmq.drop_queue($1)", queue)
