"""The analytics catalogue: the only queries the endpoint runs (``queries.sql``), each
with what it answers. Users choose a query and its parameters, never SQL."""

from __future__ import annotations

from pathlib import Path

from unison_pg import Queries

SQL = Queries.load(Path(__file__).with_name("queries.sql"))

DESCRIPTIONS = {
    "oee_by_work_center_month": (
        "OEE, availability, performance, quality and output of closed shifts per work"
        " center and production month"
    ),
    "output_by_work_center_month": (
        "reported good, scrap and rework quantities and the scrap rate per work center and"
        " UTC month"
    ),
    "downtime_pareto": (
        "stop minutes by reason and loss, largest first, with share and cumulative share"
    ),
    "scrap_by_work_center_shift": (
        "closed shifts' good, scrap, rework and rejected counts with scrap and rework rates"
        " per work center and shift"
    ),
    "hour_of_day_profile": "reported output by UTC hour of day, in total and per day",
    "week_over_week": "reported output per ISO week and its change against the week before",
    "downtime_by_work_center": (
        "planned and unplanned stop minutes, stops and the longest stop per work center"
    ),
}
if set(DESCRIPTIONS) != {name for name, _ in SQL.items()}:
    raise RuntimeError("every query of queries.sql needs a description, and only those")
