"""Files end to end: an equipment document uploaded through the gateway lands in the
stack's SeaweedFS (started by the supervisor like every other process), comes back
streamed through the gateway or by a presigned link, is refused with problem+json when too
big or of the wrong type, and is never readable by another organization."""

from __future__ import annotations

import uuid

import httpx
import jwt
import pytest

from tests.e2e.conftest import bearer
from tests.e2e.test_production_flow import _post

pytestmark = pytest.mark.e2e
MAINT = "/api/maintenance"


async def test_a_document_goes_through_the_gateway_to_the_store_and_back(
    http: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    acme, globex = tokens["admin@acme.test"], tokens["admin@globex.test"]
    plant = jwt.decode(acme, options={"verify_signature": False})["plants"][0]
    tag = uuid.uuid4().hex[:8].upper()
    press = await _post(
        http,
        acme,
        f"{MAINT}/equipment",
        {"plant_id": plant, "level": "machine", "code": f"F{tag}", "name": "Press"},
    )
    url = f"{MAINT}/equipment/{press['id']}/documents"
    body = b"%PDF-1.7\n" + bytes(range(256)) * 8192  # 2 MB
    uploaded = await http.post(
        url,
        params={"filename": "manual.pdf"},
        content=body,
        headers={**bearer(acme), "Content-Type": "application/pdf"},
    )
    assert uploaded.status_code == 201, uploaded.text
    one = f"{url}/{uploaded.json()['id']}"

    streamed = await http.get(one, headers=bearer(acme))
    assert streamed.status_code == 200 and streamed.content == body
    link = await http.get(f"{one}/link", headers=bearer(acme))
    assert link.status_code == 200, link.text
    async with httpx.AsyncClient() as outside:  # no token: the link is the permission
        fetched = await outside.get(link.json()["url"])
    assert fetched.status_code == 200 and fetched.content == body

    assert (await http.get(one, headers=bearer(globex))).status_code == 404
    assert (await http.get(f"{one}/link", headers=bearer(globex))).status_code == 404

    wrong = await http.post(
        url,
        params={"filename": "x.exe"},
        content=b"MZ",
        headers={**bearer(acme), "Content-Type": "application/x-msdownload"},
    )
    assert wrong.status_code == 415
    assert wrong.headers["content-type"] == "application/problem+json"
    big = await http.post(
        url,
        params={"filename": "huge.pdf"},
        content=b"%" * (10 * 1024 * 1024 + 1),
        headers={**bearer(acme), "Content-Type": "application/pdf"},
    )
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"
    listed = await http.get(url, headers=bearer(acme))
    assert [d["id"] for d in listed.json()] == [uploaded.json()["id"]]
