"""Inventory itself for the agreement test: its HTTP app (the test client) and its worker
(``python -m inventory.worker``'s app, served on a loopback port), with a few helpers to
post stock through its API as a user would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from inventory import worker
from inventory.app import create_app as build_inventory_app
from inventory.demo import seed_units
from inventory.service import replenishment
from inventory.settings import Settings as InventorySettings
from tests.gateway.support import serving
from tests.support.harness import Headers
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_bus import enqueue
from unison_pg import Database, Tenant
from unison_worker.runtime import WorkerSettings, build_worker_app

API = "/api/inventory"


class Store:
    def __init__(
        self, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID], org_id: UUID
    ) -> None:
        self.client, self.auth, self.plants, self.org_id = client, auth, plants, org_id
        self.documents: list[str] = []

    async def call(self, method: str, path: str, status: int, **kw: Any) -> Any:
        response = await self.client.request(method, f"{API}{path}", headers=self.auth(), **kw)
        assert response.status_code == status, response.text
        return response.json()

    async def material(self, number: str, group: str) -> str:
        body = {
            "number": number,
            "description": f"Material {number}",
            "type": "raw",
            "base_unit": "PC",
            "material_group": group,
        }
        return str((await self.call("POST", "/materials", 201, json=body))["id"])

    async def location(self, code: str, plant: int) -> str:
        body = {"code": code, "name": code, "kind": "warehouse"}
        path = f"/plants/{self.plants[plant]}/locations"
        return str((await self.call("POST", path, 201, json=body))["id"])

    async def post(self, movement_type: str, day: date, *lines: dict[str, Any]) -> Any:
        body = {"movement_type": movement_type, "posting_date": day.isoformat(), "lines": lines}
        document = await self.call("POST", "/goods-movements", 201, json=body)
        self.documents.append(str(document["id"]))
        return document

    async def reverse(self, index: int) -> None:
        path = f"/goods-movements/{self.documents[index]}/reversal"
        self.documents.append(str((await self.call("POST", path, 201))["id"]))

    def line(
        self, material: str, location: str, quantity: str, plant: int = 0, **extra: Any
    ) -> dict[str, Any]:
        return {
            "material_id": material,
            "plant_id": str(self.plants[plant]),
            "location_id": location,
            "quantity": quantity,
            "unit": "PC",
            **extra,
        }

    async def ledger(self) -> list[dict[str, Any]]:
        """Every document posted, as inventory's ledger shows it now."""
        return [await self.call("GET", f"/goods-movements/{d}", 200) for d in self.documents]

    async def valuations(self, plant: int) -> list[dict[str, Any]]:
        params = {"plant_id": str(self.plants[plant]), "limit": "500"}
        items: list[dict[str, Any]] = (await self.call("GET", "/valuations", 200, params=params))[
            "items"
        ]
        return items

    async def stock(self, material: str) -> list[dict[str, Any]]:
        params = {"material_id": material, "limit": "500"}
        items: list[dict[str, Any]] = (await self.call("GET", "/stock", 200, params=params))[
            "items"
        ]
        return items


@asynccontextmanager
async def inventory_worker(role_dsn: Callable[[str], str]) -> AsyncIterator[None]:
    """Inventory's worker app with its real handler tables, consuming its queues."""
    settings = WorkerSettings(
        database_url=role_dsn("inventory"), http_port=0, poll_seconds=0.2, graceful_seconds=5
    )
    app = build_worker_app(
        "inventory",
        settings,
        event_handlers=worker.EVENT_HANDLERS,
        event_types=worker.EVENT_TYPES,
        job_handlers=worker.JOB_HANDLERS,
    )
    async with serving(app):
        yield


async def reorder_check(role_dsn: Callable[[str], str], org_id: UUID) -> dict[str, Any]:
    """Queue inventory's reorder-point check for the organization, as its hourly schedule
    does, and wait for inventory's worker to run it."""
    db = Database(role_dsn("inventory"), max_size=1)
    await db.open()
    try:
        async with db.transaction(Tenant(organization_id=org_id)) as conn:
            job_id = await enqueue(
                conn, queue="inventory_jobs", organization_id=org_id, kind=replenishment.KIND
            )
        async with asyncio.timeout(60):
            while True:
                async with db.transaction(Tenant(organization_id=org_id)) as conn:
                    job = await conn.fetchrow(
                        "SELECT status, result::text AS result FROM bus.jobs WHERE id = $1",
                        job_id,
                    )
                if job is not None and job["status"] in ("succeeded", "failed"):
                    break
                await asyncio.sleep(0.05)
    finally:
        await db.close()
    assert job["status"] == "succeeded", job
    return dict(job)


@pytest.fixture
async def store(  # imported by the tests that use it
    role_dsn: Callable[[str], str],
    minter: TokenMinter,
    auth: Headers,
    plants: list[UUID],
    org_id: UUID,
    owner_conn: asyncpg.Connection,
) -> AsyncIterator[Store]:
    settings = InventorySettings(
        database_url=role_dsn("inventory"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=4,
    )
    await seed_units(owner_conn, org_id)
    app = build_inventory_app(settings, verifier=minter.verifier())
    async with AsyncTestClient(app) as inventory_client, inventory_worker(role_dsn):
        yield Store(inventory_client, auth, plants, org_id)
