"""SAP codes and Unison's: units of measure and material types.

SAP ships ISO codes in the fields meant for exchange (KGM, PCE, MTR, LTR) and its
internal codes elsewhere (KG, ST, M, L), so both are read. An organization's own entries
(``sap_codes``) come first: customer material types such as YQFP, and units of its own.
A unit code SAP and Unison spell alike (EA, KG, H) needs no entry; whether Unison knows
it is checked where it is used.
"""

from __future__ import annotations

from typing import get_args

import asyncpg
import msgspec

from inventory.models import MaterialType
from inventory.sap import repo
from unison_web import Invalid

# SAP unit codes that differ from Unison's: ISO codes (KGM, PCE), SAP's internal codes
# (ST, TAG, ZOL) and the English commercial codes OData shows (HR).
FROM_SAP: dict[str, str] = {
    # ISO (T006-ISOCODE)
    "KGM": "KG",
    "GRM": "G",
    "MGM": "MG",
    "TNE": "T",
    "LBR": "LB",
    "MTR": "M",
    "MMT": "MM",
    "CMT": "CM",
    "KMT": "KM",
    "INH": "IN",
    "FOT": "FT",
    "MTK": "M2",
    "CMK": "CM2",
    "LTR": "L",
    "MLT": "ML",
    "MTQ": "M3",
    "GLL": "GAL",
    "SEC": "S",
    "HUR": "H",
    "DAY": "D",
    "PCE": "PC",
    "C62": "PC",
    "DZN": "DZ",
    "BX": "BOX",
    "BG": "BAG",
    "CA": "CAN",
    "RO": "ROL",
    "PF": "PAL",
    # internal (T006-MSEHI), German-derived where they differ
    "ST": "PC",
    "TO": "T",
    "TAG": "D",
    "PAA": "PR",
    "ZOL": "IN",
    # commercial, English
    "HR": "H",
}
# What SAP's OData APIs take in a unit field: the commercial code in the API user's
# logon language (English here), which the API converts to the internal one. Where it
# equals Unison's code (EA, PC, KG, M, L, ...) nothing is listed.
TO_SAP: dict[str, str] = {"T": "TO", "D": "DAY"}

# SAP's standard material types; customer types (Y*, Z*) are mapped per organization.
MATERIAL_TYPES: dict[str, str] = {
    "ROH": "raw",
    "HALB": "semi_finished",
    "FERT": "finished",
    "HAWA": "finished",
    "HIBE": "consumable",
    "VERP": "consumable",
    "NLAG": "consumable",
    "UNBW": "consumable",
    "ERSA": "spare",
}
_TYPES: dict[str, MaterialType] = {t: t for t in get_args(MaterialType)}
CODES_URL = "/api/inventory/admin/sap/codes"


class Codes(msgspec.Struct, frozen=True):
    """The translations in force for one organization."""

    units: dict[str, str]
    material_types: dict[str, str]

    def unit(self, sap_code: str) -> str:
        """The Unison unit for an SAP unit code (ISO or internal)."""
        code = sap_code.strip().upper()
        return self.units.get(code) or FROM_SAP.get(code) or code

    def sap_unit(self, unit: str) -> str:
        """The code to send SAP in an OData unit field for a Unison unit."""
        own = sorted(sap for sap, code in self.units.items() if code == unit)
        found = own[0] if own else TO_SAP.get(unit, unit)
        if len(found) > 3:
            raise Invalid(
                f"unit {unit} has no SAP code of up to 3 characters:"
                f' PUT {CODES_URL}/unit/{{sap_code}} with {{"code": "{unit}"}}'
            )
        return found

    def material_type(self, sap_type: str, pointer: str | None = None) -> MaterialType:
        code = sap_type.strip().upper()
        found = _TYPES.get(self.material_types.get(code) or MATERIAL_TYPES.get(code) or "")
        if found is None:
            raise Invalid(
                f"SAP material type {code} has no Unison type: PUT"
                f' {CODES_URL}/material_type/{code} with {{"code": "raw"}} (or'
                " semi_finished, finished, consumable, spare), then replay",
                pointer,
            )
        return found


async def load(conn: asyncpg.Connection) -> Codes:
    units: dict[str, str] = {}
    material_types: dict[str, str] = {}
    for entry in await repo.codes_all(conn):
        target = units if entry.kind == "unit" else material_types
        target[entry.sap_code] = entry.code
    return Codes(units=units, material_types=material_types)
