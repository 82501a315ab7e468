"""NCR dispositions carried out by the worker: use as is (released, 343), scrap (551),
return to the supplier (122, reversed by 123), rework and sort (kept held); each as one
transaction answered to quality; a refusal recorded and told, nothing of it written; the
same request twice carried out once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg

from inventory.quality.repo import Q as QUALITY_QUERIES
from tests.inventory.conftest import MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.production_support import Heard
from tests.inventory.quality_support import FAILED, LOT_CHANGED, POSTED, Quality


async def stocked(
    ledger: Ledger, make_material: MakeMaterial, number: str, *stock: tuple[str, str, str]
) -> dict[str, Any]:
    """A lot-managed material received as (location, lot, quantity) at 10 a piece."""
    material = await make_material(number=number, lot_managed=True)
    for code, lot, quantity in stock:
        if code not in ledger.locations:
            await ledger.location(code)
        line = ledger.line(material, code, quantity, lot=lot, price="10")
        await ledger.post("101", line, reference="PO-1")
    return material


async def test_scrap_takes_blocked_stock_first_then_the_largest_unrestricted_and_is_in_the_ledger(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, quality_heard: Heard
) -> None:
    bearing = await stocked(
        ledger, make_material, "BRG-D1", ("WH1", "L-1", "5"), ("WH2", "L-1", "3")
    )
    await ledger.post("344", ledger.line(bearing, "WH2", "2", lot="L-1"), reference="IL-1")
    request = quality.disposition(bearing, "scrap", ("L-1", "4"), reference="NCR-D1")
    await quality.handle(request)

    [posted] = await quality_heard.events(POSTED)
    assert (posted["request_id"], posted["ncr_id"], posted["reference"]) == (
        str(request.request_id),
        str(request.ncr_id),
        "NCR-D1",
    )
    [movement_id] = posted["movement_ids"]
    document = await ledger.movement(movement_id)
    assert (document["movement_type"], document["reference"]) == ("551", "NCR-D1")
    assert [
        (x["location_id"], x["category"], x["lot"], Decimal(x["quantity"]), Decimal(x["value"]))
        for x in document["lines"]
    ] == [
        (ledger.locations["WH2"], "blocked", "L-1", Decimal(-2), Decimal(-20)),
        (ledger.locations["WH1"], "unrestricted", "L-1", Decimal(-2), Decimal(-20)),
    ]
    assert await ledger.on_hand(bearing, "WH1") == 3
    assert await ledger.on_hand(bearing, "WH2") == 1
    posting = await quality.posting(request.request_id)
    assert (posting["kind"], posting["action"], posting["status"]) == (
        "ncr_disposition",
        "scrap",
        "posted",
    )
    assert posting["movement_ids"] == [movement_id]


async def test_return_to_supplier_posts_122_at_the_moving_average_and_123_reverses_it(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, quality_heard: Heard
) -> None:
    bearing = await stocked(ledger, make_material, "BRG-D2", ("WH1", "L-2", "10"))
    await quality.handle(quality.hold(bearing, "L-2"))
    request = quality.disposition(
        bearing, "return_to_supplier", ("L-2", "3"), reference="NCR-D2", supplier="ACME Steel"
    )
    await quality.handle(request)

    [posted] = await quality_heard.events(POSTED)
    returned = await ledger.movement(posted["movement_ids"][0])
    assert returned["movement_type"] == "122"
    [line] = returned["lines"]
    assert (line["category"], Decimal(line["quantity"]), Decimal(line["value"])) == (
        "unrestricted",
        Decimal(-3),
        Decimal(-30),
    )
    assert line["valuation"] == "average"
    valuation = await ledger.valuation(bearing)
    assert (valuation["quantity"], valuation["value"]) == (Decimal(7), Decimal(70))
    # A held lot goes back too: the return is what a rejected lot is for.
    assert (await quality.lot(bearing, "L-2"))["status"] == "quarantine"

    reversal = (await ledger.reverse(returned["id"])).json()
    assert (reversal["movement_type"], reversal["reversal_of"]) == ("123", returned["id"])
    assert await ledger.on_hand(bearing, "WH1") == 10
    # A return by hand, from blocked stock.
    await ledger.post("344", ledger.line(bearing, "WH1", "1", lot="L-2"), reference="IL-2")
    await ledger.post(
        "122", ledger.line(bearing, "WH1", "1", lot="L-2", category="blocked"), reference="RT-1"
    )
    assert (await ledger.availability(bearing))["on_hand"] == 9


async def test_use_as_is_releases_the_lots_and_moves_their_blocked_stock_back(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, quality_heard: Heard
) -> None:
    bearing = await stocked(
        ledger, make_material, "BRG-D3", ("WH1", "L-3", "10"), ("WH1", "L-4", "6")
    )
    for lot in ("L-3", "L-4"):
        await quality.handle(quality.hold(bearing, lot))
    await ledger.post("344", ledger.line(bearing, "WH1", "2", lot="L-3"), reference="IL-3")
    request = quality.disposition(
        bearing, "use_as_is", ("L-3", "5"), ("L-4", "1"), reference="NCR-D3"
    )
    await quality.handle(request)

    for lot in ("L-3", "L-4"):
        found = await quality.lot(bearing, lot)
        assert (found["status"], found["status_reason"]) == ("released", "NCR NCR-D3: use as is")
    [posted] = await quality_heard.events(POSTED)
    document = await ledger.movement(posted["movement_ids"][0])
    assert document["movement_type"] == "343"
    assert [(x["category"], x["lot"], x["quantity"]) for x in document["lines"]] == [
        ("blocked", "L-3", "-2"),  # what was blocked, not the NCR's 5
        ("unrestricted", "L-3", "2"),
    ]
    availability = await ledger.availability(bearing)
    assert (availability["unrestricted"], availability["blocked"]) == (Decimal(16), Decimal(0))


async def test_rework_blocks_and_sort_quarantines_the_lots_and_nothing_moves(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    quality_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    bearing = await stocked(
        ledger, make_material, "BRG-D4", ("WH1", "L-5", "4"), ("WH1", "L-6", "4")
    )
    rework = quality.disposition(bearing, "rework", ("L-5", "4"), reference="NCR-D4")
    sort = quality.disposition(bearing, "sort", ("L-6", "4"), reference="NCR-D5")
    await quality.handle(rework)
    await quality.handle(sort)

    assert (await quality.lot(bearing, "L-5"))["status"] == "blocked"
    assert (await quality.lot(bearing, "L-6"))["status"] == "quarantine"
    assert [e["movement_ids"] for e in await quality_heard.events(POSTED)] == [[], []]
    for reference in ("NCR-D4", "NCR-D5"):
        assert await quality.movements(reference, admin_conn) == []
    assert (await ledger.availability(bearing))["blocked"] == 8
    assert [(e["lot"], e["status"]) for e in await quality_heard.events(LOT_CHANGED)] == [
        ("L-5", "blocked"),
        ("L-6", "quarantine"),
    ]


async def test_stock_without_a_lot_is_scrapped_and_has_no_status_to_hold(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial
) -> None:
    bolt = await make_material(number="BOLT-D5", base_unit="PC")
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(bolt, "WH1", "2", unit="DZ"), reference="PO-5")
    scrap = quality.disposition(bolt, "scrap", ("", "1"), unit="DZ", reference="NCR-D6")
    sort = quality.disposition(bolt, "sort", ("", "5"), reference="NCR-D7")
    await quality.handle(scrap)
    await quality.handle(sort)
    assert (await quality.posting(scrap.request_id))["status"] == "posted"
    assert (await quality.posting(sort.request_id))["movement_ids"] == []
    assert await ledger.on_hand(bolt, "WH1") == 12  # 24 PC less a dozen


async def test_a_refused_disposition_is_recorded_and_told_and_nothing_of_it_is_written(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    quality_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    bearing = await stocked(
        ledger, make_material, "BRG-D6", ("WH1", "L-7", "5"), ("WH1", "L-8", "2")
    )
    await ledger.post("344", ledger.line(bearing, "WH1", "1", lot="L-8"), reference="IL-8")
    request = quality.disposition(bearing, "scrap", ("L-7", "5"), ("L-8", "3"), reference="NCR-D8")
    await quality.handle(request)  # the event is handled: a refusal is no failure

    posting = await quality.posting(request.request_id)
    assert {k: posting[k] for k in ("status", "pointer", "attempts", "movement_ids")} == {
        "status": "failed",
        "pointer": "/lots/1/quantity",
        "attempts": 1,
        "movement_ids": [],
    }
    assert posting["error"] == (
        "not enough stock of lot L-8 of BRG-D6 to scrap:"
        " blocked 1 PC and unrestricted 1 PC in the plant, to scrap 3 PC"
    )
    [failed] = await quality_heard.events(FAILED)
    assert (failed["request_id"], failed["ncr_id"], failed["reference"], failed["pointer"]) == (
        str(request.request_id),
        str(request.ncr_id),
        "NCR-D8",
        "/lots/1/quantity",
    )
    assert failed["error"] == posting["error"]
    # Nothing half-written: the first lot, which was there, was not scrapped either.
    assert await quality.movements("NCR-D8", admin_conn) == []
    assert await quality_heard.events(POSTED) == []
    assert await ledger.on_hand(bearing, "WH1") == 7


async def test_every_kind_of_refusal_is_recorded_with_the_field_it_names(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial
) -> None:
    bearing = await stocked(ledger, make_material, "BRG-D7", ("WH1", "L-9", "5"))
    unknown = {**bearing, "id": "00000000-0000-7000-8000-000000000002"}
    cases = {
        "/disposition": quality.disposition(bearing, "melt_down", ("L-9", "1")),
        "/lots": quality.disposition(bearing, "scrap"),
        "/lots/0/lot": quality.disposition(bearing, "use_as_is", ("NO-SUCH", "1")),
        "/lots/1/lot": quality.disposition(bearing, "sort", ("L-9", "1"), (" L-9", "1")),
        "/lots/0/quantity": quality.disposition(bearing, "scrap", ("L-9", "0")),
        "/unit": quality.disposition(bearing, "scrap", ("L-9", "1"), unit="XYZ"),
        "/material_id": quality.disposition(unknown, "scrap", ("L-9", "1")),
    }
    for pointer, request in cases.items():
        await quality.handle(request)
        posting = await quality.posting(request.request_id)
        assert (posting["status"], posting["pointer"]) == ("failed", pointer), posting
    blank = quality.disposition(bearing, "scrap", ("", "1"))
    await quality.handle(blank)
    posting = await quality.posting(blank.request_id)
    assert posting["error"] == "material BRG-D7 is managed in lots: name the lot"
    assert await ledger.on_hand(bearing, "WH1") == 5


async def test_a_disposition_delivered_twice_with_the_same_request_id_is_carried_out_once(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    quality_heard: Heard,
    admin_conn: asyncpg.Connection,
) -> None:
    bearing = await stocked(ledger, make_material, "BRG-D8", ("WH1", "L-10", "5"))
    request = quality.disposition(bearing, "scrap", ("L-10", "2"), reference="NCR-D9")
    again = quality.disposition(
        bearing,
        "scrap",
        ("L-10", "2"),
        reference="NCR-D9",
        request_id=request.request_id,
        ncr_id=request.ncr_id,
    )
    assert again.id != request.id  # another event: the inbox would not catch it
    await quality.handle(request)
    await quality.handle(again)

    assert len(await quality.movements("NCR-D9", admin_conn)) == 1
    assert await ledger.on_hand(bearing, "WH1") == 3
    assert len(await quality_heard.events(POSTED)) == 1
    posting = await quality.posting(request.request_id)
    assert (posting["status"], posting["attempts"]) == ("posted", 1)


async def test_a_failed_disposition_delivered_again_is_carried_out_once_the_stock_is_there(
    quality: Quality, ledger: Ledger, make_material: MakeMaterial, quality_heard: Heard
) -> None:
    bearing = await stocked(ledger, make_material, "BRG-D9", ("WH1", "L-11", "1"))
    request = quality.disposition(bearing, "return_to_supplier", ("L-11", "3"))
    await quality.handle(request)
    assert (await quality.posting(request.request_id))["status"] == "failed"
    await ledger.post("101", ledger.line(bearing, "WH1", "2", lot="L-11"), reference="PO-9")
    await quality.handle(
        quality.disposition(
            bearing,
            "return_to_supplier",
            ("L-11", "3"),
            request_id=request.request_id,
            ncr_id=request.ncr_id,
        )
    )
    posting = await quality.posting(request.request_id)
    assert (posting["status"], posting["attempts"], posting["error"]) == ("posted", 2, None)
    assert [e["request_id"] for e in await quality_heard.events(POSTED)] == [
        str(request.request_id)
    ]
    assert await ledger.on_hand(bearing, "WH1") == 0


async def test_every_quality_posting_query_prepares_against_the_migrated_schema(
    role_dsn: Any,
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        failures = {}
        for name, statement in QUALITY_QUERIES.items():
            try:
                await conn.prepare(statement)
            except asyncpg.PostgresError as exc:
                failures[name] = str(exc)
    finally:
        await conn.close()
    assert failures == {}
    assert len(QUALITY_QUERIES.items()) >= 8


async def test_posted_quality_postings_are_swept_after_90_days_and_failed_ones_stay(
    quality: Quality,
    ledger: Ledger,
    make_material: MakeMaterial,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    bearing = await stocked(ledger, make_material, "BRG-D10", ("WH1", "L-12", "1"))
    for quantity in ("1", "5"):  # the first is posted, the second refused
        await quality.handle(quality.disposition(bearing, "scrap", ("L-12", quantity)))
    job = await admin_conn.fetchrow(
        "SELECT command, username FROM cron.job"
        " WHERE jobname = 'inventory-quality-postings-retention'"
    )
    assert job is not None
    assert job["username"] == "unison_owner"
    count = "SELECT count(*) FROM inventory.quality_postings WHERE organization_id = $1"
    await owner_conn.execute(job["command"])  # nothing is old enough yet
    assert await admin_conn.fetchval(count, org_id) == 2
    await admin_conn.execute(
        "UPDATE inventory.quality_postings SET created_at = created_at - interval '91 days',"
        " posted_at = posted_at - interval '91 days' WHERE organization_id = $1",
        org_id,
    )
    # The job runs as the owner with no organization set: exactly what pg_cron does.
    await owner_conn.execute(job["command"])
    left = await admin_conn.fetch(
        "SELECT status FROM inventory.quality_postings WHERE organization_id = $1", org_id
    )
    assert [r["status"] for r in left] == ["failed"]
