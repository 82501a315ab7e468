"""Master data a pump manufacturer would have: units, and ~40 materials across all types."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from inventory.models import Dimension, MaterialStatus, MaterialType


class UnitRow(NamedTuple):
    code: str
    name: str
    dimension: Dimension
    # Reference units (EA, KG, M, M2, L, S) per 1 unit; None for packaging units.
    numerator: Decimal | None
    denominator: Decimal | None


def _u(
    code: str, name: str, dimension: Dimension, numerator: str, denominator: str = "1"
) -> UnitRow:
    return UnitRow(code, name, dimension, Decimal(numerator), Decimal(denominator))


def _pack(code: str, name: str) -> UnitRow:
    return UnitRow(code, name, "package", None, None)


STANDARD_UNITS: tuple[UnitRow, ...] = (
    _u("EA", "each", "count", "1"),
    _u("PC", "piece", "count", "1"),
    _u("PR", "pair", "count", "2"),
    _u("DZ", "dozen", "count", "12"),
    _u("KG", "kilogram", "mass", "1"),
    _u("G", "gram", "mass", "1", "1000"),
    _u("MG", "milligram", "mass", "1", "1000000"),
    _u("T", "tonne", "mass", "1000"),
    _u("LB", "pound", "mass", "0.45359237"),
    _u("M", "metre", "length", "1"),
    _u("MM", "millimetre", "length", "1", "1000"),
    _u("CM", "centimetre", "length", "1", "100"),
    _u("KM", "kilometre", "length", "1000"),
    _u("IN", "inch", "length", "0.0254"),
    _u("FT", "foot", "length", "0.3048"),
    _u("M2", "square metre", "area", "1"),
    _u("CM2", "square centimetre", "area", "1", "10000"),
    _u("L", "litre", "volume", "1"),
    _u("ML", "millilitre", "volume", "1", "1000"),
    _u("M3", "cubic metre", "volume", "1000"),
    _u("GAL", "US gallon", "volume", "3.785411784"),
    _u("S", "second", "time", "1"),
    _u("MIN", "minute", "time", "60"),
    _u("H", "hour", "time", "3600"),
    _u("D", "day", "time", "86400"),
    _pack("BOX", "box"),
    _pack("BAG", "bag"),
    _pack("CAN", "can"),
    _pack("DR", "drum"),
    _pack("ROL", "roll"),
    _pack("PAL", "pallet"),
)


class MaterialRow(NamedTuple):
    number: str
    description: str
    type: MaterialType
    base_unit: str
    group: str
    # (unit, base units per 1 unit) as SAP MARM numerator/denominator.
    alternatives: tuple[tuple[str, str, str], ...] = ()
    gross_weight_kg: str | None = None
    status: MaterialStatus = "active"


MATERIALS: tuple[MaterialRow, ...] = (
    MaterialRow(
        "RM-1001",
        "Steel sheet S235JR 2.0 mm, 1250 x 2500",
        "raw",
        "KG",
        "STEEL",
        (("PC", "49.0625", "1"),),
    ),
    MaterialRow(
        "RM-1002",
        "Steel sheet S355J2 3.0 mm, 1500 x 3000",
        "raw",
        "KG",
        "STEEL",
        (("PC", "105.975", "1"),),
    ),
    MaterialRow(
        "RM-1003",
        "Stainless sheet 1.4301 1.5 mm, 1000 x 2000",
        "raw",
        "KG",
        "STEEL",
        status="blocked",
    ),
    MaterialRow(
        "RM-1010", "Round bar 42CrMo4 diameter 40 mm", "raw", "M", "STEEL", gross_weight_kg="9.865"
    ),
    MaterialRow(
        "RM-1011", "Flat bar S235JR 40 x 8 mm", "raw", "M", "STEEL", gross_weight_kg="2.512"
    ),
    MaterialRow("RM-1020", "Aluminium profile 6060 T66 40 x 40 mm", "raw", "M", "ALU"),
    MaterialRow(
        "RM-1030", "Copper wire H07V-K 1.5 mm2 black", "raw", "M", "ELEC", (("ROL", "100", "1"),)
    ),
    MaterialRow(
        "RM-1040",
        "Cast iron pump housing blank EN-GJL-250",
        "raw",
        "PC",
        "CAST",
        gross_weight_kg="14.2",
    ),
    MaterialRow(
        "RM-1050", "Polypropylene granulate natural", "raw", "KG", "PLAST", (("BAG", "25", "1"),)
    ),
    MaterialRow("RM-1051", "ABS granulate black", "raw", "KG", "PLAST", (("BAG", "25", "1"),)),
    MaterialRow(
        "RM-1060",
        "Hex bolt M8 x 30 DIN 933 8.8 zinc plated",
        "raw",
        "PC",
        "FAST",
        (("BOX", "200", "1"),),
    ),
    MaterialRow(
        "RM-1061",
        "Hex bolt M10 x 40 DIN 933 8.8 zinc plated",
        "raw",
        "PC",
        "FAST",
        (("BOX", "100", "1"),),
    ),
    MaterialRow(
        "RM-1062",
        "Hex nut M8 DIN 934 class 8 zinc plated",
        "raw",
        "PC",
        "FAST",
        (("BOX", "500", "1"),),
    ),
    MaterialRow(
        "RM-1063",
        "Washer A 8.4 DIN 125 steel zinc plated",
        "raw",
        "PC",
        "FAST",
        (("BOX", "1000", "1"),),
    ),
    MaterialRow(
        "RM-1070", "Deep groove ball bearing 6204-2RS", "raw", "PC", "BEAR", (("BOX", "10", "1"),)
    ),
    MaterialRow(
        "RM-1071", "Deep groove ball bearing 6205-2Z", "raw", "PC", "BEAR", (("BOX", "10", "1"),)
    ),
    MaterialRow("RM-1072", "Tapered roller bearing 30206", "raw", "PC", "BEAR"),
    MaterialRow("RM-1080", "O-ring 40 x 3 NBR 70", "raw", "PC", "SEAL", (("BAG", "100", "1"),)),
    MaterialRow("RM-1081", "Mechanical seal 25 mm carbon/SiC", "raw", "PC", "SEAL"),
    MaterialRow(
        "RM-1090",
        "Electric motor 0.75 kW 4-pole IE3 B3",
        "raw",
        "PC",
        "MOTOR",
        gross_weight_kg="9.8",
    ),
    MaterialRow(
        "RM-1091",
        "Electric motor 2.2 kW 4-pole IE3 B5",
        "raw",
        "PC",
        "MOTOR",
        gross_weight_kg="17.5",
    ),
    MaterialRow("RM-1100", "Epoxy primer grey RAL 7035", "raw", "L", "PAINT", (("CAN", "5", "1"),)),
    MaterialRow(
        "RM-1101",
        "Polyurethane topcoat gentian blue RAL 5010",
        "raw",
        "L",
        "PAINT",
        (("CAN", "5", "1"),),
    ),
    MaterialRow(
        "SF-2001",
        "Pump housing CP-40, machined",
        "semi_finished",
        "PC",
        "HOUS",
        gross_weight_kg="12.6",
    ),
    MaterialRow(
        "SF-2002", "Impeller diameter 160 mm bronze, balanced", "semi_finished", "PC", "IMPEL"
    ),
    MaterialRow(
        "SF-2003", "Pump shaft 42CrMo4 diameter 28 mm, ground", "semi_finished", "PC", "SHAFT"
    ),
    MaterialRow("SF-2010", "Motor bracket, welded and painted", "semi_finished", "PC", "WELD"),
    MaterialRow("SF-2020", "Base frame 600 x 400, welded", "semi_finished", "PC", "WELD"),
    MaterialRow(
        "FG-3001",
        "Centrifugal pump CP-40 0.75 kW",
        "finished",
        "PC",
        "PUMP",
        (("PAL", "4", "1"),),
        gross_weight_kg="38",
    ),
    MaterialRow(
        "FG-3002",
        "Centrifugal pump CP-65 2.2 kW",
        "finished",
        "PC",
        "PUMP",
        (("PAL", "2", "1"),),
        gross_weight_kg="61",
    ),
    MaterialRow("FG-3003", "Pump set CP-40 on base frame", "finished", "PC", "PUMP"),
    MaterialRow(
        "FG-3010", "Service kit CP-40: mechanical seal, bearings, O-rings", "finished", "PC", "KIT"
    ),
    MaterialRow(
        "CS-4001", "Cutting oil, water-miscible", "consumable", "L", "FLUID", (("DR", "200", "1"),)
    ),
    MaterialRow(
        "CS-4002", "Welding wire G3Si1 1.0 mm", "consumable", "KG", "WELD", (("ROL", "15", "1"),)
    ),
    MaterialRow(
        "CS-4003", "Grinding disc 125 x 6 mm", "consumable", "PC", "ABRAS", (("BOX", "25", "1"),)
    ),
    MaterialRow("CS-4004", "Shop rags, cotton", "consumable", "KG", "CLEAN"),
    MaterialRow("CS-4005", "Thread locker medium strength 50 ml", "consumable", "PC", "CHEM"),
    MaterialRow("SP-5001", "V-belt SPA 1250", "spare", "PC", "DRIVE"),
    MaterialRow("SP-5002", "Hydraulic filter element 10 micron", "spare", "PC", "HYDR"),
    MaterialRow("SP-5003", "Spindle bearing 7014 C for CNC lathe", "spare", "PC", "BEAR"),
    MaterialRow("SP-5004", "Inductive proximity sensor M12 PNP", "spare", "PC", "ELEC"),
    MaterialRow(
        "SP-5005", "Contactor 3-pole 18 A, 24 V DC coil", "spare", "PC", "ELEC", status="blocked"
    ),
)
