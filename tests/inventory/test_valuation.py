"""Moving average valuation, back-dated postings and period close."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
from litestar.testing import AsyncTestClient

from inventory import ledger_repo
from inventory.ledger_repo import Line
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger
from unison_bus import uuid7

Client = AsyncTestClient[Any]


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


async def test_receipts_at_a_price_set_the_moving_average_and_issues_are_valued_at_it(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10", price="2"))
    await ledger.post("101", ledger.line(material, "WH1", "10", price="4"))
    issued = await ledger.post("261", ledger.line(material, "WH1", "5"))
    assert Decimal(issued.json()["lines"][0]["value"]) == Decimal("-15")
    assert issued.json()["lines"][0]["valuation"] == "average"
    assert await ledger.valuation(material) == {
        "quantity": Decimal(15),
        "value": Decimal(45),
        "moving_average_price": Decimal(3),
    }


async def test_a_back_dated_receipt_restates_only_the_issues_after_it(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    untouched = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10", price="2"), posting_date=day(-3))
    await ledger.post("101", ledger.line(untouched, "WH1", "10", price="7"), posting_date=day(-3))
    issue = await ledger.post("261", ledger.line(material, "WH1", "5"), posting_date=day(-1))
    other_issue = await ledger.post("261", ledger.line(untouched, "WH1", "5"), posting_date=day(-1))
    assert Decimal(issue.json()["lines"][0]["value"]) == Decimal("-10")

    await ledger.post("101", ledger.line(material, "WH1", "10", price="5"), posting_date=day(-2))

    # Before the issue there were 20 at (20 + 50) / 20 = 3.5.
    restated = await ledger.movement(issue.json()["id"])
    assert Decimal(restated["lines"][0]["value"]) == Decimal("-17.50")
    assert await ledger.valuation(material) == {
        "quantity": Decimal(15),
        "value": Decimal("52.50"),
        "moving_average_price": Decimal("3.5"),
    }
    unchanged = await ledger.movement(other_issue.json()["id"])
    assert Decimal(unchanged["lines"][0]["value"]) == Decimal("-35")


async def test_a_back_dated_issue_that_would_go_negative_later_is_refused_saying_when(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10"), posting_date=day(-3))
    await ledger.post("261", ledger.line(material, "WH1", "8"), posting_date=day(-1))
    refused = await ledger.post(
        "261", ledger.line(material, "WH1", "5"), posting_date=day(-2), expect=409
    )
    problem = refused.json()
    assert problem["errors"][0]["pointer"] == "/lines/0/posting_date"
    assert f"on {day(-1)}" in problem["detail"]
    assert "-3 PC: 3 PC short" in problem["detail"]
    assert await ledger.on_hand(material, "WH1") == 2
    # Two fit: the balance never goes below zero.
    await ledger.post("261", ledger.line(material, "WH1", "2"), posting_date=day(-2))
    assert await ledger.on_hand(material, "WH1") == 0


async def test_the_last_issue_takes_the_remaining_value(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "3", price="1.00"))
    await ledger.post("101", ledger.line(material, "WH1", "4", price="1.01"))
    first = await ledger.post("261", ledger.line(material, "WH1", "3"))
    last = await ledger.post("261", ledger.line(material, "WH1", "4"))
    values = [Decimal(first.json()["lines"][0]["value"]), Decimal(last.json()["lines"][0]["value"])]
    assert values == [Decimal("-3.02"), Decimal("-4.02")]
    valuation = await ledger.valuation(material)
    assert valuation["quantity"] == valuation["value"] == 0


async def test_a_transfer_between_plants_arrives_at_the_value_it_left_with(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.location("P2-WH", plant=1)
    await ledger.post("101", ledger.line(material, "WH1", "10", price="3"))
    moved = await ledger.post(
        "301",
        ledger.line(
            material,
            "WH1",
            "4",
            to_plant_id=str(ledger.plants[1]),
            to_location_id=ledger.locations["P2-WH"],
        ),
    )
    out_line, in_line = moved.json()["lines"]
    assert Decimal(out_line["value"]) == -12
    assert Decimal(in_line["value"]) == 12
    assert (await ledger.valuation(material, 0))["value"] == 18
    assert await ledger.valuation(material, 1) == {
        "quantity": Decimal(4),
        "value": Decimal(12),
        "moving_average_price": Decimal(3),
    }
    assert await ledger.on_hand(material, "P2-WH") == 4
    back = await ledger.reverse(moved.json()["id"])
    assert back.json()["movement_type"] == "302"
    assert await ledger.on_hand(material, "WH1") == 10
    assert (await ledger.valuation(material, 1))["quantity"] == 0


async def test_a_reversed_receipt_takes_back_its_value(
    ledger: Ledger, make_material: MakeMaterial
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10", price="2"))
    wrong = await ledger.post("101", ledger.line(material, "WH1", "10", price="8"))
    reversal = await ledger.reverse(wrong.json()["id"])
    assert Decimal(reversal.json()["lines"][0]["value"]) == Decimal("-80")
    assert await ledger.valuation(material) == {
        "quantity": Decimal(10),
        "value": Decimal(20),
        "moving_average_price": Decimal(2),
    }


def _previous_month_end() -> date:
    return TODAY.replace(day=1) - timedelta(days=1)


async def test_a_closed_period_takes_no_posting_and_keeps_its_stock_value(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    month_end = _previous_month_end()
    month = f"{month_end.year:04d}-{month_end.month:02d}"
    periods = f"/api/inventory/plants/{ledger.plants[0]}/periods"
    await ledger.post(
        "101", ledger.line(material, "WH1", "10", price="2"), posting_date=month_end.isoformat()
    )
    await ledger.post("101", ledger.line(material, "WH1", "5", price="5"))

    not_ended = await client.post(
        f"{periods}/{TODAY.year:04d}-{TODAY.month:02d}/close", headers=auth()
    )
    assert not_ended.status_code == 409
    closed = await client.post(f"{periods}/{month}/close", headers=auth())
    assert closed.status_code == 201, closed.text
    assert closed.json()["period"] == month
    again = await client.post(f"{periods}/{month}/close", headers=auth())
    assert again.status_code == 409

    refused = await ledger.post(
        "261", ledger.line(material, "WH1", "1"), posting_date=month_end.isoformat(), expect=409
    )
    assert f"period {month}" in refused.json()["detail"]
    assert refused.json()["errors"][0]["pointer"] == "/lines/0/posting_date"
    # The other plant's books are open.
    await ledger.location("P2", plant=1)
    await ledger.post(
        "101", ledger.line(material, "P2", "1", plant=1), posting_date=month_end.isoformat()
    )

    snapshot = await client.get(f"{periods}/{month}/valuations", headers=auth())
    assert snapshot.status_code == 200
    rows = [(Decimal(r["quantity"]), Decimal(r["value"])) for r in snapshot.json()["items"]]
    assert rows == [(Decimal(10), Decimal(20))]
    listed = await client.get(periods, headers=auth())
    assert [p["period"] for p in listed.json()["items"]] == [month]

    reopened = await client.post(f"{periods}/{month}/reopen", headers=auth())
    assert reopened.status_code == 200
    await ledger.post("261", ledger.line(material, "WH1", "1"), posting_date=month_end.isoformat())
    assert (await client.get(f"{periods}/{month}/valuations", headers=auth())).status_code == 404
    assert (await client.post(f"{periods}/{month}/reopen", headers=auth())).status_code == 409


async def test_periods_close_in_sequence_and_only_the_latest_reopens(
    ledger: Ledger, client: Client, auth: Headers
) -> None:
    periods = f"/api/inventory/plants/{ledger.plants[0]}/periods"
    first = TODAY.replace(day=1) - timedelta(days=100)
    second = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    third = (second + timedelta(days=32)).replace(day=1)

    def text(d: date) -> str:
        return f"{d.year:04d}-{d.month:02d}"

    assert (await client.post(f"{periods}/{text(first)}/close", headers=auth())).status_code == 201
    skipped = await client.post(f"{periods}/{text(third)}/close", headers=auth())
    assert skipped.status_code == 409
    assert f"close {text(second)} first" in skipped.json()["detail"]
    assert (await client.post(f"{periods}/{text(second)}/close", headers=auth())).status_code == 201
    not_latest = await client.post(f"{periods}/{text(first)}/reopen", headers=auth())
    assert not_latest.status_code == 409
    bad = await client.post(f"{periods}/2026-13/close", headers=auth())
    assert bad.status_code == 422
    hidden = await client.get(periods, headers=auth(plant_ids=[ledger.plants[1]]))
    assert hidden.status_code == 404


async def _walk_once(
    conn: asyncpg.Connection, many: bool, groups: list[tuple[UUID, list[Line]]], plant: UUID
) -> tuple[list[list[Decimal]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The values one walk gives (all groups in one call, or one call per material), with
    the valuation rows and the ledger lines after it; rolled back."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        if many:
            values = await ledger_repo.revalue(conn, [(m, plant, lines) for m, lines in groups])
        else:
            values = [
                list(
                    await conn.fetchval(
                        "SELECT inventory.revalue($1, $2, $3, $4, $5, $6)",
                        m,
                        plant,
                        [x.posting_date for x in lines],
                        [x.quantity for x in lines],
                        [x.value for x in lines],
                        [x.valuation for x in lines],
                    )
                )
                for m, lines in groups
            ]
        valuations = await conn.fetch(
            "SELECT material_id, quantity, value, price FROM inventory.valuations"
            " ORDER BY material_id"
        )
        ledger_lines = await conn.fetch(
            "SELECT movement_id, line_no, value FROM inventory.goods_movement_lines"
            " ORDER BY movement_id, line_no"
        )
        return values, [tuple(r) for r in valuations], [tuple(r) for r in ledger_lines]
    finally:
        await transaction.rollback()


def _new_lines(
    rng: random.Random, materials: list[UUID], plant: UUID
) -> list[tuple[UUID, list[Line]]]:
    """Five new lines per material, in ledger order; some materials back-dated."""

    def line(material: UUID, on: date, valuation: str) -> Line:
        quantity = (
            Decimal(rng.choice([1, 3]))
            if valuation == "price"
            else Decimal(rng.choice([-2, -1, 1, 3]))
        )
        value = quantity * Decimal("4.37") if valuation == "price" else Decimal(0)
        return Line(
            movement_id=uuid7(), posting_date=on, movement_type="101", line_no=0,
            material_id=material, plant_id=plant, location_id=material, lot="",
            category="unrestricted", quantity=quantity, entry_quantity=abs(quantity),
            entry_unit="PC", value=value, valuation=valuation, reservation_id=None, index=0,
        )  # fmt: skip

    groups = []
    for material in materials:
        dates = sorted(TODAY - timedelta(days=rng.choice([0, 0, 4])) for _ in range(5))
        kinds = [rng.choice(["price", "average", "average", "none"]) for _ in dates]
        lines = [line(material, d, v) for d, v in zip(dates, kinds, strict=True)]
        groups.append((material, lines))
    return groups


async def test_the_walk_of_a_whole_posting_values_every_line_as_the_walk_per_material(
    ledger: Ledger, make_material: MakeMaterial, role_dsn: Callable[[str], str], org_id: UUID
) -> None:
    """inventory.revalue_many walks the materials of a posting dated today itself and
    hands back-dated ones to inventory.revalue: it must give the values, valuations and
    restated lines the walk per material gives, to the cent."""
    rng = random.Random(11)
    await ledger.location("WH1")
    materials = [await make_material() for _ in range(8)]
    for k, material in enumerate(materials):
        for back in (-9, -6, -3):
            price = f"{rng.randint(100, 900) / 100}"
            receipt = ledger.line(material, "WH1", str(10 + k), price=price)
            await ledger.post("101", receipt, posting_date=day(back))
            await ledger.post("261", ledger.line(material, "WH1", "3"), posting_date=day(back + 1))
    plant = ledger.plants[0]
    groups = _new_lines(rng, [UUID(m["id"]) for m in materials], plant)
    assert any(lines[0].posting_date < TODAY for _, lines in groups)
    assert any(lines[0].posting_date == TODAY for _, lines in groups)
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        await conn.execute(
            "SELECT set_config('app.organization_id', $1, false),"
            " set_config('app.plant_ids', $2, false)",
            str(org_id),
            ",".join(str(p) for p in ledger.plants),
        )
        together = await _walk_once(conn, True, groups, plant)
        apart = await _walk_once(conn, False, groups, plant)
    finally:
        await conn.close()
    assert together == apart
