"""Goods postings production asks for: backflush with lot determination, the receipt and
by-products as one posting, its genealogy; a refusal recorded and told, nothing written;
a request delivered twice posted once. The worker's handler, called as the consumer
calls it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from inventory.posting_requests.repo import Q as REQUEST_QUERIES
from inventory.production.repo import Q as PRODUCTION_QUERIES
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger
from tests.inventory.production_support import Heard, Production, component, line

Client = AsyncTestClient[Any]
POSTED = "inventory.production_posting.posted"
FAILED = "inventory.production_posting.failed"
MOVED = "inventory.goods_movement.posted"


async def receive_lot(
    ledger: Ledger, material: dict[str, Any], at: str, quantity: str, lot: str, expires: int | None
) -> None:
    """A receipt of ``lot`` expiring in ``expires`` days (None: never)."""
    extra: dict[str, Any] = {"lot": lot}
    if expires is not None:
        extra["expires_on"] = (TODAY + timedelta(days=expires)).isoformat()
    await ledger.post("101", ledger.line(material, at, quantity, **extra), reference="PO-1")


async def lot_stock(ledger: Ledger, material: dict[str, Any]) -> dict[str, Decimal]:
    return {
        row["lot"]: Decimal(row["quantity"]) for row in await ledger.stock(material) if row["lot"]
    }


def summary(event: dict[str, Any], numbers: dict[str, str]) -> list[tuple[str, str, Any, str]]:
    """(movement type, material number, lot, signed quantity) of a posted event."""
    return [
        (x["movement_type"], numbers[x["material_id"]], x["lot"], x["quantity"])
        for x in event["lines"]
    ]


async def test_a_backflush_without_a_lot_takes_the_first_expiring_lots_splitting_the_line(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
) -> None:
    resin = await make_material(number="RESIN-1", base_unit="KG", lot_managed=True)
    store = await ledger.location("WH1")
    await receive_lot(ledger, resin, "WH1", "5", "R-LATER", 30)
    await receive_lot(ledger, resin, "WH1", "50", "R-NEVER", None)
    await receive_lot(ledger, resin, "WH1", "4", "R-SOON", 10)
    await receive_lot(ledger, resin, "WH1", "10", "R-EXPIRED", -1)
    held = await client.post(
        f"/api/inventory/materials/{resin['id']}/lots",
        json={"lot": "R-HELD", "status": "quarantine", "expires_on": TODAY.isoformat()},
        headers=auth(),
    )
    assert held.status_code == 201, held.text
    await receive_lot(ledger, resin, "WH1", "10", "R-HELD", 0)
    numbers = {resin["id"]: "RESIN-1"}

    first = production.requested("WO-1", consumption=(line(resin, "6", store),))
    await production.handle(first)
    [posted] = await production_heard.events(POSTED)
    assert posted["posting_id"] == str(first.posting_id)
    assert summary(posted, numbers) == [
        ("261", "RESIN-1", "R-SOON", "-4"),
        ("261", "RESIN-1", "R-LATER", "-2"),
    ]
    # Lots without an expiry date come last: they are taken once the others are used up.
    second = production.requested("WO-1", consumption=(line(resin, "10", store),))
    await production.handle(second)
    assert summary((await production_heard.events(POSTED))[1], numbers) == [
        ("261", "RESIN-1", "R-LATER", "-3"),
        ("261", "RESIN-1", "R-NEVER", "-7"),
    ]
    assert await lot_stock(ledger, resin) == {
        "R-SOON": 0,
        "R-LATER": 0,
        "R-NEVER": 43,
        "R-EXPIRED": 10,
        "R-HELD": 10,
    }
    documents = {e["movement_id"]: e for e in await production_heard.events(MOVED)}
    document = documents[posted["movement_ids"][0]]
    assert (document["movement_type"], document["reference"]) == ("261", "WO-1")


async def test_lot_determination_takes_the_oldest_lot_first_among_lots_expiring_together(
    production: Production, ledger: Ledger, make_material: MakeMaterial, production_heard: Heard
) -> None:
    resin = await make_material(number="RESIN-2", base_unit="KG", lot_managed=True)
    store = await ledger.location("WH1")
    await receive_lot(ledger, resin, "WH1", "5", "Z-OLD", 20)
    await receive_lot(ledger, resin, "WH1", "5", "A-NEW", 20)
    # Two lines of one request share the lots: the second starts where the first stopped.
    request = production.requested(
        "WO-2", consumption=(line(resin, "3", store), line(resin, "3", store))
    )
    await production.handle(request)
    [posted] = await production_heard.events(POSTED)
    assert summary(posted, {resin["id"]: "RESIN-2"}) == [
        ("261", "RESIN-2", "Z-OLD", "-5"),
        ("261", "RESIN-2", "A-NEW", "-1"),
    ]


async def test_a_lot_one_line_names_is_not_chosen_again_for_another_line(
    production: Production, ledger: Ledger, make_material: MakeMaterial, production_heard: Heard
) -> None:
    resin = await make_material(number="RESIN-3", base_unit="KG", lot_managed=True)
    store = await ledger.location("WH1")
    await receive_lot(ledger, resin, "WH1", "5", "R-SOON", 10)
    await receive_lot(ledger, resin, "WH1", "5", "R-LATER", 20)
    request = production.requested(
        "WO-3",
        consumption=(line(resin, "3", store), line(resin, "4000", store, lot="R-SOON", unit="G")),
    )
    await production.handle(request)
    [posted] = await production_heard.events(POSTED)
    assert summary(posted, {resin["id"]: "RESIN-3"}) == [
        ("261", "RESIN-3", "R-SOON", "-5"),
        ("261", "RESIN-3", "R-LATER", "-2"),
    ]


async def test_an_issue_without_a_location_takes_from_the_default_or_the_only_place_with_stock(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
) -> None:
    casing = await make_material(number="CASING-10")
    bolt = await make_material(number="BOLT-10")
    washer = await make_material(number="WASHER-10")
    await ledger.location("WH1")
    supply = await ledger.location("PSA")
    for material in (casing, bolt, washer):
        await ledger.post("101", ledger.line(material, "WH1", "20"))
    await ledger.post("101", ledger.line(casing, "PSA", "5"))
    await ledger.post("101", ledger.line(washer, "PSA", "5"))
    plant_data = await client.put(
        f"/api/inventory/materials/{casing['id']}/plants/{production.plant_id}",
        json={"procurement_type": "buy", "default_storage_location": "psa"},
        headers=auth(),
    )
    assert plant_data.status_code == 201, plant_data.text

    request = production.requested("WO-3", consumption=(line(casing, "2"), line(bolt, "3")))
    await production.handle(request)
    moved = [
        x
        for e in await production_heard.events(MOVED)
        if e["reference"] == "WO-3"
        for x in e["lines"]
    ]
    assert {(x["material_id"], x["location_id"], x["quantity"]) for x in moved} == {
        (casing["id"], supply, "-2"),  # the plant data default, PSA
        (bolt["id"], ledger.locations["WH1"], "-3"),  # the only place holding bolts
    }

    # Washers lie in two places and have no default: the request must say which.
    refused = production.requested("WO-3", consumption=(line(washer, "1"),))
    await production.handle(refused)
    posting = await production.posting(refused.posting_id)
    assert posting["status"] == "failed"
    assert posting["pointer"] == "/consumption/0/location_id"
    assert "stock of WASHER-10 lies in 2 locations (PSA, WH1)" in posting["error"]


async def test_the_received_lot_traces_back_to_the_lots_the_confirmation_consumed(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
) -> None:
    resin = await make_material(number="RESIN-4", base_unit="KG", lot_managed=True)
    casing = await make_material(number="CASING-4", lot_managed=True)
    store = await ledger.location("WH1")
    finished = await ledger.location("FG")
    await receive_lot(ledger, resin, "WH1", "4", "R-SOON", 5)
    await receive_lot(ledger, resin, "WH1", "4", "R-LATER", 50)
    await receive_lot(ledger, casing, "WH1", "10", "C-1", None)
    await production.handle(production.released("WO-4", component(casing, "2")))
    product = production.product
    request = production.requested(
        "WO-4",
        consumption=(line(resin, "6", store), line(casing, "2", store, lot="C-1")),
        receipt=line(product, "2", finished, lot="P-1"),
        manufactured_on=TODAY,
    )
    await production.handle(request)

    [posted] = await production_heard.events(POSTED)
    numbers = {resin["id"]: "RESIN-4", casing["id"]: "CASING-4", product["id"]: "PUMP-100"}
    assert summary(posted, numbers) == [
        ("261", "RESIN-4", "R-SOON", "-4"),
        ("261", "RESIN-4", "R-LATER", "-2"),
        ("261", "CASING-4", "C-1", "-2"),
        ("101", "PUMP-100", "P-1", "2"),
    ]
    assert len(posted["movement_ids"]) == 2  # the issue and the receipt, one transaction
    trace = await client.get(
        "/api/inventory/lots/trace/backward",
        params={"material_id": product["id"], "lot": "P-1"},
        headers=auth(),
    )
    assert trace.status_code == 200, trace.text
    assert {(x["material_number"], x["lot"], x["depth"]) for x in trace.json()["lots"]} == {
        ("PUMP-100", "P-1", 0),
        ("RESIN-4", "R-SOON", 1),
        ("RESIN-4", "R-LATER", 1),
        ("CASING-4", "C-1", 1),
    }
    lot = await client.get(f"/api/inventory/materials/{product['id']}/lots/P-1", headers=auth())
    assert lot.json()["manufactured_on"] == TODAY.isoformat()
    # The casing's issue named the order's reservation.
    [reservation] = await production.reservations("WO-4")
    assert (reservation["status"], reservation["withdrawn"]) == ("closed", "2")


async def test_by_products_are_received_as_531_into_their_default_location(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
) -> None:
    chips = await make_material(number="CHIPS-5", base_unit="KG", type="consumable")
    await ledger.location("WH1")
    scrap_yard = await ledger.location("YARD")
    for material, code in ((chips, "YARD"), (production.product, "WH1")):
        response = await client.put(
            f"/api/inventory/materials/{material['id']}/plants/{production.plant_id}",
            json={"procurement_type": "make", "default_storage_location": code},
            headers=auth(),
        )
        assert response.status_code == 201, response.text
    request = production.requested(
        "WO-5",
        receipt=line(production.product, "1", lot="P-5"),
        by_products=(line(chips, "0.75"),),
    )
    await production.handle(request)

    [posted] = await production_heard.events(POSTED)
    numbers = {chips["id"]: "CHIPS-5", production.product["id"]: "PUMP-100"}
    assert summary(posted, numbers) == [
        ("101", "PUMP-100", "P-5", "1"),
        ("531", "CHIPS-5", None, "0.75"),
    ]
    documents = {e["movement_type"]: e for e in await production_heard.events(MOVED)}
    assert documents["531"]["reference"] == "WO-5"
    assert documents["531"]["lines"][0]["location_id"] == scrap_yard
    assert await ledger.on_hand(chips, "YARD") == Decimal("0.75")


async def test_a_refused_posting_is_recorded_and_told_and_nothing_of_it_is_written(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    resin = await make_material(number="RESIN-6", base_unit="KG", lot_managed=True)
    casing = await make_material(number="CASING-6")
    store = await ledger.location("WH1")
    await receive_lot(ledger, resin, "WH1", "10", "R-1", 30)
    await ledger.post("101", ledger.line(casing, "WH1", "20"))
    await production.handle(production.released("WO-6", component(casing, "100")))
    request = production.requested(
        "WO-6",
        consumption=(line(resin, "6", store), line(casing, "100", store)),
        receipt=line(production.product, "1", store, lot="P-6"),
    )
    await production.handle(request)  # the event is handled: a refusal is no failure

    posting = await production.posting(request.posting_id)
    assert {k: posting[k] for k in ("status", "pointer", "attempts", "movement_ids")} == {
        "status": "failed",
        "pointer": "/consumption/1/quantity",
        "attempts": 1,
        "movement_ids": [],
    }
    assert posting["error"] == "not enough stock of CASING-6: available 20 PC, requested 100 PC"
    assert posting["request"]["posting_id"] == str(request.posting_id)
    [failed] = await production_heard.events(FAILED)
    assert (failed["posting_id"], failed["reference"], failed["pointer"]) == (
        str(request.posting_id),
        "WO-6",
        "/consumption/1/quantity",
    )
    assert failed["work_order_id"] == str(request.work_order_id)
    assert failed["error"] == posting["error"]
    # Nothing half-written: no document, no stock moved, no reservation withdrawn, no lot.
    assert await production.movements("WO-6", admin_conn) == []
    assert await production_heard.events(POSTED) == []
    assert [e for e in await production_heard.events(MOVED) if e["reference"] == "WO-6"] == []
    assert await lot_stock(ledger, resin) == {"R-1": 10}
    assert await ledger.on_hand(casing, "WH1") == 20
    [reservation] = await production.reservations("WO-6")
    assert reservation["withdrawn"] == "0"
    missing = await client.get(
        f"/api/inventory/materials/{production.product['id']}/lots/P-6", headers=auth()
    )
    assert missing.status_code == 404


async def test_every_kind_of_refusal_is_recorded_with_the_field_it_names(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
) -> None:
    resin = await make_material(number="RESIN-7", base_unit="KG", lot_managed=True)
    store = await ledger.location("WH1")
    await receive_lot(ledger, resin, "WH1", "3", "R-1", 30)
    other_plant_store = await ledger.location("WH9", plant=1)
    held = await client.post(
        f"/api/inventory/materials/{resin['id']}/lots",
        json={"lot": "R-HELD", "status": "blocked"},
        headers=auth(),
    )
    assert held.status_code == 201, held.text
    cases = {
        "/consumption/0/lot": line(resin, "1", store, lot="R-HELD"),
        "/consumption/0/location_id": line(resin, "1", other_plant_store),
        "/consumption/0/quantity": line(resin, "5", store),
        "/consumption/0/unit": line(resin, "1", store, unit="PC"),
    }
    for pointer, consumption in cases.items():
        request = production.requested("WO-7", consumption=(consumption,))
        await production.handle(request)
        posting = await production.posting(request.posting_id)
        assert (posting["status"], posting["pointer"]) == ("failed", pointer), posting
    future = production.requested(
        "WO-7",
        consumption=(line(resin, "1", store),),
        posting_date=TODAY + timedelta(days=1),
    )
    await production.handle(future)
    posting = await production.posting(future.posting_id)
    assert (posting["error"], posting["pointer"]) == (
        "must not be in the future",
        "/consumption/0/posting_date",
    )


async def test_a_request_delivered_twice_with_the_same_posting_id_is_posted_once(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    production_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    casing = await make_material(number="CASING-8")
    store = await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "20"))
    request = production.requested("WO-8", consumption=(line(casing, "5", store),))
    again = production.requested(
        "WO-8",
        posting_id=request.posting_id,
        work_order_id=request.work_order_id,
        consumption=(line(casing, "5", store),),
    )
    assert again.id != request.id  # another event: the inbox would not catch it
    await production.handle(request)
    await production.handle(again)

    assert len(await production.movements("WO-8", admin_conn)) == 1
    assert await ledger.on_hand(casing, "WH1") == 15
    assert len(await production_heard.events(POSTED)) == 1
    posting = await production.posting(request.posting_id)
    assert (posting["status"], posting["attempts"]) == ("posted", 1)


async def test_a_failed_request_delivered_again_is_posted_once_the_stock_is_there(
    production: Production, ledger: Ledger, make_material: MakeMaterial, production_heard: Heard
) -> None:
    casing = await make_material(number="CASING-9")
    store = await ledger.location("WH1")
    request = production.requested("WO-9", consumption=(line(casing, "5", store),))
    await production.handle(request)
    assert (await production.posting(request.posting_id))["status"] == "failed"
    await ledger.post("101", ledger.line(casing, "WH1", "5"))
    await production.handle(
        production.requested(
            "WO-9",
            posting_id=request.posting_id,
            work_order_id=request.work_order_id,
            consumption=(line(casing, "5", store),),
        )
    )
    posting = await production.posting(request.posting_id)
    assert (posting["status"], posting["attempts"], posting["error"]) == ("posted", 2, None)
    assert [e["posting_id"] for e in await production_heard.events(POSTED)] == [
        str(request.posting_id)
    ]


async def test_every_production_posting_query_prepares_against_the_migrated_schema(
    admin_conn: asyncpg.Connection, role_dsn: Any
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        failures = {}
        for name, statement in [*PRODUCTION_QUERIES.items(), *REQUEST_QUERIES.items()]:
            try:
                await conn.prepare(statement)
            except asyncpg.PostgresError as exc:
                failures[name] = str(exc)
    finally:
        await conn.close()
    assert failures == {}
    assert len(PRODUCTION_QUERIES.items()) + len(REQUEST_QUERIES.items()) >= 15


async def test_posted_requests_are_swept_after_90_days_and_failed_ones_stay(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    org_id: Any,
) -> None:
    casing = await make_material(number="CASING-11")
    store = await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "1"))
    for quantity in ("1", "5"):  # the first is posted, the second refused
        await production.handle(
            production.requested("WO-11", consumption=(line(casing, quantity, store),))
        )
    job = await admin_conn.fetchrow(
        "SELECT command, username FROM cron.job"
        " WHERE jobname = 'inventory-posting-requests-retention'"
    )
    assert job is not None
    assert job["username"] == "unison_owner"
    await owner_conn.execute(job["command"])  # nothing is old enough yet
    count = "SELECT count(*) FROM inventory.posting_requests WHERE organization_id = $1"
    assert await admin_conn.fetchval(count, org_id) == 2
    await admin_conn.execute(
        "UPDATE inventory.posting_requests SET created_at = created_at - interval '91 days',"
        " posted_at = posted_at - interval '91 days' WHERE organization_id = $1",
        org_id,
    )
    # The job runs as the owner with no organization set: exactly what pg_cron does.
    await owner_conn.execute(job["command"])
    left = await admin_conn.fetch(
        "SELECT status FROM inventory.posting_requests WHERE organization_id = $1", org_id
    )
    assert [r["status"] for r in left] == ["failed"]
