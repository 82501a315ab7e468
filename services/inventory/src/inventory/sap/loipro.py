"""LOIPRO (production order) IDocs, basic type LOIPRO01 and its extensions.

Read: E1AFKOL (order header: number, type, plant, material, quantity, basic and
scheduled dates), E1AFFLL/E1AFVOL (sequences and their operations) and E1RESBL
(component reservations). Units come as internal codes with an ``_ISO`` sibling in
newer releases; the ISO one is taken when present. Components and operations flagged
as deleted (XLOEK) are left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import asyncpg

from inventory.sap import idoc
from inventory.sap.idoc import day, decimal, moment, path, text
from inventory.sap.orders import OrderComponent, OrderOperation, ProductionOrder, publish_order
from inventory.service.caller import Caller
from unison_web import Invalid

SOURCE = "LOIPRO"


def _unit(segment: ET.Element, name: str) -> str | None:
    return text(segment, f"{name}_ISO") or text(segment, name)


def _material(segment: ET.Element, *names: str) -> str | None:
    for name in names:
        value = text(segment, name)
        if value is not None:
            return idoc.unpadded(value)
    return None


def _operations(header: ET.Element) -> tuple[OrderOperation, ...]:
    operations = []
    for segment in header.findall("E1AFFLL/E1AFVOL"):
        number = text(segment, "VORNR")
        if number is None or text(segment, "XLOEK") == "X":
            continue
        operations.append(
            OrderOperation(
                operation=number,
                description=text(segment, "LTXA1"),
                work_center=text(segment, "ARBPL"),
                quantity=decimal(segment, "MGVRG"),
                sap_unit=_unit(segment, "MEINH"),
                scheduled_start=moment(segment, "FSAVD", "FSAVZ"),
                scheduled_end=moment(segment, "FSEDD", "FSEDZ"),
            )
        )
    return tuple(operations)


def _components(header: ET.Element) -> tuple[OrderComponent, ...]:
    components = []
    for segment in header.findall("E1RESBL"):
        if text(segment, "XLOEK") == "X":
            continue
        number = _material(segment, "MATNR_LONG", "MATNR")
        quantity = decimal(segment, "BDMNG")
        unit = _unit(segment, "MEINS")
        if number is None or quantity is None or unit is None:
            raise Invalid(
                "a component (E1RESBL) needs MATNR, BDMNG and MEINS", path(segment, "MATNR")
            )
        components.append(
            OrderComponent(
                material_number=number,
                quantity=quantity,
                sap_unit=unit,
                item=text(segment, "RSPOS"),
                operation=text(segment, "VORNR"),
                storage_location=text(segment, "LGORT"),
                batch=text(segment, "CHARG"),
                requirement_date=day(segment, "BDTER"),
            )
        )
    return tuple(components)


def parse(element: ET.Element) -> ProductionOrder:
    """The production order of a LOIPRO IDoc (``element`` is its <IDOC>)."""
    headers = element.findall("E1AFKOL")
    if len(headers) != 1:
        raise Invalid(
            f"a LOIPRO IDoc holds one E1AFKOL segment, this one {len(headers)}", "/E1AFKOL"
        )
    header = headers[0]
    number, werks = text(header, "AUFNR"), text(header, "WERKS")
    material = _material(header, "MATNR_LONG", "MATNR", "PLNBEZ")
    quantity, unit = decimal(header, "GAMNG"), _unit(header, "GMEIN")
    if number is None or werks is None or material is None or quantity is None or unit is None:
        fields = zip(
            ("AUFNR", "WERKS", "MATNR", "GAMNG", "GMEIN"),
            (number, werks, material, quantity, unit),
            strict=True,
        )
        missing = [name for name, value in fields if value is None]
        raise Invalid(f"E1AFKOL lacks {', '.join(missing)}", path(header, missing[0]))
    return ProductionOrder(
        order_number=idoc.unpadded(number),
        order_type=text(header, "AUART"),
        werks=werks.upper(),
        material_number=material,
        quantity=quantity,
        sap_unit=unit,
        planned_start=day(header, "GSTRP"),
        planned_end=day(header, "GLTRP"),
        scheduled_start=moment(header, "GSTRS", "GSUZS"),
        scheduled_end=moment(header, "GLTRS", "GLUZS"),
        operations=_operations(header),
        components=_components(header),
        source=SOURCE,
    )


async def apply(conn: asyncpg.Connection, caller: Caller, element: ET.Element) -> str:
    """The IDoc handler for LOIPRO: publish the order for the production service."""
    return await publish_order(conn, caller, parse(element))
