"""Cycle counts: sheets with frozen book quantities, counts, recounts, and the posting of
the differences as goods movements 701/702 in one transaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from inventory.cycle_count_repo import Q as CYCLE_COUNT_QUERIES
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.replenishment_support import (
    CYCLE_COUNTS,
    MOVEMENTS,
    Client,
    EventTap,
    create_location,
    move,
    on_hand,
    plan,
    tap,
)

TODAY = datetime.now(UTC).date().isoformat()

Count = Callable[[str], Awaitable[int]]


class Store(dict[str, str]):
    """Location ids by code: WH1 > A1 > B-01 and B-02, and WH2, all in the first plant."""


@pytest.fixture
async def store(client: Client, auth: Headers, plants: list[uuid.UUID]) -> Store:
    wh1 = await create_location(client, auth, plants[0], "WH1")
    area = await create_location(client, auth, plants[0], "A1", "area", wh1)
    return Store(
        {
            "WH1": wh1,
            "A1": area,
            "B-01": await create_location(client, auth, plants[0], "B-01", "bin", area),
            "B-02": await create_location(client, auth, plants[0], "B-02", "bin", area),
            "WH2": await create_location(client, auth, plants[0], "WH2"),
        }
    )


@pytest.fixture
async def events(owner_conn: asyncpg.Connection) -> AsyncIterator[EventTap]:
    async for tapped in tap(owner_conn, "inventory.*.*"):
        yield tapped


async def create_sheet(
    client: Client, auth: Headers, plant_id: uuid.UUID, **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        CYCLE_COUNTS, json={"plant_id": str(plant_id), **fields}, headers=auth()
    )
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"1"'
    sheet: dict[str, Any] = response.json()
    return sheet


async def enter(
    client: Client, auth: Headers, sheet: dict[str, Any], counts: dict[int, str]
) -> dict[str, Any]:
    lines = [{"line_no": n, "counted_quantity": q} for n, q in counts.items()]
    response = await client.patch(
        f"{CYCLE_COUNTS}/{sheet['id']}/lines",
        json={"lines": lines},
        headers=auth({"If-Match": f'"{sheet["version"]}"'}),
    )
    assert response.status_code == 200, response.text
    entered: dict[str, Any] = response.json()
    return entered


async def act(
    client: Client, auth: Headers, sheet: dict[str, Any], action: str, body: Any = None
) -> Any:
    return await client.post(
        f"{CYCLE_COUNTS}/{sheet['id']}/{action}",
        json={} if body is None else body,
        headers=auth({"If-Match": f'"{sheet["version"]}"'}),
    )


def lines_by_no(sheet: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {line["line_no"]: line for line in sheet["lines"]}


async def test_every_named_query_of_cycle_counts_prepares(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        for _, statement in CYCLE_COUNT_QUERIES.items():
            await conn.prepare(statement)
    finally:
        await conn.close()


async def test_a_sheet_freezes_every_balance_under_the_chosen_locations_in_walking_order(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
) -> None:
    bolt, nut, washer = [await make_material(number=n) for n in ("CC-B", "CC-A", "CC-C")]
    await move(client, auth(), "101", bolt["id"], plants[0], store["B-02"], "10")
    await move(client, auth(), "101", nut["id"], plants[0], store["B-01"], "5", lot="L-1")
    await move(client, auth(), "101", nut["id"], plants[0], store["B-02"], "7")
    await move(client, auth(), "101", washer["id"], plants[0], store["B-01"], "2")
    await move(client, auth(), "261", washer["id"], plants[0], store["B-01"], "2")  # now 0
    await move(client, auth(), "101", bolt["id"], plants[0], store["WH2"], "99")  # not chosen

    sheet = await create_sheet(
        client, auth, plants[0], reference="Aisle A quarterly", location_ids=[store["WH1"]]
    )
    assert sheet["status"] == "open"
    assert (sheet["line_count"], sheet["uncounted_lines"], sheet["version"]) == (3, 3, 1)
    assert [
        (line["location_code"], line["material_number"], line["lot"], line["book_quantity"])
        for line in sheet["lines"]
    ] == [("B-01", "CC-A", "L-1", "5"), ("B-02", "CC-A", None, "7"), ("B-02", "CC-B", None, "10")]
    assert [line["line_no"] for line in sheet["lines"]] == [1, 2, 3]
    assert all(line["counted_quantity"] is None for line in sheet["lines"])

    fetched = await client.get(f"{CYCLE_COUNTS}/{sheet['id']}", headers=auth())
    assert fetched.headers["etag"] == '"1"'
    assert fetched.json() == sheet

    # Empty bins on request, and materials narrow the locations.
    with_zero = await create_sheet(
        client,
        auth,
        plants[0],
        location_ids=[store["B-01"]],
        material_ids=[washer["id"]],
        include_zero=True,
    )
    assert [(ln["material_number"], ln["book_quantity"]) for ln in with_zero["lines"]] == [
        ("CC-C", "0")
    ]


async def test_a_sheet_by_material_or_by_item_counts_those_in_the_plant(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
) -> None:
    gear, shaft = await make_material(number="CC-G"), await make_material(number="CC-S")
    await move(client, auth(), "101", gear["id"], plants[0], store["B-01"], "4")
    await move(client, auth(), "101", gear["id"], plants[0], store["WH2"], "6")
    by_material = await create_sheet(client, auth, plants[0], material_ids=[gear["id"]])
    assert [(ln["location_code"], ln["book_quantity"]) for ln in by_material["lines"]] == [
        ("B-01", "4"),
        ("WH2", "6"),
    ]
    # An item the book knows nothing of is counted from zero.
    by_item = await create_sheet(
        client,
        auth,
        plants[0],
        items=[{"material_id": shaft["id"], "location_id": store["B-02"], "lot": "L-9"}],
    )
    [line] = by_item["lines"]
    assert (line["material_number"], line["lot"], line["book_quantity"]) == ("CC-S", "L-9", "0")


async def test_counting_recounting_and_posting_book_the_differences_as_701_and_702(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
    events: EventTap,
    org_id: uuid.UUID,
) -> None:
    bolt, nut, pin = [await make_material(number=n) for n in ("CC-1", "CC-2", "CC-3")]
    for material, quantity in ((bolt, "10"), (nut, "5"), (pin, "8")):
        await move(client, auth(), "101", material["id"], plants[0], store["B-01"], quantity)
    sheet = await create_sheet(
        client, auth, plants[0], location_ids=[store["B-01"]], tolerance_quantity="1"
    )
    sheet = await enter(client, auth, sheet, {1: "7", 2: "5"})
    assert (sheet["status"], sheet["uncounted_lines"], sheet["version"]) == ("open", 1, 2)
    sheet = await enter(client, auth, sheet, {3: "9"})
    assert (sheet["status"], sheet["uncounted_lines"], sheet["version"]) == ("counted", 0, 3)
    lines = lines_by_no(sheet)
    assert [(lines[n]["difference"], lines[n]["out_of_tolerance"]) for n in (1, 2, 3)] == [
        ("-3", True),
        ("0", False),
        ("1", False),
    ]
    assert lines[1]["counted_by"] == "user:alice"

    # The line out of tolerance is counted again; the first count is kept.
    recount = await act(client, auth, sheet, "recount")
    assert recount.status_code == 200, recount.text
    sheet = recount.json()
    assert (sheet["status"], sheet["uncounted_lines"]) == ("recount_requested", 1)
    line = lines_by_no(sheet)[1]
    assert (line["counted_quantity"], line["previous_counted_quantity"], line["count_round"]) == (
        None,
        "7",
        2,
    )
    early = await act(client, auth, sheet, "posting")
    assert early.status_code == 409
    sheet = await enter(client, auth, sheet, {1: "9"})
    assert sheet["status"] == "counted"

    posted = await act(client, auth, sheet, "posting", {"posting_date": TODAY})
    assert posted.status_code == 200, posted.text
    sheet = posted.json()
    assert sheet["status"] == "posted"
    assert (sheet["posting_date"], sheet["posted_by"]) == (TODAY, "user:alice")
    surplus = await client.get(f"{MOVEMENTS}/{sheet['surplus_movement_id']}", headers=auth())
    deficit = await client.get(f"{MOVEMENTS}/{sheet['deficit_movement_id']}", headers=auth())
    assert surplus.json()["movement_type"] == "701"
    assert [(ln["material_id"], ln["quantity"]) for ln in surplus.json()["lines"]] == [
        (pin["id"], "1")
    ]
    assert deficit.json()["movement_type"] == "702"
    assert [(ln["material_id"], ln["quantity"]) for ln in deficit.json()["lines"]] == [
        (bolt["id"], "-1")
    ]
    for material, expected in ((bolt, "9"), (nut, "5"), (pin, "9")):
        assert await on_hand(client, auth(), material["id"], store["B-01"]) == expected

    topics = [e["topic"] for e in await events.events(org_id)]
    assert topics.count("inventory.cycle_count.posted") == 1
    [told] = [e for e in await events.events(org_id) if e["topic"].startswith("inventory.cycle")]
    assert (told["cycle_count_id"], told["line_count"]) == (sheet["id"], 3)
    told_lines = sorted(
        (ln["material_id"], ln["book_at_count"], ln["counted_quantity"], ln["difference"])
        for ln in told["lines"]
    )
    assert told_lines == sorted([(bolt["id"], "10", "9", "-1"), (pin["id"], "8", "9", "1")])
    again = await act(client, auth, sheet, "posting")
    assert again.status_code == 409


async def test_stock_moved_during_the_count_is_not_booked_twice_or_undone(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
) -> None:
    before, after = await make_material(number="CC-10"), await make_material(number="CC-11")
    for material in (before, after):
        await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "10")
    sheet = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    # 3 of the first leave before its count: the shelf holds 7, the counter finds 6.
    await move(client, auth(), "261", before["id"], plants[0], store["B-01"], "3")
    sheet = await enter(client, auth, sheet, {1: "6", 2: "6"})
    # 3 of the second leave after its count (6 on the shelf, so 3 remain).
    await move(client, auth(), "261", after["id"], plants[0], store["B-01"], "3")
    lines = lines_by_no(sheet)
    assert (lines[1]["book_quantity"], lines[1]["book_at_count"], lines[1]["difference"]) == (
        "10",
        "7",
        "-1",
    )
    assert lines[1]["moved_during_count"] is True
    assert (lines[2]["book_at_count"], lines[2]["difference"]) == ("10", "-4")
    assert lines[2]["moved_during_count"] is False

    posted = await act(client, auth, sheet, "posting")
    assert posted.status_code == 200, posted.text
    assert await on_hand(client, auth(), before["id"], store["B-01"]) == "6"
    assert await on_hand(client, auth(), after["id"], store["B-01"]) == "3"


async def test_a_deficit_the_stock_no_longer_has_posts_nothing_at_all(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
    count_rows: Count,
) -> None:
    gained, lost = await make_material(number="CC-20"), await make_material(number="CC-21")
    for material in (gained, lost):
        await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "10")
    sheet = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    sheet = await enter(client, auth, sheet, {1: "12", 2: "2"})
    # After the count, 9 of the 10 the book had (and 2 were really there) are issued.
    await move(client, auth(), "261", lost["id"], plants[0], store["B-01"], "9")
    documents, lines = await count_rows("goods_movements"), await count_rows("goods_movement_lines")

    refused = await act(client, auth, sheet, "posting")
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "line 2" in refused.json()["errors"][0]["detail"]
    assert await count_rows("goods_movements") == documents
    assert await count_rows("goods_movement_lines") == lines
    assert await on_hand(client, auth(), gained["id"], store["B-01"]) == "10"
    unchanged = await client.get(f"{CYCLE_COUNTS}/{sheet['id']}", headers=auth())
    assert (unchanged.json()["status"], unchanged.json()["version"]) == (
        "counted",
        sheet["version"],
    )


async def test_an_item_is_on_one_open_sheet_at_a_time(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
    count_rows: Count,
) -> None:
    material = await make_material(number="CC-30")
    await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "5")
    first = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    sheets = await count_rows("cycle_counts")
    overlapping = await client.post(
        CYCLE_COUNTS,
        json={"plant_id": str(plants[0]), "material_ids": [material["id"]]},
        headers=auth(),
    )
    assert overlapping.status_code == 409
    assert first["id"] in overlapping.json()["errors"][0]["detail"]
    assert await count_rows("cycle_counts") == sheets

    cancelled = await act(client, auth, first, "cancellation")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    late = await enter_raw(client, auth, cancelled.json(), {1: "5"})
    assert late.status_code == 409
    again = await create_sheet(client, auth, plants[0], material_ids=[material["id"]])
    # Counted as booked: posted without any goods movement.
    documents = await count_rows("goods_movements")
    posted = await act(client, auth, await enter(client, auth, again, {1: "5"}), "posting")
    assert posted.status_code == 200, posted.text
    assert (posted.json()["surplus_movement_id"], posted.json()["deficit_movement_id"]) == (
        None,
        None,
    )
    assert await count_rows("goods_movements") == documents


async def enter_raw(
    client: Client, auth: Headers, sheet: dict[str, Any], counts: dict[int, str]
) -> Any:
    lines = [{"line_no": n, "counted_quantity": q} for n, q in counts.items()]
    return await client.patch(
        f"{CYCLE_COUNTS}/{sheet['id']}/lines",
        json={"lines": lines},
        headers=auth({"If-Match": f'"{sheet["version"]}"'}),
    )


async def test_changes_need_the_current_etag(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
) -> None:
    material = await make_material(number="CC-40")
    await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "5")
    sheet = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    url = f"{CYCLE_COUNTS}/{sheet['id']}"
    body = {"lines": [{"line_no": 1, "counted_quantity": "5"}]}
    assert (await client.patch(f"{url}/lines", json=body, headers=auth())).status_code == 428
    changed = await client.patch(
        url, json={"tolerance_percent": "5"}, headers=auth({"If-Match": '"1"'})
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["tolerance_percent"], changed.headers["etag"]) == ("5", '"2"')
    stale = await client.patch(f"{url}/lines", json=body, headers=auth({"If-Match": '"1"'}))
    assert stale.status_code == 412
    assert (await client.get(url, headers=auth())).json()["uncounted_lines"] == 1
    for action in ("posting", "recount", "cancellation"):
        stale_action = await client.post(
            f"{url}/{action}", json={}, headers=auth({"If-Match": '"1"'})
        )
        assert stale_action.status_code == 412, action


async def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
    count_rows: Count,
) -> None:
    material = await make_material(number="CC-50")
    await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "5")
    elsewhere = await create_location(client, auth, plants[1], "WH9")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"location_ids": [elsewhere]}, 422, "/location_ids/0"),
        ({"material_ids": [str(uuid.uuid4())]}, 422, "/material_ids/0"),
        ({}, 422, "/location_ids"),
        ({"location_ids": [store["B-02"]]}, 422, "/location_ids"),  # nothing there
        ({"location_ids": [store["B-01"]], "tolerance_percent": "101"}, 422, "/tolerance_percent"),
        ({"location_ids": [store["B-01"]], "tolerance_quantity": "-1"}, 422, "/tolerance_quantity"),
        ({"location_ids": [store["B-01"]], "colour": "red"}, 400, "/colour"),
    ]
    for body, status, pointer in cases:
        response = await client.post(
            CYCLE_COUNTS, json={"plant_id": str(plants[0]), **body}, headers=auth()
        )
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["pointer"] == pointer, body
    assert await count_rows("cycle_counts") == 0

    sheet = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    bad_counts = [
        ([{"line_no": 1, "counted_quantity": "-1"}], 422, "/lines/0/counted_quantity"),
        ([{"line_no": 2, "counted_quantity": "1"}], 422, "/lines/0/line_no"),
        (
            [{"line_no": 1, "counted_quantity": "1"}, {"line_no": 1, "counted_quantity": "2"}],
            422,
            "/lines/1/line_no",
        ),
    ]
    for lines, status, pointer in bad_counts:
        response = await client.patch(
            f"{CYCLE_COUNTS}/{sheet['id']}/lines",
            json={"lines": lines},
            headers=auth({"If-Match": '"1"'}),
        )
        assert response.status_code == status, response.text
        assert response.json()["errors"][0]["pointer"] == pointer
    fetched = (await client.get(f"{CYCLE_COUNTS}/{sheet['id']}", headers=auth())).json()
    assert (fetched["version"], fetched["uncounted_lines"]) == (1, 1)
    no_recount = await act(client, auth, fetched, "recount")
    assert no_recount.status_code == 409
    counted = await enter(client, auth, fetched, {1: "5"})
    not_on_sheet = await act(client, auth, counted, "recount", {"line_nos": [2]})
    assert not_on_sheet.status_code == 422
    assert not_on_sheet.json()["errors"][0]["pointer"] == "/line_nos/0"
    # Named lines are recounted even within tolerance; an uncounted one cannot be.
    named = await act(client, auth, counted, "recount", {"line_nos": [1]})
    assert named.status_code == 200, named.text
    waiting = await act(client, auth, named.json(), "recount", {"line_nos": [1]})
    assert waiting.status_code == 422
    assert waiting.json()["errors"][0]["pointer"] == "/line_nos/0"


async def test_lists_page_newest_first_and_filter_by_status_and_plant(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
) -> None:
    other_store = await create_location(client, auth, plants[1], "WH1")
    created = []
    for index in range(3):
        material = await make_material(number=f"CC-6{index}")
        await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "1")
        created.append(await create_sheet(client, auth, plants[0], material_ids=[material["id"]]))
    material = await make_material(number="CC-69")
    await move(client, auth(), "101", material["id"], plants[1], other_store, "1")
    in_other_plant = await create_sheet(client, auth, plants[1], material_ids=[material["id"]])
    await act(client, auth, created[1], "cancellation")

    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(CYCLE_COUNTS, params=params, headers=auth())).json()
        assert all(sheet["lines"] == [] for sheet in page["items"])
        seen += [sheet["id"] for sheet in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [in_other_plant["id"], created[2]["id"], created[1]["id"], created[0]["id"]]

    open_in_plant = await client.get(
        CYCLE_COUNTS, params={"status": "open", "plant_id": str(plants[0])}, headers=auth()
    )
    assert [s["id"] for s in open_in_plant.json()["items"]] == [created[2]["id"], created[0]["id"]]
    cancelled = await client.get(CYCLE_COUNTS, params={"status": "cancelled"}, headers=auth())
    assert [s["id"] for s in cancelled.json()["items"]] == [created[1]["id"]]
    unknown = await client.get(CYCLE_COUNTS, params={"status": "lost"}, headers=auth())
    assert unknown.status_code == 400


async def test_another_organization_or_plant_cannot_see_count_or_post_a_sheet(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
) -> None:
    material = await make_material(number="CC-70")
    await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "4")
    sheet = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    sheet = await enter(client, auth, sheet, {1: "3"})
    url = f"{CYCLE_COUNTS}/{sheet['id']}"
    # A token of another organization naming the same plant id: our locations are not there
    # (422); a token of ours without the plant: the plant is not there (404).
    strangers = {
        "another organization": (auth(organization_id=uuid.uuid4(), plant_ids=[plants[0]]), 422),
        "another plant": (auth(plant_ids=[plants[1]]), 404),
    }
    for who, (headers, create_status) in strangers.items():
        tagged = {**headers, "If-Match": f'"{sheet["version"]}"'}
        assert (await client.get(url, headers=headers)).status_code == 404, who
        assert (await client.get(CYCLE_COUNTS, headers=headers)).json()["items"] == [], who
        count = {"lines": [{"line_no": 1, "counted_quantity": "4"}]}
        assert (await client.patch(f"{url}/lines", json=count, headers=tagged)).status_code == 404
        assert (await client.post(f"{url}/posting", json={}, headers=tagged)).status_code == 404
        assert (await client.post(f"{url}/cancellation", headers=tagged)).status_code == 404
        made = await client.post(
            CYCLE_COUNTS,
            json={"plant_id": str(plants[0]), "location_ids": [store["B-01"]]},
            headers=headers,
        )
        assert made.status_code == create_status, who
    unchanged = (await client.get(url, headers=auth())).json()
    assert (unchanged["status"], unchanged["version"]) == ("counted", sheet["version"])
    assert lines_by_no(unchanged)[1]["counted_quantity"] == "3"
    assert await on_hand(client, auth(), material["id"], store["B-01"]) == "4"


async def test_a_posting_that_drops_stock_below_the_reorder_point_tells_it_at_once(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: Store,
    events: EventTap,
    org_id: uuid.UUID,
) -> None:
    material = await make_material(number="CC-80")
    await plan(client, auth(), material["id"], plants[0], reorder_point="5", max_stock="20")
    await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "6")
    sheet = await create_sheet(client, auth, plants[0], location_ids=[store["B-01"]])
    sheet = await enter(client, auth, sheet, {1: "4"})
    assert (await act(client, auth, sheet, "posting")).status_code == 200
    [below] = [
        e
        for e in await events.events(org_id)
        if e["topic"] == "inventory.stock.below_reorder_point"
    ]
    assert (below["material_id"], below["on_hand"], below["suggested_quantity"]) == (
        material["id"],
        "4",
        "16",
    )
    listed = await client.get("/api/inventory/replenishment/below-reorder-point", headers=auth())
    assert [i["material_id"] for i in listed.json()["items"]] == [material["id"]]


async def test_concurrent_changes_and_overlapping_sheets_do_not_both_win(
    http: httpx.AsyncClient,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    client: Client,
    store: Store,
    count_rows: Count,
) -> None:
    material = await make_material(number="CC-90")
    await move(client, auth(), "101", material["id"], plants[0], store["B-01"], "5")
    body = {"plant_id": str(plants[0]), "location_ids": [store["B-01"]]}
    made = await asyncio.gather(
        *(http.post(CYCLE_COUNTS, json=body, headers=auth()) for _ in range(4))
    )
    assert sorted(r.status_code for r in made) == [201, 409, 409, 409]
    assert await count_rows("cycle_counts") == 1
    [sheet] = [r.json() for r in made if r.status_code == 201]

    url = f"{CYCLE_COUNTS}/{sheet['id']}/lines"
    tagged = auth({"If-Match": '"1"'})
    counts = await asyncio.gather(
        *(
            http.patch(url, json={"lines": [{"line_no": 1, "counted_quantity": q}]}, headers=tagged)
            for q in ("4", "6")
        )
    )
    assert sorted(r.status_code for r in counts) == [200, 412]
    [winner] = [r.json() for r in counts if r.status_code == 200]
    fetched = (await http.get(f"{CYCLE_COUNTS}/{sheet['id']}", headers=auth())).json()
    assert fetched["version"] == 2
    assert fetched["lines"][0]["counted_quantity"] == winner["lines"][0]["counted_quantity"]
