"""OData v2 metadata (EDMX) of an SAP service, and what an entity body must look like to
pass it: property names, types, lengths, precision and scale, what may be created.

Used by the SAP stand-in to be as strict as SAP Gateway about what it is sent, and to
check that the responses the tests seed look like what S/4 returns.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

EDM = "{http://schemas.microsoft.com/ado/2008/09/edm}"
SAP_NS = "{http://www.sap.com/Protocols/SAPData}"
_DATE = re.compile(r"^/Date\(-?\d+\)/$")
_DATE_OFFSET = re.compile(r"^/Date\(-?\d+([+-]\d{4})?\)/$")
_TIME = re.compile(r"^PT\d{1,2}H\d{1,2}M\d{1,2}S$")
_SHAPES = {
    "Edm.DateTime": (_DATE, "/Date(ms)/"),
    "Edm.DateTimeOffset": (_DATE_OFFSET, "/Date(ms+0000)/"),
    "Edm.Time": (_TIME, "PTxxHxxMxxS"),
}


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    max_length: int | None
    precision: int | None
    scale: int | None
    nullable: bool
    creatable: bool


@dataclass
class EntityType:
    name: str
    properties: dict[str, Property] = field(default_factory=dict)
    navigations: dict[str, tuple[str, bool]] = field(default_factory=dict)  # type, many


class Edmx:
    """The entity types of one service's $metadata document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        root = ET.parse(path).getroot()  # noqa: S314 (our own fixture file)
        schema = next(root.iter(f"{EDM}Schema"))
        namespace = schema.get("Namespace", "")
        ends: dict[tuple[str, str], tuple[str, bool]] = {}
        for association in schema.iter(f"{EDM}Association"):
            for end in association.iter(f"{EDM}End"):
                target = end.get("Type", "").removeprefix(namespace + ".")
                many = end.get("Multiplicity") == "*"
                ends[(f"{namespace}.{association.get('Name')}", end.get("Role", ""))] = (
                    target,
                    many,
                )
        self.types: dict[str, EntityType] = {}
        for element in schema.iter(f"{EDM}EntityType"):
            entity = EntityType(element.get("Name", ""))
            for prop in element.iter(f"{EDM}Property"):
                entity.properties[prop.get("Name", "")] = _property(prop)
            for nav in element.iter(f"{EDM}NavigationProperty"):
                key = (nav.get("Relationship", ""), nav.get("ToRole", ""))
                entity.navigations[nav.get("Name", "")] = ends[key]
            self.types[entity.name] = entity
        self.sets = {
            s.get("Name", ""): s.get("EntityType", "").removeprefix(namespace + ".")
            for s in schema.iter(f"{EDM}EntitySet")
        }

    def errors(self, type_name: str, body: Any, at: str = "", *, creating: bool) -> list[str]:
        """What is wrong with ``body`` as an entity of ``type_name`` (empty: nothing)."""
        entity = self.types[type_name]
        if not isinstance(body, dict):
            return [f"{at or 'body'}: an entity must be a JSON object"]
        problems: list[str] = []
        for name, value in body.items():
            where = f"{at}/{name}"
            if name == "__metadata":
                continue
            if name in entity.navigations:
                target, many = entity.navigations[name]
                problems += self._navigation(target, many, value, where, creating=creating)
            elif name not in entity.properties:
                problems.append(f"Property '{name}' is invalid for {type_name} ({where})")
            else:
                problems += _value(entity.properties[name], value, where, creating=creating)
        return problems

    def _navigation(
        self, target: str, many: bool, value: Any, at: str, *, creating: bool
    ) -> list[str]:
        if isinstance(value, dict) and set(value) == {"__deferred"}:
            return [] if not creating else [f"{at}: a deferred navigation cannot be created"]
        if not many:
            return self.errors(target, value, at, creating=creating)
        items = value.get("results") if isinstance(value, dict) else value
        if not isinstance(items, list):
            return [f'{at}: a to-many navigation is a list (or {{"results": [...]}})']
        problems: list[str] = []
        for index, item in enumerate(items):
            problems += self.errors(target, item, f"{at}/{index}", creating=creating)
        return problems


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)


def _property(element: ET.Element) -> Property:
    return Property(
        name=element.get("Name", ""),
        type=element.get("Type", ""),
        max_length=_int(element.get("MaxLength")),
        precision=_int(element.get("Precision")),
        scale=_int(element.get("Scale")),
        nullable=element.get("Nullable", "true") != "false",
        creatable=element.get(f"{SAP_NS}creatable", "true") != "false",
    )


def _value(prop: Property, value: Any, at: str, *, creating: bool) -> list[str]:
    if creating and not prop.creatable:
        return [f"Property '{prop.name}' cannot be set on create ({at})"]
    if value is None:
        return [] if prop.nullable else [f"{at}: {prop.name} must not be null"]
    kind = prop.type
    if kind == "Edm.String":
        if not isinstance(value, str):
            return [f"{at}: {prop.name} is Edm.String, not {type(value).__name__}"]
        if prop.max_length is not None and len(value) > prop.max_length:
            return [f"{at}: {prop.name} is longer than {prop.max_length}"]
        return []
    if kind == "Edm.Decimal":
        return _decimal(prop, value, at)
    if kind in _SHAPES:
        pattern, shape = _SHAPES[kind]
        if isinstance(value, str) and pattern.match(value) is not None:
            return []
        return [f"{at}: {prop.name} must be {shape}, not {value!r}"]
    if kind == "Edm.Boolean":
        return [] if isinstance(value, bool) else [f"{at}: {prop.name} must be true or false"]
    if kind in ("Edm.Int16", "Edm.Int32", "Edm.Byte"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{at}: {prop.name} must be an integer"]
    return [f"{at}: {prop.name} has type {kind}, which this stand-in does not check"]


def _decimal(prop: Property, value: Any, at: str) -> list[str]:
    # OData v2 JSON: Edm.Decimal is a string.
    if not isinstance(value, str):
        return [f"{at}: {prop.name} is Edm.Decimal, sent as a string, not {type(value).__name__}"]
    try:
        number = Decimal(value)
    except InvalidOperation:
        return [f"{at}: {prop.name}: {value!r} is not a decimal"]
    if "e" in value.lower() or not number.is_finite():
        return [f"{at}: {prop.name}: {value!r} is not in plain notation"]
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if prop.scale is not None and scale > prop.scale:
        return [f"{at}: {prop.name} has more than {prop.scale} decimals"]
    if prop.precision is not None and integer_digits > prop.precision - (prop.scale or 0):
        return [f"{at}: {prop.name} has more digits than precision {prop.precision}"]
    return []
