"""Serial numbers of serial-managed materials: every posting names the serial of each
piece; a serial is in stock in one place at a time, and its history is the ledger."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import msgspec
import pytest

from inventory.demo import seed_units
from tests.inventory.conftest import Count, Headers, MakeMaterial
from tests.inventory.ledger_support import MOVEMENTS, TODAY, Ledger

MATERIALS = "/api/inventory/materials"


async def _serials(ledger: Ledger, material: dict[str, Any], **params: str) -> dict[str, Any]:
    response = await ledger.client.get(
        f"{MATERIALS}/{material['id']}/serials",
        params={"limit": "500", **params},
        headers=ledger.auth(),
    )
    assert response.status_code == 200, response.text
    return {row["serial"]: row for row in response.json()["items"]}


async def _in_stock(ledger: Ledger, material: dict[str, Any], location: str) -> list[str]:
    rows = await _serials(ledger, material, in_stock="true", location_id=ledger.locations[location])
    return sorted(rows)


async def _serial(ledger: Ledger, material: dict[str, Any], serial: str) -> dict[str, Any]:
    response = await ledger.client.get(
        f"{MATERIALS}/{material['id']}/serials/{serial}", headers=ledger.auth()
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _refusal(response: httpx.Response) -> tuple[str, str, str]:
    body = response.json()
    return body["detail"], body["errors"][0]["pointer"], body["errors"][0]["detail"]


async def test_serials_are_received_issued_transferred_and_reversed(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material(number="BRG-1", serial_managed=True)
    assert material["serial_managed"] is True
    await ledger.location("WH1")
    await ledger.location("WH2")
    receipt = await ledger.post(
        "101", ledger.line(material, "WH1", "3", serials=["S-1", "S-2", "S-3"])
    )
    assert receipt.json()["lines"][0]["serials"] == ["S-1", "S-2", "S-3"]
    assert await _in_stock(ledger, material, "WH1") == ["S-1", "S-2", "S-3"]

    issue = await ledger.post("261", ledger.line(material, "WH1", "1", serials=["S-2"]))
    transfer = await ledger.post(
        "311",
        ledger.line(material, "WH1", "1", to_location_id=ledger.locations["WH2"], serials=["S-1"]),
    )
    assert [x["serials"] for x in transfer.json()["lines"]] == [["S-1"], ["S-1"]]
    hold = await ledger.post("322", ledger.line(material, "WH1", "1", serials=["S-3"]))
    assert await _in_stock(ledger, material, "WH1") == ["S-3"]
    assert await _in_stock(ledger, material, "WH2") == ["S-1"]
    everything = await _serials(ledger, material)
    assert everything["S-2"]["in_stock"] is False
    assert everything["S-2"]["location_id"] == ledger.locations["WH1"]  # where it left
    assert everything["S-2"]["last_movement_id"] == issue.json()["id"]
    assert everything["S-3"]["category"] == "quality"
    assert sorted(await _serials(ledger, material, in_stock="false")) == ["S-2"]

    # Each reversal moves the same serials back.
    await ledger.reverse(transfer.json()["id"])
    await ledger.reverse(issue.json()["id"])
    await ledger.reverse(hold.json()["id"])
    assert await _in_stock(ledger, material, "WH1") == ["S-1", "S-2", "S-3"]
    assert await _in_stock(ledger, material, "WH2") == []
    assert {r["category"] for r in (await _serials(ledger, material)).values()} == {"unrestricted"}
    await ledger.reverse(receipt.json()["id"])
    assert await _serials(ledger, material, in_stock="true") == {}
    assert await ledger.on_hand(material, "WH1") == 0
    # An issued serial comes back in with a receipt (a return).
    await ledger.post("101", ledger.line(material, "WH2", "1", serials=["S-2"]))
    assert await _in_stock(ledger, material, "WH2") == ["S-2"]


async def test_a_transfer_between_plants_moves_the_serials(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    await ledger.location("FAR", plant=1)
    await ledger.post("101", ledger.line(material, "WH1", "2", serials=["A1", "A2"]))
    await ledger.post(
        "301",
        ledger.line(
            material,
            "WH1",
            "1",
            to_plant_id=str(ledger.plants[1]),
            to_location_id=ledger.locations["FAR"],
            serials=["A2"],
        ),
    )
    rows = await _serials(ledger, material, in_stock="true")
    assert rows["A2"]["plant_id"] == str(ledger.plants[1])
    assert rows["A2"]["location_id"] == ledger.locations["FAR"]
    assert sorted(
        await _serials(ledger, material, in_stock="true", plant_id=str(ledger.plants[0]))
    ) == ["A1"]
    # It left the first plant: it cannot be issued there.
    refused = await ledger.post(
        "261", ledger.line(material, "WH1", "1", serials=["A2"]), expect=409
    )
    assert _refusal(refused)[1] == "/lines/0/serials"


@pytest.mark.parametrize(
    ("quantity", "serials", "pointer", "words"),
    [
        ("3", ["S-1", "S-2"], "/lines/0/serials", "need 3 serials, not 2"),
        ("1", ["S-1", "S-2"], "/lines/0/serials", "need 1 serials, not 2"),
        ("2", None, "/lines/0/serials", "need 2 serials, not 0"),
        ("1.5", ["S-1", "S-2"], "/lines/0/quantity", "whole pieces only"),
        ("2", ["S-1", "S-1"], "/lines/0/serials", "serial S-1 is named twice"),
    ],
)
async def test_a_serial_managed_line_names_one_serial_per_whole_piece(
    ledger: Ledger,
    make_material: MakeMaterial,
    count_rows: Count,
    quantity: str,
    serials: list[str] | None,
    pointer: str,
    words: str,
) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    extra: dict[str, Any] = {} if serials is None else {"serials": serials}
    refused = await ledger.post("101", ledger.line(material, "WH1", quantity, **extra), expect=422)
    assert refused.json()["errors"][0]["pointer"] == pointer
    assert words in refused.text
    assert await count_rows("goods_movement_lines") == 0
    assert await count_rows("serial_numbers") == 0


async def test_serials_must_follow_the_pattern(ledger: Ledger, make_material: MakeMaterial) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    for bad in ("", "-S1", "S 1", "X" * 31):
        refused = await ledger.post(
            "101", ledger.line(material, "WH1", "1", serials=[bad]), expect=400
        )
        assert refused.json()["errors"][0]["pointer"] == "/lines/0/serials/0"
    too_many = await ledger.post(
        "101",
        ledger.line(material, "WH1", "1001", serials=[f"S{n}" for n in range(1001)]),
        expect=400,
    )
    assert too_many.json()["errors"][0]["pointer"] == "/lines/0/serials"


async def test_issuing_a_serial_that_is_not_in_stock_there_is_refused(
    ledger: Ledger, make_material: MakeMaterial, count_rows: Count
) -> None:
    material = await make_material(number="BRG-1", serial_managed=True)
    await ledger.location("WH1")
    await ledger.location("WH2")
    await ledger.post("101", ledger.line(material, "WH1", "2", serials=["S-16", "S-18"]))
    await ledger.post("101", ledger.line(material, "WH2", "1", serials=["S-17"]))
    lines_before = await count_rows("goods_movement_lines")

    refused = await ledger.post(
        "261",
        ledger.line(material, "WH1", "1", serials=["S-16"]),
        ledger.line(material, "WH1", "1", serials=["S-17"]),
        expect=409,
    )
    assert _refusal(refused) == (
        "serial S-17 of BRG-1 is not in stock at WH1",
        "/lines/1/serials",
        "serial S-17 is not in stock at WH1",
    )
    # Nothing was written, S-16 neither.
    assert await count_rows("goods_movement_lines") == lines_before
    assert await _in_stock(ledger, material, "WH1") == ["S-16", "S-18"]
    # Never received at all.
    refused = await ledger.post(
        "551", ledger.line(material, "WH1", "1", serials=["S-99"]), expect=409
    )
    assert _refusal(refused)[0] == "serial S-99 of BRG-1 is not in stock at WH1"
    # In stock there, but in another category.
    await ledger.post("322", ledger.line(material, "WH1", "1", serials=["S-18"]))
    refused = await ledger.post(
        "261", ledger.line(material, "WH1", "1", serials=["S-18"]), expect=409
    )
    assert _refusal(refused)[0] == "serial S-18 of BRG-1 is not in stock at WH1"
    # The same serial twice in one document: the second line finds it gone.
    await ledger.post("101", ledger.line(material, "WH1", "1", serials=["S-19"]))
    refused = await ledger.post(
        "261",
        ledger.line(material, "WH1", "1", serials=["S-16"]),
        ledger.line(material, "WH1", "1", serials=["S-16"]),
        expect=409,
    )
    assert _refusal(refused)[1] == "/lines/1/serials"


async def test_receiving_a_serial_already_in_stock_is_refused(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material(number="BRG-1", serial_managed=True)
    await ledger.location("WH1")
    await ledger.location("WH2")
    await ledger.post("101", ledger.line(material, "WH1", "1", serials=["S-17"]))
    refused = await ledger.post(
        "101",
        ledger.line(material, "WH2", "1", serials=["S-20"]),
        ledger.line(material, "WH2", "2", serials=["S-21", "S-17"]),
        expect=409,
    )
    assert _refusal(refused) == (
        "serial S-17 of BRG-1 is already in stock at WH1",
        "/lines/1/serials",
        "serial S-17 is already in stock at WH1",
    )
    assert await _serials(ledger, material) == {"S-17": (await _serials(ledger, material))["S-17"]}
    # A count surplus is a receipt too.
    refused = await ledger.post(
        "701", ledger.line(material, "WH1", "1", serials=["S-17"]), expect=409
    )
    assert _refusal(refused)[1] == "/lines/0/serials"


async def test_two_concurrent_issues_of_one_serial_give_one_success(
    http: httpx.AsyncClient,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    admin_conn: asyncpg.Connection,
    org_id: uuid.UUID,
) -> None:
    ledger = Ledger(http, auth, plants)
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "2", serials=["S-1", "S-2"]))
    body = {
        "movement_type": "261",
        "posting_date": TODAY.isoformat(),
        "lines": [ledger.line(material, "WH1", "1", serials=["S-1"])],
    }
    responses = await asyncio.gather(
        *(http.post(MOVEMENTS, json=body, headers=auth()) for _ in range(8))
    )
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 7}
    for refused in (r for r in responses if r.status_code == 409):
        assert _refusal(refused)[1] == "/lines/0/serials"
    assert await ledger.on_hand(material, "WH1") == 1
    assert await _in_stock(ledger, material, "WH1") == ["S-2"]
    issued = await admin_conn.fetchval(
        "SELECT count(*) FROM inventory.goods_movement_lines"
        " WHERE organization_id = $1 AND movement_type = '261' AND serials @> '{S-1}'",
        org_id,
    )
    assert issued == 1


async def test_two_concurrent_receipts_of_one_new_serial_give_one_success(
    http: httpx.AsyncClient,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
) -> None:
    """In two plants: no valuation or balance row in common, and no serial row yet to
    lock; the second insert finds the first's row and the posting is refused."""
    ledger = Ledger(http, auth, plants)
    material = await make_material(serial_managed=True)
    stores = [("A1", 0), ("A2", 0), ("B1", 1), ("B2", 1)]
    for code, plant in stores:
        await ledger.location(code, plant=plant)
    for round_no in range(3):
        serial = f"NEW-{round_no}"
        responses = await asyncio.gather(
            *(
                http.post(
                    MOVEMENTS,
                    json={
                        "movement_type": "101",
                        "posting_date": TODAY.isoformat(),
                        "lines": [ledger.line(material, code, "1", plant=plant, serials=[serial])],
                    },
                    headers=auth(),
                )
                for code, plant in stores
            )
        )
        assert Counter(r.status_code for r in responses) == {201: 1, 409: 3}
        for refused in (r for r in responses if r.status_code == 409):
            assert _refusal(refused)[1] == "/lines/0/serials"
            assert f"serial {serial} is already in stock at " in _refusal(refused)[2]
    rows = await _serials(ledger, material, in_stock="true")
    assert sorted(rows) == ["NEW-0", "NEW-1", "NEW-2"]
    on_hand = [await ledger.on_hand(material, code) for code, _ in stores]
    assert sum(on_hand) == 3


async def test_the_history_of_a_serial_is_its_ledger_lines_newest_first(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material(serial_managed=True)
    wh1 = await ledger.location("WH1")
    wh2 = await ledger.location("WH2")
    await ledger.post("101", ledger.line(material, "WH1", "2", serials=["S-1", "S-2"]))
    transfer = await ledger.post(
        "311", ledger.line(material, "WH1", "1", to_location_id=wh2, serials=["S-1"])
    )
    back = await ledger.reverse(transfer.json()["id"])
    issue = await ledger.post("261", ledger.line(material, "WH1", "1", serials=["S-1"]))

    found = await _serial(ledger, material, "S-1")
    assert found["in_stock"] is False
    assert found["last_movement_id"] == issue.json()["id"]
    assert found["history_complete"] is True
    assert [(h["movement_type"], h["direction"], h["location_id"]) for h in found["history"]] == [
        ("261", "out", wh1),
        ("312", "in", wh1),
        ("312", "out", wh2),
        ("311", "in", wh2),
        ("311", "out", wh1),
        ("101", "in", wh1),
    ]
    assert found["history"][1]["reversal_of"] == transfer.json()["id"]
    assert found["history"][1]["movement_id"] == back.json()["id"]
    assert [h["movement_type"] for h in (await _serial(ledger, material, "S-2"))["history"]] == [
        "101"
    ]
    cut = await ledger.client.get(
        f"{MATERIALS}/{material['id']}/serials/S-1",
        params={"limit": "2"},
        headers=ledger.auth(),
    )
    assert [h["movement_type"] for h in cut.json()["history"]] == ["261", "312"]
    assert cut.json()["history_complete"] is False
    missing = await ledger.client.get(
        f"{MATERIALS}/{material['id']}/serials/S-3", headers=ledger.auth()
    )
    assert missing.status_code == 404


async def test_serials_are_listed_in_pages(ledger: Ledger, make_material: MakeMaterial) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    serials = [f"P{n:03d}" for n in range(7)]
    await ledger.post("101", ledger.line(material, "WH1", "7", serials=serials[::-1]))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "3", "in_stock": "true", **({"cursor": cursor} if cursor else {})}
        page = await ledger.client.get(
            f"{MATERIALS}/{material['id']}/serials", params=params, headers=ledger.auth()
        )
        seen += [row["serial"] for row in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == serials


async def test_a_batch_moves_serials_and_names_the_refused_line(
    ledger: Ledger, make_material: MakeMaterial, count_rows: Count
) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")

    def line(movement_type: str, quantity: str, serials: list[str]) -> dict[str, Any]:
        return {
            **ledger.line(material, "WH1", quantity, serials=serials),
            "movement_type": movement_type,
            "posting_date": TODAY.isoformat(),
        }

    posted = await ledger.client.post(
        f"{MOVEMENTS}/batch",
        json={"lines": [line("101", "2", ["B-1", "B-2"]), line("261", "1", ["B-1"])]},
        headers=ledger.auth(),
    )
    assert posted.status_code == 201, posted.text
    assert await _in_stock(ledger, material, "WH1") == ["B-2"]
    refused = await ledger.client.post(
        f"{MOVEMENTS}/batch",
        json={"lines": [line("101", "1", ["B-3"]), line("261", "1", ["B-1"])]},
        headers=ledger.auth(),
    )
    assert refused.status_code == 409, refused.text
    assert _refusal(refused)[1] == "/lines/1/serials"
    assert await _in_stock(ledger, material, "WH1") == ["B-2"]
    assert await count_rows("goods_movement_lines") == 2


async def test_the_posted_event_carries_the_serials(
    ledger: Ledger, make_material: MakeMaterial, owner_conn: asyncpg.Connection
) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    queue = f"inv_sn_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('inventory.goods_movement.*', $1)", queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        await ledger.post("101", ledger.line(material, "WH1", "2", serials=["E-1", "E-2"]))
        batch = await ledger.client.post(
            f"{MOVEMENTS}/batch",
            json={
                "lines": [
                    {
                        **ledger.line(material, "WH1", "1", serials=["E-2"]),
                        "movement_type": "261",
                        "posting_date": TODAY.isoformat(),
                    }
                ]
            },
            headers=ledger.auth(),
        )
        assert batch.status_code == 201, batch.text
        rows = await owner_conn.fetch(
            f"SELECT message::text AS body FROM pgmq.q_{queue} ORDER BY msg_id"
        )
        bodies = [msgspec.json.decode(r["body"]) for r in rows]
        assert [b["lines"][0]["serials"] for b in bodies] == [["E-1", "E-2"], ["E-2"]]
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


async def test_materials_without_serials_are_unaffected_and_refuse_them(
    ledger: Ledger, make_material: MakeMaterial, count_rows: Count
) -> None:
    material = await make_material()
    assert material["serial_managed"] is False
    await ledger.location("WH1")
    received = await ledger.post("101", ledger.line(material, "WH1", "2.5"))
    assert received.json()["lines"][0]["serials"] is None
    issued = await ledger.post("261", ledger.line(material, "WH1", "1.5"))
    await ledger.reverse(issued.json()["id"])
    assert await ledger.on_hand(material, "WH1") == Decimal("2.5")
    refused = await ledger.post(
        "101", ledger.line(material, "WH1", "1", serials=["S-1"]), expect=422
    )
    assert _refusal(refused)[1] == "/lines/0/serials"
    assert "is not serial-managed" in _refusal(refused)[0]
    assert await count_rows("serial_numbers") == 0


async def test_another_organization_sees_no_serials_and_keeps_its_own(
    ledger: Ledger,
    make_material: MakeMaterial,
    owner_conn: asyncpg.Connection,
    auth: Headers,
) -> None:
    material = await make_material(serial_managed=True)
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "1", serials=["S-1"]))

    other_org = uuid.uuid4()
    await seed_units(owner_conn, other_org)
    their_plant = uuid.uuid4()

    def stranger(*_: Any, **__: Any) -> dict[str, str]:
        return auth(organization_id=other_org, plant_ids=[their_plant])

    theirs = Ledger(ledger.client, stranger, [their_plant])
    for path in (
        f"{MATERIALS}/{material['id']}/serials",
        f"{MATERIALS}/{material['id']}/serials/S-1",
    ):
        assert (await ledger.client.get(path, headers=stranger())).status_code == 404
    created = await ledger.client.post(
        MATERIALS,
        json={
            "number": material["number"],
            "description": "Their bearing",
            "type": "raw",
            "base_unit": "PC",
            "serial_managed": True,
        },
        headers=stranger(),
    )
    assert created.status_code == 201, created.text
    their_material = created.json()
    await theirs.location("WH1")
    # The same serial numbers, independently: in stock in both organizations.
    await theirs.post("101", theirs.line(their_material, "WH1", "2", serials=["S-1", "S-2"]))
    await theirs.post("261", theirs.line(their_material, "WH1", "1", serials=["S-1"]))
    assert await _in_stock(theirs, their_material, "WH1") == ["S-2"]
    assert await _in_stock(ledger, material, "WH1") == ["S-1"]
    mine = await _serial(ledger, material, "S-1")
    assert [h["movement_type"] for h in mine["history"]] == ["101"]
