"""Events the inventory service publishes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

import msgspec

from unison_bus import Event


class MaterialSnapshot(Event, frozen=True, kw_only=True):
    """What consumers (search, reporting, production) keep of a material."""

    material_id: UUID
    number: str
    description: str
    type: str
    base_unit: str
    status: str
    material_group: str | None = None
    version: int


class MaterialCreated(MaterialSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.created"


class MaterialChanged(MaterialSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.changed"
    changed_fields: tuple[str, ...] = ()


class MaterialDeleted(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.deleted"
    material_id: UUID
    number: str


class GoodsMovementPostedLine(msgspec.Struct, frozen=True, kw_only=True):
    """One ledger line: quantity signed (+ into the location, - out), in the base unit."""

    material_id: UUID
    plant_id: UUID
    location_id: UUID
    lot: str | None = None
    quantity: Decimal
    unit: str
    # Added with stock categories and valuation; older messages lack them.
    category: str = "unrestricted"
    entry_quantity: Decimal | None = None
    entry_unit: str | None = None
    value: Decimal = Decimal(0)
    reservation_id: UUID | None = None
    # The serials the line moves (a serial-managed material); older messages lack them.
    serials: tuple[str, ...] = ()
    # The ledger's line number in its document; older messages lack it.
    line_no: int | None = None


class GoodsMovementRestatedLine(GoodsMovementPostedLine, frozen=True, kw_only=True):
    """An earlier-posted ledger line (of another document) whose ``value`` a back-dated
    posting restated: the moving average before it changed. ``previous_value`` is what
    it was worth before."""

    movement_id: UUID
    movement_type: str
    posting_date: date
    previous_value: Decimal


class GoodsMovementPosted(Event, frozen=True, kw_only=True):
    """A goods movement document was posted (a reversal too: ``reversal_of`` is set)."""

    topic: ClassVar[str] = "inventory.goods_movement.posted"
    movement_id: UUID
    movement_type: str
    posting_date: date
    reference: str | None = None
    reversal_of: UUID | None = None
    lines: tuple[GoodsMovementPostedLine, ...]
    # Lines of earlier documents whose values this (back-dated) posting restated; in the
    # first event of a batch. Older messages lack them.
    restated: tuple[GoodsMovementRestatedLine, ...] = ()


class LotStatusChanged(Event, frozen=True, kw_only=True):
    """A lot was released, put in quarantine or blocked (``previous`` is None for a lot
    created held)."""

    topic: ClassVar[str] = "inventory.lot.status_changed"
    material_id: UUID
    lot: str
    status: str
    previous: str | None = None
    reason: str | None = None


# ------------------------------------------------------------------ replenishment, cycle counts


class StockBelowReorderPoint(Event, frozen=True, kw_only=True):
    """A material's on hand in a plant (``plant_id``) fell below its reorder point.

    Told once per crossing: the next one comes only after a ``reorder_point_recovered``.
    Quantities are in the material's base unit ``unit``; ``on_hand`` is the plant's stock
    over all storage locations and lots.
    """

    topic: ClassVar[str] = "inventory.stock.below_reorder_point"
    material_id: UUID
    material_number: str
    unit: str
    on_hand: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    max_stock: Decimal | None = None
    lot_size: Decimal | None = None
    # Up to max_stock when there is one, else the gap to the reorder point; in whole lots
    # when the lot size is fixed.
    suggested_quantity: Decimal
    below_since: datetime


class StockReorderPointRecovered(Event, frozen=True, kw_only=True):
    """A material that was below its reorder point in ``plant_id`` is not any more: its
    on hand is back at or above it, or it is no longer planned (``reorder_point`` null)."""

    topic: ClassVar[str] = "inventory.stock.reorder_point_recovered"
    material_id: UUID
    material_number: str
    unit: str
    on_hand: Decimal
    reorder_point: Decimal | None = None
    below_since: datetime


class CycleCountPostedLine(msgspec.Struct, frozen=True, kw_only=True):
    """A counted line whose difference was booked (+ surplus by 701, - deficit by 702):
    ``difference = counted_quantity - book_at_count``, the book when the count was entered."""

    material_id: UUID
    location_id: UUID
    lot: str | None = None
    book_at_count: Decimal
    counted_quantity: Decimal
    difference: Decimal
    unit: str


class CycleCountPosted(Event, frozen=True, kw_only=True):
    """A cycle count sheet of ``plant_id`` was posted; ``lines`` are those with a difference
    (``line_count`` lines were counted in all)."""

    topic: ClassVar[str] = "inventory.cycle_count.posted"
    cycle_count_id: UUID
    reference: str | None = None
    posting_date: date
    line_count: int
    surplus_movement_id: UUID | None = None
    deficit_movement_id: UUID | None = None
    lines: tuple[CycleCountPostedLine, ...]


# ------------------------------------------------------------------ bills of materials


class BomReleasedItem(msgspec.Struct, frozen=True, kw_only=True):
    """One item: ``quantity`` per the header's base quantity, in ``unit``; ``base_quantity``
    the same in the component's ``base_unit``. By-products are positive too."""

    item_number: int
    component_id: UUID
    category: str  # "stock" or "by_product"
    phantom: bool
    quantity: Decimal
    unit: str
    base_quantity: Decimal
    base_unit: str
    scrap_percent: Decimal
    operation: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class BomReleased(Event, frozen=True, kw_only=True):
    """A BOM version became effective from ``valid_from`` (``plant_id`` None: all plants).

    The version it succeeds, if any, is in ``supersedes``; its validity now ends at this
    one's ``valid_from`` (a ``BomChanged`` with change ``superseded`` says so too)."""

    topic: ClassVar[str] = "inventory.bom.released"
    bom_id: UUID
    material_id: UUID
    usage: str
    alternative: int
    revision: int
    valid_from: date
    valid_to: date | None = None
    base_quantity: Decimal
    base_unit: str
    change_number: str | None = None
    supersedes: tuple[UUID, ...] = ()
    items: tuple[BomReleasedItem, ...]
    version: int


class BomChanged(Event, frozen=True, kw_only=True):
    """Anything else that happened to a BOM version: a draft ``created``, ``updated`` or
    ``deleted``; a released version ``superseded`` (validity closed where a successor
    starts), ``ended`` (validity closed by a deletion from a date) or ``obsoleted``."""

    topic: ClassVar[str] = "inventory.bom.changed"
    bom_id: UUID
    material_id: UUID
    usage: str
    alternative: int
    revision: int
    status: str
    change: str
    valid_from: date
    valid_to: date | None = None
    version: int


# ------------------------------------------------------------------ SAP production orders


class SapProductionOrderOperation(msgspec.Struct, frozen=True, kw_only=True):
    """An operation of the order's routing, as SAP scheduled it (plant-local times)."""

    operation: str  # VORNR, e.g. "0010"
    description: str | None = None
    work_center: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None


class SapProductionOrderComponent(msgspec.Struct, frozen=True, kw_only=True):
    """A component reservation of the order, in a Unison unit."""

    material_id: UUID
    material_number: str
    quantity: Decimal
    unit: str
    item: str | None = None  # reservation item (RSPOS)
    operation: str | None = None
    storage_location: str | None = None
    batch: str | None = None
    requirement_date: date | None = None


class SapProductionOrderReceived(Event, frozen=True, kw_only=True):
    """SAP created or changed a production order (LOIPRO IDoc, or the S/4 business event
    followed by a read of A_ProductionOrder_2): what the production service plans from.

    ``plant_id`` (of the base) is the Unison plant the SAP plant maps to. Dates and times
    are plant-local, as SAP keeps them (no offset). Sent again only when the order's
    content changed.
    """

    topic: ClassVar[str] = "inventory.sap.production_order.received"
    order_number: str
    order_type: str | None = None
    sap_plant: str
    material_id: UUID
    material_number: str
    quantity: Decimal
    unit: str
    planned_start: date | None = None
    planned_end: date | None = None
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    operations: tuple[SapProductionOrderOperation, ...] = ()
    components: tuple[SapProductionOrderComponent, ...] = ()
    source: str  # "LOIPRO" or "API_PRODUCTION_ORDER_2"
    sap_message_id: UUID


# ------------------------------------------------------------------ production postings


class ProductionPostingIssued(msgspec.Struct, frozen=True, kw_only=True):
    """What a production posting moved of one material and lot (``quantity`` signed:
    - issued, + received), in the material's base unit."""

    material_id: UUID
    lot: str | None = None
    quantity: Decimal
    unit: str
    movement_type: str


class ProductionPostingPosted(Event, frozen=True, kw_only=True):
    """Inventory posted what production asked for (``posting_id`` is the request's)."""

    topic: ClassVar[str] = "inventory.production_posting.posted"
    posting_id: UUID
    work_order_id: UUID
    reference: str
    movement_ids: tuple[UUID, ...]
    lines: tuple[ProductionPostingIssued, ...]


class ProductionPostingFailed(Event, frozen=True, kw_only=True):
    """Inventory refused a production posting (not enough stock, a held lot, a closed
    period...): nothing of it was posted. ``error`` says why, for the shop floor's list of
    failed postings; a retry through inventory's API posts it later."""

    topic: ClassVar[str] = "inventory.production_posting.failed"
    posting_id: UUID
    work_order_id: UUID
    reference: str
    error: str
    pointer: str | None = None


class MaintenanceIssuePosted(Event, frozen=True, kw_only=True):
    """Inventory issued the spare parts a maintenance work order asked for (261 to the
    order, ``reference`` its number); ``value`` is what they cost (positive)."""

    topic: ClassVar[str] = "inventory.maintenance_issue.posted"
    request_id: UUID
    maintenance_work_order_id: UUID
    reference: str
    movement_ids: tuple[UUID, ...]
    value: Decimal


class MaintenanceIssueFailed(Event, frozen=True, kw_only=True):
    """Inventory refused the issue (not enough stock, a held lot...): nothing was posted."""

    topic: ClassVar[str] = "inventory.maintenance_issue.failed"
    request_id: UUID
    maintenance_work_order_id: UUID
    reference: str
    error: str
    pointer: str | None = None


class QualityPostingPosted(Event, frozen=True, kw_only=True):
    """Inventory carried out what quality asked for (an NCR's disposition)."""

    topic: ClassVar[str] = "inventory.quality_posting.posted"
    request_id: UUID
    ncr_id: UUID
    reference: str
    movement_ids: tuple[UUID, ...]


class QualityPostingFailed(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.quality_posting.failed"
    request_id: UUID
    ncr_id: UUID
    reference: str
    error: str
    pointer: str | None = None


ALL = (
    MaterialCreated,
    MaterialChanged,
    MaterialDeleted,
    GoodsMovementPosted,
    LotStatusChanged,
    StockBelowReorderPoint,
    StockReorderPointRecovered,
    CycleCountPosted,
    BomReleased,
    BomChanged,
    SapProductionOrderReceived,
    ProductionPostingPosted,
    ProductionPostingFailed,
    MaintenanceIssuePosted,
    MaintenanceIssueFailed,
    QualityPostingPosted,
    QualityPostingFailed,
)
