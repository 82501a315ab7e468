"""The list of quality postings and the retry of a failed one, through the app: newest
first with why each failed, a retry carries it out once the stock is there (or says why
not), who may retry, plants and organizations."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.production_support import Heard
from tests.inventory.quality_support import FAILED, POSTED, QUALITY_POSTINGS, Quality
from tests.support.tokens import TokenMinter

Client = AsyncTestClient[Any]


async def scrap_refused(quality: Quality, material: dict[str, Any], reference: str) -> UUID:
    """A scrap of 5 of lot L-1 that the stock cannot serve."""
    request = quality.disposition(material, "scrap", ("L-1", "5"), reference=reference)
    await quality.handle(request)
    return request.request_id


async def held_bearing(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, number: str
) -> dict[str, Any]:
    """A lot-managed bearing with 2 of lot L-1 in WH1, held."""
    bearing = await make_material(number=number, lot_managed=True)
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bearing, "WH1", "2", lot="L-1"), reference="PO-1")
    await quality.handle(quality.hold(bearing, "L-1"))
    return bearing


def token(minter: TokenMinter, org_id: UUID, plants: list[UUID], *roles: str) -> dict[str, str]:
    minted = minter.mint(org_id, plants=plants, roles=list(roles), subject="user:bob")
    return {"Authorization": f"Bearer {minted}"}


async def test_the_list_shows_quality_postings_newest_first_with_why_they_failed(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    bearing = await held_bearing(quality, ledger, make_material, "BRG-A1")
    first = await scrap_refused(quality, bearing, "NCR-A1")
    decision = quality.decided(bearing, "L-1", "accepted", accepted="2", inspection_number="IL-A")
    await quality.handle(decision)
    second = await scrap_refused(quality, bearing, "NCR-A2")
    third = await scrap_refused(quality, bearing, "NCR-A1")

    page = await client.get(
        QUALITY_POSTINGS, params={"status": "failed", "limit": "2"}, headers=auth()
    )
    assert page.status_code == 200, page.text
    body = page.json()
    assert [p["request_id"] for p in body["items"]] == [str(third), str(second)]
    assert body["items"][0]["error"] == (
        "not enough stock of lot L-1 of BRG-A1 to scrap:"
        " blocked 0 PC and unrestricted 2 PC in the plant, to scrap 5 PC"
    )
    assert body["items"][0]["pointer"] == "/lots/0/quantity"
    rest = await client.get(
        QUALITY_POSTINGS,
        params={"status": "failed", "limit": "2", "cursor": body["next_cursor"]},
        headers=auth(),
    )
    assert [p["request_id"] for p in rest.json()["items"]] == [str(first)]
    assert rest.json()["next_cursor"] is None

    everything = await client.get(QUALITY_POSTINGS, headers=auth())
    assert [(p["kind"], p["status"]) for p in everything.json()["items"]] == [
        ("ncr_disposition", "failed"),
        ("ncr_disposition", "failed"),
        ("usage_decision", "posted"),
        ("ncr_disposition", "failed"),
    ]
    of_ncr = await client.get(QUALITY_POSTINGS, params={"reference": "NCR-A1"}, headers=auth())
    assert [p["request_id"] for p in of_ncr.json()["items"]] == [str(third), str(first)]
    decisions = await client.get(
        QUALITY_POSTINGS, params={"kind": "usage_decision"}, headers=auth()
    )
    assert [p["reference"] for p in decisions.json()["items"]] == ["IL-A"]
    of_plant = await client.get(
        QUALITY_POSTINGS, params={"plant_id": str(ledger.plants[1])}, headers=auth()
    )
    assert of_plant.json()["items"] == []
    one = await client.get(f"{QUALITY_POSTINGS}/{first}", headers=auth())
    assert one.status_code == 200, one.text
    assert one.json()["request"]["lots"] == [{"lot": "L-1", "quantity": "5"}]
    assert one.json()["action"] == "scrap"
    bad_cursor = await client.get(QUALITY_POSTINGS, params={"cursor": "nonsense"}, headers=auth())
    assert bad_cursor.status_code == 422


async def test_a_retry_after_the_stock_arrived_carries_it_out_and_tells_quality(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    quality_heard: Heard,
) -> None:
    bearing = await held_bearing(quality, ledger, make_material, "BRG-B1")
    request_id = await scrap_refused(quality, bearing, "NCR-B1")
    await ledger.post("101", ledger.line(bearing, "WH1", "4", lot="L-1"), reference="PO-2")

    retried = await client.post(f"{QUALITY_POSTINGS}/{request_id}/retry", headers=auth())
    assert retried.status_code == 200, retried.text
    posting = retried.json()
    assert (posting["status"], posting["attempts"], posting["error"], posting["pointer"]) == (
        "posted",
        2,
        None,
        None,
    )
    assert posting["updated_by"] == "user:alice"
    [posted] = await quality_heard.events(POSTED)
    assert (posted["request_id"], posted["movement_ids"]) == (
        str(request_id),
        posting["movement_ids"],
    )
    movement = await ledger.movement(posting["movement_ids"][0])
    assert (movement["movement_type"], movement["created_by"]) == ("551", "user:alice")
    assert await ledger.on_hand(bearing, "WH1") == 1

    again = await client.post(f"{QUALITY_POSTINGS}/{request_id}/retry", headers=auth())
    assert again.status_code == 409
    assert "only a failed one is retried" in again.json()["detail"]
    assert await ledger.on_hand(bearing, "WH1") == 1


async def test_a_retry_refused_again_keeps_the_posting_failed_with_the_new_reason(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    quality_heard: Heard,
) -> None:
    bearing = await held_bearing(quality, ledger, make_material, "BRG-C1")
    request_id = await scrap_refused(quality, bearing, "NCR-C1")
    await ledger.post("101", ledger.line(bearing, "WH1", "1", lot="L-1"), reference="PO-2")

    retried = await client.post(f"{QUALITY_POSTINGS}/{request_id}/retry", headers=auth())
    assert retried.status_code == 409
    problem = retried.json()
    reason = (
        "not enough stock of lot L-1 of BRG-C1 to scrap:"
        " blocked 0 PC and unrestricted 3 PC in the plant, to scrap 5 PC"
    )
    assert problem["detail"] == f"quality posting {request_id} was refused again: {reason}"
    assert problem["errors"] == [{"pointer": "/lots/0/quantity", "detail": reason}]
    posting = await quality.posting(request_id)
    assert (posting["status"], posting["attempts"], posting["error"]) == ("failed", 2, reason)
    assert [e["error"] for e in await quality_heard.events(FAILED)] == [
        reason.replace("unrestricted 3", "unrestricted 2"),
        reason,
    ]


async def test_only_admins_planners_and_quality_engineers_may_retry(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    minter: TokenMinter,
    org_id: UUID,
    plants: list[UUID],
) -> None:
    bearing = await held_bearing(quality, ledger, make_material, "BRG-D1")
    request_id = await scrap_refused(quality, bearing, "NCR-D1")
    retry = f"{QUALITY_POSTINGS}/{request_id}/retry"
    for role in ("operator", "viewer", "integration", "maintenance_tech"):
        response = await client.post(retry, headers=token(minter, org_id, plants, role))
        assert response.status_code == 403, (role, response.text)
        listed = await client.get(QUALITY_POSTINGS, headers=token(minter, org_id, plants, role))
        assert listed.status_code == 200  # reading the list is for everyone of the plant
    assert (await quality.posting(request_id))["attempts"] == 1
    for attempts, role in enumerate(("quality_engineer", "planner", "admin"), start=2):
        allowed = await client.post(retry, headers=token(minter, org_id, plants, role))
        assert allowed.status_code == 409, role  # allowed, and refused again: nothing came in
        assert (await quality.posting(request_id))["attempts"] == attempts


async def test_another_organization_sees_no_quality_postings_and_cannot_retry_them(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    minter: TokenMinter,
    plants: list[UUID],
) -> None:
    bearing = await held_bearing(quality, ledger, make_material, "BRG-E1")
    request_id = await scrap_refused(quality, bearing, "NCR-E1")
    stranger = token(minter, uuid.uuid4(), plants, "admin")
    assert (await client.get(QUALITY_POSTINGS, headers=stranger)).json()["items"] == []
    found = await client.get(f"{QUALITY_POSTINGS}/{request_id}", headers=stranger)
    assert found.status_code == 404
    retried = await client.post(f"{QUALITY_POSTINGS}/{request_id}/retry", headers=stranger)
    assert retried.status_code == 404
    # A user of the organization's other plant does not see this plant's postings either.
    elsewhere = auth(plant_ids=[plants[1]])
    assert (await client.get(QUALITY_POSTINGS, headers=elsewhere)).json()["items"] == []
    found = await client.get(f"{QUALITY_POSTINGS}/{request_id}", headers=elsewhere)
    assert found.status_code == 404
    retried = await client.post(f"{QUALITY_POSTINGS}/{request_id}/retry", headers=elsewhere)
    assert retried.status_code == 404
    assert (await quality.posting(request_id))["attempts"] == 1


async def test_another_organizations_events_never_touch_this_organizations_lots(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    bearing = await make_material(number="BRG-E2", lot_managed=True)
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bearing, "WH1", "2", lot="L-1"), reference="PO-1")
    stranger = Quality(quality.db, client, auth, ledger, uuid.uuid4(), quality.plant_id)
    # The other organization has no such material: its hold is a contract breach there.
    with pytest.raises(LookupError):
        await stranger.handle(stranger.hold(bearing, "L-1"))
    await stranger.handle(stranger.disposition(bearing, "scrap", ("L-1", "2")))
    assert (await quality.lot(bearing, "L-1"))["status"] == "released"
    assert await ledger.on_hand(bearing, "WH1") == 2
    assert (await client.get(QUALITY_POSTINGS, headers=auth())).json()["items"] == []


async def test_openapi_documents_the_quality_posting_routes(client: Client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {
        QUALITY_POSTINGS,
        QUALITY_POSTINGS + "/{request_id}",
        QUALITY_POSTINGS + "/{request_id}/retry",
    } <= set(paths)
    listing = paths[QUALITY_POSTINGS]["get"]
    assert {"status", "kind", "plant_id", "reference", "limit", "cursor"} <= {
        p["name"] for p in listing["parameters"]
    }
