"""Shaping an explosion (pure, no database): tree, by-products, totals, entry units, and
the exact-until-shown arithmetic."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from inventory import bom_tree, conversions
from inventory.bom_tree import Row

BOM = uuid.uuid4()
IDS = {name: uuid.uuid4() for name in ("TOP", "KIT", "RING", "SCREW", "SLAG", "STEEL")}


def row(key: tuple[int, ...], name: str, requirement: Fraction, **fields: Any) -> Row:
    values: dict[str, Any] = {
        "depth": len(key),
        "path": "/".join(map(str, key)),
        "trail": None,
        "bom_id": BOM if key else None,
        "item_number": key[-1] if key else 0,
        "component_id": IDS[name],
        "component_number": name,
        "description": name.title(),
        "category": "stock",
        "phantom": False,
        "quantity": Decimal(1),
        "unit": "PC",
        "item_base_num": Decimal(1),
        "item_base_den": Decimal(1),
        "component_base_unit": "PC",
        "scrap_percent": Decimal(0),
        "operation": None,
        "num": Decimal(requirement.numerator),
        "den": Decimal(requirement.denominator),
        "sub_bom_id": None,
        "sub_alternative": None,
        "sub_revision": None,
    }
    values.update(fields)
    return Row(**values)


ROWS = [
    row((), "TOP", Fraction(3), sub_bom_id=BOM, sub_alternative=1, sub_revision=1),
    row((10,), "KIT", Fraction(3), phantom=True, sub_bom_id=BOM),
    row((10, 10), "RING", Fraction(6)),
    row((10, 20), "SCREW", Fraction(1, 3)),
    row((20,), "SCREW", Fraction(2, 3)),
    row((30,), "SLAG", Fraction(1, 8), category="by_product", component_base_unit="KG"),
]


def test_rows_become_a_tree_with_by_products_apart() -> None:
    items, by_products = bom_tree.tree(ROWS)
    assert [(i.path, i.phantom, i.assembly) for i in items] == [
        ("10", True, True),
        ("20", False, False),
    ]
    assert [c.path for c in items[0].children] == ["10/10", "10/20"]
    assert [(b.component_number, b.quantity, b.unit) for b in by_products] == [
        ("SLAG", Decimal("0.125"), "KG")
    ]


def test_totals_add_exact_fractions_and_leave_exploded_phantoms_out() -> None:
    components, by_products = bom_tree.summary(ROWS)
    # 1/3 + 2/3 is exactly 1: summing rounded decimals would give 0.999999999 or 1.000000001.
    assert [(c.component_number, c.quantity, c.occurrences, c.level) for c in components] == [
        ("RING", Decimal(6), 1, 2),
        ("SCREW", Decimal(1), 2, 1),
    ]
    assert [b.component_number for b in by_products] == ["SLAG"]


def test_quantities_in_the_entry_unit_use_the_items_own_ratio() -> None:
    # 0.75 L entered as 750 ML: base_num / base_den = 3 / 4 for quantity 750.
    oil = row(
        (10,),
        "STEEL",
        Fraction(9, 4),
        quantity=Decimal(750),
        unit="ML",
        item_base_num=Decimal(3),
        item_base_den=Decimal(4),
        component_base_unit="L",
    )
    assert oil.requirement == Fraction(9, 4)
    assert oil.entry_requirement == Fraction(2250)
    (item,), _ = bom_tree.tree([oil])
    assert (item.quantity, item.unit, item.entry_quantity, item.entry_unit) == (
        Decimal("2.25"),
        "L",
        Decimal(2250),
        "ML",
    )


def test_shown_quantities_are_exact_when_they_end_else_half_even_to_nine_places() -> None:
    assert bom_tree.decimal(Fraction(11044_6875, 10**7)) == Decimal("11.0446875")
    assert bom_tree.decimal(Fraction(2, 3)) == Decimal("0.666666667")
    assert bom_tree.decimal(Fraction(1, 2 * 10**9)) == Decimal("0.0000000005")  # exact: ends


def test_a_phantom_without_bom_is_a_component_and_a_warning() -> None:
    lonely = row((10,), "KIT", Fraction(2), phantom=True)
    components, _ = bom_tree.summary([lonely])
    assert [c.component_number for c in components] == ["KIT"]
    (warning,) = bom_tree.phantom_warnings([lonely], date(2026, 5, 1))
    assert "KIT" in warning and "2026-05-01" in warning


def test_the_same_component_in_two_base_units_is_not_added_up() -> None:
    # A version saved before the component's base unit changed keeps its own unit.
    before = row((10,), "STEEL", Fraction(1), component_base_unit="KG")
    after = row((20,), "STEEL", Fraction(500), component_base_unit="G")
    components, _ = bom_tree.summary([before, after])
    assert [(c.quantity, c.unit) for c in components] == [(Decimal(500), "G"), (Decimal(1), "KG")]


@pytest.mark.parametrize(
    ("value", "scale"),
    [
        (Fraction(0), 9),
        (Fraction(55), 9),
        (Fraction(-7, 4), 9),
        (Fraction(1, 3), 9),
        (Fraction(2, 7), 9),
        (Fraction(123456789, 2**40), 9),
        (Fraction(10**30 + 1, 3), 9),
        (Fraction(3, 625 * 1024), 9),
    ],
)
def test_shown_quantities_agree_with_the_conversions_rule(value: Fraction, scale: int) -> None:
    assert bom_tree.decimal(value) == Decimal(conversions.show(value, scale).value)
