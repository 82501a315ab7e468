"""Spare parts maintenance asks for: one 261 issue to the maintenance order with FEFO lot
determination and location defaults, answered with its value; a refusal recorded and
told, nothing written; a retry once the stock arrived; a request id posted once; the
list, tenancy and who may retry. The worker's handler, called as the consumer calls it,
and once the real worker."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger
from tests.inventory.maintenance_support import ISSUES, Maintenance, part
from tests.inventory.production_support import (
    POSTINGS,
    Heard,
    Production,
    documents_of,
    line,
    published_by,
    settled,
)
from tests.support.tokens import TokenMinter

Client = AsyncTestClient[Any]
Material = dict[str, Any]
POSTED = "inventory.maintenance_issue.posted"
FAILED = "inventory.maintenance_issue.failed"
MOVED = "inventory.goods_movement.posted"


@pytest.fixture
async def store(ledger: Ledger) -> str:
    """WH1 of the first plant, where the tests' spare parts lie."""
    return await ledger.location("WH1")


@pytest.fixture
async def bearing(make_material: MakeMaterial) -> Material:
    return await make_material(number="BEARING-1", type="spare")


async def receive_lot(
    ledger: Ledger, material: Material, quantity: str, lot: str, expires: int, price: str
) -> None:
    """A receipt at WH1 of ``lot`` expiring in ``expires`` days, at ``price`` a piece."""
    expires_on = (TODAY + timedelta(days=expires)).isoformat()
    await ledger.post(
        "101",
        ledger.line(material, "WH1", quantity, lot=lot, expires_on=expires_on, price=price),
        reference="PO-1",
    )


async def refused(maintenance: Maintenance, material: Material, number: str, store: str) -> UUID:
    """A request for 5 of ``material`` at ``store`` that the stock cannot serve."""
    request = maintenance.requested(number, part(material, "5", store))
    await maintenance.handle(request)
    return request.request_id


def token(minter: TokenMinter, org_id: UUID, plants: list[UUID], *roles: str) -> dict[str, str]:
    minted = minter.mint(org_id, plants=plants, roles=list(roles), subject="user:bob")
    return {"Authorization": f"Bearer {minted}"}


def named(answer: dict[str, Any]) -> tuple[str, str, str]:
    """The request, order and order number an answer to maintenance names."""
    return answer["request_id"], answer["maintenance_work_order_id"], answer["reference"]


async def types_of(conn: asyncpg.Connection, org_id: UUID, reference: str) -> list[str]:
    """The movement types of the order's documents, as really written."""
    return [d["movement_type"] for d in await documents_of(conn, org_id, reference)]


async def issued_to(heard: Heard, reference: str) -> list[dict[str, Any]]:
    return [e for e in await heard.events(MOVED) if e["reference"] == reference]


async def test_spare_parts_are_issued_to_the_order_first_expiring_first_and_their_value_told(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    make_material: MakeMaterial,
    maintenance_heard: Heard,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    grease = await make_material(number="GREASE-1", type="spare", lot_managed=True)
    belt = await make_material(number="BELT-1", type="spare")
    await receive_lot(ledger, grease, "4", "G-LATER", 60, "20")
    await receive_lot(ledger, grease, "4", "G-SOON", 10, "10")
    await ledger.post("101", ledger.line(belt, "WH1", "3", price="7.50"), reference="PO-2")
    request = maintenance.requested("MO-1", part(grease, "6", store), part(belt, "2"))
    await maintenance.handle(request)

    [posted] = await maintenance_heard.events(POSTED)
    ids = (str(request.request_id), str(request.maintenance_work_order_id), "MO-1")
    assert (named(posted), posted["plant_id"]) == (ids, str(maintenance.plant_id))
    [document] = await issued_to(maintenance_heard, "MO-1")
    assert (posted["movement_ids"], document["movement_type"]) == ([document["movement_id"]], "261")
    numbers = {grease["id"]: "GREASE-1", belt["id"]: "BELT-1"}
    assert [(numbers[x["material_id"]], x["lot"], x["quantity"]) for x in document["lines"]] == [
        ("GREASE-1", "G-SOON", "-4"),  # first expiring first, whatever came in first
        ("GREASE-1", "G-LATER", "-2"),
        ("BELT-1", None, "-2"),  # no location named: the only place holding belts
    ]
    # Grease at the moving average of 8 pieces worth 120 (15 a piece), belts at 7.50.
    assert Decimal(posted["value"]) == 6 * 15 + 2 * Decimal("7.50")
    assert Decimal(posted["value"]) == -sum(Decimal(x["value"]) for x in document["lines"])
    assert await types_of(admin_conn, org_id, "MO-1") == ["261"]
    issue = await maintenance.issue(request.request_id)
    assert (issue["status"], issue["attempts"], issue["movement_ids"]) == (
        "posted",
        1,
        posted["movement_ids"],
    )
    assert issue["request"]["lines"][0]["quantity"] == "6"


async def test_a_part_without_a_location_is_taken_from_its_default_storage_location(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    client: Client,
    auth: Headers,
    maintenance_heard: Heard,
) -> None:
    spares = await ledger.location("SPARES")
    for code in ("WH1", "SPARES"):
        await ledger.post("101", ledger.line(bearing, code, "5"), reference="PO-3")
    plant_data = await client.put(
        f"/api/inventory/materials/{bearing['id']}/plants/{maintenance.plant_id}",
        json={"procurement_type": "buy", "default_storage_location": "spares"},
        headers=auth(),
    )
    assert plant_data.status_code == 201, plant_data.text
    await maintenance.handle(maintenance.requested("MO-2", part(bearing, "2")))

    [document] = await issued_to(maintenance_heard, "MO-2")
    assert [(x["location_id"], x["quantity"]) for x in document["lines"]] == [(spares, "-2")]
    assert await ledger.on_hand(bearing, store) == 5


async def test_a_refused_issue_is_recorded_and_told_and_nothing_of_it_is_written(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    make_material: MakeMaterial,
    maintenance_heard: Heard,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    grease = await make_material(number="GREASE-3", type="spare", lot_managed=True)
    await receive_lot(ledger, grease, "10", "G-1", 30, "10")
    await ledger.post("101", ledger.line(bearing, "WH1", "2"), reference="PO-4")
    request = maintenance.requested("MO-3", part(grease, "6", store), part(bearing, "4", store))
    await maintenance.handle(request)  # the event is handled: a refusal is no failure

    issue = await maintenance.issue(request.request_id)
    assert {k: issue[k] for k in ("status", "pointer", "attempts", "movement_ids")} == {
        "status": "failed",
        "pointer": "/lines/1/quantity",
        "attempts": 1,
        "movement_ids": [],
    }
    assert issue["error"] == "not enough stock of BEARING-1: available 2 PC, requested 4 PC"
    [failed] = await maintenance_heard.events(FAILED)
    ids = (str(request.request_id), str(request.maintenance_work_order_id), "MO-3")
    assert named(failed) == ids
    assert (failed["error"], failed["pointer"]) == (issue["error"], "/lines/1/quantity")
    # Nothing half-written: no document, no stock moved (the grease line was fine).
    assert await types_of(admin_conn, org_id, "MO-3") == []
    assert await maintenance_heard.events(POSTED) == []
    assert await issued_to(maintenance_heard, "MO-3") == []
    assert await ledger.on_hand(grease, store) == 10
    assert await ledger.on_hand(bearing, store) == 2


async def test_a_held_lot_or_a_location_of_another_plant_refuses_the_line_that_names_it(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
) -> None:
    grease = await make_material(number="GREASE-4", type="spare", lot_managed=True)
    elsewhere = await ledger.location("WH9", plant=1)
    await receive_lot(ledger, grease, "3", "G-1", 30, "10")
    held = await client.post(
        f"/api/inventory/materials/{grease['id']}/lots",
        json={"lot": "G-HELD", "status": "blocked"},
        headers=auth(),
    )
    assert held.status_code == 201, held.text
    cases = {
        "/lines/0/lot": part(grease, "1", store, lot="G-HELD"),
        "/lines/0/location_id": part(grease, "1", elsewhere),
        "/lines/0/unit": part(grease, "1", store, unit="KG"),
    }
    for pointer, wanted in cases.items():
        request = maintenance.requested("MO-4", wanted)
        await maintenance.handle(request)
        issue = await maintenance.issue(request.request_id)
        assert (issue["status"], issue["pointer"]) == ("failed", pointer), issue


async def test_a_retry_after_the_stock_arrived_issues_the_parts_and_tells_their_value(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    client: Client,
    auth: Headers,
    maintenance_heard: Heard,
) -> None:
    request_id = await refused(maintenance, bearing, "MO-5", store)
    await ledger.post("101", ledger.line(bearing, "WH1", "8", price="12"), reference="PO-5")

    retried = await client.post(f"{ISSUES}/{request_id}/retry", headers=auth())
    assert retried.status_code == 200, retried.text
    issue = retried.json()
    assert [issue[k] for k in ("status", "attempts", "error", "pointer", "updated_by")] == [
        "posted",
        2,
        None,
        None,
        "user:alice",
    ]
    [posted] = await maintenance_heard.events(POSTED)
    assert (posted["request_id"], posted["movement_ids"]) == (
        str(request_id),
        issue["movement_ids"],
    )
    assert Decimal(posted["value"]) == 60
    assert await ledger.on_hand(bearing, store) == 3
    movement = await ledger.movement(issue["movement_ids"][0])
    assert [movement[k] for k in ("movement_type", "reference", "created_by")] == [
        "261",
        "MO-5",
        "user:alice",
    ]

    again = await client.post(f"{ISSUES}/{request_id}/retry", headers=auth())
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"maintenance issue {request_id} is posted; only a failed one is retried"
    )
    assert await ledger.on_hand(bearing, store) == 3


async def test_a_retry_refused_again_keeps_the_issue_failed_with_the_new_reason(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    client: Client,
    auth: Headers,
    maintenance_heard: Heard,
) -> None:
    request_id = await refused(maintenance, bearing, "MO-6", store)
    await ledger.post("101", ledger.line(bearing, "WH1", "2"), reference="PO-6")

    retried = await client.post(f"{ISSUES}/{request_id}/retry", headers=auth())
    assert retried.status_code == 409
    reason = "not enough stock of BEARING-1: available 2 PC, requested 5 PC"
    assert retried.json()["detail"] == f"maintenance issue {request_id} was refused again: {reason}"
    assert retried.json()["errors"] == [{"pointer": "/lines/0/quantity", "detail": reason}]
    issue = await maintenance.issue(request_id)
    assert (issue["status"], issue["attempts"], issue["error"]) == ("failed", 2, reason)
    assert [e["error"] for e in await maintenance_heard.events(FAILED)] == [
        "not enough stock of BEARING-1: available 0 PC, requested 5 PC",
        reason,
    ]
    assert await ledger.on_hand(bearing, store) == 2


async def test_a_request_delivered_twice_with_the_same_request_id_is_issued_once(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    maintenance_heard: Heard,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    await ledger.post("101", ledger.line(bearing, "WH1", "20"), reference="PO-7")
    request = maintenance.requested("MO-7", part(bearing, "5", store))
    again = maintenance.requested(
        "MO-7",
        part(bearing, "5", store),
        request_id=request.request_id,
        maintenance_work_order_id=request.maintenance_work_order_id,
    )
    assert again.id != request.id  # another event: the inbox would not catch it
    await maintenance.handle(request)
    await maintenance.handle(again)

    assert await types_of(admin_conn, org_id, "MO-7") == ["261"]
    assert await ledger.on_hand(bearing, store) == 15
    assert len(await maintenance_heard.events(POSTED)) == 1
    issue = await maintenance.issue(request.request_id)
    assert (issue["status"], issue["attempts"]) == ("posted", 1)


async def test_a_failed_request_delivered_again_is_issued_once_the_stock_is_there(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    maintenance_heard: Heard,
) -> None:
    request_id = await refused(maintenance, bearing, "MO-8", store)
    await ledger.post("101", ledger.line(bearing, "WH1", "5"), reference="PO-8")
    await maintenance.handle(
        maintenance.requested("MO-8", part(bearing, "5", store), request_id=request_id)
    )
    issue = await maintenance.issue(request_id)
    assert (issue["status"], issue["attempts"], issue["error"]) == ("posted", 2, None)
    assert [e["request_id"] for e in await maintenance_heard.events(POSTED)] == [str(request_id)]


async def test_maintenance_and_production_requests_are_listed_apart_even_under_one_id(
    maintenance: Maintenance,
    production: Production,
    ledger: Ledger,
    store: str,
    bearing: Material,
    client: Client,
    auth: Headers,
) -> None:
    first = await refused(maintenance, bearing, "MO-9", store)
    await ledger.post("101", ledger.line(bearing, "WH1", "5"), reference="PO-9")
    # Production happens to use the same id: it is production's own request, posted.
    posting = production.requested(
        "WO-9", posting_id=first, consumption=(line(bearing, "1", store),)
    )
    await production.handle(posting)
    second = await refused(maintenance, bearing, "MO-10", store)
    third = await refused(maintenance, bearing, "MO-9", store)

    page = await client.get(ISSUES, params={"status": "failed", "limit": "2"}, headers=auth())
    assert page.status_code == 200, page.text
    body = page.json()
    assert [x["request_id"] for x in body["items"]] == [str(third), str(second)]
    assert body["items"][0]["error"] == (
        "not enough stock of BEARING-1: available 4 PC, requested 5 PC"
    )
    rest = await client.get(
        ISSUES,
        params={"status": "failed", "limit": "2", "cursor": body["next_cursor"]},
        headers=auth(),
    )
    assert [x["request_id"] for x in rest.json()["items"]] == [str(first)]
    of_order = await client.get(ISSUES, params={"reference": "MO-9"}, headers=auth())
    assert [x["request_id"] for x in of_order.json()["items"]] == [str(third), str(first)]
    of_plant = await client.get(ISSUES, params={"plant_id": str(ledger.plants[1])}, headers=auth())
    assert of_plant.json()["items"] == []
    # One id, two requests: each source's list and record shows its own.
    assert (await maintenance.issue(first))["status"] == "failed"
    assert (await production.posting(first))["status"] == "posted"
    postings = (await client.get(POSTINGS, headers=auth())).json()["items"]
    assert [p["posting_id"] for p in postings] == [str(first)]


async def test_another_organization_sees_no_issues_and_cannot_retry_them(
    maintenance: Maintenance,
    store: str,
    bearing: Material,
    client: Client,
    auth: Headers,
    minter: TokenMinter,
    plants: list[UUID],
) -> None:
    request_id = await refused(maintenance, bearing, "MO-11", store)
    stranger = token(minter, uuid.uuid4(), plants, "admin")
    elsewhere = auth(plant_ids=[plants[1]])  # a user of the organization's other plant
    for outsider in (stranger, elsewhere):
        assert (await client.get(ISSUES, headers=outsider)).json()["items"] == []
        assert (await client.get(f"{ISSUES}/{request_id}", headers=outsider)).status_code == 404
        retried = await client.post(f"{ISSUES}/{request_id}/retry", headers=outsider)
        assert retried.status_code == 404
    assert (await maintenance.issue(request_id))["attempts"] == 1


async def test_only_admins_and_planners_may_retry_an_issue(
    maintenance: Maintenance,
    store: str,
    bearing: Material,
    client: Client,
    minter: TokenMinter,
    org_id: UUID,
    plants: list[UUID],
) -> None:
    request_id = await refused(maintenance, bearing, "MO-12", store)
    retry = f"{ISSUES}/{request_id}/retry"
    for role in ("maintenance_tech", "operator", "viewer", "integration"):
        response = await client.post(retry, headers=token(minter, org_id, plants, role))
        assert response.status_code == 403, (role, response.text)
        listed = await client.get(ISSUES, headers=token(minter, org_id, plants, role))
        assert listed.status_code == 200  # reading the list is for everyone of the plant
    assert (await maintenance.issue(request_id))["attempts"] == 1
    planner = await client.post(retry, headers=token(minter, org_id, plants, "planner"))
    assert planner.status_code == 409  # allowed, and refused again: nothing came in
    assert (await maintenance.issue(request_id))["attempts"] == 2


async def test_openapi_documents_the_maintenance_issue_routes(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {ISSUES, ISSUES + "/{request_id}", ISSUES + "/{request_id}/retry"} <= set(paths)
    listing = paths[ISSUES]["get"]
    assert {"status", "plant_id", "reference", "limit", "cursor"} <= {
        p["name"] for p in listing["parameters"]
    }


@pytest.mark.usefixtures("worker_running")
async def test_the_worker_issues_the_parts_maintenance_published(
    maintenance: Maintenance,
    ledger: Ledger,
    store: str,
    bearing: Material,
    client: Client,
    auth: Headers,
    role_dsn: Any,
) -> None:
    await ledger.post("101", ledger.line(bearing, "WH1", "10"), reference="PO-W1")
    request = maintenance.requested("MO-W1", part(bearing, "4", store))
    await published_by("maintenance", role_dsn, request)  # in maintenance's own transaction

    issue = await settled(client, auth, f"{ISSUES}/{request.request_id}")
    assert (issue["status"], issue["updated_by"][:6]) == ("posted", "event:")
    assert await ledger.on_hand(bearing, store) == 6
