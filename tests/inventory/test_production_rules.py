"""The pure rules of inventory's side of production: how an issue is split across lots,
and how a release changes an order's reservations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from inventory.posting_requests.lot_choice import Shortfall, split
from inventory.posting_requests.models import LotStock
from inventory.production.models import OrderReservation
from inventory.production.order_reservations import Key, adjustment

CASING = UUID(int=1)
SHAFT = UUID(int=2)
DAY = date(2026, 12, 1)


def lots(*pairs: tuple[str, str]) -> list[LotStock]:
    return [LotStock(lot=lot, quantity=Decimal(q)) for lot, q in pairs]


def test_an_issue_takes_lots_in_their_order_and_splits_where_one_is_not_enough() -> None:
    taken: dict[str, Decimal] = {}
    pieces = split(Decimal("6.5"), lots(("SOON", "4"), ("LATER", "5"), ("NEVER", "9")), taken)
    assert pieces == lots(("SOON", "4"), ("LATER", "2.5"))
    assert taken == {"SOON": Decimal(4), "LATER": Decimal("2.5")}


def test_a_later_line_starts_where_the_earlier_one_stopped() -> None:
    available = lots(("SOON", "4"), ("LATER", "5"))
    taken: dict[str, Decimal] = {}
    split(Decimal(3), available, taken)
    assert split(Decimal(3), available, taken) == lots(("SOON", "1"), ("LATER", "2"))


def test_too_little_in_the_lots_takes_nothing_and_says_how_much_there_is() -> None:
    taken = {"SOON": Decimal(1)}
    with pytest.raises(Shortfall) as refused:
        split(Decimal(10), lots(("SOON", "4"), ("LATER", "5")), taken)
    assert (refused.value.available, refused.value.requested) == (Decimal(8), Decimal(10))
    assert taken == {"SOON": Decimal(1)}


def reservation(
    n: int, key: Key, quantity: str, withdrawn: str = "0", status: str = "open"
) -> OrderReservation:
    return OrderReservation(
        id=UUID(int=100 + n),
        material_id=key[0],
        location_id=key[1],
        lot=key[2],
        quantity=Decimal(quantity),
        withdrawn=Decimal(withdrawn),
        status=status,
        requirement_date=DAY,
    )


def test_a_first_release_adds_every_component() -> None:
    change = adjustment({(CASING, None, None): Decimal(10)}, [], dated_alike=True)
    assert (change.add, change.resize, change.cancel) == (
        [((CASING, None, None), Decimal(10))],
        [],
        [],
    )


def test_a_release_again_asks_only_for_what_is_not_withdrawn_yet() -> None:
    casing: Key = (CASING, None, None)
    shaft: Key = (SHAFT, None, "L-1")
    existing = [
        reservation(1, casing, "10", "4", "cancelled"),  # an earlier release, then cancelled
        reservation(2, shaft, "2", "2", "closed"),
        reservation(3, shaft, "3"),
    ]
    change = adjustment({casing: Decimal(10), shaft: Decimal(5)}, existing, dated_alike=True)
    # 6 of the casing still needed; the shaft's open 3 is right as it is.
    assert (change.add, change.resize, change.cancel) == ([(casing, Decimal(6))], [], [])


def test_what_the_order_no_longer_needs_is_cancelled_or_closed_at_what_it_took() -> None:
    casing: Key = (CASING, None, None)
    shaft: Key = (SHAFT, None, None)
    existing = [
        reservation(1, casing, "10", "4"),
        reservation(2, shaft, "3"),
        reservation(3, shaft, "1"),
    ]
    change = adjustment({}, existing, dated_alike=True)
    assert change.resize == [(UUID(int=101), Decimal(4))]  # closed at what was withdrawn
    assert sorted(change.cancel) == [UUID(int=102), UUID(int=103)]
    assert change.add == []


def test_a_new_requirement_date_resizes_every_kept_reservation() -> None:
    casing: Key = (CASING, None, None)
    change = adjustment({casing: Decimal(10)}, [reservation(1, casing, "10")], dated_alike=False)
    assert change.resize == [(UUID(int=101), Decimal(10))]
