"""SAP BOMMAT IDocs applied with ``apply_bommat`` inside a transaction on the runtime role,
against a real database: the fixture is a BOMMAT05 as an S/4 system sends it."""

from __future__ import annotations

import copy
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from inventory import bom_repo, bommat
from inventory.boms_idoc import apply_bommat
from inventory.service.caller import Caller
from tests.inventory.conftest import MakeMaterial
from unison_pg import Database, Tenant
from unison_web import Conflict, Forbidden, Invalid, NotFound

FIXTURE = Path(__file__).with_name("fixtures") / "sap" / "bommat05-pump.xml"
Apply = Callable[..., Any]


def pump_idoc() -> ET.Element:
    return ET.parse(FIXTURE).getroot()  # noqa: S314 - our own fixture file


def segment(root: ET.Element, path: str) -> ET.Element:
    found = root.find(f"IDOC/E1STZUM/{path}")
    assert found is not None, path
    return found


def item_segment(root: ET.Element, posnr: str) -> ET.Element:
    for element in root.iterfind("IDOC/E1STZUM/E1STPOM"):
        if element.findtext("POSNR") == posnr:
            return element
    raise AssertionError(posnr)


def set_field(element: ET.Element, name: str, value: str) -> None:
    field = element.find(name)
    if field is None:
        field = ET.SubElement(element, name)
    field.text = value


@pytest.fixture
async def runtime_db(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("inventory"), max_size=2)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def pump_materials(make_material: MakeMaterial) -> dict[str, dict[str, Any]]:
    rows = [
        ("FG-PUMP-100", "finished", "PC"),
        ("SA-IMPELLER-100", "semi_finished", "PC"),
        ("KIT-SEAL-100", "semi_finished", "PC"),
        ("RM-SHAFT-STEEL", "raw", "KG"),
        ("CS-GREASE", "consumable", "L"),
        ("SCRAP-STEEL", "raw", "KG"),
    ]
    return {n: await make_material(number=n, type=t, base_unit=u) for n, t, u in rows}


@pytest.fixture
def caller(org_id: uuid.UUID, plants: list[uuid.UUID]) -> Caller:
    return Caller(tenant=Tenant(org_id, tuple(plants), "system:sap"))


@pytest.fixture
def apply(runtime_db: Database, caller: Caller, plants: list[uuid.UUID]) -> Apply:
    async def run(root: ET.Element, *, who: Caller | None = None) -> str:
        acting = who or caller
        async with runtime_db.transaction(acting.tenant) as conn:
            return await apply_bommat(conn, acting, root, plants={"A100": plants[0]})

    return run


async def boms_of(runtime_db: Database, caller: Caller, material: dict[str, Any]) -> list[Any]:
    async with runtime_db.transaction(caller.tenant, readonly=True) as conn:
        where = bom_repo.BomFilter(material_id=uuid.UUID(material["id"]))
        rows = await bom_repo.page(conn, where, None, 100)
        items = await bom_repo.items_of(conn, [r.id for r in rows])
    return [(row, items[row.id]) for row in rows]


async def test_a_bommat05_becomes_a_released_plant_bom(
    apply: Apply,
    runtime_db: Database,
    caller: Caller,
    pump_materials: dict[str, Any],
    plants: list[uuid.UUID],
) -> None:
    summary = await apply(pump_idoc())
    assert summary == (
        "BOMMAT 912377: BOM of FG-PUMP-100 plant A100 usage production alternative 01:"
        " released revision 1 from 2026-02-01 (5 items, 1 non-stock or text items skipped)"
    )
    ((bom, items),) = await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"])
    assert (bom.status, bom.plant_id, bom.usage, bom.alternative, bom.revision) == (
        "released",
        plants[0],
        "production",
        1,
        1,
    )
    assert (str(bom.valid_from), bom.valid_to, bom.base_quantity, bom.base_unit) == (
        "2026-02-01",
        None,
        Decimal(10),
        "PC",
    )
    assert (bom.description, bom.change_number) == (
        "Centrifugal pump 100 l/min, standard",
        "500000000214",
    )
    shown = [
        (i.item_number, i.component_number, i.category, i.phantom, i.quantity, i.unit)
        for i in items
    ]
    assert shown == [
        (10, "SA-IMPELLER-100", "stock", False, Decimal(10), "PC"),
        (20, "KIT-SEAL-100", "stock", True, Decimal(10), "PC"),
        (30, "RM-SHAFT-STEEL", "stock", False, Decimal("42.5"), "KG"),
        (40, "CS-GREASE", "stock", False, Decimal(750), "ML"),
        (60, "SCRAP-STEEL", "by_product", False, Decimal(4), "KG"),
    ]
    assert [i.scrap_percent for i in items] == [Decimal(2), 0, Decimal(3), 0, 0]
    # Items valid since before the header's change state go with the header; a later one
    # starts later.
    assert [str(i.valid_from) if i.valid_from else None for i in items] == [
        None,
        None,
        None,
        "2026-03-01",
        None,
    ]


async def test_the_same_idoc_twice_changes_nothing(
    apply: Apply, runtime_db: Database, caller: Caller, pump_materials: dict[str, Any]
) -> None:
    await apply(pump_idoc())
    before = await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"])
    resent = pump_idoc()
    set_field(segment(resent, "."), "MSGFN", "018")
    again = await apply(resent)
    assert again.endswith("unchanged (revision 1 valid from 2026-02-01 already says so)")
    assert await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"]) == before


async def test_a_new_change_state_is_a_new_revision_and_ends_the_old_one(
    apply: Apply, runtime_db: Database, caller: Caller, pump_materials: dict[str, Any]
) -> None:
    await apply(pump_idoc())
    changed = pump_idoc()
    set_field(segment(changed, "."), "MSGFN", "005")
    set_field(segment(changed, "E1STKOM"), "DATUV", "20260401")
    set_field(item_segment(changed, "0030"), "MENGE", "40.000")
    assert "released revision 2 from 2026-04-01" in await apply(changed)
    (first, first_items), (second, second_items) = await boms_of(
        runtime_db, caller, pump_materials["FG-PUMP-100"]
    )
    assert (str(first.valid_to), first.status) == ("2026-04-01", "released")
    assert first_items[2].quantity == Decimal("42.5")
    assert (second.revision, second_items[2].quantity) == (2, Decimal(40))
    # Resending the older state now changes nothing either: on its DATUV it is in force.
    assert "unchanged (revision 1" in await apply(pump_idoc())


async def test_a_replace_on_the_same_day_withdraws_the_version_it_replaces(
    apply: Apply, runtime_db: Database, caller: Caller, pump_materials: dict[str, Any]
) -> None:
    await apply(pump_idoc())
    replaced = pump_idoc()
    set_field(segment(replaced, "."), "MSGFN", "005")
    set_field(segment(replaced, "E1STKOM"), "BMENG", "20.000")
    assert "released revision 2 from 2026-02-01" in await apply(replaced)
    (first, _), (second, _) = await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"])
    assert (first.status, second.status, second.base_quantity) == (
        "obsolete",
        "released",
        Decimal(20),
    )


async def test_a_change_message_carries_only_the_items_that_change(
    apply: Apply, runtime_db: Database, caller: Caller, pump_materials: dict[str, Any]
) -> None:
    await apply(pump_idoc())
    change = pump_idoc()
    header = segment(change, ".")
    set_field(header, "MSGFN", "004")
    set_field(header, "DATUV", "20260501")
    header.remove(segment(change, "E1STKOM"))
    for element in list(header.iterfind("E1STPOM")):
        if element.findtext("POSNR") not in {"0030", "0040"}:
            header.remove(element)
    set_field(item_segment(change, "0030"), "MSGFN", "004")
    set_field(item_segment(change, "0030"), "MENGE", "45.000")
    set_field(item_segment(change, "0040"), "MSGFN", "003")
    assert "released revision 2 from 2026-05-01 (4 items)" in await apply(change)
    (_, _), (second, items) = await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"])
    assert [(i.item_number, i.quantity) for i in items] == [
        (10, Decimal(10)),
        (20, Decimal(10)),
        (30, Decimal(45)),
        (60, Decimal(4)),
    ]
    assert second.base_quantity == Decimal(10)  # no E1STKOM: the header stays
    assert "unchanged" in await apply(change)


async def test_a_delete_ends_the_bom_at_its_date_once(
    apply: Apply, runtime_db: Database, caller: Caller, pump_materials: dict[str, Any]
) -> None:
    await apply(pump_idoc())
    delete = pump_idoc()
    set_field(segment(delete, "."), "MSGFN", "003")
    set_field(segment(delete, "E1STKOM"), "DATUV", "20260901")
    assert "deleted from 2026-09-01 (revisions 1" in await apply(delete)
    ((bom, _),) = await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"])
    assert (bom.status, str(bom.valid_to)) == ("released", "2026-09-01")
    assert "already deleted" in await apply(delete)


async def test_business_errors_name_what_is_wrong_and_write_nothing(
    apply: Apply,
    runtime_db: Database,
    caller: Caller,
    pump_materials: dict[str, Any],
    org_id: uuid.UUID,
    plants: list[uuid.UUID],
) -> None:
    unknown = pump_idoc()
    set_field(item_segment(unknown, "0030"), "IDNRK", "RM-UNOBTAINIUM")
    with pytest.raises(NotFound, match=r"material RM-UNOBTAINIUM \(IDNRK of item 0030\)"):
        await apply(unknown)

    bad_unit = pump_idoc()
    set_field(item_segment(bad_unit, "0030"), "MEINS", "MTR")
    with pytest.raises(Invalid, match=r"item 0030: RM-SHAFT-STEEL: unit M \(length\)"):
        await apply(bad_unit)

    other_plant = pump_idoc()
    set_field(segment(other_plant, "E1MASTM"), "WERKS", "B200")
    with pytest.raises(Invalid, match="SAP plant B200"):
        await apply(other_plant)

    not_mine = Caller(tenant=Tenant(org_id, (plants[1],), "system:sap"))
    with pytest.raises(Forbidden, match="plant A100"):
        await apply(pump_idoc(), who=not_mine)

    wrong_type = pump_idoc()
    set_field(wrong_type.find("IDOC/EDI_DC40"), "MESTYP", "MATMAS")  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="not BOMMAT"):
        await apply(wrong_type)
    assert await boms_of(runtime_db, caller, pump_materials["FG-PUMP-100"]) == []


async def test_a_cycle_sent_by_sap_is_refused_naming_the_path(
    apply: Apply, pump_materials: dict[str, Any]
) -> None:
    await apply(pump_idoc())
    loop = pump_idoc()
    set_field(segment(loop, "E1MASTM"), "MATNR", "SA-IMPELLER-100")
    set_field(segment(loop, "E1MASTM"), "MATNR_LONG", "SA-IMPELLER-100")
    header = segment(loop, ".")
    for element in list(header.iterfind("E1STPOM")):
        if element.findtext("POSNR") != "0010":
            header.remove(element)
    set_field(item_segment(loop, "0010"), "IDNRK", "FG-PUMP-100")
    set_field(item_segment(loop, "0010"), "IDNRK_LONG", "FG-PUMP-100")
    with pytest.raises(Conflict, match="SA-IMPELLER-100 → FG-PUMP-100 → SA-IMPELLER-100"):
        await apply(loop)


def test_sap_units_and_numbers_are_read_as_sap_writes_them() -> None:
    assert [bommat.unit_code(c) for c in ("KGM", "kg", "ST", "PCE", "MTR", "LTR", "MLT")] == [
        "KG",
        "KG",
        "PC",
        "PC",
        "M",
        "L",
        "ML",
    ]
    assert bommat.unit_code("BOX") == "BOX"  # not mapped: tried as it is
    root = copy.deepcopy(pump_idoc())
    parsed = bommat.parse(root)
    by_number = {i.item_number: i for i in parsed.items}
    assert by_number[60].quantity == Decimal(-4)  # "4.000-": SAP puts the sign behind
    assert by_number[20].phantom and by_number[50].category == "T"
    assert parsed.docnum == "912377" and parsed.base_quantity == Decimal(10)
