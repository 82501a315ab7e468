"""MATMAS (material master) IDocs, basic types MATMAS05/06 and their extensions.

Read: E1MARAM (general data), E1MAKTM (descriptions), E1MARCM (plant data), E1MARMM
(units of measure). Everything else (E1MARA1, E1MBEWM valuation, E1MVKEM sales, Z1...
customer segments) is not inventory's business and is skipped.

MSGFN, the function of a segment: 003 delete, 004 change, 005 replace, 009 original,
018 resend. On E1MARAM it is the function of the whole IDoc.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import asyncpg

from inventory.sap import idoc
from inventory.sap.idoc import decimal, path, text
from inventory.sap.master import MaterialMaster, PlantMaster, UnitOfMeasure, not_maintained
from inventory.sap.material_sync import apply_master
from inventory.service.caller import Caller
from unison_web import Invalid

FUNCTIONS = {"003": "delete", "004": "change", "005": "replace", "009": "original", "018": "resend"}
NUMBER_MAX = 40
_IN_HOUSE = ("E", "X")


def _function(segment: ET.Element) -> str:
    value = text(segment, "MSGFN") or "005"
    if value not in FUNCTIONS:
        known = ", ".join(f"{k} ({v})" for k, v in FUNCTIONS.items())
        raise Invalid(f"MSGFN {value} is not one of {known}", path(segment, "MSGFN"))
    return value


def _unit(segment: ET.Element, name: str) -> str | None:
    # Newer releases add the ISO code next to the internal one: take it when present.
    return text(segment, f"{name}_ISO") or text(segment, name)


def _number(segment: ET.Element) -> str:
    number = text(segment, "MATNR_LONG") or text(segment, "MATNR")
    if number is None:
        raise Invalid("E1MARAM has no material number (MATNR, MATNR_LONG)", "/E1MARAM/MATNR")
    number = idoc.unpadded(number)
    if len(number) > NUMBER_MAX:
        raise Invalid(f"material number {number} is longer than {NUMBER_MAX}", "/E1MARAM/MATNR")
    return number


def _description(general: ET.Element) -> str | None:
    texts = [t for t in general.findall("E1MAKTM") if _function(t) != "003"]
    for wanted in (("SPRAS_ISO", "EN"), ("SPRAS", "E")):
        for segment in texts:
            if (text(segment, wanted[0]) or "").upper() == wanted[1]:
                return text(segment, "MAKTX")
    return next((d for d in (text(t, "MAKTX") for t in texts) if d), None)


def _plant(segment: ET.Element, werks: str) -> PlantMaster:
    procurement = text(segment, "BESKZ")
    in_house = procurement in _IN_HOUSE
    fixed = decimal(segment, "BSTFE") if text(segment, "DISLS") == "FX" else None
    lead_time = decimal(segment, "DZEIT" if in_house else "PLIFZ") or Decimal(0)
    if lead_time < 0 or lead_time != lead_time.to_integral():
        raise Invalid(f"lead time {lead_time} is not a number of days", path(segment, "PLIFZ"))
    storage = text(segment, "LGPRO") if in_house else text(segment, "LGFSB")
    return PlantMaster(
        werks=werks,
        delete=_function(segment) == "003",
        procurement=procurement,
        reorder_point=decimal(segment, "MINBE") or Decimal(0),
        safety_stock=decimal(segment, "EISBE") or Decimal(0),
        lot_size=not_maintained(fixed),
        lead_time_days=int(lead_time),
        storage_location=storage or text(segment, "LGPRO") or text(segment, "LGFSB"),
        deletion_flag=text(segment, "LVORM") == "X",
    )


def _units(general: ET.Element) -> tuple[UnitOfMeasure, ...]:
    units = []
    for segment in general.findall("E1MARMM"):
        code = _unit(segment, "MEINH")
        numerator, denominator = decimal(segment, "UMREZ"), decimal(segment, "UMREN")
        if code is None:
            raise Invalid("E1MARMM has no unit (MEINH)", path(segment, "MEINH"))
        if not numerator or not denominator or numerator < 0 or denominator < 0:
            raise Invalid(f"unit {code}: UMREZ and UMREN must be positive", path(segment, "UMREZ"))
        units.append(
            UnitOfMeasure(
                sap_unit=code,
                numerator=numerator,
                denominator=denominator,
                delete=_function(segment) == "003",
            )
        )
    return tuple(units)


def parse(element: ET.Element) -> MaterialMaster:
    """The material master of a MATMAS IDoc (``element`` is its <IDOC>)."""
    segments = element.findall("E1MARAM")
    if len(segments) != 1:
        raise Invalid(
            f"a MATMAS IDoc holds one E1MARAM segment, this one {len(segments)}", "/E1MARAM"
        )
    general = segments[0]
    function = _function(general)
    plants, notes = [], []
    for segment in general.findall("E1MARCM"):
        werks = text(segment, "WERKS")
        if werks is None:
            notes.append("plant data without a plant (empty WERKS) skipped")
            continue
        plants.append(_plant(segment, werks.upper()))
    weights = (
        not_maintained(decimal(general, "BRGEW")),
        not_maintained(decimal(general, "NTGEW")),
    )
    sizes = tuple(not_maintained(decimal(general, f)) for f in ("LAENG", "BREIT", "HOEHE"))
    return MaterialMaster(
        number=_number(general),
        delete=function == "003",
        complete=function != "004",
        description=_description(general),
        material_type=text(general, "MTART"),
        base_unit=_unit(general, "MEINS"),
        material_group=text(general, "MATKL"),
        gross_weight=weights[0],
        net_weight=weights[1],
        weight_unit=_unit(general, "GEWEI") if any(weights) else None,
        length=sizes[0],
        width=sizes[1],
        height=sizes[2],
        dimension_unit=_unit(general, "MEABM") if any(sizes) else None,
        deletion_flag=text(general, "LVORM") == "X",
        plants=tuple(plants),
        units=_units(general),
        notes=tuple(notes),
    )


async def apply(conn: asyncpg.Connection, caller: Caller, element: ET.Element) -> str:
    """The IDoc handler for MATMAS: create, change or delete the material."""
    return await apply_master(conn, caller, parse(element))
