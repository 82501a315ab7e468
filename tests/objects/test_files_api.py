"""Files through a service's API (maintenance's equipment documents): refused before
anything is stored when too big (413) or of a type not accepted (415), kept in the store
under the organization's prefix, streamed back or linked, and never readable by another
organization: not its row (RLS), not its link, not its object (the prefix)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
from litestar.testing import AsyncTestClient

from maintenance.app import build_app
from maintenance.settings import Settings
from tests.gateway.support import free_port
from tests.maintenance.shop import API, Shop
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_objects import ObjectStore, ObjectStoreSettings, new_key
from unison_web import files


async def _upload(shop: Shop, url: str, body: bytes, content_type: str, **headers: str) -> Any:
    return await shop.client.post(
        url,
        params={"filename": "Schaltplan ä.pdf"},
        content=body,
        headers={**shop.auth(), "Content-Type": content_type, **headers},
    )


async def _keys(admin: asyncpg.Connection, equipment_id: str) -> list[str]:
    rows = await admin.fetch(
        "SELECT object_key FROM maintenance.equipment_documents WHERE equipment_id = $1",
        uuid.UUID(equipment_id),
    )
    return [r["object_key"] for r in rows]


async def test_a_document_round_trips_through_the_store_under_its_organizations_prefix(
    shop: Shop, admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    press = await shop.equipment()
    url = f"{API}/equipment/{press['id']}/documents"
    body = b"%PDF-1.7\n" + bytes(range(256)) * 4000  # ~1 MB
    uploaded = await _upload(shop, url, body, "application/pdf")
    assert uploaded.status_code == 201, uploaded.text
    (key,) = await _keys(admin_conn, press["id"])
    assert key.startswith(f"org/{shop.org_id}/maintenance/equipment-documents/")
    # The bytes are in the store, not in PostgreSQL.
    assert await object_store.get(key) == body
    content = await admin_conn.fetchval(
        "SELECT content FROM maintenance.equipment_documents WHERE object_key = $1", key
    )
    assert content is None
    download = await shop.client.get(f"{url}/{uploaded.json()['id']}", headers=shop.auth())
    assert download.status_code == 200 and download.content == body
    assert download.headers["content-type"].startswith("application/pdf")
    assert "filename*=UTF-8''Schaltplan%20%C3%A4.pdf" in download.headers["content-disposition"]

    link = await shop.client.get(f"{url}/{uploaded.json()['id']}/link", headers=shop.auth())
    assert link.status_code == 200, link.text
    async with httpx.AsyncClient() as http:
        fetched = await http.get(link.json()["url"])
    assert fetched.status_code == 200 and fetched.content == body


async def test_too_big_or_the_wrong_type_is_refused_with_problem_json_and_nothing_stored(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    press = await shop.equipment()
    url = f"{API}/equipment/{press['id']}/documents"
    wrong = await _upload(shop, url, b"MZ\x90\x00", "application/x-msdownload")
    assert wrong.status_code == 415
    assert wrong.headers["content-type"] == "application/problem+json"
    assert "not accepted" in wrong.json()["detail"]
    big = await _upload(shop, url, b"x" * (files.MAX_BYTES + 1), "application/pdf")
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"
    # The declared length alone is enough: refused before the body is read.
    declared = await _upload(
        shop, url, b"%PDF", "application/pdf", **{"Content-Length": str(files.MAX_BYTES + 1)}
    )
    assert declared.status_code == 413
    empty = await _upload(shop, url, b"", "application/pdf")
    assert empty.status_code == 422
    assert await _keys(admin_conn, press["id"]) == []


async def test_another_organization_never_reads_a_document_nor_gets_a_link_to_it(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    press = await shop.equipment()
    url = f"{API}/equipment/{press['id']}/documents"
    uploaded = await _upload(shop, url, b"%PDF-1.4 secret", "application/pdf")
    one = f"{url}/{uploaded.json()['id']}"
    stranger = shop.auth(organization_id=uuid.uuid4())
    assert (await shop.client.get(one, headers=stranger)).status_code == 404
    assert (await shop.client.get(f"{one}/link", headers=stranger)).status_code == 404
    other_plant = shop.auth(plant_ids=[shop.plants[1]])
    assert (await shop.client.get(f"{one}/link", headers=other_plant)).status_code == 404


async def test_a_row_pointing_outside_its_organizations_prefix_yields_nothing(
    shop: Shop, admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    """Defence in depth: even a row that RLS shows cannot hand out another
    organization's object (the key must lie under the caller's prefix)."""
    victim = new_key(uuid.uuid4(), "maintenance", "equipment-documents")
    await object_store.put(victim, b"%PDF another organization's", "application/pdf")
    press = await shop.equipment()
    url = f"{API}/equipment/{press['id']}/documents"
    uploaded = await _upload(shop, url, b"%PDF-1.4 mine", "application/pdf")
    await admin_conn.execute(
        "UPDATE maintenance.equipment_documents SET object_key = $2 WHERE id = $1",
        uuid.UUID(uploaded.json()["id"]),
        victim,
    )
    one = f"{url}/{uploaded.json()['id']}"
    assert (await shop.client.get(one, headers=shop.auth())).status_code == 404
    assert (await shop.client.get(f"{one}/link", headers=shop.auth())).status_code == 404
    await object_store.delete([victim])


async def test_a_document_stored_before_the_object_store_is_still_served(
    shop: Shop, admin_conn: asyncpg.Connection
) -> None:
    """Rows written by the earlier release kept their bytes in PostgreSQL."""
    press = await shop.equipment()
    legacy = await admin_conn.fetchval(
        "INSERT INTO maintenance.equipment_documents (organization_id, plant_id, equipment_id,"
        " filename, content_type, size_bytes, content, uploaded_by)"
        " VALUES ($1, $2, $3, 'old.pdf', 'application/pdf', 8, '%PDF-old'::bytea, 'user:x')"
        " RETURNING id",
        shop.org_id,
        shop.plants[0],
        uuid.UUID(press["id"]),
    )
    one = f"{API}/equipment/{press['id']}/documents/{legacy}"
    served = await shop.client.get(one, headers=shop.auth())
    assert served.status_code == 200 and served.content == b"%PDF-old"
    assert (await shop.client.get(f"{one}/link", headers=shop.auth())).status_code == 409


async def test_a_missing_object_is_a_404_and_an_unreachable_store_a_503(
    shop: Shop,
    admin_conn: asyncpg.Connection,
    object_store: ObjectStore,
    role_dsn: Any,
    minter: TokenMinter,
) -> None:
    press = await shop.equipment()
    url = f"{API}/equipment/{press['id']}/documents"
    uploaded = await _upload(shop, url, b"%PDF-1.4 lost", "application/pdf")
    (key,) = await _keys(admin_conn, press["id"])
    await object_store.delete([key])
    lost = await shop.client.get(f"{url}/{uploaded.json()['id']}", headers=shop.auth())
    assert lost.status_code == 404 and "missing" in lost.json()["detail"]

    nowhere = ObjectStore(
        ObjectStoreSettings(
            endpoint=f"http://127.0.0.1:{free_port()}", access_key="a", secret_key="b"
        )
    )
    settings = Settings(
        database_url=role_dsn("maintenance"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=2,
    )
    app = build_app(settings, verifier=minter.verifier(), objects=nowhere)
    async with AsyncTestClient(app) as down:
        refused = await down.post(
            url,
            params={"filename": "manual.pdf"},
            content=b"%PDF-1.4",
            headers={**shop.auth(), "Content-Type": "application/pdf"},
        )
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert len(await _keys(admin_conn, press["id"])) == 1  # nothing half-written
