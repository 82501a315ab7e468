"""OData v2 JSON as S/4HANA writes and reads it.

An entity comes wrapped as ``{"d": {...}}``, a collection (or an expanded to-many
navigation) as ``{"results": [...]}``, a navigation that was not expanded as
``{"__deferred": {...}}``. Edm.Decimal travels as a string, Edm.DateTime as
``"/Date(<ms since 1970>)/"`` (UTC midnight for a date), Edm.Time as ``"PT08H30M00S"``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from unison_web import Invalid

_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
_TIME = re.compile(r"^PT(\d{1,2})H(\d{1,2})M(\d{1,2})S$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def decode(raw: bytes) -> Any:
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise Invalid(f"the body is not valid JSON: {exc}") from None


def entity(document: Any, what: str) -> dict[str, Any]:
    """The entity of ``{"d": {...}}``; a collection or anything else is refused."""
    if not isinstance(document, dict) or not isinstance(document.get("d"), dict):
        raise Invalid(f'expected {what} as OData v2 JSON: {{"d": {{...}}}}', "/d")
    body: dict[str, Any] = document["d"]
    if "results" in body:
        count = len(body["results"]) if isinstance(body["results"], list) else "several"
        raise Invalid(f"one {what} per request; this is a collection of {count}", "/d/results")
    return body


def expanded(parent: dict[str, Any], name: str) -> list[dict[str, Any]] | None:
    """The entities of an expanded to-many navigation, or None when it was not expanded."""
    value = parent.get(name)
    if value is None or (isinstance(value, dict) and "__deferred" in value):
        return None
    items: list[Any]
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        items = value["results"]
    elif isinstance(value, list):
        items = value
    else:
        raise Invalid(f"{name} must be an expanded list or deferred", f"/{name}")
    entities = [item for item in items if isinstance(item, dict)]
    if len(entities) != len(items):
        raise Invalid(f"{name} must hold objects", f"/{name}")
    return entities


def expanded_one(parent: dict[str, Any], name: str) -> dict[str, Any] | None:
    """An expanded to-one navigation, or None when it was not expanded."""
    value = parent.get(name)
    if not isinstance(value, dict) or "__deferred" in value:
        return None
    return value


def string(item: dict[str, Any], name: str, at: str) -> str | None:
    """A string property, trimmed; empty is None (OData sends SAP's initial value as "")."""
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string", f"{at}/{name}")
    return value.strip() or None


def number(item: dict[str, Any], name: str, at: str) -> Decimal | None:
    value = item.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(f"{name} must be a decimal string", f"{at}/{name}")
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(f"{value!r} is not a number", f"{at}/{name}") from None
    if not parsed.is_finite():
        raise Invalid(f"{value!r} is not a number", f"{at}/{name}")
    return parsed


def flag(item: dict[str, Any], name: str, at: str) -> bool | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise Invalid(f"{name} must be true or false", f"{at}/{name}")
    return value


def parse_date(value: Any, at: str) -> date | None:
    moment = parse_datetime(value, at)
    return None if moment is None else moment.date()


def parse_datetime(value: Any, at: str) -> datetime | None:
    """``/Date(ms)/`` as a UTC datetime; null is None."""
    if value is None:
        return None
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        raise Invalid(f"{value!r} is not an OData date (/Date(ms)/)", at)
    return _EPOCH + timedelta(milliseconds=int(match.group(1)))


def parse_time(value: Any, at: str) -> timedelta | None:
    """Edm.Time as the offset into the day; SAP writes the end of a day as PT24H00M00S."""
    if value is None:
        return None
    match = _TIME.match(value) if isinstance(value, str) else None
    if match is None:
        raise Invalid(f"{value!r} is not an OData time (PT08H30M00S)", at)
    hours, minutes, seconds = (int(g) for g in match.groups())
    offset = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if minutes > 59 or seconds > 59 or offset > timedelta(hours=24):
        raise Invalid(f"{value!r} is not a time of day", at)
    return offset


def format_date(day: date) -> str:
    """A date as Edm.DateTime: milliseconds of its UTC midnight."""
    millis = (datetime.combine(day, time(), UTC) - _EPOCH) // timedelta(milliseconds=1)
    return f"/Date({millis})/"


def plain(value: Decimal) -> Decimal:
    """The number without trailing zeros or an exponent: 500.000 and 500 are one quantity,
    however the IDoc or OData spelled it."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def format_decimal(value: Decimal) -> str:
    """Plain notation, never an exponent: SAP parses "1E+1" as an error."""
    return format(plain(value), "f")


def fingerprint(document: Any) -> str:
    """A digest of the JSON content, blind to key order and whitespace."""
    return hashlib.sha256(msgspec.json.encode(document, order="sorted")).hexdigest()
