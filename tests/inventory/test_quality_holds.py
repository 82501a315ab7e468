"""Quality's lot holds and the usage decisions that lift them, as the worker handles them:
a held lot cannot be issued until it is accepted, a rejected one is blocked, a partial
acceptance blocks the rejected quantity where the lot lies; refusals are recorded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from tests.inventory.conftest import MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.production_support import Heard
from tests.inventory.quality_support import FAILED, LOT_CHANGED, MOVED, POSTED, Quality
from unison_events.quality import InspectionDecided


async def lot_managed(make_material: MakeMaterial, number: str) -> dict[str, Any]:
    return await make_material(number=number, lot_managed=True)


async def test_a_held_lot_cannot_be_issued_until_the_usage_decision_accepts_it(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, quality_heard: Heard
) -> None:
    bearing = await lot_managed(make_material, "BRG-H1")
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bearing, "WH1", "10", lot="L-1"), reference="PO-1")

    await quality.handle(quality.hold(bearing, "L-1", reason="incoming inspection"))
    lot = await quality.lot(bearing, "L-1")
    assert (lot["status"], lot["status_reason"]) == (
        "quarantine",
        "inspection IL-1: incoming inspection",
    )
    assert (await ledger.availability(bearing))["blocked"] == 10
    refused = await ledger.post(
        "261", ledger.line(bearing, "WH1", "2", lot="L-1"), reference="WO-1", expect=409
    )
    problem = refused.json()
    assert problem["detail"] == "lot L-1 of material BRG-H1 is in quarantine: it cannot be issued"
    assert problem["errors"][0]["pointer"] == "/lines/0/lot"

    decision = quality.decided(bearing, "L-1", "accepted", accepted="10")
    await quality.handle(decision)
    assert (await quality.lot(bearing, "L-1"))["status"] == "released"
    await ledger.post("261", ledger.line(bearing, "WH1", "2", lot="L-1"), reference="WO-1")
    assert await ledger.on_hand(bearing, "WH1") == 8

    changes = await quality_heard.events(LOT_CHANGED)
    assert [(e["lot"], e["previous"], e["status"]) for e in changes] == [
        ("L-1", "released", "quarantine"),
        ("L-1", "quarantine", "released"),
    ]
    assert changes[0]["reason"] == "inspection IL-1: incoming inspection"
    assert changes[1]["reason"] == "usage decision IL-1: accepted"
    posting = await quality.posting(decision.inspection_id)
    assert (posting["kind"], posting["action"], posting["status"]) == (
        "usage_decision",
        "accepted",
        "posted",
    )
    assert posting["movement_ids"] == []
    # A usage decision is no NCR: quality hears the lot's status, not a quality posting.
    assert await quality_heard.events(POSTED) == []


async def test_a_hold_arriving_before_the_lot_creates_it_held_and_the_same_hold_twice_is_one(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, quality_heard: Heard
) -> None:
    bearing = await lot_managed(make_material, "BRG-H2")
    await ledger.location("WH1")
    hold = quality.hold(bearing, "L-EARLY")
    await quality.handle(hold)
    await quality.handle(quality.hold(bearing, "L-EARLY", inspection_id=hold.inspection_id))

    assert (await quality.lot(bearing, "L-EARLY"))["status"] == "quarantine"
    [created] = await quality_heard.events(LOT_CHANGED)
    assert (created["previous"], created["status"]) == (None, "quarantine")
    # The receipt that follows arrives held.
    await ledger.post("101", ledger.line(bearing, "WH1", "4", lot="L-EARLY"), reference="PO-2")
    assert (await quality.lot(bearing, "L-EARLY"))["status"] == "quarantine"
    assert (await ledger.availability(bearing))["unrestricted"] == 0


async def test_a_hold_never_loosens_a_blocked_lot(
    quality: Quality, make_material: MakeMaterial, quality_heard: Heard, client: Any, auth: Any
) -> None:
    bearing = await lot_managed(make_material, "BRG-H3")
    created = await client.post(
        f"/api/inventory/materials/{bearing['id']}/lots",
        json={"lot": "L-BAD", "status": "blocked", "status_reason": "rejected last week"},
        headers=auth(),
    )
    assert created.status_code == 201, created.text
    await quality.handle(quality.hold(bearing, "L-BAD"))
    lot = await quality.lot(bearing, "L-BAD")
    assert (lot["status"], lot["status_reason"]) == ("blocked", "rejected last week")
    assert len(await quality_heard.events(LOT_CHANGED)) == 1  # the creation only


async def test_a_hold_naming_a_material_inventory_does_not_know_goes_to_the_dead_letters(
    quality: Quality, make_material: MakeMaterial
) -> None:
    bearing = await lot_managed(make_material, "BRG-H4")
    unknown = {**bearing, "id": "00000000-0000-7000-8000-000000000001"}
    with pytest.raises(LookupError, match="does not exist: lot L-1 is not held"):
        await quality.handle(quality.hold(unknown, "L-1"))


async def test_a_rejected_lot_is_blocked_and_stays_out_of_reach(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial
) -> None:
    bearing = await lot_managed(make_material, "BRG-H5")
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bearing, "WH1", "6", lot="L-5"), reference="PO-5")
    await quality.handle(quality.hold(bearing, "L-5"))
    await quality.handle(quality.decided(bearing, "L-5", "rejected", rejected="6"))

    lot = await quality.lot(bearing, "L-5")
    assert (lot["status"], lot["status_reason"]) == ("blocked", "usage decision IL-1: rejected")
    await ledger.post(
        "601", ledger.line(bearing, "WH1", "1", lot="L-5"), reference="SO-5", expect=409
    )
    assert (await ledger.availability(bearing))["blocked"] == 6


async def test_a_partial_acceptance_releases_the_lot_and_blocks_the_rejected_part_where_it_lies(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    quality_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    bearing = await lot_managed(make_material, "BRG-H6")
    first = await ledger.location("WH1")
    second = await ledger.location("WH2")
    await ledger.post("101", ledger.line(bearing, "WH1", "4", lot="L-6"), reference="PO-6")
    await ledger.post("101", ledger.line(bearing, "WH2", "6", lot="L-6"), reference="PO-6")
    await quality.handle(quality.hold(bearing, "L-6", inspection_number="IL-6"))
    decision = quality.decided(
        bearing, "L-6", "partially_accepted", "3", "7", inspection_number="IL-6"
    )
    await quality.handle(decision)

    assert (await quality.lot(bearing, "L-6"))["status"] == "released"
    availability = await ledger.availability(bearing)
    assert (availability["unrestricted"], availability["blocked"]) == (Decimal(3), Decimal(7))
    blocked = await ledger.stock(bearing, category="blocked")
    assert {(r["location_id"], Decimal(r["quantity"])) for r in blocked} == {
        (second, Decimal(6)),  # the larger stock first
        (first, Decimal(1)),
    }
    [document] = await quality.movements("IL-6", admin_conn)
    assert document["movement_type"] == "344"
    posting = await quality.posting(decision.inspection_id)
    assert (posting["status"], posting["movement_ids"]) == ("posted", [str(document["id"])])
    [moved] = [e for e in await quality_heard.events(MOVED) if e["reference"] == "IL-6"]
    assert [(x["category"], x["quantity"]) for x in moved["lines"]] == [
        ("unrestricted", "-6"),
        ("blocked", "6"),
        ("unrestricted", "-1"),
        ("blocked", "1"),
    ]

    # The same decision again (quality sent it twice) blocks nothing more.
    again = quality.decided(
        bearing,
        "L-6",
        "partially_accepted",
        "3",
        "7",
        inspection_id=decision.inspection_id,
        inspection_number="IL-6",
    )
    await quality.handle(again)
    assert (await ledger.availability(bearing))["blocked"] == 7
    assert len(await quality.movements("IL-6", admin_conn)) == 1


async def test_a_partial_acceptance_without_the_stock_is_recorded_failed_and_the_lot_stays_held(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    quality_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    bearing = await lot_managed(make_material, "BRG-H7")
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bearing, "WH1", "5", lot="L-7"), reference="PO-7")
    await quality.handle(quality.hold(bearing, "L-7"))
    decision = quality.decided(
        bearing, "L-7", "partially_accepted", "2", "8", inspection_number="IL-7"
    )
    await quality.handle(decision)  # handled, not failed: the refusal is recorded

    posting = await quality.posting(decision.inspection_id)
    assert (posting["status"], posting["pointer"], posting["attempts"]) == (
        "failed",
        "/rejected_quantity",
        1,
    )
    assert posting["error"] == (
        "not enough stock of lot L-7 of BRG-H7 to block the rejected quantity:"
        " unrestricted 5 PC in the plant, rejected 8 PC"
    )
    assert (await quality.lot(bearing, "L-7"))["status"] == "quarantine"
    assert await quality.movements("IL-7", admin_conn) == []
    assert len(await quality_heard.events(LOT_CHANGED)) == 1  # the hold only
    assert await quality_heard.events(FAILED) == []  # the contract names an NCR

    await ledger.post("101", ledger.line(bearing, "WH1", "3", lot="L-7"), reference="PO-7")
    retried = await quality.client.post(
        f"/api/inventory/quality-postings/{decision.inspection_id}/retry", headers=quality.auth()
    )
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["attempts"]) == ("posted", 2)
    assert (await quality.lot(bearing, "L-7"))["status"] == "released"
    assert (await ledger.availability(bearing))["blocked"] == 8


async def test_a_decision_that_lifts_no_hold_or_names_no_lot_is_none_of_inventorys_business(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, count_rows: Any
) -> None:
    bearing = await lot_managed(make_material, "BRG-H8")
    await quality.handle(quality.hold(bearing, "L-8"))
    await quality.handle(quality.decided(bearing, "L-8", "accepted", lifts_hold=False))
    await quality.handle(quality.decided(bearing, None, "rejected"))
    assert (await quality.lot(bearing, "L-8"))["status"] == "quarantine"
    assert await count_rows("quality_postings") == 0


async def test_a_decision_on_an_unknown_lot_or_with_an_unknown_verdict_is_recorded_failed(
    quality: Quality, make_material: MakeMaterial
) -> None:
    bearing = await lot_managed(make_material, "BRG-H9")
    cases = {
        "/lot": quality.decided(bearing, "NO-SUCH", "accepted"),
        "/decision": quality.decided(bearing, "NO-SUCH", "maybe"),
    }
    for pointer, decision in cases.items():
        await quality.handle(decision)
        posting = await quality.posting(decision.inspection_id)
        assert (posting["status"], posting["pointer"]) == ("failed", pointer), posting


async def test_a_decision_lifting_a_hold_without_a_plant_goes_to_the_dead_letters(
    quality: Quality, make_material: MakeMaterial
) -> None:
    bearing = await lot_managed(make_material, "BRG-H10")
    decision: InspectionDecided = quality.decided(bearing, "L-10", "accepted", plant_id=None)
    with pytest.raises(ValueError, match="names no plant"):
        await quality.handle(decision)
