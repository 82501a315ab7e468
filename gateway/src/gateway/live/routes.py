"""``/ws``: a WebSocket for live updates of the caller's organization and plants.

Browsers cannot set headers on a WebSocket, so the access token may come as the
``access_token`` query parameter as well as in ``Authorization``. The client then sends
``{"subscribe": ["job.*", "inventory.material.*"], "since": "<uid>"}`` (``since`` is
optional: the id of the last update it saw before reconnecting) and receives updates as
JSON text frames. A client that reads too slowly is closed with code 1013.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from uuid import UUID

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from gateway.live.hub import Client, LiveHub
from unison_auth import Principal


class Subscribe(msgspec.Struct, forbid_unknown_fields=True):
    subscribe: list[str]
    since: UUID | None = None


def live_route(hub: LiveHub) -> object:
    @websocket("/ws")
    async def live(socket: WebSocket[Any, Any, Any]) -> None:
        principal: Principal = socket.scope["state"]["principal"]
        await socket.accept()
        client = Client(principal)
        try:
            await _subscribe(socket, hub, client, await socket.receive_text())
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            await socket.close(code=1008, reason=f"bad subscription: {exc}"[:120])
            return
        reader = asyncio.create_task(_read_until_closed(socket, hub, client))
        try:
            await _send_loop(socket, client)
        finally:
            hub.clients.discard(client)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    return live


async def _subscribe(
    socket: WebSocket[Any, Any, Any], hub: LiveHub, client: Client, text: str
) -> None:
    request = msgspec.json.decode(text, type=Subscribe)
    client.topics = tuple(request.subscribe)
    hub.clients.add(client)
    if request.since is not None:
        missed = hub.missed(client, request.since)
        if missed is None:
            await socket.send_text('{"type":"live.gap","detail":"reload: updates were missed"}')
        else:
            for wire in missed:
                client.outbox.put_nowait(wire)
    await socket.send_text(
        msgspec.json.encode({"type": "live.subscribed", "topics": client.topics}).decode()
    )


async def _send_loop(socket: WebSocket[Any, Any, Any], client: Client) -> None:
    while True:
        try:
            wire = await asyncio.wait_for(client.outbox.get(), timeout=1.0)
        except TimeoutError:
            if client.dropped:
                await socket.close(code=1013, reason="too slow: reconnect with since")
                return
            continue
        try:
            await socket.send_text(wire.decode())
        except (WebSocketDisconnect, RuntimeError):
            return
        if client.dropped and client.outbox.empty():
            await socket.close(code=1013, reason="too slow: reconnect with since")
            return


async def _read_until_closed(
    socket: WebSocket[Any, Any, Any], hub: LiveHub, client: Client
) -> None:
    """Later messages may change the subscription; a disconnect ends the client."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            text = await socket.receive_text()
            with contextlib.suppress(msgspec.ValidationError, msgspec.DecodeError):
                client.topics = tuple(msgspec.json.decode(text, type=Subscribe).subscribe)
    client.dropped = True
    hub.clients.discard(client)
