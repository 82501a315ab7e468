"""IDoc XML as SAP sends it: an ``<IDOC>`` holding the control record ``EDI_DC40`` and the
data segments, usually wrapped in an element named after the basic type (``MATMAS06``)
or the extension (``ZMATMAS0601``).

Segments are read by name, so customer extension segments (``Z1...``) and fields a
newer release adds are skipped rather than refused. Values are SAP's internal formats:
numbers with a trailing minus for negatives, dates ``YYYYMMDD`` (``00000000`` = none),
times ``HHMMSS``.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

import msgspec

from unison_web import Invalid

# IDoc XML never carries a DTD; refusing one rules out entity expansion and external
# entities whatever the parser would do with them.
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_VERSION_SUFFIX = re.compile(r"^([A-Z_/]+?)\d+$")
_DOCNUM = re.compile(r"^\d{1,16}$")
# An IDoc is a wrapper, the IDOC, segments a few levels deep and their fields. Deeper
# documents are refused before anything walks them: canonicalizing (the fingerprint) an
# element 100,000 levels deep took 110 s of the service's event loop (1.7 MB, well under
# the body limit; found by tests/reliability).
MAX_DEPTH = 32


class Control(msgspec.Struct, frozen=True, kw_only=True):
    """The control record (EDI_DC40): which IDoc this is and who sent it."""

    docnum: str  # leading zeros removed: "0000000000894460" and "894460" are one IDoc
    idoc_type: str  # IDOCTYP, e.g. MATMAS06
    base_type: str  # without the version: MATMAS
    message_type: str | None  # MESTYP
    extension: str | None  # CIMTYP, e.g. ZMATMAS0601
    sender: str | None  # SNDPRN, the sending logical system
    serial: str | None  # SERIAL, SAP's ordering key for one object


class Idoc(msgspec.Struct, frozen=True):
    control: Control
    element: ET.Element  # the <IDOC>: EDI_DC40 and the data segments are its children


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: ET.Element) -> None:
    # Middleware sometimes qualifies the IDoc's elements; SAP's own XML does not.
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = _local(element.tag)


def parse_xml(raw: bytes) -> ET.Element:
    if _DTD.search(raw):
        raise Invalid("a DTD or entity declaration is not accepted in an IDoc")
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    root: ET.Element | None = None
    depth = 0
    try:
        parser.feed(raw)  # no DTD, checked above
        for event in parser.read_events():
            kind, element = event[0], event[-1]
            depth += 1 if kind == "start" else -1
            if root is None and isinstance(element, ET.Element):
                root = element
            if depth > MAX_DEPTH:
                raise Invalid(f"the XML nests deeper than {MAX_DEPTH} levels; an IDoc does not")
        parser.close()
    except ET.ParseError as exc:
        raise Invalid(f"the body is not well-formed XML: {exc}") from None
    if root is None:
        raise Invalid("the body is not well-formed XML: no element found")
    _strip_namespaces(root)
    return root


def parse(raw: bytes) -> Idoc:
    """One IDoc from an XML document; 422 (Invalid) with the reason when it is not one."""
    root = parse_xml(raw)
    idocs = [root] if root.tag == "IDOC" else root.findall("IDOC")
    if not idocs:
        raise Invalid(
            f"no <IDOC> element under <{root.tag}>: expected an IDoc XML document such as"
            ' <MATMAS06><IDOC BEGIN="1"><EDI_DC40>...</EDI_DC40>...</IDOC></MATMAS06>'
        )
    if len(idocs) > 1:
        raise Invalid(f"one IDoc per request; this document holds {len(idocs)}")
    element = idocs[0]
    record = element.find("EDI_DC40")
    if record is None:
        raise Invalid("the IDoc has no control record (EDI_DC40)", "/IDOC/EDI_DC40")
    return Idoc(control=_control(record), element=element)


def _control(record: ET.Element) -> Control:
    docnum = text(record, "DOCNUM")
    if docnum is None or not _DOCNUM.match(docnum):
        raise Invalid("DOCNUM must be the IDoc number (1 to 16 digits)", "/EDI_DC40/DOCNUM")
    idoc_type = text(record, "IDOCTYP")
    if idoc_type is None:
        raise Invalid("IDOCTYP (the basic type) is missing", "/EDI_DC40/IDOCTYP")
    match = _VERSION_SUFFIX.match(idoc_type.upper())
    return Control(
        docnum=docnum.lstrip("0") or "0",
        idoc_type=idoc_type,
        base_type=match.group(1) if match else idoc_type.upper(),
        message_type=text(record, "MESTYP"),
        extension=text(record, "CIMTYP"),
        sender=text(record, "SNDPRN"),
        serial=text(record, "SERIAL"),
    )


def fingerprint(raw: bytes) -> str:
    """A digest of the document's content, blind to formatting (canonical XML, C14N 2.0)
    so a resend through other middleware is recognised as the same IDoc."""
    canonical = ET.canonicalize(from_file=io.BytesIO(raw), strip_text=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ------------------------------------------------------------------ field values


def path(segment: ET.Element, name: str) -> str:
    return f"/{segment.tag}/{name}"


def text(segment: ET.Element, name: str) -> str | None:
    """The field's value, trimmed; empty (SAP's "initial") is None."""
    child = segment.find(name)
    if child is None or child.text is None:
        return None
    value = child.text.strip()
    return value or None


def decimal(segment: ET.Element, name: str) -> Decimal | None:
    value = text(segment, name)
    if value is None:
        return None
    negative = value.endswith("-")  # SAP writes -5 as "5-"
    try:
        number = Decimal(value.rstrip("-").strip())
    except InvalidOperation:
        raise Invalid(f"{value!r} is not a number", path(segment, name)) from None
    if not number.is_finite():
        raise Invalid(f"{value!r} is not a number", path(segment, name))
    return -number if negative else number


def day(segment: ET.Element, name: str) -> date | None:
    value = text(segment, name)
    if value is None or value.strip("0") == "":
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise Invalid(f"{value!r} is not a date (YYYYMMDD)", path(segment, name)) from None


def clock(segment: ET.Element, name: str) -> time | None:
    value = text(segment, name)
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%H%M%S").time()
    except ValueError:
        raise Invalid(f"{value!r} is not a time (HHMMSS)", path(segment, name)) from None


def moment(segment: ET.Element, date_name: str, time_name: str) -> datetime | None:
    """A plant-local date and time, as SAP keeps them (no offset)."""
    on = day(segment, date_name)
    if on is None:
        return None
    return datetime.combine(on, clock(segment, time_name) or time())


def unpadded(value: str) -> str:
    """SAP's internal form pads numeric keys (material and order numbers) with zeros;
    Unison keeps them as users see them."""
    return (value.lstrip("0") or "0") if value.isdigit() else value
