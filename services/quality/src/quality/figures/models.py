"""FPY and Pareto figures as the API returns them."""

from __future__ import annotations

from decimal import Decimal

import msgspec


class YieldRow(msgspec.Struct, kw_only=True):
    """One group's first-pass yield: by quantity (``fpy``) and by lots (``lot_fpy``)."""

    key: str
    lots: int
    lots_passed: int
    inspected: Decimal
    passed_first_time: Decimal
    rejected: Decimal
    fpy: float | None
    lot_fpy: float | None


class ParetoRow(msgspec.Struct, kw_only=True):
    code: str
    name: str | None
    count: int
    share: float
    cumulative: float
