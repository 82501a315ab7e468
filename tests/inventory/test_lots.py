"""Lots: created by receipts or by hand, their status decides what may be issued."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import msgspec
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger

Client = AsyncTestClient[Any]


def lot_url(material: dict[str, Any], lot: str = "") -> str:
    base = f"/api/inventory/materials/{material['id']}/lots"
    return f"{base}/{lot}" if lot else base


async def test_a_lot_managed_material_needs_its_lot_on_every_posting(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material(lot_managed=True)
    assert material["lot_managed"] is True
    await ledger.location("WH1")
    refused = await ledger.post("101", ledger.line(material, "WH1", "5"), expect=422)
    assert refused.json()["errors"][0]["pointer"] == "/lines/0/lot"
    assert "managed in lots" in refused.json()["detail"]


async def test_a_receipt_creates_its_lot_with_dates_and_a_held_lot_cannot_be_issued(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material(lot_managed=True)
    await ledger.location("WH1")
    await ledger.location("WH2")
    made, expires = TODAY - timedelta(days=3), TODAY + timedelta(days=90)
    await ledger.post(
        "101",
        ledger.line(
            material,
            "WH1",
            "10",
            lot="B-1",
            manufactured_on=made.isoformat(),
            expires_on=expires.isoformat(),
        ),
    )
    lot = (await client.get(lot_url(material, "B-1"), headers=auth())).json()
    assert (lot["status"], lot["manufactured_on"], lot["expires_on"]) == (
        "released",
        made.isoformat(),
        expires.isoformat(),
    )
    etag = (await client.get(lot_url(material, "B-1"), headers=auth())).headers["etag"]

    held = await client.patch(
        lot_url(material, "B-1"),
        json={"status": "quarantine", "status_reason": "supplier complaint"},
        headers=auth({"If-Match": etag}),
    )
    assert held.status_code == 200, held.text
    for movement_type in ("261", "601"):
        refused = await ledger.post(
            movement_type, ledger.line(material, "WH1", "1", lot="B-1"), expect=409
        )
        assert refused.json()["errors"][0]["pointer"] == "/lines/0/lot"
        assert "quarantine" in refused.json()["detail"]
    # Moving a held lot inside the plant is fine; it stays held.
    await ledger.post(
        "311", ledger.line(material, "WH1", "4", lot="B-1", to_location_id=ledger.locations["WH2"])
    )
    availability = await ledger.availability(material)
    assert availability["blocked"] == 10
    assert availability["available"] == 0

    stale = await client.patch(
        lot_url(material, "B-1"), json={"status": "released"}, headers=auth({"If-Match": etag})
    )
    assert stale.status_code == 412
    released = await client.patch(
        lot_url(material, "B-1"),
        json={"status": "released"},
        headers=auth({"If-Match": held.headers["etag"]}),
    )
    assert released.status_code == 200
    await ledger.post("261", ledger.line(material, "WH1", "1", lot="B-1"))
    assert (await ledger.availability(material))["available"] == 9


async def test_an_expired_lot_cannot_be_issued_but_can_be_scrapped(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material(lot_managed=True)
    await ledger.location("WH1")
    created = await client.post(
        lot_url(material),
        json={"lot": "OLD-1", "expires_on": (TODAY - timedelta(days=1)).isoformat()},
        headers=auth(),
    )
    assert created.status_code == 201, created.text
    await ledger.post("101", ledger.line(material, "WH1", "3", lot="OLD-1"))
    refused = await ledger.post("261", ledger.line(material, "WH1", "1", lot="OLD-1"), expect=409)
    assert "expired" in refused.json()["detail"]
    await ledger.post("551", ledger.line(material, "WH1", "3", lot="OLD-1"))
    expiring = await client.get(
        "/api/inventory/lots/expiring", params={"until": TODAY.isoformat()}, headers=auth()
    )
    assert [x["lot"] for x in expiring.json()["items"]] == ["OLD-1"]


async def test_lot_status_changes_are_published_and_bad_input_is_refused(
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    owner_conn: asyncpg.Connection,
) -> None:
    material = await make_material()
    queue = f"t_lots_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('inventory.lot.#', $1)", queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        created = await client.post(
            lot_url(material), json={"lot": "Q-1", "status": "quarantine"}, headers=auth()
        )
        assert created.status_code == 201
        duplicate = await client.post(lot_url(material), json={"lot": "Q-1"}, headers=auth())
        assert duplicate.status_code == 409
        bad_dates = await client.post(
            lot_url(material),
            json={"lot": "Q-2", "manufactured_on": "2026-05-01", "expires_on": "2026-04-01"},
            headers=auth(),
        )
        assert bad_dates.status_code == 422
        assert bad_dates.json()["errors"][0]["pointer"] == "/expires_on"
        bad_number = await client.post(
            lot_url(material), json={"lot": "with space"}, headers=auth()
        )
        assert bad_number.status_code in (400, 422)
        no_etag = await client.patch(
            lot_url(material, "Q-1"), json={"status": "released"}, headers=auth()
        )
        assert no_etag.status_code == 428
        released = await client.patch(
            lot_url(material, "Q-1"),
            json={"status": "released"},
            headers=auth({"If-Match": created.headers["etag"]}),
        )
        assert released.status_code == 200
        rows = await owner_conn.fetch(
            f"SELECT message::text AS body FROM pgmq.q_{queue} ORDER BY msg_id"
        )
        events = [msgspec.json.decode(r["body"]) for r in rows]
        assert [(e["lot"], e["previous"], e["status"]) for e in events] == [
            ("Q-1", None, "quarantine"),
            ("Q-1", "quarantine", "released"),
        ]
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


async def test_another_organization_sees_no_lot(
    make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material()
    assert (
        await client.post(lot_url(material), json={"lot": "S-1"}, headers=auth())
    ).status_code == 201
    other = auth(organization_id=uuid.uuid4())
    assert (await client.get(lot_url(material, "S-1"), headers=other)).status_code == 404
    assert (await client.get(lot_url(material), headers=other)).json()["items"] == []
    patched = await client.patch(
        lot_url(material, "S-1"), json={"status": "blocked"}, headers={**other, "If-Match": '"1"'}
    )
    assert patched.status_code == 404
