"""SPC charts as the API returns them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from quality.spc import Capability, ControlChart


class Specification(msgspec.Struct, kw_only=True):
    code: str
    name: str
    unit: str | None
    nominal: Decimal | None
    lsl: Decimal | None
    usl: Decimal | None


class SpcChart(msgspec.Struct, kw_only=True):
    """A control chart pair with its limits, points and violations, and the capability of
    the process against the specification. ``first`` and ``last`` bound the measurements
    used; with subgroups, a lot's measurements that do not fill a subgroup are left out
    (``left_out``)."""

    plant_id: UUID
    material_id: UUID
    specification: Specification | None
    measurements: int
    left_out: int
    first: datetime | None
    last: datetime | None
    chart: ControlChart
    capability: Capability | None
