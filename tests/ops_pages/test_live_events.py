"""The ops events the pages follow arrive over the gateway's WebSocket, for the
organization they belong to: the worker's dead letter, replay and purge, job cancel."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from tests.ops_pages.conftest import token_of
from tests.ops_pages.test_service_pages import _letter_ids, _org, _send_unhandled

pytestmark = pytest.mark.e2e


async def _until(socket: websockets.ClientConnection, kind: str, **data: Any) -> dict[str, Any]:
    async with asyncio.timeout(60):
        while True:
            update = json.loads(await socket.recv())
            if update["type"] == kind and all(update["data"].get(k) == v for k, v in data.items()):
                return dict(update)


async def test_dead_letter_events_reach_only_the_organizations_sockets(
    gateway_url: str, api: httpx.Client, owner_dsn: str
) -> None:
    acme, globex = token_of(api, "admin@acme.test"), token_of(api, "admin@globex.test")
    url = gateway_url.replace("http", "ws") + "/ws"
    async with (
        websockets.connect(url, additional_headers={"Authorization": f"Bearer {acme}"}) as mine,
        websockets.connect(url, additional_headers={"Authorization": f"Bearer {globex}"}) as theirs,
    ):
        for socket in (mine, theirs):
            await socket.send(json.dumps({"subscribe": ["ops.*"]}))
            assert json.loads(await socket.recv())["type"] == "live.subscribed"
        event_id = await asyncio.to_thread(_send_unhandled, owner_dsn, _org(acme))
        lettered = await _until(mine, "ops.dead_lettered", queue="inventory_events")
        assert lettered["data"]["topic"] == "inventory.test.unhandled"
        letters = await asyncio.to_thread(_letter_ids, api, acme)
        assert letters[event_id] == int(lettered["id"])

        purged = await asyncio.to_thread(
            api.delete,
            "/api/inventory/admin/dead-letters",
            headers={"Authorization": f"Bearer {acme}"},
        )
        assert purged.status_code == 200
        await _until(mine, "ops.dead_letters_purged", service="inventory")
        # Globex's socket heard none of it: up to its own purge, sent after all of acme's
        # (updates reach a socket in commit order), everything it hears is globex's.
        await asyncio.to_thread(
            api.delete,
            "/api/inventory/admin/dead-letters",
            headers={"Authorization": f"Bearer {globex}"},
        )
        heard: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while not heard or heard[-1]["type"] != "ops.dead_letters_purged":
                heard.append(json.loads(await theirs.recv()))
        assert {update["organization_id"] for update in heard} == {_org(globex)}
        assert str(letters[event_id]) not in {u["id"] for u in heard}
