"""A background job end to end: requested through the gateway, run by the real worker,
followed over HTTP and the WebSocket, its file downloaded; invisible to others."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import httpx
import pytest
import websockets

from tests.e2e.conftest import bearer

pytestmark = pytest.mark.e2e


async def _all_numbers(http: httpx.AsyncClient, token: str) -> set[str]:
    numbers: set[str] = set()
    cursor = None
    while True:
        params = {"limit": "500", **({"cursor": cursor} if cursor else {})}
        page = (
            await http.get("/api/inventory/materials", params=params, headers=bearer(token))
        ).json()
        numbers |= {m["number"] for m in page["items"]}
        if not (cursor := page["next_cursor"]):
            return numbers


async def test_an_export_job_runs_reports_progress_and_yields_its_file(
    http: httpx.AsyncClient, gateway_url: str, tokens: dict[str, str]
) -> None:
    acme, globex = tokens["admin@acme.test"], tokens["admin@globex.test"]
    ws_url = gateway_url.replace("http", "ws") + "/ws?access_token=" + acme
    async with websockets.connect(ws_url) as socket:
        await socket.send(json.dumps({"subscribe": ["job.*"]}))
        await asyncio.wait_for(socket.recv(), 10)  # live.subscribed
        queued = await http.post("/api/inventory/materials/exports", json={}, headers=bearer(acme))
        assert queued.status_code == 202, queued.text
        job_url = queued.headers["location"]
        job_id = queued.json()["job_id"]
        seen: list[str] = []
        async with asyncio.timeout(60):
            while not {"job.succeeded", "job.failed"} & set(seen):
                update = json.loads(await socket.recv())
                if update.get("id") == job_id:
                    seen.append(update["type"])
    assert "job.progressed" in seen
    assert seen[-1] == "job.succeeded", seen

    job = (await http.get(job_url, headers=bearer(acme))).json()
    assert job["status"] == "succeeded"
    download = job["result"]["download"]
    assert (await http.get(job_url, headers=bearer(globex))).status_code == 404
    assert (await http.get(download, headers=bearer(globex))).status_code == 404

    file = await http.get(download, headers=bearer(acme))
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert {r["number"] for r in rows} == await _all_numbers(http, acme)
    assert job["result"]["rows"] == len(rows)


async def test_a_viewer_cannot_start_an_export(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await http.post(
        "/api/inventory/materials/exports", json={}, headers=bearer(tokens["viewer@acme.test"])
    )
    assert response.status_code == 403


async def test_an_export_with_a_bad_filter_is_refused_before_queueing(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    response = await http.post(
        "/api/inventory/materials/exports",
        json={"type": "plutonium"},
        headers=bearer(tokens["admin@acme.test"]),
    )
    assert response.status_code in (400, 422)
    assert any(e.get("pointer") == "/type" for e in response.json().get("errors", []))
