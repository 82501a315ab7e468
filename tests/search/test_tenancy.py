"""Another organization's documents are never found, counted, suggested or used to
correct a typo; a plant's documents only by that plant's users (facets included)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from tests.search.library import Library
from tests.search.test_search import find, titles
from tests.support.harness import Headers

Client = AsyncTestClient[Any]


async def test_another_organization_sees_nothing(
    client: Client, auth: Headers, library: Library, search_conn: asyncpg.Connection
) -> None:
    await library.add(
        library.doc("Titanium flange", code="FLG-TI-80", body="aerospace grade"),
        library.doc("Titanium bolt", entity_type="ncr", status="open"),
    )
    other = Library(search_conn, uuid4(), [uuid4()])
    await other.add(other.doc("Steel flange"))
    theirs = {
        "Authorization": auth(organization_id=other.org_id, plant_ids=other.plants)["Authorization"]
    }
    body = await find(client, lambda: theirs, "titanium")
    assert body["items"] == [] and body["total"] == 0
    assert all(f == [] for f in body["facets"].values())
    # Not by part number, not as a correction, not as a completion.
    assert (await find(client, lambda: theirs, "FLG-TI-80"))["items"] == []
    typo = await find(client, lambda: theirs, "titanum")
    assert typo["items"] == [] and typo["corrections"] == []
    suggest = await client.get("/api/search/suggest", params={"q": "tita"}, headers=theirs)
    assert suggest.json() == {"completions": [], "items": []}
    # Their own flange they do find; ours sees only ours.
    assert titles(await find(client, lambda: theirs, "flange")) == ["Steel flange"]
    assert titles(await find(client, auth, "flange")) == ["Titanium flange"]
    assert (await other.totals())["doc_count"] == 1


async def test_plant_documents_are_seen_by_that_plants_users_only(
    client: Client, auth: Headers, library: Library, plants: list[UUID]
) -> None:
    north, south = plants
    await library.add(
        library.doc("Press 4 hydraulic leak", entity_type="ncr", plant_id=north),
        library.doc("Press 7 hydraulic leak", entity_type="ncr", plant_id=south),
        library.doc("Hydraulic oil HLP 46", entity_type="material"),
    )

    def north_only() -> dict[str, str]:
        return auth(plant_ids=[north])

    body = await find(client, north_only, "hydraulic")
    assert sorted(titles(body)) == ["Hydraulic oil HLP 46", "Press 4 hydraulic leak"]
    assert {f["value"] for f in body["facets"]["plant_id"]} == {str(north), None}
    assert body["total"] == 2
    # Asking for the other plant: as unknown as a plant that does not exist.
    response = await client.get(
        "/api/search", params={"q": "hydraulic", "plant_id": str(south)}, headers=north_only()
    )
    assert response.status_code == 404
    suggest = await client.get("/api/search/suggest", params={"q": "press"}, headers=north_only())
    assert [i["title"] for i in suggest.json()["items"]] == ["Press 4 hydraulic leak"]
    both = await find(client, auth, "hydraulic leak")
    assert sorted(titles(both)) == ["Press 4 hydraulic leak", "Press 7 hydraulic leak"]
