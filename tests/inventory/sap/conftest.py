"""Fixtures of the SAP integration tests: the inventory worker running in the test's event
loop (the same app ``python -m inventory.worker`` serves, with the real handlers), the
SAP stand-in server, and the API calls the tests make again and again."""

from __future__ import annotations

import asyncio
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, running_worker
from tests.support.sap_server import PASSWORD, USERNAME, SapStandIn
from tests.support.tokens import TokenMinter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sap"
SAP = "/api/inventory/sap"
ADMIN = "/api/inventory/admin/sap"
SETTLED = ("processed", "failed")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def idoc_variant(name: str, changes: dict[str, str | None]) -> bytes:
    """A fixture IDoc with fields changed, by path under <IDOC>: ``{"EDI_DC40/DOCNUM": "42",
    "E1MARAM/MSGFN": "004", "E1MARAM/MATNR_LONG": None}`` (None removes the field)."""
    root = ET.fromstring(fixture(name))  # noqa: S314 (our own fixture)
    idoc = root if root.tag == "IDOC" else root.find("IDOC")
    assert idoc is not None
    for path, value in changes.items():
        parent_path, field = path.rsplit("/", 1)
        container = idoc.find(parent_path)
        assert container is not None, parent_path
        element = container.find(field)
        if value is None:
            if element is not None:
                container.remove(element)
            continue
        if element is None:
            element = ET.SubElement(container, field)
        element.text = value
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def new_docnum() -> str:
    return str(uuid.uuid4().int % 10**15).zfill(16)


@pytest.fixture(scope="package")
async def worker_running(role_dsn: Any) -> AsyncIterator[None]:
    """The inventory worker: consumes inventory_events and runs inventory_jobs."""
    async with running_worker(role_dsn):
        yield


@pytest.fixture
async def sap() -> AsyncIterator[SapStandIn]:
    async with SapStandIn() as stand_in:
        yield stand_in


class SapApi:
    """The calls of SAP (as the integration role) and of the organization's admin."""

    def __init__(self, client: AsyncTestClient[Any], admin: dict[str, str], sap: dict[str, str]):
        self.client, self.admin, self.sap = client, admin, sap

    async def post_idoc(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(
            f"{SAP}/idocs",
            content=body,
            headers={**self.sap, "Content-Type": "application/xml", **(headers or {})},
        )

    async def post_product(self, body: bytes, message_id: str | None = None) -> httpx.Response:
        headers = {**self.sap, "Content-Type": "application/json"}
        if message_id is not None:
            headers["X-Message-Id"] = message_id
        return await self.client.post(f"{SAP}/odata/products", content=body, headers=headers)

    async def post_event(self, body: bytes) -> httpx.Response:
        headers = {**self.sap, "Content-Type": "application/cloudevents+json"}
        return await self.client.post(f"{SAP}/events", content=body, headers=headers)

    async def message(self, message_id: str) -> dict[str, Any]:
        response = await self.client.get(f"{SAP}/messages/{message_id}", headers=self.admin)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def settled(self, message_id: str, timeout: float = 60) -> dict[str, Any]:
        """The message once it is processed or failed (the worker takes it meanwhile)."""
        async with asyncio.timeout(timeout):
            while True:
                found = await self.message(message_id)
                if found["status"] in SETTLED:
                    return found
                await asyncio.sleep(0.1)

    async def accepted(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 202, response.text
        return await self.settled(response.json()["id"])

    async def map_plant(self, werks: str, plant_id: UUID | None) -> None:
        body = {"plant_id": None if plant_id is None else str(plant_id)}
        response = await self.client.put(f"{ADMIN}/plants/{werks}", json=body, headers=self.admin)
        assert response.status_code == 200, response.text

    async def map_code(self, kind: str, sap_code: str, code: str) -> None:
        response = await self.client.put(
            f"{ADMIN}/codes/{kind}/{sap_code}", json={"code": code}, headers=self.admin
        )
        assert response.status_code == 200, response.text

    async def connect(self, stand_in: SapStandIn, **fields: Any) -> None:
        body = {
            "base_url": stand_in.url,
            "sap_client": stand_in.sap_client,
            "auth": {"kind": "basic", "username": USERNAME, "password": PASSWORD},
            "timeout_seconds": 5,
            **fields,
        }
        response = await self.client.put(f"{ADMIN}/connection", json=body, headers=self.admin)
        assert response.status_code in (200, 201), response.text

    async def replay(self, message_id: str) -> dict[str, Any]:
        response = await self.client.post(f"{SAP}/messages/{message_id}/replay", headers=self.admin)
        assert response.status_code == 202, response.text
        return await self.settled(message_id)

    async def material(self, number: str) -> dict[str, Any]:
        response = await self.client.get(
            "/api/inventory/materials", params={"q": number}, headers=self.admin
        )
        assert response.status_code == 200, response.text
        found = [m for m in response.json()["items"] if m["number"] == number]
        assert len(found) == 1, response.json()
        material: dict[str, Any] = found[0]
        return material


@pytest.fixture
def sap_headers(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> dict[str, str]:
    """SAP's API client: role integration, every plant, like the demo's ``sap-<slug>``."""
    token = minter.mint(
        org_id, plants=plants, roles=["integration"], subject="client:sap-test", kind="client"
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(
    client: AsyncTestClient[Any], auth: Headers, sap_headers: dict[str, str], units: None
) -> SapApi:
    return SapApi(client, auth(), sap_headers)


@pytest.fixture
async def mapped(api: SapApi, plants: list[UUID]) -> None:
    """The fixtures' SAP plants (1021, 1016) and customer material type (YQFP)."""
    await api.map_plant("1021", plants[0])
    await api.map_plant("1016", plants[1])
    await api.map_code("material_type", "YQFP", "finished")


def summary_parts(message: dict[str, Any]) -> list[str]:
    """The parts of a processed message's summary after the material: "created", ..."""
    text = str(message["summary"])
    return [p.strip() for p in re.sub(r"^[^:]*:", "", text).split(",")]


class Heard:
    """Events on a queue of the test's own, bound to a topic pattern: what a consumer gets."""

    def __init__(self, conn: asyncpg.Connection, queue: str, org_id: UUID) -> None:
        self.conn, self.queue, self.org_id = conn, queue, org_id

    async def events(self, topic: str | None = None) -> list[dict[str, Any]]:
        rows = await self.conn.fetch(
            f"SELECT headers->>'topic' AS topic, message::text AS body FROM pgmq.q_{self.queue}"
            " WHERE message->>'organization_id' = $1 ORDER BY msg_id",
            str(self.org_id),
        )
        return [
            msgspec.json.decode(r["body"]) for r in rows if topic is None or r["topic"] == topic
        ]


@pytest.fixture
async def heard(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Heard]:
    """Material and SAP production order events of the test's organization."""
    queue = f"sap_heard_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    for pattern in ("inventory.material.*", "inventory.sap.#"):
        await owner_conn.execute("SELECT pgmq.bind_topic($1, $2)", pattern, queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        yield Heard(owner_conn, queue, org_id)
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)
