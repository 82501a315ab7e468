"""End to end through the real gateway: SAP's API client (client credentials, role
integration) sends an IDoc and reads its message; the SAP settings stay admin-only.

The gateway, the inventory service (verifying the gateway's tokens by its JWKS) and the
inventory worker run on loopback ports in the test's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher

from gateway.app import create_gateway
from gateway.settings import Settings as GatewaySettings
from inventory.app import create_app
from inventory.demo import seed_units
from inventory.settings import Settings as InventorySettings
from tests.gateway.support import PASSWORD, Org, create_org, free_port, serving
from tests.inventory.sap.conftest import ADMIN, SAP, SETTLED, fixture

pytestmark = pytest.mark.usefixtures("worker_running")


@pytest.fixture(scope="module")
async def gateway_url(role_dsn: Callable[[str], str]) -> AsyncIterator[str]:
    gateway_port, inventory_port = free_port(), free_port()
    gateway = f"http://127.0.0.1:{gateway_port}"
    inventory = create_app(
        InventorySettings(
            database_url=role_dsn("inventory"),
            jwks_url=f"{gateway}/auth/jwks.json",
            http_port=inventory_port,
        )
    )
    settings = GatewaySettings(
        database_url=role_dsn("gateway"),
        service_urls=f"inventory=http://127.0.0.1:{inventory_port}",
        ready_urls=f"inventory=http://127.0.0.1:{inventory_port}/ready",
        signing_key_lead=0,
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
    )
    async with serving(create_gateway(settings), gateway_port), serving(inventory, inventory_port):
        yield gateway


@pytest.fixture
async def org(owner_conn: asyncpg.Connection) -> Org:
    secret_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    created = await create_org(owner_conn, secret_hash)
    await seed_units(owner_conn, created.id)
    return created


async def token(http: httpx.AsyncClient, **form: str) -> dict[str, str]:
    response = await http.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_sap_s_api_client_sends_an_idoc_through_the_gateway_and_only_admins_configure(
    gateway_url: str, org: Org
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as http:
        sap = await token(
            http, grant_type="client_credentials", client_id=org.client_id, client_secret=PASSWORD
        )
        admin = await token(
            http, grant_type="password", username=org.email("admin"), password=PASSWORD
        )
        planner = await token(
            http, grant_type="password", username=org.email("planner"), password=PASSWORD
        )

        # The settings: admin only, refused by the gateway's policy for SAP and planners.
        mapping = {"plant_id": str(org.plant_ids[0])}
        for caller in (sap, planner):
            refused = await http.put(f"{ADMIN}/plants/1021", json=mapping, headers=caller)
            assert refused.status_code == 403, refused.text
        mapped = await http.put(f"{ADMIN}/plants/1021", json=mapping, headers=admin)
        assert mapped.status_code == 200, mapped.text
        typed = await http.put(
            f"{ADMIN}/codes/material_type/YQFP", json={"code": "finished"}, headers=admin
        )
        assert typed.status_code == 200, typed.text

        # SAP sends the IDoc and follows its message.
        sent = await http.post(
            f"{SAP}/idocs",
            content=fixture("matmas-single-plant.xml"),
            headers={**sap, "Content-Type": "application/xml"},
        )
        assert sent.status_code == 202, sent.text
        message = await settled(http, sent.json()["href"], sap)
        assert message["status"] == "processed", message
        listed = await http.get(f"{SAP}/messages", headers=sap)
        assert [m["id"] for m in listed.json()["items"]] == [message["id"]]

        materials = await http.get("/api/inventory/materials", headers=admin)
        [material] = materials.json()["items"]
        assert (material["number"], material["created_by"]) == (
            "VE2021",
            f"client:{org.client_id}",
        )


async def settled(http: httpx.AsyncClient, href: str, headers: dict[str, str]) -> dict[str, Any]:
    async with asyncio.timeout(60):
        while True:
            found: dict[str, Any] = (await http.get(href, headers=headers)).json()
            if found["status"] in SETTLED:
                return found
            await asyncio.sleep(0.1)
