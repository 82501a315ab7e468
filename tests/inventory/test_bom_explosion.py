"""BOM explosion: quantities compounded with scrap through every level, phantoms passed
through, by-products apart, the version valid on the date, the plant's own BOM first."""

from __future__ import annotations

from typing import Any

import pytest

from tests.inventory.bom_support import Client, explode, flatten, item, released, save_bom
from tests.inventory.conftest import Headers, MakeMaterial


@pytest.fixture
async def three_levels(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> dict[str, Any]:
    """FG (per 10 PC) uses 20 SA +10 % scrap; SA (per 4 PC) uses 3 SUB +5 %; SUB (per 1 PC)
    uses 250 G of steel (base unit KG) +2 %."""
    fg = await make_material(number="FG-100", type="finished")
    sa = await make_material(number="SA-200", type="semi_finished")
    sub = await make_material(number="SUB-300", type="semi_finished")
    steel = await make_material(number="RM-STEEL", base_unit="KG")
    await released(
        client,
        auth,
        sub,
        [item(10, steel, "250", unit="G", scrap_percent="2")],
        valid_from="2026-01-01",
    )
    await released(
        client,
        auth,
        sa,
        [item(10, sub, "3", scrap_percent="5", operation="0020")],
        base_quantity="4",
        valid_from="2026-01-01",
    )
    await released(
        client,
        auth,
        fg,
        [item(10, sa, "20", scrap_percent="10", operation="0010")],
        base_quantity="10",
        valid_from="2026-01-01",
    )
    return {"fg": fg, "sa": sa, "sub": sub, "steel": steel}


async def test_scrap_compounds_through_three_levels_as_computed_by_hand(
    client: Client, auth: Headers, three_levels: dict[str, Any]
) -> None:
    result = await explode(client, auth, three_levels["fg"], quantity="25", date="2026-06-01")
    nodes = flatten(result["items"])
    # 25 FG / 10 * 20 SA * 1.10 = 55 SA
    assert nodes["10"]["quantity"] == "55"
    assert nodes["10"]["operation"] == "0010"
    # 55 SA / 4 * 3 SUB * 1.05 = 43.3125 SUB
    assert nodes["10/10"]["quantity"] == "43.3125"
    assert nodes["10/10"]["operation"] == "0020"
    # 43.3125 SUB / 1 * 0.25 KG * 1.02 = 11.0446875 KG, entered as 11044.6875 G
    steel = nodes["10/10/10"]
    assert (steel["quantity"], steel["unit"]) == ("11.0446875", "KG")
    assert (steel["entry_quantity"], steel["entry_unit"]) == ("11044.6875", "G")
    assert [n["level"] for n in nodes.values()] == [1, 2, 3]
    assert nodes["10"]["assembly"] and nodes["10/10"]["assembly"]
    assert not steel["assembly"] and steel["children"] == []
    assert (result["quantity"], result["unit"], result["material_number"]) == ("25", "PC", "FG-100")


async def test_quantities_stay_exact_until_the_end(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    # 21 / 3 * 1 = 7, then 7 / 7 * 1 = 1: exact only if nothing is divided (and rounded)
    # before the last step.
    top = await make_material(number="EXACT-TOP")
    middle = await make_material(number="EXACT-MID")
    leaf = await make_material(number="EXACT-LEAF")
    await released(client, auth, middle, [item(10, leaf, "1")], base_quantity="7")
    await released(client, auth, top, [item(10, middle, "1")], base_quantity="3")
    result = await explode(client, auth, top, quantity="21")
    assert flatten(result["items"])["10/10"]["quantity"] == "1"
    one = await explode(client, auth, top, quantity="1")
    # 1/3 does not end: rounded half-even to 9 places only when shown.
    assert flatten(one["items"])["10"]["quantity"] == "0.333333333"
    assert flatten(one["items"])["10/10"]["quantity"] == "0.047619048"


async def test_phantom_assemblies_are_exploded_through_and_never_issued(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    pump = await make_material(number="PUMP-1", type="finished")
    kit = await make_material(number="KIT-SEAL", type="semi_finished")
    ring = await make_material(number="O-RING")
    screw = await make_material(number="SCREW-M6")
    await released(client, auth, kit, [item(10, ring, "2"), item(20, screw, "4")])
    await released(client, auth, pump, [item(10, kit, "1", phantom=True), item(20, screw, "8")])
    tree = flatten((await explode(client, auth, pump, quantity="3"))["items"])
    assert tree["10"]["phantom"] and tree["10"]["quantity"] == "3"
    assert tree["10/10"]["component_number"] == "O-RING" and tree["10/10"]["quantity"] == "6"
    summary = await explode(client, auth, pump, summary=True, quantity="3")
    totals = {line["component_number"]: line["quantity"] for line in summary["components"]}
    # The kit is not issued; its screws add to the pump's own.
    assert totals == {"O-RING": "6", "SCREW-M6": "36"}
    screws = next(c for c in summary["components"] if c["component_number"] == "SCREW-M6")
    assert (screws["occurrences"], screws["level"]) == (2, 1)
    # What one order for the pump issues: through the phantom, but no deeper.
    order = await explode(client, auth, pump, summary=True, quantity="3", scope="order")
    assert {c["component_number"] for c in order["components"]} == {"O-RING", "SCREW-M6"}


async def test_a_phantom_without_a_valid_bom_is_listed_as_a_component_with_a_warning(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    top = await make_material(number="PH-TOP")
    lonely = await make_material(number="PH-LONELY")
    await released(client, auth, top, [item(10, lonely, "2", phantom=True)])
    summary = await explode(client, auth, top, summary=True)
    assert [c["component_number"] for c in summary["components"]] == ["PH-LONELY"]
    assert "PH-LONELY" in summary["warnings"][0]


async def test_by_products_are_reported_apart_scaled_like_components(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    casting = await make_material(number="CAST-1", type="semi_finished")
    iron = await make_material(number="PIG-IRON", base_unit="KG")
    slag = await make_material(number="SLAG", base_unit="KG")
    await released(
        client,
        auth,
        casting,
        [item(10, iron, "12", scrap_percent="5"), item(20, slag, "1.5", category="by_product")],
        base_quantity="2",
    )
    result = await explode(client, auth, casting, quantity="10")
    assert [n["component_number"] for n in result["items"]] == ["PIG-IRON"]
    assert result["items"][0]["quantity"] == "63"  # 10 / 2 * 12 * 1.05
    (by_product,) = result["by_products"]
    assert (by_product["component_number"], by_product["quantity"]) == ("SLAG", "7.5")
    summary = await explode(client, auth, casting, summary=True, quantity="10")
    assert [c["component_number"] for c in summary["components"]] == ["PIG-IRON"]
    assert [(b["component_number"], b["quantity"]) for b in summary["by_products"]] == [
        ("SLAG", "7.5")
    ]


async def test_the_version_valid_on_the_date_is_exploded(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    valve = await make_material(number="VALVE-1", type="finished")
    old_seal = await make_material(number="SEAL-OLD")
    new_seal = await make_material(number="SEAL-NEW")
    gasket = await make_material(number="GASKET")
    first = await released(client, auth, valve, [item(10, old_seal, "1")], valid_from="2026-01-01")
    second = await released(
        client,
        auth,
        valve,
        [
            item(10, new_seal, "1"),
            # An item with its own validity inside the version.
            item(20, gasket, "2", valid_from="2026-09-01"),
        ],
        valid_from="2026-07-01",
    )
    assert second["revision"] == first["revision"] + 1

    async def components(on: str) -> list[str]:
        result = await explode(client, auth, valve, date=on)
        return [n["component_number"] for n in result["items"]]

    assert await components("2026-06-30") == ["SEAL-OLD"]
    assert await components("2026-07-01") == ["SEAL-NEW"]
    assert await components("2026-09-01") == ["SEAL-NEW", "GASKET"]
    missing = await client.get(
        f"/api/inventory/materials/{valve['id']}/bom-explosion",
        params={"date": "2025-12-31"},
        headers=auth(),
    )
    assert missing.status_code == 404
    older = await client.get(f"/api/inventory/boms/{first['id']}", headers=auth())
    assert older.json()["valid_to"] == "2026-07-01"


async def test_a_plants_own_bom_wins_over_the_bom_for_all_plants(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[Any]
) -> None:
    motor = await make_material(number="MOTOR-1")
    copper = await make_material(number="COPPER", base_unit="KG")
    aluminium = await make_material(number="ALU", base_unit="KG")
    await released(client, auth, motor, [item(10, copper, "2")])
    await released(client, auth, motor, [item(10, aluminium, "3")], plant_id=str(plants[1]))

    async def used(**params: Any) -> list[str]:
        result = await explode(client, auth, motor, **params)
        return [n["component_number"] for n in result["items"]]

    assert await used() == ["COPPER"]
    assert await used(plant_id=str(plants[0])) == ["COPPER"]
    assert await used(plant_id=str(plants[1])) == ["ALU"]


async def test_alternatives_the_lowest_by_default_or_the_one_asked_for(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    frame = await make_material(number="FRAME-1")
    welded = await make_material(number="TUBE")
    cast = await make_material(number="CAST-FRAME")
    await released(client, auth, frame, [item(10, welded, "4")], alternative=1)
    await released(client, auth, frame, [item(10, cast, "1")], alternative=2)
    default = await explode(client, auth, frame)
    assert (default["alternative"], default["items"][0]["component_number"]) == (1, "TUBE")
    second = await explode(client, auth, frame, alternative=2)
    assert (second["alternative"], second["items"][0]["component_number"]) == (2, "CAST-FRAME")


async def test_quantity_may_be_asked_in_an_alternative_unit(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    bolt_set = await make_material(number="BOLT-SET")
    bolt = await make_material(number="BOLT")
    response = await client.put(
        f"/api/inventory/materials/{bolt_set['id']}/units/BOX",
        json={"numerator": "50"},
        headers=auth(),
    )
    assert response.status_code == 200, response.text
    await released(client, auth, bolt_set, [item(10, bolt, "1", unit="DZ")])
    result = await explode(client, auth, bolt_set, quantity="2", unit="BOX")
    assert (result["quantity"], result["unit"]) == ("100", "PC")
    node = result["items"][0]
    assert (node["quantity"], node["unit"], node["entry_quantity"], node["entry_unit"]) == (
        "1200",
        "PC",
        "100",
        "DZ",
    )


async def test_a_structure_deeper_than_max_depth_is_refused_naming_the_path(
    client: Client, auth: Headers, three_levels: dict[str, Any]
) -> None:
    response = await client.get(
        f"/api/inventory/materials/{three_levels['fg']['id']}/bom-explosion",
        params={"max_depth": 2, "date": "2026-06-01"},
        headers=auth(),
    )
    assert response.status_code == 422
    problem = response.json()
    assert "FG-100 → SA-200 → SUB-300 → RM-STEEL" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "/max_depth"
    deep_enough = await explode(client, auth, three_levels["fg"], max_depth=3, date="2026-06-01")
    assert len(flatten(deep_enough["items"])) == 3


async def test_a_draft_is_never_exploded(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    top = await make_material(number="DRAFT-ONLY")
    leaf = await make_material(number="DRAFT-LEAF")
    await save_bom(client, auth, top, [item(10, leaf, "1")])
    response = await client.get(
        f"/api/inventory/materials/{top['id']}/bom-explosion", headers=auth()
    )
    assert response.status_code == 404
    assert "no released production BOM" in response.json()["detail"]
