"""The fact tables as DuckDB sees them, live and archived.

Each query of the catalogue reads the views ``counts``, ``stops`` and ``shifts``. A view is
the live partitions in PostgreSQL (through ``pg``, RLS applying) minus the months this
organization has archived, plus this organization's archived Parquet of those months,
filtered to the caller's plants (Parquet has no row-level security: an archive file holds
one organization, every plant). So a period spanning the retention boundary reads each
month exactly once, whether its partition is still there or already dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from uuid import UUID

import msgspec

from reporting.analytics.duck import literal


class FactTable(msgspec.Struct, frozen=True):
    name: str  # in schema reporting
    view: str  # in the analytics queries
    time_column: str  # the partition key
    columns: tuple[str, ...]
    numeric: frozenset[str]  # PostgreSQL numeric: DOUBLE live, exact DECIMAL in the archive


FACTS = {
    "count_facts": FactTable(
        "count_facts",
        "counts",
        "logged_at",
        (
            "organization_id", "logged_at", "event_id", "plant_id", "work_center_id",
            "first_at", "good_quantity", "scrap_quantity", "rework_quantity",
            "ideal_run_seconds", "source", "received_at",
        ),
        frozenset({"good_quantity", "scrap_quantity", "rework_quantity", "ideal_run_seconds"}),
    ),
    "downtime_facts": FactTable(
        "downtime_facts",
        "stops",
        "started_at",
        (
            "organization_id", "started_at", "downtime_id", "event_id", "plant_id",
            "work_center_id", "ended_at", "planned", "loss", "reason_code", "received_at",
        ),
        frozenset(),
    ),
    "shift_facts": FactTable(
        "shift_facts",
        "shifts",
        "shift_start",
        (
            "organization_id", "shift_start", "work_center_id", "production_day",
            "shift_code", "plant_id", "line", "shift_end", "scheduled_seconds",
            "break_seconds", "planned_stop_seconds", "breakdown_seconds", "setup_seconds",
            "minor_stop_seconds", "ideal_run_seconds", "good_count", "scrap_count",
            "rework_count", "quality_rejected_count", "event_id", "occurred_at",
            "received_at",
        ),
        frozenset({
            "scheduled_seconds", "break_seconds", "planned_stop_seconds",
            "breakdown_seconds", "setup_seconds", "minor_stop_seconds", "ideal_run_seconds",
            "good_count", "scrap_count", "rework_count", "quality_rejected_count",
        }),
    ),
}  # fmt: skip
# Archived numerics are exact to this many places; PostgreSQL rounds beyond it.
ARCHIVE_SCALE = 12


class Archived(msgspec.Struct, frozen=True):
    """One archived month of one fact table, its Parquet in the local cache."""

    fact_table: str
    range_start: datetime
    range_end: datetime
    path: Path


def export_select(fact: FactTable, span: tuple[datetime, datetime]) -> str:
    """The PostgreSQL query (run through ``postgres_query``) of one month's rows, with
    exact numerics, in key order (so Parquet's min/max statistics prune well)."""
    columns = ", ".join(
        f"{c}::numeric(38,{ARCHIVE_SCALE}) AS {c}" if c in fact.numeric else c for c in fact.columns
    )
    start, end = (literal(t.isoformat()) for t in span)
    return (
        f"SELECT {columns} FROM reporting.{fact.name}"
        f" WHERE {fact.time_column} >= {start}::timestamptz"
        f" AND {fact.time_column} < {end}::timestamptz"
        f" ORDER BY plant_id, work_center_id, {fact.time_column}"
    )


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _instant(t: datetime) -> str:
    return f"{literal(t.isoformat())}::TIMESTAMPTZ"


def view_sql(fact: FactTable, archived: Sequence[Archived], plants: Sequence[UUID]) -> str:
    """``CREATE TEMP VIEW`` of one fact table: live rows outside the archived months,
    plus the archived files (the caller's plants only)."""
    live_columns = ", ".join(fact.columns)
    live = f"SELECT {live_columns} FROM pg.reporting.{fact.name}"
    mine = [a for a in archived if a.fact_table == fact.name]
    if not mine:
        return f"CREATE TEMP VIEW {fact.view} AS {live}"
    t = fact.time_column
    outside = " AND ".join(
        f"NOT ({t} >= {_instant(s)} AND {t} < {_instant(e)})"
        for s, e in _merged([(a.range_start, a.range_end) for a in mine])
    )
    archived_columns = ", ".join(
        f"CAST({c} AS DOUBLE) AS {c}" if c in fact.numeric else c for c in fact.columns
    )
    files = "[" + ", ".join(literal(str(a.path)) for a in mine) + "]"
    # No plant: nothing archived is visible (as RLS shows no row without a plant).
    plant_list = ", ".join(f"{literal(str(p))}::UUID" for p in plants) or "NULL"
    return (
        f"CREATE TEMP VIEW {fact.view} AS {live} WHERE {outside}"
        f" UNION ALL SELECT {archived_columns} FROM read_parquet({files})"
        f" WHERE plant_id IN ({plant_list})"
    )
