"""The shop floor's list of production postings and the retry of a failed one, through
the app: newest first with why each failed, a retry posts once the stock is there (or
says why not), roles, plants and organizations."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import asyncpg
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.production_support import POSTINGS, Heard, Production, line
from tests.support.tokens import TokenMinter

Client = AsyncTestClient[Any]
POSTED = "inventory.production_posting.posted"
FAILED = "inventory.production_posting.failed"


async def refused(
    production: Production, material: dict[str, Any], reference: str, at: str
) -> UUID:
    """A request for 5 of ``material`` at ``at`` that the stock cannot serve."""
    request = production.requested(reference, consumption=(line(material, "5", at),))
    await production.handle(request)
    return request.posting_id


def token(minter: TokenMinter, org_id: UUID, plants: list[UUID], *roles: str) -> dict[str, str]:
    minted = minter.mint(org_id, plants=plants, roles=list(roles), subject="user:bob")
    return {"Authorization": f"Bearer {minted}"}


async def test_the_failed_list_shows_refused_postings_newest_first_with_why(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
) -> None:
    casing = await make_material(number="CASING-A1")
    store = await ledger.location("WH1")
    first = await refused(production, casing, "WO-A1", store)
    await ledger.post("101", ledger.line(casing, "WH1", "5"))
    ok = production.requested("WO-A2", consumption=(line(casing, "1", store),))
    await production.handle(ok)
    second = await refused(production, casing, "WO-A3", store)
    third = await refused(production, casing, "WO-A1", store)

    page = await client.get(POSTINGS, params={"status": "failed", "limit": "2"}, headers=auth())
    assert page.status_code == 200, page.text
    body = page.json()
    assert [p["posting_id"] for p in body["items"]] == [str(third), str(second)]
    assert body["items"][0]["error"] == (
        "not enough stock of CASING-A1: available 4 PC, requested 5 PC"
    )
    assert body["items"][0]["pointer"] == "/consumption/0/quantity"
    rest = await client.get(
        POSTINGS,
        params={"status": "failed", "limit": "2", "cursor": body["next_cursor"]},
        headers=auth(),
    )
    assert [p["posting_id"] for p in rest.json()["items"]] == [str(first)]
    assert rest.json()["next_cursor"] is None

    everything = await client.get(POSTINGS, headers=auth())
    assert [p["status"] for p in everything.json()["items"]] == [
        "failed",
        "failed",
        "posted",
        "failed",
    ]
    of_order = await client.get(POSTINGS, params={"reference": "WO-A1"}, headers=auth())
    assert [p["posting_id"] for p in of_order.json()["items"]] == [str(third), str(first)]
    of_plant = await client.get(
        POSTINGS, params={"plant_id": str(ledger.plants[1])}, headers=auth()
    )
    assert of_plant.json()["items"] == []
    one = await client.get(f"{POSTINGS}/{ok.posting_id}", headers=auth())
    assert one.status_code == 200, one.text
    assert one.json()["status"] == "posted"
    assert one.json()["request"]["consumption"][0]["quantity"] == "1"
    assert len(one.json()["movement_ids"]) == 1
    bad_cursor = await client.get(POSTINGS, params={"cursor": "nonsense"}, headers=auth())
    assert bad_cursor.status_code == 422


async def test_a_retry_after_the_stock_arrived_posts_and_tells_production(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
) -> None:
    casing = await make_material(number="CASING-B1")
    store = await ledger.location("WH1")
    posting_id = await refused(production, casing, "WO-B1", store)
    await ledger.post("101", ledger.line(casing, "WH1", "8"))

    retried = await client.post(f"{POSTINGS}/{posting_id}/retry", headers=auth())
    assert retried.status_code == 200, retried.text
    posting = retried.json()
    assert (posting["status"], posting["attempts"], posting["error"], posting["pointer"]) == (
        "posted",
        2,
        None,
        None,
    )
    assert posting["updated_by"] == "user:alice"
    [posted] = await production_heard.events(POSTED)
    assert posted["posting_id"] == str(posting_id)
    assert posted["movement_ids"] == posting["movement_ids"]
    assert [(x["movement_type"], x["quantity"]) for x in posted["lines"]] == [("261", "-5")]
    assert await ledger.on_hand(casing, "WH1") == 3
    movement = await ledger.movement(posting["movement_ids"][0])
    assert (movement["reference"], movement["created_by"]) == ("WO-B1", "user:alice")

    again = await client.post(f"{POSTINGS}/{posting_id}/retry", headers=auth())
    assert again.status_code == 409
    assert "only a failed one is retried" in again.json()["detail"]
    assert await ledger.on_hand(casing, "WH1") == 3


async def test_a_retry_refused_again_keeps_the_posting_failed_with_the_new_reason(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    production_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    casing = await make_material(number="CASING-C1")
    store = await ledger.location("WH1")
    posting_id = await refused(production, casing, "WO-C1", store)
    await ledger.post("101", ledger.line(casing, "WH1", "2"))

    retried = await client.post(f"{POSTINGS}/{posting_id}/retry", headers=auth())
    assert retried.status_code == 409
    problem = retried.json()
    assert problem["detail"] == (
        f"production posting {posting_id} was refused again:"
        " not enough stock of CASING-C1: available 2 PC, requested 5 PC"
    )
    assert problem["errors"] == [
        {"pointer": "/consumption/0/quantity", "detail": problem["detail"].split(": ", 1)[1]}
    ]
    posting = await production.posting(posting_id)
    assert (posting["status"], posting["attempts"]) == ("failed", 2)
    assert posting["error"] == "not enough stock of CASING-C1: available 2 PC, requested 5 PC"
    assert [e["error"] for e in await production_heard.events(FAILED)] == [
        "not enough stock of CASING-C1: available 0 PC, requested 5 PC",
        posting["error"],
    ]
    assert await production.movements("WO-C1", admin_conn) == []


async def test_only_admins_and_planners_may_retry(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    minter: TokenMinter,
    org_id: UUID,
    plants: list[UUID],
) -> None:
    casing = await make_material(number="CASING-D1")
    store = await ledger.location("WH1")
    posting_id = await refused(production, casing, "WO-D1", store)
    retry = f"{POSTINGS}/{posting_id}/retry"
    for role in ("operator", "viewer", "integration"):
        response = await client.post(retry, headers=token(minter, org_id, plants, role))
        assert response.status_code == 403, (role, response.text)
        listed = await client.get(POSTINGS, headers=token(minter, org_id, plants, role))
        assert listed.status_code == 200  # reading the list is for everyone of the plant
    assert (await production.posting(posting_id))["attempts"] == 1
    planner = await client.post(retry, headers=token(minter, org_id, plants, "planner"))
    assert planner.status_code == 409  # allowed, and refused again: nothing came in
    assert (await production.posting(posting_id))["attempts"] == 2


async def test_another_organization_sees_no_postings_and_cannot_retry_them(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    minter: TokenMinter,
    plants: list[UUID],
) -> None:
    casing = await make_material(number="CASING-E1")
    store = await ledger.location("WH1")
    posting_id = await refused(production, casing, "WO-E1", store)
    stranger = token(minter, uuid.uuid4(), plants, "admin")
    assert (await client.get(POSTINGS, headers=stranger)).json()["items"] == []
    assert (await client.get(f"{POSTINGS}/{posting_id}", headers=stranger)).status_code == 404
    retried = await client.post(f"{POSTINGS}/{posting_id}/retry", headers=stranger)
    assert retried.status_code == 404
    # A user of the organization's other plant does not see this plant's postings either.
    elsewhere = auth(plant_ids=[plants[1]])
    assert (await client.get(POSTINGS, headers=elsewhere)).json()["items"] == []
    assert (await client.get(f"{POSTINGS}/{posting_id}", headers=elsewhere)).status_code == 404
    assert (await production.posting(posting_id))["attempts"] == 1


async def test_openapi_documents_the_production_posting_routes(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {
        POSTINGS,
        POSTINGS + "/{posting_id}",
        POSTINGS + "/{posting_id}/retry",
    } <= set(paths)
    listing = paths[POSTINGS]["get"]
    assert {"status", "plant_id", "reference", "limit", "cursor"} <= {
        p["name"] for p in listing["parameters"]
    }
