"""What an order consumes, from its BOM: exploded through phantom assemblies, scaled to
the order quantity with each item's scrap, and assigned to the operation that consumes
it. Pure apart from the BOM lookup the caller passes in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from decimal import Decimal
from uuid import UUID

import msgspec

from production.quantities import plain
from production.read_models.repo import BomItem, BomRow
from production.routings.models import Operation
from unison_web import Invalid

MAX_PHANTOM_DEPTH = 10
HUNDRED = Decimal(100)

BomLookup = Callable[[list[UUID]], Awaitable[dict[UUID, BomRow]]]


class Requirement(msgspec.Struct, frozen=True, kw_only=True):
    material_id: UUID
    quantity: Decimal
    unit: str
    operation: str | None
    by_product: bool


def _valid(item: BomItem, on: date) -> bool:
    return (item.valid_from is None or item.valid_from <= on) and (
        item.valid_to is None or item.valid_to >= on
    )


async def explode(
    bom_of: BomLookup, material_id: UUID, quantity: Decimal, base_unit: str, on: date
) -> list[Requirement]:
    """The components for ``quantity`` of ``material_id``; an empty list when it has no
    released BOM (a bought-in or simple part)."""
    found: list[Requirement] = []
    level: list[tuple[UUID, Decimal, str | None]] = [(material_id, quantity, None)]
    for depth in range(MAX_PHANTOM_DEPTH):
        boms = await bom_of([m for m, _, _ in level])
        next_level: list[tuple[UUID, Decimal, str | None]] = []
        for parent, needed, operation in level:
            bom = boms.get(parent)
            if bom is None:
                if depth:
                    raise Invalid(f"phantom assembly {parent} has no released BOM", "/components")
                return []
            if depth == 0 and bom.base_unit != base_unit:
                raise Invalid(
                    f"the BOM is kept per {bom.base_unit}, the order in {base_unit}", "/quantity"
                )
            for item in (i for i in bom.items if _valid(i, on)):
                amount = needed / bom.base_quantity * item.base_quantity
                amount *= 1 + item.scrap_percent / HUNDRED
                where = operation or item.operation
                if item.phantom and item.category == "stock":
                    next_level.append((item.component_id, amount, where))
                    continue
                found.append(
                    Requirement(
                        material_id=item.component_id,
                        quantity=plain(amount),
                        unit=item.base_unit,
                        operation=where,
                        by_product=item.category == "by_product",
                    )
                )
        if not next_level:
            return found
        level = next_level
    raise Invalid(f"phantom assemblies nest deeper than {MAX_PHANTOM_DEPTH} levels", "/components")


def operation_for(
    material_id: UUID, bom_operation: str | None, operations: Sequence[Operation]
) -> int:
    """The routing's assignment first, then the BOM item's operation (SAP writes "0010"),
    else the first operation."""
    for op in operations:
        if material_id in op.components:
            return op.operation_no
    if bom_operation is not None and bom_operation.strip().isdigit():
        wanted = int(bom_operation)
        if any(op.operation_no == wanted for op in operations):
            return wanted
    return min(op.operation_no for op in operations)
