"""Reading SAP BOMMAT (BOMMAT03..05) IDocs: segments and fields into plain values.

Segments read: ``E1STZUM`` (header: MSGFN, DATUV, AENNR), ``E1MASTM`` (MATNR, WERKS, STLAN,
STLAL; one per material and plant the BOM is assigned to), ``E1STKOM`` (BMENG, BMEIN,
DATUV, STKTX), ``E1STPOM`` (MSGFN, POSNR, POSTP, IDNRK, MENGE, MEINS, AUSCH, DATUV, DUMPS).
Anything else (customer ``Z`` segments, fields not listed) is ignored. What the message
means for the BOMs is ``boms_idoc``'s business.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from inventory.bom_models import BomUsage
from unison_web import Invalid

DELETE, CHANGE, REPLACE, ORIGINAL, RESEND = "003", "004", "005", "009", "018"
MESSAGE_FUNCTIONS = {DELETE, CHANGE, REPLACE, ORIGINAL, RESEND}
USAGES: dict[str, BomUsage] = {
    "1": "production",
    "2": "engineering",
    "3": "universal",
    "4": "maintenance",
    "5": "sales",
    "6": "costing",
}
# Stock items and variable-size items (a stock item whose quantity SAP computed) are
# consumed; text, document, class and non-stock items are not inventory's business.
STOCK_ITEM_CATEGORIES = {"L", "R"}

# SAP sends ISO codes (KGM) or its internal ones (KG, ST for Stück); the service's units
# are those of inventory.demo_data.STANDARD_UNITS. A code not listed is tried as it is.
SAP_UNITS = {
    "PCE": "PC", "ST": "PC", "EA": "EA", "PR": "PR", "PAA": "PR", "DZN": "DZ",
    "KGM": "KG", "KG": "KG", "GRM": "G", "G": "G", "MGM": "MG", "TNE": "T", "TO": "T",
    "LBR": "LB", "LB": "LB",
    "MTR": "M", "M": "M", "MMT": "MM", "MM": "MM", "CMT": "CM", "CM": "CM", "KMT": "KM",
    "INH": "IN", "IN": "IN", "FOT": "FT", "FT": "FT",
    "MTK": "M2", "M2": "M2", "CMK": "CM2", "CM2": "CM2",
    "LTR": "L", "L": "L", "MLT": "ML", "ML": "ML", "MTQ": "M3", "M3": "M3", "GLL": "GAL",
    "SEC": "S", "S": "S", "MIN": "MIN", "HUR": "H", "H": "H", "STD": "H", "DAY": "D", "TAG": "D",
}  # fmt: skip


def unit_code(sap_code: str) -> str:
    code = sap_code.strip().upper()
    return SAP_UNITS.get(code, code)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    found = _children(element, name)
    return (found[0].text or "").strip() if found else ""


def _date(value: str, what: str) -> date | None:
    if not value or set(value) == {"0"}:
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise Invalid(f"{what} {value!r} is not a date (YYYYMMDD)") from None


def _number(value: str, what: str) -> Decimal | None:
    """SAP numbers: ``12.500``, ``-5.000`` or ``5.000-`` (sign behind)."""
    text = value.replace(" ", "")
    if not text:
        return None
    if text.endswith("-"):
        text = "-" + text[:-1]
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"{what} {value!r} is not a number") from None
    if not number.is_finite():
        raise Invalid(f"{what} {value!r} is not a number")
    return number


@dataclass(frozen=True)
class IdocItem:
    item_number: int
    function: str
    category: str
    component: str
    quantity: Decimal
    unit: str
    scrap_percent: Decimal
    valid_from: date | None
    phantom: bool


@dataclass(frozen=True)
class Assignment:
    material: str
    plant: str
    usage: BomUsage
    alternative: int


@dataclass(frozen=True)
class Bommat:
    docnum: str
    function: str
    valid_from: date
    change_number: str | None
    assignments: list[Assignment]
    has_header: bool
    base_quantity: Decimal
    base_unit: str | None
    description: str | None
    items: list[IdocItem]


def _idoc(root: ET.Element) -> ET.Element:
    if _local(root.tag) == "IDOC":
        return root
    found = _children(root, "IDOC")
    if len(found) != 1:
        raise Invalid(f"expected one IDOC element, found {len(found)}")
    return found[0]


def _assignment(segment: ET.Element) -> Assignment:
    material = _text(segment, "MATNR_LONG") or _text(segment, "MATNR")
    if not material:
        raise Invalid("E1MASTM without MATNR")
    usage_code = _text(segment, "STLAN") or "1"
    usage = USAGES.get(usage_code)
    if usage is None:
        raise Invalid(f"BOM usage STLAN {usage_code!r} is not one of 1-6")
    alternative = _text(segment, "STLAL") or "1"
    if not alternative.isdigit() or not 1 <= int(alternative) <= 99:
        raise Invalid(f"alternative STLAL {alternative!r} is not 01-99")
    return Assignment(material, _text(segment, "WERKS"), usage, int(alternative))


def _item(segment: ET.Element, default_function: str) -> IdocItem:
    posnr = _text(segment, "POSNR")
    if not posnr.isdigit() or not 1 <= int(posnr) <= 9999:
        raise Invalid(f"item number POSNR {posnr!r} is not 0001-9999")
    where = f"item {posnr}"
    quantity = _number(_text(segment, "MENGE"), f"{where}: MENGE")
    return IdocItem(
        item_number=int(posnr),
        function=_text(segment, "MSGFN") or default_function,
        category=(_text(segment, "POSTP") or "L").upper(),
        component=_text(segment, "IDNRK_LONG") or _text(segment, "IDNRK"),
        quantity=quantity if quantity is not None else Decimal(0),
        unit=_text(segment, "MEINS"),
        scrap_percent=_number(_text(segment, "AUSCH"), f"{where}: AUSCH") or Decimal(0),
        valid_from=_date(_text(segment, "DATUV"), f"{where}: DATUV"),
        phantom=_text(segment, "DUMPS").upper() == "X",
    )


def parse(root: ET.Element) -> Bommat:
    """The BOMMAT message, or Invalid saying what is missing or malformed."""
    idoc = _idoc(root)
    control = _children(idoc, "EDI_DC40")
    message_type = _text(control[0], "MESTYP") if control else ""
    if message_type and message_type != "BOMMAT":
        raise Invalid(f"message type {message_type} is not BOMMAT")
    headers = _children(idoc, "E1STZUM")
    if len(headers) != 1:
        raise Invalid(f"expected one E1STZUM segment, found {len(headers)}")
    (header,) = headers
    assignments = [_assignment(s) for s in _children(header, "E1MASTM")]
    if not assignments:
        raise Invalid("E1STZUM without E1MASTM: no material to assign the BOM to")
    kom = next(iter(_children(header, "E1STKOM")), None)
    function = _text(header, "MSGFN") or _text(kom, "MSGFN") or ORIGINAL
    if function not in MESSAGE_FUNCTIONS:
        raise Invalid(f"message function MSGFN {function!r} is not one of 003/004/005/009/018")
    valid_from = _date(_text(kom, "DATUV") or _text(header, "DATUV"), "DATUV")
    if valid_from is None:
        raise Invalid("no valid-from date DATUV in E1STKOM or E1STZUM")
    base_quantity = _number(_text(kom, "BMENG"), "BMENG")
    return Bommat(
        docnum=_text(control[0], "DOCNUM").lstrip("0") if control else "",
        function=function,
        valid_from=valid_from,
        change_number=_text(header, "AENNR") or _text(kom, "AENNR") or None,
        assignments=assignments,
        has_header=kom is not None,
        base_quantity=base_quantity if base_quantity else Decimal(1),
        base_unit=unit_code(_text(kom, "BMEIN")) if _text(kom, "BMEIN") else None,
        description=_text(kom, "STKTX") or None,
        items=[_item(s, function) for s in _children(header, "E1STPOM")],
    )
