"""API Structs of the analytics endpoint."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec


class AnalyticsQuery(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    description: str
    href: str


class AnalyticsCatalogue(msgspec.Struct, frozen=True, kw_only=True):
    queries: list[AnalyticsQuery]


class AnalyticsAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """A table: ``columns`` names the values of each row of ``rows``."""

    query: str
    first_day: date
    last_day: date
    plant_id: UUID | None
    work_center_id: UUID | None
    columns: list[str]
    rows: list[list[Any]]
    # Months read from the archive (Parquet) rather than from live partitions.
    archived_months: int
