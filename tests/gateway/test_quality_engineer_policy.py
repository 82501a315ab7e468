"""A quality engineer reads inventory and retries what inventory refused of quality's
decisions, and writes nothing else there."""

from __future__ import annotations

import httpx

from tests.gateway.support import PASSWORD, Org, bearer


async def test_a_quality_engineer_may_retry_quality_postings_and_nothing_else_in_inventory(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await client.post(
        "/auth/token",
        data={
            "grant_type": "password",
            "username": org.email("quality_engineer"),
            "password": PASSWORD,
        },
    )
    engineer = bearer(response.json()["access_token"])
    retry = "/api/inventory/quality-postings/0190a3c0-0000-7000-8000-000000000001/retry"
    assert (await client.post(retry, headers=engineer, json={})).status_code == 200
    assert (
        await client.get("/api/inventory/quality-postings", headers=engineer)
    ).status_code == 200
    for path in ("/api/inventory/goods-movements", "/api/inventory/quality-postings/x"):
        assert (await client.post(path, headers=engineer, json={})).status_code == 403, path
