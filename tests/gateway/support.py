"""What the gateway tests share: organizations to test in, stand-in services, servers."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import asyncpg
import httpx
import msgspec
import uvicorn

from gateway.provisioning import ClientSpec, OrganizationSpec, PlantSpec, UserSpec, provision

PASSWORD = "correct horse battery staple"
USER_ROLES = ("admin", "planner", "operator", "quality_engineer", "maintenance_tech", "viewer")


class Org(msgspec.Struct, frozen=True):
    id: UUID
    slug: str
    plant_ids: tuple[UUID, ...]
    user_ids: dict[str, UUID]  # by role

    def email(self, role: str) -> str:
        return f"{role}@{self.slug}.test"

    @property
    def client_id(self) -> str:
        return f"sap-{self.slug}"


async def create_org(conn: asyncpg.Connection, secret_hash: str) -> Org:
    """A fresh organization: two plants, a user per role (operators: first plant), a client."""
    slug = f"t-{uuid.uuid4().hex[:16]}"
    plants = tuple(
        PlantSpec(id=uuid.uuid4(), code=code, name=f"Plant {code}") for code in ("P1", "P2")
    )
    users = tuple(
        UserSpec(
            id=uuid.uuid4(),
            email=f"{role}@{slug}.test",
            display_name=f"Test {role}",
            roles=(role,),
            plant_ids=(plants[0].id,) if role == "operator" else None,
        )
        for role in USER_ROLES
    )
    client = ClientSpec(
        id=uuid.uuid4(), client_id=f"sap-{slug}", name="Test SAP", roles=("integration",)
    )
    spec = OrganizationSpec(
        id=uuid.uuid4(),
        slug=slug,
        name=f"Test {slug}",
        plants=plants,
        users=users,
        clients=(client,),
    )
    await provision(conn, spec, secret_hash)
    return Org(
        id=spec.id,
        slug=slug,
        plant_ids=tuple(p.id for p in plants),
        user_ids={u.roles[0]: u.id for u in users},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def random_address() -> str:
    """A client address of its own, so rate limits of other tests never apply."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


@contextlib.asynccontextmanager
async def serving(app: Any, port: int | None = None) -> AsyncIterator[str]:
    """Run ``app`` under uvicorn on a loopback port in this event loop; yields its URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        http="h11",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class EchoService:
    """A stand-in service: echoes what reached it, streams on request, has an OpenAPI."""

    def __init__(self, name: str, components: dict[str, Any] | None = None) -> None:
        self.name = name
        self.components = components or {}
        self.release = asyncio.Event()  # /slow waits for it after the first chunk

    def openapi(self) -> dict[str, Any]:
        return {
            "openapi": "3.1.0",
            "info": {"title": self.name, "version": "1"},
            "paths": {
                f"/api/{self.name}/things": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "things",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Thing"}
                                    }
                                },
                            }
                        }
                    }
                },
                # The prefix itself is the service's (search's query is GET /api/search);
                # a longer name that merely starts with it is not.
                f"/api/{self.name}": {"get": {"responses": {"200": {"description": "root"}}}},
                f"/api/{self.name}x": {"get": {"responses": {"200": {"description": "not ours"}}}},
                "/health": {"get": {"responses": {"200": {"description": "not ours"}}}},
            },
            "components": {"schemas": self.components},
        }

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        path = scope["path"]
        if path == "/ready":
            await _respond(send, 200, b'{"status":"ready"}')
        elif path == "/schema/openapi.json":
            await _respond(send, 200, msgspec.json.encode(self.openapi()))
        elif path.endswith("/slow"):
            await self._slow(send)
        else:
            await self._echo(scope, receive, send)

    async def _echo(self, scope: Any, receive: Any, send: Any) -> None:
        digest, size = hashlib.sha256(), 0
        while True:
            message = await receive()
            body = message.get("body", b"")
            digest.update(body)
            size += len(body)
            if not message.get("more_body", False):
                break
        echoed = {
            "service": self.name,
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode(),
            "query": scope["query_string"].decode(),
            "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
            "body_sha256": digest.hexdigest(),
            "body_size": size,
        }
        extra = [
            (b"x-upstream", b"yes"),
            (b"x-request-id", b"upstream-made-this-up"),
            (b"keep-alive", b"timeout=99"),
            (b"proxy-authenticate", b"Basic"),
            (b"x-upstream-hop", b"1"),
            (b"connection", b"x-upstream-hop"),
        ]
        await _respond(send, 200, msgspec.json.encode(echoed), extra)

    async def _slow(self, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": b"first\n", "more_body": True})
        await self.release.wait()
        await send({"type": "http.response.body", "body": b"second\n", "more_body": False})


async def _respond(
    send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def client_for(app: Any, address: str | None = None) -> httpx.AsyncClient:
    """An HTTP client calling ``app`` in-process from ``address`` (unique by default)."""
    transport = httpx.ASGITransport(app=app, client=(address or random_address(), 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def asgi_get(app: Any, raw_path: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """GET with a request target exactly as given: HTTP clients normalize ``..`` away."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path.decode()),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"gateway.test")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (random_address(), 40000),
        "server": ("gateway.test", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body
