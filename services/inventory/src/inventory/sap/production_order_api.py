"""Production orders by business event: S/4 announces ``ProductionOrder.Created`` (a
CloudEvent naming the order only), and the job reads the order from
API_PRODUCTION_ORDER_2_SRV, with its operations and components expanded.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import msgspec

from inventory.sap import idoc, odata, repo
from inventory.sap.client import PRODUCTION_ORDERS, SapClient, entity_key
from inventory.sap.orders import OrderComponent, OrderOperation, ProductionOrder
from inventory.service.caller import Caller
from unison_pg import Database
from unison_web import Invalid

EVENT_TYPE = "sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1"
SOURCE = "API_PRODUCTION_ORDER_2"
EXPAND = "to_ProductionOrderOperation,to_ProductionOrderComponent"
CONNECTION_URL = "/api/inventory/admin/sap/connection"
ROOT = "/d"


class BusinessEvent(msgspec.Struct, frozen=True):
    event_id: str
    order_number: str


def parse_event(document: Any) -> BusinessEvent:
    """The CloudEvent S/4 sends (Event Mesh webhook, structured mode)."""
    if not isinstance(document, dict):
        raise Invalid("expected a CloudEvent (a JSON object)")
    if document.get("type") != EVENT_TYPE:
        raise Invalid(f"type must be {EVENT_TYPE}, not {document.get('type')!r}", "/type")
    event_id = document.get("id")
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > 200:
        raise Invalid("id must be the event's id (1 to 200 characters)", "/id")
    data = document.get("data")
    number = None
    if isinstance(data, dict):
        number = data.get("ManufacturingOrder") or data.get("ProductionOrder")
    if not isinstance(number, str) or not number.strip() or len(number.strip()) > 12:
        raise Invalid("data.ManufacturingOrder must be the order number", "/data")
    return BusinessEvent(event_id=event_id.strip(), order_number=idoc.unpadded(number.strip()))


async def fetch_order(db: Database, caller: Caller, payload: bytes) -> ProductionOrder:
    """Read the order the event announces from SAP (no transaction held meanwhile)."""
    event = parse_event(odata.decode(payload))
    async with db.transaction(caller.tenant, readonly=True) as conn:
        connection = await repo.connection_get(conn)
    subject = f"production order {event.order_number}"
    if connection is None:
        raise Invalid(
            f"{subject} cannot be read: no SAP connection is configured"
            f" (PUT {CONNECTION_URL}), then replay"
        )
    if not connection.enabled:
        raise Invalid(f"{subject} cannot be read: the SAP connection is disabled")
    async with SapClient(connection) as client:
        resource = f"A_ProductionOrder_2({entity_key(event.order_number)})"
        document = await client.get(PRODUCTION_ORDERS, resource, {"$expand": EXPAND})
    return parse_order(document)


def _unit(item: dict[str, Any], name: str, at: str) -> str | None:
    for field in (f"{name}ISOCode", f"{name}SAPCode", name):
        value = odata.string(item, field, at)
        if value:
            return value
    return None


def _moment(item: dict[str, Any], date_name: str, time_name: str, at: str) -> datetime | None:
    """Date and time as the plant keeps them: Edm.DateTime at UTC midnight plus Edm.Time."""
    on = odata.parse_date(item.get(date_name), f"{at}/{date_name}")
    if on is None:
        return None
    offset = odata.parse_time(item.get(time_name), f"{at}/{time_name}") or timedelta()
    return datetime.combine(on, time()) + offset


def _operations(order: dict[str, Any]) -> tuple[OrderOperation, ...]:
    operations = []
    for index, item in enumerate(odata.expanded(order, "to_ProductionOrderOperation") or []):
        at = f"{ROOT}/to_ProductionOrderOperation/results/{index}"
        number = odata.string(item, "ManufacturingOrderOperation", at)
        if number is None or odata.string(item, "OperationIsDeleted", at) == "X":
            continue
        operations.append(
            OrderOperation(
                operation=number,
                description=odata.string(item, "MfgOrderOperationText", at),
                work_center=odata.string(item, "WorkCenter", at),
                quantity=odata.number(item, "OpPlannedTotalQuantity", at),
                sap_unit=_unit(item, "OperationUnit", at),
                scheduled_start=_moment(
                    item, "OpErlstSchedldExecStrtDte", "OpErlstSchedldExecStrtTme", at
                ),
                scheduled_end=_moment(
                    item, "OpErlstSchedldExecEndDte", "OpErlstSchedldExecEndTme", at
                ),
            )
        )
    return tuple(operations)


def _components(order: dict[str, Any]) -> tuple[OrderComponent, ...]:
    components = []
    for index, item in enumerate(odata.expanded(order, "to_ProductionOrderComponent") or []):
        at = f"{ROOT}/to_ProductionOrderComponent/results/{index}"
        if odata.flag(item, "MatlCompIsMarkedForDeletion", at):
            continue
        number = odata.string(item, "Material", at)
        quantity = odata.number(item, "RequiredQuantity", at)
        unit = _unit(item, "BaseUnit", at)
        if number is None or quantity is None or unit is None:
            raise Invalid("a component needs Material, RequiredQuantity and BaseUnit", at)
        components.append(
            OrderComponent(
                material_number=idoc.unpadded(number),
                quantity=quantity,
                sap_unit=unit,
                item=odata.string(item, "ReservationItem", at),
                operation=odata.string(item, "ManufacturingOrderOperation", at),
                storage_location=odata.string(item, "StorageLocation", at),
                batch=odata.string(item, "Batch", at),
                requirement_date=odata.parse_date(
                    item.get("MatlCompRequirementDate"), f"{at}/MatlCompRequirementDate"
                ),
            )
        )
    return tuple(components)


def parse_order(document: Any) -> ProductionOrder:
    """An A_ProductionOrder_2 entity with its expanded operations and components."""
    order = odata.entity(document, "A_ProductionOrder_2")
    number = odata.string(order, "ManufacturingOrder", ROOT)
    werks = odata.string(order, "ProductionPlant", ROOT)
    material = odata.string(order, "Material", ROOT)
    quantity = odata.number(order, "TotalQuantity", ROOT)
    unit = _unit(order, "ProductionUnit", ROOT)
    if number is None or werks is None or material is None or quantity is None or unit is None:
        raise Invalid(
            "A_ProductionOrder_2 needs ManufacturingOrder, ProductionPlant, Material,"
            " TotalQuantity and ProductionUnit",
            ROOT,
        )
    return ProductionOrder(
        order_number=idoc.unpadded(number),
        order_type=odata.string(order, "ManufacturingOrderType", ROOT),
        werks=werks.upper(),
        material_number=idoc.unpadded(material),
        quantity=quantity,
        sap_unit=unit,
        planned_start=odata.parse_date(
            order.get("MfgOrderPlannedStartDate"), f"{ROOT}/MfgOrderPlannedStartDate"
        ),
        planned_end=odata.parse_date(
            order.get("MfgOrderPlannedEndDate"), f"{ROOT}/MfgOrderPlannedEndDate"
        ),
        scheduled_start=_moment(
            order, "MfgOrderScheduledStartDate", "MfgOrderScheduledStartTime", ROOT
        ),
        scheduled_end=_moment(order, "MfgOrderScheduledEndDate", "MfgOrderScheduledEndTime", ROOT),
        operations=_operations(order),
        components=_components(order),
        source=SOURCE,
    )
