"""``Idempotency-Key``: a retried create returns the first response and creates nothing more."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from inventory.demo import seed_units
from tests.inventory.conftest import Headers

Client = AsyncTestClient[Any]
Count = Callable[[str], Awaitable[int]]
MATERIALS = "/api/inventory/materials"
BODY = {"number": "IDEM-1", "description": "Hex bolt M8 x 30", "type": "raw", "base_unit": "PC"}

pytestmark = pytest.mark.usefixtures("units")


async def test_the_same_key_twice_creates_once_and_replays_the_first_response(
    client: Client, auth: Headers, count_rows: Count
) -> None:
    headers = auth({"Idempotency-Key": "order-77-line-1"})
    first = await client.post(MATERIALS, json=BODY, headers=headers)
    second = await client.post(MATERIALS, json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["idempotent-replayed"] == "true"
    assert await count_rows("materials") == 1
    assert await count_rows("audit_log") == 1


async def test_json_key_order_and_spacing_do_not_make_a_different_request(
    client: Client, auth: Headers, count_rows: Count
) -> None:
    headers = auth({"Idempotency-Key": "k-order", "Content-Type": "application/json"})
    first = await client.post(MATERIALS, json=BODY, headers=headers)
    reordered = (
        '{"type": "raw", "base_unit": "PC", "description": "Hex bolt M8 x 30",  "number": "IDEM-1"}'
    )
    second = await client.post(MATERIALS, content=reordered.encode(), headers=headers)
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert await count_rows("materials") == 1


async def test_concurrent_requests_with_the_same_key_create_once(
    http: httpx.AsyncClient, auth: Headers, count_rows: Count
) -> None:
    headers = auth({"Idempotency-Key": "race-1"})
    responses = await asyncio.gather(
        *[http.post(MATERIALS, json=BODY, headers=headers) for _ in range(6)]
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await count_rows("materials") == 1
    assert await count_rows("idempotency_keys") == 1


async def test_the_same_key_with_a_different_body_is_refused_with_422(
    client: Client, auth: Headers, count_rows: Count
) -> None:
    headers = auth({"Idempotency-Key": "reused"})
    assert (await client.post(MATERIALS, json=BODY, headers=headers)).status_code == 201
    other = {**BODY, "number": "IDEM-2"}
    response = await client.post(MATERIALS, json=other, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["pointer"] == "/headers/idempotency-key"
    assert await count_rows("materials") == 1


async def test_a_failed_request_does_not_use_up_its_key(
    client: Client, auth: Headers, count_rows: Count
) -> None:
    headers = auth({"Idempotency-Key": "retry-after-fix"})
    bad = await client.post(MATERIALS, json={**BODY, "base_unit": "NOPE"}, headers=headers)
    assert bad.status_code == 422
    assert await count_rows("idempotency_keys") == 0
    good = await client.post(MATERIALS, json=BODY, headers=headers)
    assert good.status_code == 201


async def test_keys_are_per_organization(
    client: Client, auth: Headers, owner_conn: asyncpg.Connection
) -> None:
    other_org = uuid.uuid4()
    await seed_units(owner_conn, other_org)
    mine = await client.post(MATERIALS, json=BODY, headers=auth({"Idempotency-Key": "k"}))
    theirs = await client.post(
        MATERIALS, json=BODY, headers=auth({"Idempotency-Key": "k"}, organization_id=other_org)
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


async def test_a_malformed_key_is_refused(client: Client, auth: Headers) -> None:
    response = await client.post(MATERIALS, json=BODY, headers=auth({"Idempotency-Key": "x" * 300}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/headers/idempotency-key"


async def test_a_retry_arriving_while_the_first_is_in_flight_waits_and_replays(
    http: httpx.AsyncClient,
    auth: Headers,
    count_rows: Count,
    owner_dsn: str,
    admin_conn: asyncpg.Connection,
    org_id: uuid.UUID,
) -> None:
    # Hold the unit row the create's foreign key check must lock, so the first request is
    # stuck after claiming the key; the retry must then queue behind that claim.
    blocker = await asyncpg.connect(owner_dsn)
    transaction = blocker.transaction()
    await transaction.start()
    try:
        await blocker.execute("SELECT set_config('app.organization_id', $1, true)", str(org_id))
        await blocker.execute(
            "SELECT code FROM inventory.units WHERE organization_id = $1 AND code = 'PC'"
            " FOR UPDATE",
            org_id,
        )
        headers = auth({"Idempotency-Key": "in-flight"})
        requests = [
            asyncio.create_task(http.post(MATERIALS, json=BODY, headers=headers)) for _ in range(2)
        ]
        # Both requests must be inside PostgreSQL, waiting, before the lock is let go.
        while True:
            waiting = await admin_conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = 'inventory' AND wait_event_type = 'Lock'"
            )
            if waiting >= 2:
                break
            await asyncio.sleep(0.01)
    finally:
        await transaction.rollback()
        await blocker.close()
    first, second = await asyncio.gather(*requests)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert await count_rows("materials") == 1
