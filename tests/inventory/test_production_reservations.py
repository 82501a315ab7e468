"""A released work order reserves its components; releasing it again adjusts, cancelling
or closing it releases what is still reserved. The worker's handlers, called as the
consumer calls them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.inventory.conftest import MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger
from tests.inventory.production_support import Production, component, line


def by_material(reservations: list[dict[str, Any]]) -> dict[str, list[tuple[str, str, str]]]:
    """material id -> (status, quantity, withdrawn) of its reservations, oldest first."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for r in reservations:
        found.setdefault(r["material_id"], []).append((r["status"], r["quantity"], r["withdrawn"]))
    return found


async def test_a_released_order_reserves_its_components_as_one_reservation_of_its_number(
    production: Production, ledger: Ledger, make_material: MakeMaterial
) -> None:
    casing = await make_material(number="CASING-1")
    impeller = await make_material(number="IMPELLER-1")
    scrap_metal = await make_material(number="SCRAP-1", base_unit="KG")
    store = await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "30"))
    released = production.released(
        "WO-1001",
        component(casing, "20", 1, location_id=store),
        component(impeller, "5", 2, lot="IMP-7"),
        component(scrap_metal, "2", 3, by_product=True),
        on=TODAY + timedelta(days=3),
    )
    await production.handle(released)

    reservations = await production.reservations("WO-1001")
    assert {
        (r["material_id"], r["quantity"], r["location_id"], r["lot"]) for r in reservations
    } == {
        (casing["id"], "20", store, None),
        (impeller["id"], "5", None, "IMP-7"),
    }  # the by-product is received, not reserved
    assert {r["requirement_date"] for r in reservations} == {
        (TODAY + timedelta(days=3)).isoformat()
    }
    assert {r["plant_id"] for r in reservations} == {str(production.plant_id)}
    casing_now = await ledger.availability(casing)
    assert (casing_now["reserved"], casing_now["available"]) == (Decimal(20), Decimal(10))
    # Nothing of the impeller on hand: a shortage is still a requirement.
    impeller_now = await ledger.availability(impeller)
    assert (impeller_now["reserved"], impeller_now["available"]) == (Decimal(5), Decimal(-5))


async def test_a_component_in_another_unit_is_reserved_in_the_base_unit(
    production: Production, make_material: MakeMaterial
) -> None:
    paint = await make_material(number="PAINT-1", base_unit="KG")
    await production.handle(production.released("WO-1002", component(paint, "1500", unit="G")))
    [reservation] = await production.reservations("WO-1002")
    assert (Decimal(reservation["quantity"]), reservation["unit"]) == (Decimal("1.5"), "KG")


async def test_releasing_an_order_again_adjusts_its_reservation_instead_of_doubling_it(
    production: Production, ledger: Ledger, make_material: MakeMaterial
) -> None:
    casing = await make_material(number="CASING-2")
    shaft = await make_material(number="SHAFT-2")
    seal = await make_material(number="SEAL-2")
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "50"))
    first = production.released(
        "WO-2001", component(casing, "10", 1), component(shaft, "4", 2), component(seal, "1", 3)
    )
    await production.handle(first)
    [casing_reservation] = [
        r for r in await production.reservations("WO-2001") if r["material_id"] == casing["id"]
    ]
    await ledger.post(
        "261",
        ledger.line(casing, "WH1", "4", reservation_id=casing_reservation["id"]),
        reference="WO-2001",
    )

    # Reopened, released again: the casing still needs 10 in all (4 of them taken), the
    # shaft needs 6 now, the seal is no longer a component.
    again = production.released("WO-2001", component(casing, "10", 1), component(shaft, "6", 2))
    await production.handle(again)
    await production.handle(again)  # the same release twice changes nothing more
    now = by_material(await production.reservations("WO-2001"))
    assert now == {
        casing["id"]: [("open", "10", "4")],  # the same reservation, still 6 to withdraw
        shaft["id"]: [("open", "6", "0")],
        seal["id"]: [("cancelled", "1", "0")],
    }
    assert (await ledger.availability(casing))["reserved"] == 6
    assert (await ledger.availability(shaft))["reserved"] == 6
    assert (await ledger.availability(seal))["reserved"] == 0

    # Less than was withdrawn already: the reservation is done with what it took.
    smaller = production.released("WO-2001", component(casing, "3", 1), component(shaft, "6", 2))
    await production.handle(smaller)
    now = by_material(await production.reservations("WO-2001"))
    assert now[casing["id"]] == [("closed", "4", "4")]
    assert (await ledger.availability(casing))["reserved"] == 0


async def test_a_cancelled_order_releases_what_is_still_reserved_and_keeps_what_was_withdrawn(
    production: Production, ledger: Ledger, make_material: MakeMaterial
) -> None:
    casing = await make_material(number="CASING-3")
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "20"))
    await production.handle(production.released("WO-3001", component(casing, "10")))
    [reservation] = await production.reservations("WO-3001")
    await ledger.post(
        "261",
        ledger.line(casing, "WH1", "3", reservation_id=reservation["id"]),
        reference="WO-3001",
    )

    await production.handle(production.status_changed("WO-3001", "in_progress", "released"))
    assert (await production.reservations("WO-3001"))[0]["status"] == "open"
    await production.handle(production.status_changed("WO-3001", "cancelled", "in_progress"))

    [cancelled] = await production.reservations("WO-3001")
    assert (cancelled["status"], cancelled["withdrawn"], cancelled["open_quantity"]) == (
        "cancelled",
        "3",
        "0",
    )
    assert await ledger.availability(casing) == {
        "on_hand": 17,
        "unrestricted": 17,
        "quality": 0,
        "blocked": 0,
        "reserved": 0,
        "available": 17,
    }


async def test_a_closed_order_closes_its_open_reservations(
    production: Production, ledger: Ledger, make_material: MakeMaterial
) -> None:
    casing = await make_material(number="CASING-4")
    shaft = await make_material(number="SHAFT-4")
    await production.handle(
        production.released("WO-4001", component(casing, "10", 1), component(shaft, "2", 2))
    )
    await production.handle(production.status_changed("WO-4001", "closed", "completed"))
    reservations = await production.reservations("WO-4001")
    assert {r["status"] for r in reservations} == {"closed"}
    assert (await ledger.availability(casing))["reserved"] == 0
    # Another order's reservation of the same material is not touched.
    await production.handle(production.released("WO-4002", component(casing, "1")))
    await production.handle(production.status_changed("WO-4001", "closed", "completed"))
    assert [r["status"] for r in await production.reservations("WO-4002")] == ["open"]


async def test_a_backflush_withdraws_from_the_orders_reservation(
    production: Production, ledger: Ledger, make_material: MakeMaterial
) -> None:
    casing = await make_material(number="CASING-5")
    store = await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "20"))
    await production.handle(production.released("WO-5001", component(casing, "10")))
    request = production.requested("WO-5001", consumption=(line(casing, "4", store),))
    await production.handle(request)
    [reservation] = await production.reservations("WO-5001")
    assert (reservation["withdrawn"], reservation["open_quantity"]) == ("4", "6")
    assert (await ledger.availability(casing))["reserved"] == 6
