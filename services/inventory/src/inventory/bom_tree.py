"""Shaping an explosion: the flat rows of ``bom_explosion`` into a tree, by-products and a
total per component. Pure: no I/O, exact fractions until the last step.

The query has already compounded every quantity exactly as ``num / den`` in the
component's base unit (parent quantity / header base quantity * item quantity * (1 + scrap
% / 100), level after level). Here quantities are summed as fractions and shown as
decimals at the very end: exact when the decimal ends, else rounded half-even to 9 places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from inventory.bom_models import ExplodedByProduct, ExplodedItem, SummaryLine

SCALE = 9


def _ratio(numerator: Decimal, denominator: Decimal) -> Fraction:
    # Integer ratios: Fraction(Decimal) and Fraction arithmetic cost several times more,
    # and an explosion has hundreds of rows.
    a, b = numerator.as_integer_ratio()
    c, d = denominator.as_integer_ratio()
    return Fraction(a * d, b * c)


@dataclass(slots=True)
class Row:
    """One row of the explosion query (depth 0 is the exploded material itself)."""

    depth: int
    path: str  # item numbers from the top, "10/20"; "" for the top itself
    trail: tuple[UUID, ...] | None  # material ids from the top, only past max_depth
    bom_id: UUID | None
    item_number: int
    component_id: UUID
    component_number: str
    description: str
    category: str
    phantom: bool
    quantity: Decimal | None  # as entered on the item, per the header's base quantity
    unit: str | None
    item_base_num: Decimal | None
    item_base_den: Decimal | None
    component_base_unit: str
    scrap_percent: Decimal
    operation: str | None
    num: Decimal
    den: Decimal
    sub_bom_id: UUID | None
    sub_alternative: int | None
    sub_revision: int | None
    # In the component's base unit, and in the unit the item was entered in (the item's
    # own ratio, not today's).
    requirement: Fraction = field(init=False)
    entry_requirement: Fraction = field(init=False)

    def __post_init__(self) -> None:
        self.requirement = _ratio(self.num, self.den)
        if self.quantity is None or self.item_base_num is None or self.item_base_den is None:
            self.entry_requirement = self.requirement
        else:
            # requirement * quantity * base_den / base_num, in integers (a Decimal product
            # would round at the context's 28 digits).
            q_num, q_den = self.quantity.as_integer_ratio()
            bd_num, bd_den = self.item_base_den.as_integer_ratio()
            bn_num, bn_den = self.item_base_num.as_integer_ratio()
            value = self.requirement
            self.entry_requirement = Fraction(
                value.numerator * q_num * bd_num * bn_den,
                value.denominator * q_den * bd_den * bn_num,
            )

    @classmethod
    def of(cls, record: Any) -> Row:
        values = dict(record)
        if values["trail"] is not None:
            values["trail"] = tuple(values["trail"])
        return cls(**values)

    @property
    def exploded_phantom(self) -> bool:
        return self.phantom and self.sub_bom_id is not None


def _places(denominator: int) -> int | None:
    """The decimal places of n / ``denominator`` (in lowest terms), None if endless."""
    twos = (denominator & -denominator).bit_length() - 1
    rest, fives = denominator >> twos, 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    return max(twos, fives) if rest == 1 else None


def decimal(value: Fraction) -> Decimal:
    """Exact when the decimal ends, else rounded to 9 places (``conversions.show``'s rule;
    an endless decimal never sits exactly halfway, so half-even needs no tie-break). Integer
    arithmetic: a few times faster than going through text, and it runs twice per row."""
    numerator, denominator = value.numerator, value.denominator
    places = _places(denominator)
    if places is None:
        places = SCALE
        digits, rest = divmod(numerator * 10**places, denominator)
        if 2 * rest > denominator:
            digits += 1
    else:
        digits = numerator * (10**places // denominator)
    while places and digits % 10 == 0:
        digits //= 10
        places -= 1
    # From text: exact whatever the context's precision.
    return Decimal(f"{digits}E-{places}")


def _item(row: Row) -> ExplodedItem:
    assert row.bom_id is not None
    return ExplodedItem(
        level=row.depth,
        path=row.path,
        bom_id=row.bom_id,
        item_number=row.item_number,
        component_id=row.component_id,
        component_number=row.component_number,
        description=row.description,
        phantom=row.phantom,
        assembly=row.sub_bom_id is not None,
        quantity=decimal(row.requirement),
        unit=row.component_base_unit,
        entry_quantity=decimal(row.entry_requirement),
        entry_unit=row.unit or row.component_base_unit,
        scrap_percent=row.scrap_percent,
        operation=row.operation,
        children=[],
    )


def _by_product(row: Row) -> ExplodedByProduct:
    assert row.bom_id is not None
    return ExplodedByProduct(
        level=row.depth,
        path=row.path,
        bom_id=row.bom_id,
        item_number=row.item_number,
        component_id=row.component_id,
        component_number=row.component_number,
        description=row.description,
        quantity=decimal(row.requirement),
        unit=row.component_base_unit,
        entry_quantity=decimal(row.entry_requirement),
        entry_unit=row.unit or row.component_base_unit,
        operation=row.operation,
    )


def tree(rows: Iterable[Row]) -> tuple[list[ExplodedItem], list[ExplodedByProduct]]:
    """The items as a tree (children under their assembly) and the by-products apart.

    ``rows`` come parents first (ordered by item-number path), as the query returns them.
    """
    top: list[ExplodedItem] = []
    by_products: list[ExplodedByProduct] = []
    nodes: dict[str, ExplodedItem] = {}
    for row in rows:
        if row.depth == 0:
            continue
        if row.category == "by_product":
            by_products.append(_by_product(row))
            continue
        node = _item(row)
        nodes[row.path] = node
        parent = nodes.get(row.path.rpartition("/")[0])
        (parent.children if parent is not None else top).append(node)
    return top, by_products


def phantom_warnings(rows: Iterable[Row], on: date) -> list[str]:
    return [
        f"phantom assembly {row.component_number} (item {row.path}) has no released BOM"
        f" valid on {on}; it is listed as a component"
        for row in rows
        if row.depth > 0 and row.phantom and row.sub_bom_id is None
    ]


@dataclass
class _Total:
    first: Row
    quantity: Fraction = Fraction(0)
    level: int = 0
    occurrences: int = 0
    assembly: bool = False


def _line(total: _Total) -> SummaryLine:
    row = total.first
    return SummaryLine(
        component_id=row.component_id,
        component_number=row.component_number,
        description=row.description,
        quantity=decimal(total.quantity),
        unit=row.component_base_unit,
        assembly=total.assembly,
        level=total.level,
        occurrences=total.occurrences,
    )


def _add(totals: dict[tuple[UUID, str], _Total], row: Row) -> None:
    # Keyed by the base unit as well: a version saved before a base unit change must not
    # be added to quantities in the new unit.
    key = (row.component_id, row.component_base_unit)
    total = totals.setdefault(key, _Total(first=row, level=row.depth))
    total.quantity += row.requirement
    total.level = min(total.level, row.depth)
    total.occurrences += 1
    total.assembly = total.assembly or row.sub_bom_id is not None


def summary(rows: Iterable[Row]) -> tuple[list[SummaryLine], list[SummaryLine]]:
    """Totals per component (exploded phantoms left out: their components count) and per
    by-product, each in component number order."""
    components: dict[tuple[UUID, str], _Total] = {}
    by_products: dict[tuple[UUID, str], _Total] = {}
    for row in rows:
        if row.depth == 0 or row.exploded_phantom:
            continue
        _add(by_products if row.category == "by_product" else components, row)

    def ordered(totals: dict[tuple[UUID, str], _Total]) -> list[SummaryLine]:
        lines = [_line(t) for t in totals.values()]
        return sorted(lines, key=lambda line: (line.component_number.lower(), line.unit))

    return ordered(components), ordered(by_products)
