"""Live updates through the gateway's WebSocket, from a NOTIFY sent with a transaction."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import jwt
import pytest
import websockets

from unison_bus.live import CHANNEL, LiveUpdate

pytestmark = pytest.mark.e2e


def _org(token: str) -> uuid.UUID:
    return uuid.UUID(jwt.decode(token, options={"verify_signature": False})["org"])


async def _notify(owner_dsn: str, update: LiveUpdate) -> None:
    import msgspec

    conn = await asyncpg.connect(owner_dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT pg_notify($1, $2)", CHANNEL, msgspec.json.encode(update).decode()
            )
    finally:
        await conn.close()


async def _next(socket: websockets.ClientConnection, timeout: float = 10) -> dict[str, object]:
    return dict(json.loads(await asyncio.wait_for(socket.recv(), timeout)))


async def test_a_client_receives_its_organizations_updates_and_no_others(
    gateway_url: str, tokens: dict[str, str], owner_dsn: str
) -> None:
    acme, globex = tokens["admin@acme.test"], tokens["admin@globex.test"]
    url = gateway_url.replace("http", "ws") + "/ws?access_token="
    async with websockets.connect(url + acme) as socket:
        await socket.send(json.dumps({"subscribe": ["job.*"]}))
        assert (await _next(socket))["type"] == "live.subscribed"
        foreign = LiveUpdate(type="job.progressed", id="theirs", organization_id=_org(globex))
        own = LiveUpdate(type="job.progressed", id="ours", organization_id=_org(acme))
        await _notify(owner_dsn, foreign)
        await _notify(owner_dsn, own)
        received = await _next(socket)
        assert received["id"] == "ours"

        # Reconnecting with the last id it saw, a client gets what came after.
        later = LiveUpdate(type="job.succeeded", id="later", organization_id=_org(acme))
    await _notify(owner_dsn, later)
    await asyncio.sleep(0.3)
    async with websockets.connect(url + acme) as socket:
        await socket.send(json.dumps({"subscribe": ["job.*"], "since": str(own.uid)}))
        first = await _next(socket)
        if first["type"] == "live.subscribed":
            first = await _next(socket)
        assert first["id"] == "later"


async def test_a_websocket_without_a_valid_token_is_closed(gateway_url: str) -> None:
    url = gateway_url.replace("http", "ws") + "/ws?access_token=not-a-token"
    # Closed before the handshake completes: the server answers the upgrade with 403.
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        async with websockets.connect(url) as socket:
            await socket.recv()
    assert refused.value.response.status_code == 403
