"""The other services as the rebuild reaches them, started in the test: inventory, production,
quality and maintenance apps on their runtime roles, behind a stand-in for the gateway (another
process in production) that answers the client_credentials grant with a token the
services accept and forwards ``/api/<service>/...`` to that service's app."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any
from uuid import UUID

import httpx
import msgspec
from litestar.testing import AsyncTestClient

from inventory.app import create_app as inventory_app
from inventory.settings import Settings as InventorySettings
from maintenance.app import build_app as maintenance_app
from maintenance.settings import Settings as MaintenanceSettings
from production.app import build_app as production_app
from production.settings import Settings as ProductionSettings
from quality.app import build_app as quality_app
from quality.settings import Settings as QualitySettings
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore

CLIENT_ID = "search-rebuild"
CLIENT_SECRET = "rebuild-secret-of-the-test"
JWKS = "http://127.0.0.1:9/auth/jwks.json"  # never fetched: the tests' verifier has the keys

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class StandInGateway:
    """ASGI: ``POST /auth/token`` for the search client, and the services' APIs."""

    def __init__(
        self,
        apps: Mapping[str, AsyncTestClient[Any]],
        minter: TokenMinter,
        org_id: UUID,
        plants: list[UUID],
    ) -> None:
        self.apps, self.minter, self.org_id, self.plants = apps, minter, org_id, plants
        self.tokens_issued = 0

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        path: str = scope["path"]
        if path == "/auth/token":
            await self._token(scope, send)
            return
        service = path.split("/")[2] if path.startswith("/api/") else ""
        if service not in self.apps:
            await _respond(send, 404, {"title": f"no service for {path}"})
            return
        await _forward(self.apps[service], scope, receive, send)

    async def _token(self, scope: Scope, send: Send) -> None:
        headers = dict(scope["headers"])
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode())
        if headers.get(b"authorization") != b"Basic " + expected:
            await _respond(send, 401, {"error": "invalid_client"})
            return
        self.tokens_issued += 1
        token = self.minter.mint(
            self.org_id, plants=self.plants, roles=["viewer"], subject=f"client:{CLIENT_ID}"
        )
        await _respond(send, 200, {"access_token": token, "token_type": "Bearer"})


async def _forward(service: AsyncTestClient[Any], scope: Scope, receive: Any, send: Send) -> None:
    """The request to the service's app as its test client sends it (in its lifespan)."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    query = scope["query_string"].decode()
    response = await service.request(
        scope["method"],
        scope["path"] + (f"?{query}" if query else ""),
        headers=[(k.decode(), v.decode()) for k, v in scope["headers"]],
        content=body,
    )
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": [(k.encode(), v.encode()) for k, v in response.headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": response.content})


async def _respond(send: Send, status: int, body: dict[str, Any]) -> None:
    content = msgspec.json.encode(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": content})


@asynccontextmanager
async def started_services(
    role_dsn: Callable[[str], str], minter: TokenMinter, objects: ObjectStore | None = None
) -> AsyncIterator[dict[str, AsyncTestClient[Any]]]:
    """The source services' apps with their pools open (their lifespans run); ``objects``
    keeps their files."""

    def common(service: str) -> dict[str, Any]:
        return {
            "database_url": role_dsn(service),
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "jwks_url": JWKS,
            "pool_max": 4,
        }

    verifier = minter.verifier()
    apps = {
        "inventory": inventory_app(
            InventorySettings(**common("inventory")), verifier, objects=objects
        ),
        "quality": quality_app(QualitySettings(**common("quality")), verifier, objects=objects),
        "maintenance": maintenance_app(
            MaintenanceSettings(**common("maintenance")), verifier, objects=objects
        ),
        "production": production_app(
            ProductionSettings(**common("production")), verifier, objects=objects
        ),
    }
    async with AsyncExitStack() as stack:
        yield {
            name: await stack.enter_async_context(AsyncTestClient(app))
            for name, app in apps.items()
        }


def gateway_client(gateway: StandInGateway) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=gateway), base_url="http://gateway.test"
    )
