"""SAP's formats and codes, without a database: units, material types, OData values,
IDoc values, the retry marker and SAP's error texts."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from inventory.sap import idoc, odata
from inventory.sap.client import error_text
from inventory.sap.codes import Codes
from inventory.sap.goods_movements import marker
from tests.inventory.sap.conftest import fixture
from unison_web import Invalid

STANDARD = Codes(units={}, material_types={})


@pytest.mark.parametrize(
    ("sap", "unison"),
    [
        ("KGM", "KG"),
        ("KG", "KG"),
        ("PCE", "PC"),
        ("ST", "PC"),
        ("C62", "PC"),
        ("MTR", "M"),
        ("LTR", "L"),
        ("TAG", "D"),
        ("HR", "H"),
        ("ea", "EA"),
        ("XYZ", "XYZ"),
    ],
)
def test_iso_internal_and_commercial_units_map_to_unison_units(sap: str, unison: str) -> None:
    assert STANDARD.unit(sap) == unison


def test_an_organization_s_own_codes_come_first_both_ways() -> None:
    own = Codes(units={"KAR": "BOX", "ST": "EA"}, material_types={"YQFP": "finished"})
    assert (own.unit("KAR"), own.unit("ST"), own.unit("KGM")) == ("BOX", "EA", "KG")
    assert (own.sap_unit("BOX"), own.sap_unit("T"), own.sap_unit("PC")) == ("KAR", "TO", "PC")
    assert own.material_type("YQFP") == "finished"
    assert own.material_type("roh") == "raw"


def test_a_unit_without_a_short_sap_code_or_an_unknown_type_is_refused_with_a_hint() -> None:
    with pytest.raises(Invalid, match="unit PALLET has no SAP code of up to 3 characters"):
        STANDARD.sap_unit("PALLET")
    with pytest.raises(Invalid, match=r"PUT /api/inventory/admin/sap/codes/material_type/YQFP"):
        STANDARD.material_type("YQFP")


def test_odata_dates_times_and_decimals() -> None:
    assert odata.format_date(date(2026, 11, 25)) == "/Date(1795564800000)/"
    assert odata.parse_datetime("/Date(1795564800000)/", "/x") == datetime(2026, 11, 25, tzinfo=UTC)
    assert odata.parse_date("/Date(1727873130358+0000)/", "/x") == date(2024, 10, 2)
    assert odata.parse_date(None, "/x") is None
    assert odata.parse_time("PT06H30M00S", "/x") == timedelta(hours=6, minutes=30)
    assert odata.parse_time("PT24H00M00S", "/x") == timedelta(hours=24)  # end of the day
    for bad in ("PT25H00M00S", "06:30", "PT06H61M00S"):
        with pytest.raises(Invalid):
            odata.parse_time(bad, "/x")
    with pytest.raises(Invalid, match="is not an OData date"):
        odata.parse_date("2026-11-25", "/x")
    assert [odata.format_decimal(Decimal(v)) for v in ("12.500", "500.000", "1E+1", "0.001")] == [
        "12.5",
        "500",
        "10",
        "0.001",
    ]


def test_idoc_values_in_sap_s_internal_formats() -> None:
    segment = idoc.parse_xml(
        b"<E1X><QTY>5.000-</QTY><NONE>00000000</NONE><DAY>20240521</DAY><T>060000</T>"
        b"<BAD>5,0</BAD></E1X>"
    )
    assert idoc.decimal(segment, "QTY") == Decimal("-5.000")
    assert idoc.day(segment, "NONE") is None
    assert idoc.moment(segment, "DAY", "T") == datetime(2024, 5, 21, 6, 0)
    with pytest.raises(Invalid, match="'5,0' is not a number") as bad:
        idoc.decimal(segment, "BAD")
    assert bad.value.errors == [{"pointer": "/E1X/BAD", "detail": "'5,0' is not a number"}]
    assert idoc.unpadded("000000000000004711") == "4711"
    assert idoc.unpadded("VE-0001") == "VE-0001"


def test_an_idoc_s_fingerprint_ignores_formatting_but_not_content() -> None:
    raw = fixture("matmas-single-plant.xml")
    squeezed = b"".join(line.strip() for line in raw.splitlines())
    assert idoc.fingerprint(squeezed) == idoc.fingerprint(raw)
    changed = raw.replace(b"GORE Automotive Vents", b"GORE Automotive Vent")
    assert idoc.fingerprint(changed) != idoc.fingerprint(raw)


def test_the_retry_marker_is_16_characters_of_the_movement_id() -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    assert re.fullmatch(r"[A-Z2-7]{16}", marker(first))  # ReferenceDocument: 16, upper case
    assert marker(first) == marker(first)
    assert marker(first) != marker(second)


def test_sap_error_texts_are_read_from_json_xml_or_plain_answers() -> None:
    json_error = {
        "error": {
            "code": "M7/021",
            "message": {"lang": "en", "value": "Deficit of SL Unrestricted-use 5 PC"},
            "innererror": {
                "errordetails": [
                    {"code": "M7/021", "message": "Deficit of SL Unrestricted-use 5 PC"},
                    {"code": "M7/022", "message": "Check the batch"},
                ]
            },
        }
    }
    assert error_text(httpx.Response(400, json=json_error)) == (
        "M7/021: Deficit of SL Unrestricted-use 5 PC; Check the batch"
    )
    xml = (
        b'<?xml version="1.0"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/'
        b'dataservices/metadata"><code>/IWFND/CM_BEC/026</code><message xml:lang="en">'
        b"Gateway timeout</message></error>"
    )
    assert error_text(httpx.Response(504, content=xml)) == "/IWFND/CM_BEC/026: Gateway timeout"
    assert error_text(httpx.Response(401, text="Logon failed")) == "Logon failed"
