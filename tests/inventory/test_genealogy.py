"""Lot genealogy: postings to and from orders link lots; traces follow the links both ways."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from inventory.demo import seed_units
from inventory.genealogy_repo import Q
from inventory.repo import tenant_scope
from inventory.service import genealogy
from tests.inventory.conftest import Headers, MakeMaterial
from unison_pg import Tenant

TODAY = datetime.now(UTC).date().isoformat()

Client = AsyncTestClient[Any] | httpx.AsyncClient
Line = tuple[dict[str, Any], str, str | None]  # material, quantity, lot
BASE = "/api/inventory"


class Ledger:
    """Posts documents and traces lots through the API, as one organization's user."""

    def __init__(self, client: Client, headers: Callable[[], dict[str, str]]) -> None:
        self.client = client
        self.headers = headers
        self.locations: dict[uuid.UUID, str] = {}

    async def add_store(self, plant_id: uuid.UUID) -> None:
        response = await self.client.post(
            f"{BASE}/plants/{plant_id}/locations",
            json={"code": "WH1", "name": "Main store", "kind": "warehouse"},
            headers=self.headers(),
        )
        assert response.status_code == 201, response.text
        self.locations[plant_id] = response.json()["id"]

    async def post(
        self, movement_type: str, reference: str | None, *lines: Line, plant: uuid.UUID
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "posting_date": TODAY,
            "movement_type": movement_type,
            "lines": [
                {
                    "material_id": material["id"],
                    "plant_id": str(plant),
                    "location_id": self.locations[plant],
                    "quantity": quantity,
                    "unit": material["base_unit"],
                    **({"lot": lot} if lot is not None else {}),
                }
                for material, quantity, lot in lines
            ],
        }
        if reference is not None:
            body["reference"] = reference
        response = await self.client.post(
            f"{BASE}/goods-movements", json=body, headers=self.headers()
        )
        assert response.status_code == 201, response.text
        document: dict[str, Any] = response.json()
        return document

    async def reverse(self, document: dict[str, Any]) -> None:
        response = await self.client.post(
            f"{BASE}/goods-movements/{document['id']}/reversal", headers=self.headers()
        )
        assert response.status_code == 201, response.text

    async def trace(
        self, direction: str, material: dict[str, Any], lot: str | None, **params: Any
    ) -> dict[str, Any]:
        response = await self.trace_response(direction, material["id"], lot, **params)
        assert response.status_code == 200, response.text
        trace: dict[str, Any] = response.json()
        return trace

    async def trace_response(
        self, direction: str, material_id: str, lot: str | None, **params: Any
    ) -> httpx.Response:
        query = {"material_id": material_id, **params}
        if lot is not None:
            query["lot"] = lot
        return await self.client.get(
            f"{BASE}/lots/trace/{direction}", params=query, headers=self.headers()
        )


@pytest.fixture
async def ledger(client: AsyncTestClient[Any], auth: Headers, plants: list[uuid.UUID]) -> Ledger:
    book = Ledger(client, auth)
    for plant in plants:
        await book.add_store(plant)
    return book


def lots(trace: dict[str, Any]) -> dict[tuple[str, str | None], int]:
    """(material number, lot) -> depth; a lot appears once however many paths reach it."""
    keys = [(lot["material_number"], lot["lot"]) for lot in trace["lots"]]
    assert len(keys) == len(set(keys)), keys
    return {(lot["material_number"], lot["lot"]): lot["depth"] for lot in trace["lots"]}


def links(trace: dict[str, Any], numbers: dict[str, str]) -> set[tuple[Any, ...]]:
    """(order, input number, input lot, input qty, output number, output lot, output qty,
    depth) with material ids read as numbers."""
    return {
        (
            link["order_reference"],
            numbers[link["input_material_id"]],
            link["input_lot"],
            Decimal(link["input_quantity"]),
            numbers[link["output_material_id"]],
            link["output_lot"],
            Decimal(link["output_quantity"]),
            link["depth"],
        )
        for link in trace["links"]
    }


def ends(trace: dict[str, Any], lot: str | None) -> list[tuple[str, str | None, Decimal]]:
    found = [entry for entry in trace["lots"] if entry["lot"] == lot]
    assert len(found) == 1, (lot, trace["lots"])
    return [(e["kind"], e["reference"], Decimal(e["quantity"])) for e in found[0]["ends"]]


def numbers_of(*materials: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: m["number"] for m in materials}


async def test_a_three_level_chain_traces_backward_and_forward_with_quantities(
    ledger: Ledger, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    steel = await make_material(number="STEEL", base_unit="KG")
    gear = await make_material(number="GEAR", type="semi_finished")
    bolt = await make_material(number="BOLT", type="consumable")
    gearbox = await make_material(number="GEARBOX", type="semi_finished")
    drive = await make_material(number="DRIVE", type="finished")
    p = plants[0]
    await ledger.post("101", "PO-7", (steel, "100", "S1"), (bolt, "50", None), plant=p)
    await ledger.post("261", "WO-1", (steel, "40", "S1"), plant=p)
    await ledger.post("101", "WO-1", (gear, "10", "G1"), plant=p)
    await ledger.post("261", "WO-2", (gear, "10", "G1"), (bolt, "8", None), plant=p)
    await ledger.post("101", "WO-2", (gearbox, "2", "B1"), plant=p)
    await ledger.post("261", "WO-3", (gearbox, "1", "B1"), plant=p)
    await ledger.post("101", "WO-3", (drive, "1", "D1"), plant=p)
    await ledger.post("551", None, (gearbox, "1", "B1"), plant=p)
    numbers = numbers_of(steel, gear, bolt, gearbox, drive)

    backward = await ledger.trace("backward", drive, "D1")
    assert backward["complete"] is True
    assert lots(backward) == {
        ("DRIVE", "D1"): 0,
        ("GEARBOX", "B1"): 1,
        ("GEAR", "G1"): 2,
        ("BOLT", None): 2,
        ("STEEL", "S1"): 3,
    }
    assert links(backward, numbers) == {
        ("WO-3", "GEARBOX", "B1", Decimal(1), "DRIVE", "D1", Decimal(1), 1),
        ("WO-2", "GEAR", "G1", Decimal(10), "GEARBOX", "B1", Decimal(2), 2),
        ("WO-2", "BOLT", None, Decimal(8), "GEARBOX", "B1", Decimal(2), 2),
        ("WO-1", "STEEL", "S1", Decimal(40), "GEAR", "G1", Decimal(10), 3),
    }
    # The raw lot's trail ends at its purchase; the unit says what the quantities count.
    assert ends(backward, "S1") == [("receipt", "PO-7", Decimal(100))]
    assert next(lot["unit"] for lot in backward["lots"] if lot["lot"] == "S1") == "KG"
    # Bolts have no lots: shown, never followed (not all bolts ever bought).
    assert ends(backward, None) == []

    forward = await ledger.trace("forward", steel, "S1")
    assert forward["complete"] is True
    assert lots(forward) == {
        ("STEEL", "S1"): 0,
        ("GEAR", "G1"): 1,
        ("GEARBOX", "B1"): 2,
        ("DRIVE", "D1"): 3,
    }
    assert ("WO-3", "GEARBOX", "B1", Decimal(1), "DRIVE", "D1", Decimal(1), 3) in links(
        forward, numbers
    )
    assert ends(forward, "B1") == [("scrap", None, Decimal(1))]
    assert ends(forward, "D1") == []

    shallow = await ledger.trace("backward", drive, "D1", max_depth=2)
    assert shallow["complete"] is False
    assert ("STEEL", "S1") not in lots(shallow)
    assert shallow["max_depth"] == 2


async def test_an_issue_posted_after_the_receipt_is_linked_to_what_the_order_made(
    ledger: Ledger, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    resin = await make_material(number="RESIN")
    housing = await make_material(number="HOUSING")
    p = plants[0]
    await ledger.post("101", "PO-1", (resin, "30", "R1"), plant=p)
    await ledger.post("101", "WO-9", (housing, "5", "H1"), plant=p)
    open_receipt = await ledger.trace("backward", housing, "H1")
    assert open_receipt["links"] == []
    assert ends(open_receipt, "H1") == [("receipt", "WO-9", Decimal(5))]

    await ledger.post("261", "WO-9", (resin, "12", "R1"), plant=p)
    await ledger.post("101", "WO-9", (housing, "3", "H2"), plant=p)
    forward = await ledger.trace("forward", resin, "R1")
    assert links(forward, numbers_of(resin, housing)) == {
        ("WO-9", "RESIN", "R1", Decimal(12), "HOUSING", "H1", Decimal(5), 1),
        ("WO-9", "RESIN", "R1", Decimal(12), "HOUSING", "H2", Decimal(3), 1),
    }
    assert ends(await ledger.trace("backward", housing, "H1"), "H1") == []


async def test_reversals_net_the_quantities_and_a_link_reversed_to_zero_disappears(
    ledger: Ledger, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    wire = await make_material(number="WIRE")
    coil = await make_material(number="COIL")
    numbers = numbers_of(wire, coil)
    p = plants[0]
    await ledger.post("101", "PO-2", (wire, "100", "W1"), plant=p)
    first = await ledger.post("261", "WO-5", (wire, "10", "W1"), plant=p)
    second = await ledger.post("261", "WO-5", (wire, "5", "W1"), plant=p)
    receipt = await ledger.post("101", "WO-5", (coil, "4", "C1"), plant=p)

    await ledger.reverse(first)
    trace = await ledger.trace("forward", wire, "W1")
    assert links(trace, numbers) == {
        ("WO-5", "WIRE", "W1", Decimal(5), "COIL", "C1", Decimal(4), 1)
    }

    await ledger.reverse(second)
    trace = await ledger.trace("forward", wire, "W1")
    assert trace["links"] == []
    assert lots(trace) == {("WIRE", "W1"): 0}
    backward = await ledger.trace("backward", coil, "C1")
    assert backward["links"] == []
    assert ends(backward, "C1") == [("receipt", "WO-5", Decimal(4))]

    # Issued again: linked again. The receipt reversed: nothing came out of the order, and
    # the wire shows as issued to an order that produced nothing (yet).
    await ledger.post("261", "WO-5", (wire, "7", "W1"), plant=p)
    assert links(await ledger.trace("forward", wire, "W1"), numbers) == {
        ("WO-5", "WIRE", "W1", Decimal(7), "COIL", "C1", Decimal(4), 1)
    }
    await ledger.reverse(receipt)
    trace = await ledger.trace("forward", wire, "W1")
    assert trace["links"] == []
    assert ends(trace, "W1") == [("order", "WO-5", Decimal(7))]


async def test_a_lot_reached_along_several_paths_is_one_lot_in_the_trace(
    ledger: Ledger, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    flour = await make_material(number="FLOUR")
    dough = await make_material(number="DOUGH")
    bread = await make_material(number="BREAD")
    numbers = numbers_of(flour, dough, bread)
    p = plants[0]
    await ledger.post("101", "PO-3", (flour, "100", "F1"), plant=p)
    # One flour lot into two orders; both doughs into one bread lot.
    await ledger.post("261", "WO-A", (flour, "30", "F1"), plant=p)
    await ledger.post("101", "WO-A", (dough, "40", "DA"), plant=p)
    await ledger.post("261", "WO-B", (flour, "20", "F1"), plant=p)
    await ledger.post("101", "WO-B", (dough, "25", "DB"), plant=p)
    await ledger.post("261", "WO-C", (dough, "40", "DA"), (dough, "25", "DB"), plant=p)
    await ledger.post("101", "WO-C", (bread, "60", "BR1"), plant=p)

    backward = await ledger.trace("backward", bread, "BR1")
    assert lots(backward) == {
        ("BREAD", "BR1"): 0,
        ("DOUGH", "DA"): 1,
        ("DOUGH", "DB"): 1,
        ("FLOUR", "F1"): 2,
    }
    # Both paths to the flour are there: each is a chain of links.
    assert {(link[0], link[3]) for link in links(backward, numbers) if link[2] == "F1"} == {
        ("WO-A", Decimal(30)),
        ("WO-B", Decimal(20)),
    }
    forward = await ledger.trace("forward", flour, "F1")
    assert lots(forward) == {
        ("FLOUR", "F1"): 0,
        ("DOUGH", "DA"): 1,
        ("DOUGH", "DB"): 1,
        ("BREAD", "BR1"): 2,
    }
    assert len(forward["links"]) == 4


async def test_a_lot_reworked_into_itself_does_not_loop(
    ledger: Ledger, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    part = await make_material(number="PART")
    other = await make_material(number="OTHER")
    p = plants[0]
    await ledger.post("101", "PO-4", (part, "10", "L1"), plant=p)
    # Rework: the lot goes into an order and comes back as itself.
    await ledger.post("261", "RW-1", (part, "10", "L1"), plant=p)
    await ledger.post("101", "RW-1", (part, "10", "L1"), plant=p)
    # And a longer cycle: L1 -> X1 -> L1.
    await ledger.post("261", "WO-X", (part, "4", "L1"), plant=p)
    await ledger.post("101", "WO-X", (other, "4", "X1"), plant=p)
    await ledger.post("261", "WO-Y", (other, "4", "X1"), plant=p)
    await ledger.post("101", "WO-Y", (part, "4", "L1"), plant=p)

    for direction in ("forward", "backward"):
        trace = await asyncio.wait_for(
            ledger.trace(direction, part, "L1", max_depth=genealogy.MAX_DEPTH), 30
        )
        assert lots(trace) == {("PART", "L1"): 0, ("OTHER", "X1"): 1}
        assert {link["order_reference"] for link in trace["links"]} == {"RW-1", "WO-X", "WO-Y"}
        assert len(trace["links"]) == 3
        assert trace["complete"] is True


async def test_a_material_without_lots_is_traced_to_the_orders_that_used_it(
    ledger: Ledger, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    glue = await make_material(number="GLUE", type="consumable")
    box = await make_material(number="BOX")
    crate = await make_material(number="CRATE")
    p = plants[0]
    await ledger.post("101", "PO-5", (glue, "20", None), plant=p)
    await ledger.post("261", "WO-G", (glue, "2", None), plant=p)
    await ledger.post("101", "WO-G", (box, "10", "BX1"), plant=p)
    await ledger.post("261", "WO-H", (box, "10", "BX1"), (glue, "1", None), plant=p)
    await ledger.post("101", "WO-H", (crate, "1", "CR1"), plant=p)

    forward = await ledger.trace("forward", glue, None)
    assert lots(forward) == {("GLUE", None): 0, ("BOX", "BX1"): 1, ("CRATE", "CR1"): 1}
    # CR1 is reached twice: from the glue directly and through BX1; one lot, two links.
    assert links(forward, numbers_of(glue, box, crate)) == {
        ("WO-G", "GLUE", None, Decimal(2), "BOX", "BX1", Decimal(10), 1),
        ("WO-H", "GLUE", None, Decimal(1), "CRATE", "CR1", Decimal(1), 1),
        ("WO-H", "BOX", "BX1", Decimal(10), "CRATE", "CR1", Decimal(1), 2),
    }
    # Where the glue went is a recall question; what went into the glue (all of it) is not.
    backward = await ledger.trace("backward", crate, "CR1")
    assert lots(backward) == {("CRATE", "CR1"): 0, ("BOX", "BX1"): 1, ("GLUE", None): 1}


async def test_another_organization_sees_nothing_even_with_the_same_lots_and_orders(
    ledger: Ledger,
    make_material: MakeMaterial,
    client: AsyncTestClient[Any],
    auth: Headers,
    owner_conn: asyncpg.Connection,
    plants: list[uuid.UUID],
) -> None:
    ore = await make_material(number="ORE")
    ingot = await make_material(number="INGOT")
    await ledger.post("101", "PO-1", (ore, "10", "L1"), plant=plants[0])
    await ledger.post("261", "WO-1", (ore, "10", "L1"), plant=plants[0])
    await ledger.post("101", "WO-1", (ingot, "1", "L2"), plant=plants[0])
    ours = await ledger.trace("forward", ore, "L1")

    other_org, other_plant = uuid.uuid4(), uuid.uuid4()
    await seed_units(owner_conn, other_org)
    theirs = Ledger(client, lambda: auth(organization_id=other_org, plant_ids=[other_plant]))
    await theirs.add_store(other_plant)
    materials = []
    for number in ("ORE", "INGOT"):
        response = await client.post(
            f"{BASE}/materials",
            json={"number": number, "description": "x", "type": "raw", "base_unit": "PC"},
            headers=theirs.headers(),
        )
        assert response.status_code == 201, response.text
        materials.append(response.json())
    their_ore, their_ingot = materials
    await theirs.post("101", "PO-1", (their_ore, "9", "L1"), plant=other_plant)
    await theirs.post("261", "WO-1", (their_ore, "9", "L1"), plant=other_plant)
    await theirs.post("101", "WO-1", (their_ingot, "3", "L2"), plant=other_plant)

    # Our lots, traced by them: no such material.
    for direction in ("forward", "backward"):
        for material, lot in ((ore, "L1"), (ingot, "L2")):
            response = await theirs.trace_response(direction, material["id"], lot)
            assert response.status_code == 404, response.text
    # Their same-numbered order linked only their lots, and ours only ours.
    their_trace = await theirs.trace("forward", their_ore, "L1")
    assert {(link["input_quantity"], link["output_quantity"]) for link in their_trace["links"]} == {
        ("9", "3")
    }
    assert {lot["material_id"] for lot in their_trace["lots"]} == {
        their_ore["id"],
        their_ingot["id"],
    }
    assert await ledger.trace("forward", ore, "L1") == ours


async def test_a_user_of_one_plant_sees_the_genealogy_through_another_plant(
    ledger: Ledger, make_material: MakeMaterial, auth: Headers, plants: list[uuid.UUID]
) -> None:
    cell = await make_material(number="CELL")
    pack = await make_material(number="PACK")
    first, second = plants
    await ledger.post("101", "PO-8", (cell, "100", "C7"), plant=first)
    made_elsewhere = await ledger.post("261", "WO-P", (cell, "24", "C7"), plant=first)
    await ledger.post("101", "WO-P", (pack, "1", "PK1"), plant=first)

    second_only = Ledger(ledger.client, lambda: auth(plant_ids=[second]))
    backward = await second_only.trace("backward", pack, "PK1")
    assert lots(backward) == {("PACK", "PK1"): 0, ("CELL", "C7"): 1}
    assert [(link["order_reference"], link["plant_id"]) for link in backward["links"]] == [
        ("WO-P", str(first))
    ]
    # The genealogy is the organization's; the documents of the other plant are not theirs.
    document = await ledger.client.get(
        f"{BASE}/goods-movements/{made_elsewhere['id']}", headers=second_only.headers()
    )
    assert document.status_code == 404


async def test_an_issue_and_a_receipt_of_one_order_posted_at_once_are_always_linked(
    http: httpx.AsyncClient, auth: Headers, units: None, plants: list[uuid.UUID]
) -> None:
    book = Ledger(http, auth)
    await book.add_store(plants[0])
    materials = []
    for number in ("RAW", "MADE"):
        response = await http.post(
            f"{BASE}/materials",
            json={"number": number, "description": "x", "type": "raw", "base_unit": "PC"},
            headers=auth(),
        )
        assert response.status_code == 201, response.text
        materials.append(response.json())
    raw, made = materials
    orders = [f"WO-{n}" for n in range(12)]
    await book.post("101", "PO-1", *((raw, "1", order) for order in orders), plant=plants[0])
    await asyncio.gather(
        *(
            posting
            for order in orders
            for posting in (
                book.post("261", order, (raw, "1", order), plant=plants[0]),
                book.post("101", order, (made, "1", order), plant=plants[0]),
            )
        )
    )
    for order in orders:
        trace = await book.trace("forward", raw, order)
        assert [link["order_reference"] for link in trace["links"]] == [order]


async def test_the_genealogy_kept_per_posting_equals_one_rebuilt_from_the_ledger(
    ledger: Ledger,
    make_material: MakeMaterial,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    org_id: uuid.UUID,
    plants: list[uuid.UUID],
) -> None:
    a = await make_material(number="A")
    b = await make_material(number="B")
    c = await make_material(number="C")
    first, second = plants
    await ledger.post("101", "PO-1", (a, "50", "A1"), (a, "50", "A2"), (c, "9", None), plant=first)
    await ledger.post("101", "WO-1", (b, "5", "B1"), plant=first)
    issue = await ledger.post("261", "WO-1", (a, "10", "A1"), (a, "3", "A2"), plant=first)
    await ledger.post("261", "WO-1", (a, "4", "A1"), (c, "2", None), plant=first)
    await ledger.reverse(issue)
    receipt = await ledger.post("101", "WO-1", (b, "2", "B2"), plant=first)
    await ledger.reverse(receipt)
    await ledger.post("551", None, (b, "1", "B1"), plant=first)
    await ledger.post("101", "WO-1", (a, "5", "A9"), plant=second)  # same order text, other plant

    async def snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        flows = await admin_conn.fetch(
            "SELECT plant_id, reference, role, material_id, lot, quantity"
            " FROM inventory.lot_flows WHERE organization_id = $1 ORDER BY 1, 2, 3, 4, 5",
            org_id,
        )
        kept_links = await admin_conn.fetch(
            "SELECT plant_id, order_reference, input_material_id, input_lot, output_material_id,"
            " output_lot, input_quantity, output_quantity FROM inventory.lot_links"
            " WHERE organization_id = $1 ORDER BY 1, 2, 3, 4, 5, 6",
            org_id,
        )
        return [dict(r) for r in flows], [dict(r) for r in kept_links]

    kept = await snapshot()
    assert len(kept[1]) == 2  # A1 and C into B1; A2 reversed out, B2 reversed out
    async with owner_conn.transaction():
        await tenant_scope(owner_conn, Tenant(org_id, tuple(plants), "test:rebuild"))
        await genealogy.rebuild(owner_conn)
    assert await snapshot() == kept


async def test_trace_parameters_are_checked(ledger: Ledger, make_material: MakeMaterial) -> None:
    part = await make_material()
    for depth in (0, genealogy.MAX_DEPTH + 1):
        response = await ledger.trace_response("forward", part["id"], "L1", max_depth=depth)
        assert response.status_code == 400, response.text
    long_lot = await ledger.trace_response("forward", part["id"], "L" * 41)
    assert long_lot.status_code == 400
    unknown = await ledger.trace_response("backward", str(uuid.uuid4()), "L1")
    assert unknown.status_code == 404
    # A lot that never moved is a trace of itself alone.
    alone = await ledger.trace("backward", part, " L1 ")
    assert (alone["lot"], alone["complete"], alone["links"]) == ("L1", True, [])
    assert alone["max_depth"] == genealogy.DEFAULT_DEPTH


async def test_every_genealogy_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        for _name, statement in Q.items():
            await conn.prepare(statement)
    finally:
        await conn.close()
