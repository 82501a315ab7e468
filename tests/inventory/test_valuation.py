"""Moving average valuation, back-dated postings and period close."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger

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
