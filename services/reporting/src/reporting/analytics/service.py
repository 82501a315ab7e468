"""Running a catalogue query for a caller: the period checked, the organization's
archived months that overlap it fetched, the views made, the query run in DuckDB."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import duckdb

from reporting.analytics import catalog
from reporting.analytics.duck import Duck
from reporting.analytics.facts import FACTS, Archived, view_sql
from reporting.analytics.models import AnalyticsAnswer
from reporting.archive import repo as archive_repo
from reporting.archive.cache import ArchiveCache
from unison_pg import Database
from unison_web import Invalid, NotFound
from unison_web.caller import Caller

MAX_DAYS = 732
# Grouped answers are small (work centers x months at most): a bound, not paging.
MAX_ROWS = 10_000
# The queries look this far around the period (stops that began before it, shifts whose
# production day differs from their UTC start): archived months in it are read too.
LOOK_BEHIND = timedelta(days=31)
LOOK_AHEAD = timedelta(days=1)


class Analytics:
    def __init__(self, duck: Duck, archive: ArchiveCache) -> None:
        self.duck = duck
        self.archive = archive

    async def run(
        self,
        db: Database,
        caller: Caller,
        name: str,
        period: tuple[date, date],
        where: tuple[UUID | None, UUID | None],
    ) -> AnalyticsAnswer:
        if name not in catalog.DESCRIPTIONS:
            raise NotFound(f"no analytics query {name!r}")
        first, last = period
        if last < first:
            raise Invalid("the period ends before it starts", "/to")
        if (last - first).days + 1 > MAX_DAYS:
            raise Invalid(f"at most {MAX_DAYS} days", "/to")
        plant_id, work_center_id = where
        if plant_id is not None:
            caller.check_plant(plant_id)
        start = datetime.combine(first, time(), UTC)
        end = datetime.combine(last + timedelta(days=1), time(), UTC)
        async with db.transaction(caller.tenant, readonly=True) as conn:
            records = await archive_repo.overlapping(conn, (start - LOOK_BEHIND, end + LOOK_AHEAD))
        archived = await self.archive.files(caller.tenant, records)
        values = {
            "start": start,
            "end": end,
            "first_day": first,
            "last_day": last,
            "plant": plant_id,
            "work_center": work_center_id,
        }
        sql = getattr(catalog.SQL, name)
        # DuckDB refuses a parameter the statement does not use.
        params = {k: v for k, v in values.items() if f"${k}" in sql}
        plants = caller.tenant.plant_ids

        def work(conn: duckdb.DuckDBPyConnection) -> tuple[list[str], list[list[Any]]]:
            return _query(conn, (archived, plants), sql, params)

        columns, rows = await self.duck.run(caller.tenant, work)
        if len(rows) > MAX_ROWS:
            raise Invalid(f"more than {MAX_ROWS} rows: filter or shorten the period", "/to")
        return AnalyticsAnswer(
            query=name,
            first_day=first,
            last_day=last,
            plant_id=plant_id,
            work_center_id=work_center_id,
            columns=columns,
            rows=rows,
            archived_months=len({(a.fact_table, a.range_start) for a in archived}),
        )


def _query(
    conn: duckdb.DuckDBPyConnection,
    sources: tuple[list[Archived], tuple[UUID, ...]],
    sql: str,
    params: dict[str, Any],
) -> tuple[list[str], list[list[Any]]]:
    archived, plants = sources
    for fact in FACTS.values():
        conn.execute(view_sql(fact, archived, plants))
    cursor = conn.execute(sql, params)
    columns = [d[0] for d in cursor.description or []]
    return columns, [list(r) for r in cursor.fetchmany(MAX_ROWS + 1)]
