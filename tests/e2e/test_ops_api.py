"""Each service's ops API, through the gateway, with the real worker dead-lettering."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import jwt
import msgspec
import pytest

from tests.e2e.conftest import bearer

pytestmark = pytest.mark.e2e

LETTERS = "/api/inventory/admin/dead-letters"


def _org(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["org"])


async def _send_unhandled(owner_dsn: str, organization_id: str) -> str:
    """An event no inventory handler knows: the worker fails it until it is dead-lettered."""
    event_id = str(uuid.uuid4())
    event = {
        "v": 1,
        "id": event_id,
        "organization_id": organization_id,
        "occurred_at": "2026-11-25T10:00:00Z",
    }
    headers = {
        "topic": "inventory.test.unhandled",
        "event_id": event_id,
        "organization_id": organization_id,
    }
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(
            "SELECT pgmq.send('inventory_events', $1::jsonb, $2::jsonb)",
            msgspec.json.encode(event).decode(),
            msgspec.json.encode(headers).decode(),
        )
    finally:
        await conn.close()
    return event_id


async def _letters(http: httpx.AsyncClient, token: str) -> list[dict[str, object]]:
    response = await http.get(LETTERS, headers=bearer(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _until_lettered(http: httpx.AsyncClient, token: str, event_id: str) -> dict[str, object]:
    async with asyncio.timeout(60):
        while True:
            for letter in await _letters(http, token):
                if letter["event"]["id"] == event_id:  # type: ignore[index]
                    return letter
            await asyncio.sleep(0.3)


async def test_dead_letters_are_listed_replayed_and_purged_per_organization(
    http: httpx.AsyncClient, tokens: dict[str, str], owner_dsn: str
) -> None:
    acme, globex = tokens["admin@acme.test"], tokens["admin@globex.test"]
    event_id = await _send_unhandled(owner_dsn, _org(acme))
    letter = await _until_lettered(http, acme, event_id)
    assert "no handler for topic" in str(letter["error"])
    assert letter["topic"] == "inventory.test.unhandled"
    assert all(item["event"]["id"] != event_id for item in await _letters(http, globex))  # type: ignore[index]
    assert (await http.get(LETTERS, headers=bearer(tokens["viewer@acme.test"]))).status_code == 403

    replayed = await http.post(f"{LETTERS}/{letter['id']}/replay", headers=bearer(acme))
    assert replayed.json() == {"replayed": 1}
    await _until_lettered(http, acme, event_id)  # it fails again, as it must
    purged = await http.delete(LETTERS, headers=bearer(acme))
    assert purged.status_code == 200 and purged.json()["purged"] >= 1
    assert all(item["event"]["id"] != event_id for item in await _letters(http, acme))  # type: ignore[index]


async def test_schedules_show_the_services_cron_jobs_and_their_runs(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await http.get(
        "/api/inventory/admin/schedules", headers=bearer(tokens["admin@acme.test"])
    )
    assert response.status_code == 200, response.text
    names = {s["name"] for s in response.json()}
    assert {"inventory-idempotency-cleanup", "cache-cleanup"} <= names


async def test_jobs_are_private_to_the_organization(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    missing = await http.get(
        f"/api/inventory/jobs/{uuid.uuid4()}", headers=bearer(tokens["admin@acme.test"])
    )
    assert missing.status_code == 404
    listed = await http.get("/api/inventory/jobs", headers=bearer(tokens["admin@globex.test"]))
    assert listed.status_code == 200 and "items" in listed.json()
