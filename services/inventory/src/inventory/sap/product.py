"""A_Product (API_PRODUCT_SRV, and A_ClfnProduct of API_CLFN_PRODUCT_SRV, which has the
same shape) as S/4HANA returns it: ``{"d": {...}}`` with the navigations it was asked
to expand.

Read: the product's general data, ``to_Description``, ``to_Plant`` (with
``to_ProductSupplyPlanning`` when expanded) and ``to_ProductUnitsOfMeasure``. A
navigation that was not expanded says nothing: what Unison holds for it stays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
from msgspec import UNSET, UnsetType

from inventory.sap import idoc, odata
from inventory.sap.master import MaterialMaster, PlantMaster, UnitOfMeasure, not_maintained
from inventory.sap.material_sync import apply_master
from inventory.service.caller import Caller
from unison_web import Invalid

ROOT = "/d"
NUMBER_MAX = 40
_IN_HOUSE = ("E", "X")


def _present(item: dict[str, Any], name: str, value: Any) -> Any:
    return value if name in item else UNSET


def _number(product: dict[str, Any]) -> str:
    number = odata.string(product, "Product", ROOT)
    if number is None:
        raise Invalid("Product (the material number) is missing", f"{ROOT}/Product")
    number = idoc.unpadded(number)
    if len(number) > NUMBER_MAX:
        raise Invalid(f"material number {number} is longer than {NUMBER_MAX}", f"{ROOT}/Product")
    return number


def _description(product: dict[str, Any]) -> str | None:
    texts = odata.expanded(product, "to_Description") or []
    by_language = {
        (odata.string(t, "Language", f"{ROOT}/to_Description") or "").upper(): t for t in texts
    }
    chosen = by_language.get("EN") or (texts[0] if texts else None)
    if chosen is None:
        return None
    return odata.string(chosen, "ProductDescription", f"{ROOT}/to_Description")


def _weights(product: dict[str, Any]) -> dict[str, Any]:
    gross = not_maintained(odata.number(product, "GrossWeight", ROOT))
    net = not_maintained(odata.number(product, "NetWeight", ROOT))
    unit = odata.string(product, "WeightUnit", ROOT) if gross or net else None
    return {
        "gross_weight": _present(product, "GrossWeight", gross),
        "net_weight": _present(product, "NetWeight", net),
        "weight_unit": _present(product, "WeightUnit", unit),
    }


def _lead_time(value: Decimal | None, at: str) -> int | UnsetType:
    if value is None:
        return UNSET
    if value < 0 or value != value.to_integral():
        raise Invalid(f"lead time {value} is not a number of days", at)
    return int(value)


def _plant(item: dict[str, Any], index: int) -> PlantMaster:
    at = f"{ROOT}/to_Plant/results/{index}"
    werks = odata.string(item, "Plant", at)
    if werks is None:
        raise Invalid("Plant is missing", f"{at}/Plant")
    procurement = odata.string(item, "ProcurementType", at)
    in_house = procurement in _IN_HOUSE
    planning = odata.expanded_one(item, "to_ProductSupplyPlanning") or {}
    planning_at = f"{at}/to_ProductSupplyPlanning"
    if planning:
        fixed = odata.number(planning, "FixedLotSizeQuantity", planning_at)
        fixed = fixed if odata.string(planning, "LotSizingProcedure", planning_at) == "FX" else None
        lot_size: Decimal | UnsetType | None = not_maintained(fixed)
    else:
        lot_size = _present(
            item,
            "FixedLotSizeQuantity",
            not_maintained(odata.number(item, "FixedLotSizeQuantity", at)),
        )
    lead_field = "InHouseProductionTime" if in_house else "PlannedDeliveryDurationInDays"
    storage_field = "ProductionInvtryManagedLoc" if in_house else "DfltStorageLocationExtProcmt"
    storage = odata.string(item, storage_field, at) or odata.string(planning, storage_field, at)
    return PlantMaster(
        werks=werks.upper(),
        procurement=_present(item, "ProcurementType", procurement),
        reorder_point=_quantity(planning, "ReorderThresholdQuantity", planning_at),
        safety_stock=_quantity(planning, "SafetyStockQuantity", planning_at),
        lot_size=lot_size,
        lead_time_days=_lead_time(odata.number(planning, lead_field, planning_at), planning_at),
        storage_location=storage if storage or storage_field in (item | planning) else UNSET,
        deletion_flag=bool(odata.flag(item, "IsMarkedForDeletion", at)),
    )


def _quantity(item: dict[str, Any], name: str, at: str) -> Decimal | UnsetType:
    if name not in item:
        return UNSET
    return odata.number(item, name, at) or Decimal(0)


def _units(product: dict[str, Any]) -> tuple[UnitOfMeasure, ...] | None:
    items = odata.expanded(product, "to_ProductUnitsOfMeasure")
    if items is None:
        return None
    units = []
    for index, item in enumerate(items):
        at = f"{ROOT}/to_ProductUnitsOfMeasure/results/{index}"
        code = odata.string(item, "AlternativeUnit", at)
        numerator = odata.number(item, "QuantityNumerator", at)
        denominator = odata.number(item, "QuantityDenominator", at)
        if code is None:
            raise Invalid("AlternativeUnit is missing", f"{at}/AlternativeUnit")
        if not numerator or not denominator or numerator < 0 or denominator < 0:
            raise Invalid(
                f"unit {code}: QuantityNumerator and QuantityDenominator must be positive", at
            )
        units.append(UnitOfMeasure(sap_unit=code, numerator=numerator, denominator=denominator))
    return tuple(units)


def parse(document: Any) -> MaterialMaster:
    """The material master of an A_Product entity."""
    product = odata.entity(document, "A_Product")
    plants = odata.expanded(product, "to_Plant")
    deleted = odata.flag(product, "IsMarkedForDeletion", ROOT)
    group = odata.string(product, "ProductGroup", ROOT)
    return MaterialMaster(
        number=_number(product),
        description=_description(product),
        material_type=odata.string(product, "ProductType", ROOT),
        base_unit=odata.string(product, "BaseUnit", ROOT),
        material_group=_present(product, "ProductGroup", group),
        deletion_flag=UNSET if deleted is None else deleted,
        plants=tuple(_plant(p, i) for i, p in enumerate(plants or [])),
        units=_units(product),
        **_weights(product),
    )


async def apply(conn: asyncpg.Connection, caller: Caller, document: Any) -> str:
    return await apply_master(conn, caller, parse(document))
