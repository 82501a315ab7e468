"""Search through the real processes: a material created in inventory is searchable
through the gateway once search's worker has its event, by another organization never;
an admin's rebuild reads every service through the gateway with the service grant."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import bearer
from tests.e2e.test_production_flow import _eventually, _post

pytestmark = pytest.mark.e2e


async def _search(http: httpx.AsyncClient, token: str, q: str) -> list[dict[str, Any]]:
    response = await http.get("/api/search", params={"q": q}, headers=bearer(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_new_material_is_found_by_its_organization_only_and_survives_a_rebuild(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    acme, globex = tokens["admin@acme.test"], tokens["admin@globex.test"]
    tag = str(time.time_ns())[-9:]
    word = "zx" + "".join(chr(ord("a") + int(d)) for d in tag)  # letters only: one word
    material = await _post(
        http,
        acme,
        "/api/inventory/materials",
        {
            "number": f"E2E-SRCH-{tag}",
            "description": f"Angular contact bearing {word}",
            "type": "raw",
            "base_unit": "PC",
        },
    )

    async def found() -> list[dict[str, Any]]:
        return await _search(http, acme, word)

    (hit,) = await _eventually(found, "the material in search")
    assert (hit["entity_type"], hit["entity_id"]) == ("material", material["id"])
    # A typo and the part number without its dashes find it too; globex never does.
    assert [h["entity_id"] for h in await _search(http, acme, f"angulr {word}")] == [material["id"]]
    assert (await _search(http, acme, f"E2ESRCH{tag}"))[0]["code_match"] == "exact"
    assert await _search(http, globex, word) == []

    started = await http.post("/api/search/admin/rebuild", headers=bearer(acme))
    assert started.status_code == 202, started.text
    job_url = started.headers["location"]

    async def finished() -> dict[str, Any] | None:
        job: dict[str, Any] = (await http.get(job_url, headers=bearer(acme))).json()
        return job if job["status"] in ("succeeded", "failed") else None

    job = await _eventually(finished, "the rebuild", timeout=60)
    assert job["status"] == "succeeded", job
    assert job["result"]["indexed"]["material"] >= 1
    assert [h["entity_id"] for h in await _search(http, acme, word)] == [material["id"]]
    assert await _search(http, globex, word) == []
