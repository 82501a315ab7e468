"""Materials through the HTTP API on the runtime role: CRUD, ETags, bad input, audit."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial

Client = AsyncTestClient[Any]
Count = Callable[[str], Awaitable[int]]
MATERIALS = "/api/inventory/materials"

pytestmark = pytest.mark.usefixtures("units")


async def test_material_round_trip_create_read_update_delete(client: Client, auth: Headers) -> None:
    created = await client.post(
        MATERIALS,
        json={
            "number": "  BRG-6204 ",
            "description": "Deep groove ball bearing 6204-2RS",
            "type": "raw",
            "base_unit": "pc",
            "gross_weight": "0.11",
            "weight_unit": "KG",
        },
        headers=auth(),
    )
    assert created.status_code == 201, created.text
    material = created.json()
    assert material["number"] == "BRG-6204"
    assert material["base_unit"] == "PC"
    assert material["gross_weight"] == "0.11"
    assert material["status"] == "active"
    assert material["version"] == 1
    assert material["created_by"] == "user:alice"
    assert created.headers["etag"] == '"1"'
    url = f"{MATERIALS}/{material['id']}"
    assert created.headers["location"] == url

    read = await client.get(url, headers=auth())
    assert read.status_code == 200
    assert read.json() == material
    assert read.headers["etag"] == '"1"'

    changed = await client.patch(
        url,
        json={"description": "Ball bearing 6204-2RS C3", "material_group": "BEAR"},
        headers=auth({"If-Match": '"1"'}),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["description"] == "Ball bearing 6204-2RS C3"
    assert changed.json()["material_group"] == "BEAR"
    assert changed.json()["number"] == "BRG-6204"
    assert changed.json()["version"] == 2
    assert changed.headers["etag"] == '"2"'

    deleted = await client.delete(url, headers=auth({"If-Match": '"2"'}))
    assert deleted.status_code == 204
    gone = await client.get(url, headers=auth())
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")


async def test_patch_can_clear_an_optional_field_with_null(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material(material_group="BEAR")
    response = await client.patch(
        f"{MATERIALS}/{material['id']}",
        json={"material_group": None},
        headers=auth({"If-Match": '"1"'}),
    )
    assert response.status_code == 200, response.text
    assert response.json()["material_group"] is None


async def test_patch_without_if_match_is_refused_with_428(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Count
) -> None:
    material = await make_material()
    response = await client.patch(
        f"{MATERIALS}/{material['id']}", json={"description": "x"}, headers=auth()
    )
    assert response.status_code == 428
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 428


async def test_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}"
    first = await client.patch(
        url, json={"description": "first"}, headers=auth({"If-Match": '"1"'})
    )
    assert first.status_code == 200
    stale = await client.patch(
        url, json={"description": "second"}, headers=auth({"If-Match": '"1"'})
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(url, headers=auth())).json()["description"] == "first"


async def test_delete_needs_if_match_and_refuses_a_stale_one(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}"
    assert (await client.delete(url, headers=auth())).status_code == 428
    assert (await client.delete(url, headers=auth({"If-Match": '"7"'}))).status_code == 412
    assert (await client.get(url, headers=auth())).status_code == 200


async def test_a_patch_that_changes_nothing_keeps_the_version(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Count
) -> None:
    material = await make_material()
    response = await client.patch(
        f"{MATERIALS}/{material['id']}",
        json={"description": material["description"]},
        headers=auth({"If-Match": '"1"'}),
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert await count_rows("audit_log") == 1  # the create only


async def test_number_is_unique_per_organization_ignoring_case_and_spaces(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Count
) -> None:
    await make_material(number="PUMP-40")
    response = await client.post(
        MATERIALS,
        json={
            "number": " pump-40",
            "description": "Another",
            "type": "finished",
            "base_unit": "PC",
        },
        headers=auth(),
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["pointer"] == "/number"
    assert await count_rows("materials") == 1


async def test_renaming_to_a_taken_number_is_a_conflict(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    await make_material(number="A-1")
    other = await make_material(number="A-2")
    response = await client.patch(
        f"{MATERIALS}/{other['id']}", json={"number": "a-1"}, headers=auth({"If-Match": '"1"'})
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["pointer"] == "/number"


VALID = {"number": "N-1", "description": "x", "type": "raw", "base_unit": "PC"}


def _without(field: str) -> dict[str, Any]:
    return {k: v for k, v in VALID.items() if k != field}


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (_without("number"), "/number"),
        (_without("description"), "/description"),
        (_without("type"), "/type"),
        (_without("base_unit"), "/base_unit"),
        ({**VALID, "number": 17}, "/number"),
        ({**VALID, "type": "gadget"}, "/type"),
        ({**VALID, "base_unit": "XYZ"}, "/base_unit"),
        ({**VALID, "number": "   "}, "/number"),
        ({**VALID, "number": "N" * 41}, "/number"),
        ({**VALID, "colour": "red"}, "/colour"),
        ({**VALID, "gross_weight": "-1", "weight_unit": "KG"}, "/gross_weight"),
        ({**VALID, "gross_weight": "NaN", "weight_unit": "KG"}, "/gross_weight"),
        ({**VALID, "gross_weight": "2"}, "/weight_unit"),
        ({**VALID, "gross_weight": "2", "weight_unit": "M"}, "/weight_unit"),
        ({**VALID, "gross_weight": "1", "net_weight": "2", "weight_unit": "KG"}, "/net_weight"),
        ({**VALID, "length": "1"}, "/dimension_unit"),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(
    client: Client, auth: Headers, count_rows: Count, body: dict[str, Any], pointer: str
) -> None:
    response = await client.post(MATERIALS, json=body, headers=auth())
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert pointer in [error.get("pointer") for error in problem["errors"]], problem
    assert await count_rows("materials") == 0
    assert await count_rows("audit_log") == 0


async def test_bad_patch_is_refused_and_leaves_the_material_as_it_was(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}"
    response = await client.patch(
        url, json={"base_unit": "NOPE"}, headers=auth({"If-Match": '"1"'})
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/base_unit"
    assert (await client.get(url, headers=auth())).json() == material


async def test_malformed_json_is_a_client_error(client: Client, auth: Headers) -> None:
    response = await client.post(
        MATERIALS, content=b"{not json", headers=auth({"Content-Type": "application/json"})
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_requests_without_a_token_are_unauthorized(client: Client) -> None:
    response = await client.get(MATERIALS)
    assert response.status_code == 401


async def test_every_change_writes_an_audit_row_with_who_and_what(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material(number="AUD-1")
    url = f"{MATERIALS}/{material['id']}"
    await client.patch(
        url, json={"status": "blocked"}, headers=auth({"If-Match": '"1"', "X-Request-ID": "req-42"})
    )
    await client.delete(url, headers=auth({"If-Match": '"2"'}, subject="user:bob"))

    history = await client.get(f"{url}/history", headers=auth())
    assert history.status_code == 200
    entries = history.json()["items"]
    assert [e["action"] for e in entries] == ["deleted", "updated", "created"]
    deleted, updated, created = entries
    assert created["changes"]["number"] == {"before": None, "after": "AUD-1"}
    assert created["actor"] == "user:alice"
    assert updated["changes"] == {"status": {"before": "active", "after": "blocked"}}
    assert updated["request_id"] == "req-42"
    assert deleted["actor"] == "user:bob"
    assert deleted["changes"]["number"] == {"before": "AUD-1", "after": None}


async def test_history_pages_walk_every_entry_once(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}"
    for version in range(1, 6):
        response = await client.patch(
            url, json={"description": f"rev {version}"}, headers=auth({"If-Match": f'"{version}"'})
        )
        assert response.status_code == 200
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{url}/history", params=params, headers=auth())).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6


async def test_history_of_an_unknown_material_is_not_found(client: Client, auth: Headers) -> None:
    response = await client.get(
        f"{MATERIALS}/00000000-0000-7000-8000-000000000000/history", headers=auth()
    )
    assert response.status_code == 404


async def test_material_changes_publish_events_exactly_when_they_commit(
    client: Client, auth: Headers, owner_conn: Any, org_id: Any
) -> None:
    queue = f"inv_events_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('inventory.material.*', $1)", queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    body = {"number": "EV-1", "description": "Evented", "type": "raw", "base_unit": "PC"}
    try:
        created = await client.post(MATERIALS, json=body, headers=auth())
        assert created.status_code == 201
        duplicate = await client.post(MATERIALS, json=body, headers=auth())
        assert duplicate.status_code == 409  # rolled back: no event
        url = f"{MATERIALS}/{created.json()['id']}"
        changed = await client.patch(
            url,
            json={"description": "Evented twice"},
            headers=auth({"If-Match": created.headers["etag"]}),
        )
        assert changed.status_code == 200
        deleted = await client.delete(url, headers=auth({"If-Match": changed.headers["etag"]}))
        assert deleted.status_code == 204
        rows = await owner_conn.fetch(
            f"SELECT headers->>'topic' AS topic, message->>'organization_id' AS org,"
            f" message->'changed_fields' AS fields FROM pgmq.q_{queue} ORDER BY msg_id"
        )
        assert [r["topic"] for r in rows] == [
            "inventory.material.created",
            "inventory.material.changed",
            "inventory.material.deleted",
        ]
        assert {r["org"] for r in rows} == {str(org_id)}
        assert rows[1]["fields"] == '["description"]'
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)
