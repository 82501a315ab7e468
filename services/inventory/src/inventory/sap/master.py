"""A material master as SAP describes it, whichever way it came (MATMAS IDoc or A_Product).

Codes are still SAP's (units, material type, plants); ``material_sync`` translates and
applies them. ``UNSET`` means "this message does not say": the stored value stays (or a
new material gets the default). Quantities that SAP writes as 0 for "not maintained"
(weights, dimensions) arrive here as None.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from msgspec import UNSET, UnsetType


class UnitOfMeasure(msgspec.Struct, frozen=True, kw_only=True):
    """1 ``sap_unit`` = ``numerator`` / ``denominator`` base units (MARM UMREZ / UMREN)."""

    sap_unit: str
    numerator: Decimal
    denominator: Decimal
    delete: bool = False


class PlantMaster(msgspec.Struct, frozen=True, kw_only=True):
    werks: str
    delete: bool = False
    # BESKZ: E in-house, F external, X both.
    procurement: str | UnsetType | None = UNSET
    reorder_point: Decimal | UnsetType = UNSET
    safety_stock: Decimal | UnsetType = UNSET
    lot_size: Decimal | UnsetType | None = UNSET  # None: lot-for-lot
    lead_time_days: int | UnsetType = UNSET
    storage_location: str | UnsetType | None = UNSET
    deletion_flag: bool = False


class MaterialMaster(msgspec.Struct, frozen=True, kw_only=True):
    number: str
    delete: bool = False
    # The message carries the material's complete set of alternative units (MSGFN 005
    # replace, 009 original, 018 resend; an expanded to_ProductUnitsOfMeasure): units it
    # does not list are removed. A change (004) only touches the units it lists.
    complete: bool = True
    description: str | None = None
    material_type: str | None = None
    base_unit: str | None = None
    material_group: str | UnsetType | None = UNSET
    gross_weight: Decimal | UnsetType | None = UNSET
    net_weight: Decimal | UnsetType | None = UNSET
    weight_unit: str | UnsetType | None = UNSET
    length: Decimal | UnsetType | None = UNSET
    width: Decimal | UnsetType | None = UNSET
    height: Decimal | UnsetType | None = UNSET
    dimension_unit: str | UnsetType | None = UNSET
    deletion_flag: bool | UnsetType = UNSET
    plants: tuple[PlantMaster, ...] = ()
    units: tuple[UnitOfMeasure, ...] | None = None  # None: the message says nothing
    notes: tuple[str, ...] = ()


def not_maintained(value: Decimal | None) -> Decimal | None:
    """SAP has no null for these quantities: 0 means nobody entered one."""
    return None if value is None or value == 0 else value
