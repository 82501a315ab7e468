"""Production as a source of posting requests: a confirmation's goods movements (the
consumption as a 261 issue to the order, the product's receipt as a 101, by-products as
531, one transaction), answered with what moved per movement type, material and lot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from inventory.models import GoodsMovement, MovementType
from inventory.posting_requests.documents import ISSUE
from inventory.posting_requests.models import Group, as_line, pointed
from inventory.posting_requests.source import Source
from inventory.production.models import ProductionPosting
from unison_events.inventory import (
    ProductionPostingFailed,
    ProductionPostingIssued,
    ProductionPostingPosted,
)
from unison_events.production import GoodsPostingRequested

RECEIPT: MovementType = "101"
BY_PRODUCT: MovementType = "531"


def issued(posted: list[GoodsMovement]) -> tuple[ProductionPostingIssued, ...]:
    """Signed base quantities per movement type, material and lot, in document order."""
    totals: dict[tuple[str, UUID, str | None], tuple[Decimal, str]] = {}
    for movement in posted:
        for line in movement.lines:
            key = (movement.movement_type, line.material_id, line.lot)
            quantity, _ = totals.get(key, (Decimal(0), line.unit))
            totals[key] = (quantity + line.quantity, line.unit)
    return tuple(
        ProductionPostingIssued(
            material_id=material_id, lot=lot, quantity=quantity, unit=unit, movement_type=kind
        )
        for (kind, material_id, lot), (quantity, unit) in totals.items()
    )


class ProductionPostings(Source[GoodsPostingRequested, ProductionPosting]):
    name = "production"
    noun = "production posting"
    request_type = GoodsPostingRequested
    view_type = ProductionPosting
    posted_type = ProductionPostingPosted
    failed_type = ProductionPostingFailed
    renamed = {"request_id": "posting_id", "order_id": "work_order_id"}

    def groups(self, request: GoodsPostingRequested) -> tuple[Group, ...]:
        receipt = request.receipt
        return (
            Group(movement_type=ISSUE, lines=pointed("consumption", request.consumption)),
            Group(
                movement_type=RECEIPT, lines=(("/receipt", as_line(receipt)),) if receipt else ()
            ),
            Group(movement_type=BY_PRODUCT, lines=pointed("by_products", request.by_products)),
        )

    def manufactured_on(self, request: GoodsPostingRequested) -> date | None:
        return request.manufactured_on

    def posted_fields(self, posted: list[GoodsMovement]) -> dict[str, Any]:
        return {"lines": issued(posted)}


PRODUCTION = ProductionPostings()
