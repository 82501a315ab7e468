"""Inspection plans as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Trigger = Literal["goods_receipt", "operation_completion", "final_inspection", "periodic"]
Sampling = Literal["aql", "fixed", "full"]
Level = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
Code = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,20}$")]
Name = Annotated[str, Meta(min_length=1, max_length=200)]


class Characteristic(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Measured (a value against nominal and specification limits, in ``unit``) or an
    attribute (pass/fail, with the defect codes an inspector may name)."""

    code: Code
    name: Name
    kind: Literal["measured", "attribute"]
    nominal: Decimal | None = None
    lsl: Decimal | None = None
    usl: Decimal | None = None
    unit: Annotated[str, Meta(min_length=1, max_length=10)] | None = None
    defect_codes: list[Code] = []


class Plan(msgspec.Struct, kw_only=True):
    id: UUID
    plant_id: UUID
    material_id: UUID
    trigger: Trigger
    operation_no: int | None
    supplier: str | None
    revision: int
    status: Literal["draft", "released", "obsolete"]
    valid_from: date
    valid_to: date | None
    sampling: Sampling
    aql: Decimal | None
    inspection_level: Level | None
    sample_size: int | None
    period_days: int | None
    characteristics: list[Characteristic]
    description: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class PlanContent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A version's content. Sampling: ``aql`` (ISO 2859-1 single sampling at ``aql`` and
    ``inspection_level``, switching normal/tightened/reduced by its rules), ``fixed``
    (``sample_size`` pieces) or ``full`` (every piece)."""

    valid_from: date
    valid_to: date | None = None
    sampling: Sampling = "aql"
    aql: Decimal | None = None
    inspection_level: Level | None = None
    sample_size: Annotated[int, Meta(ge=1, le=100000)] | None = None
    period_days: Annotated[int, Meta(ge=1, le=3650)] | None = None
    characteristics: Annotated[list[Characteristic], Meta(min_length=1, max_length=200)]
    description: Annotated[str, Meta(max_length=500)] | None = None


class PlanCreate(PlanContent, kw_only=True, forbid_unknown_fields=True):
    plant_id: UUID
    material_id: UUID
    trigger: Trigger
    operation_no: Annotated[int, Meta(ge=1, le=9999)] | None = None
    supplier: Annotated[str, Meta(min_length=1, max_length=100)] | None = None
    status: Literal["draft", "released"] = "draft"


class RevisionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    valid_from: date
    valid_to: date | None = None


class DefectCode(msgspec.Struct, kw_only=True):
    code: str
    name: str
    severity: Literal["critical", "major", "minor"]
    active: bool


class DefectCodePut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Name
    severity: Literal["critical", "major", "minor"] = "major"
    active: bool = True
