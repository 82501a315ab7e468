"""What the export and subscription tests share: running queued jobs with the worker's
real job runner, reading files back (CSV, XLSX with openpyxl, Parquet with DuckDB),
flattening a dashboard's JSON the way an export flattens it, and facts in bulk."""

from __future__ import annotations

import asyncio
import csv
import io
import math
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import openpyxl  # type: ignore[import-untyped]
from litestar.testing import AsyncTestClient

from reporting import worker
from tests.support.harness import Headers
from unison_bus import JobRunner
from unison_objects import ObjectStore
from unison_pg import Database, Tenant

Client = AsyncTestClient[Any]


async def run_jobs_until_done(
    database: Database,
    objects: ObjectStore,
    client: Client,
    href: str,
    auth: Headers,
    timeout: float = 240,
) -> dict[str, Any]:
    """Run the worker's job runner (the exports storing into the real object store)
    until the job at ``href`` has ended; its last state."""
    handlers = {**worker.JOB_HANDLERS, **worker.file_jobs(objects)}
    runner = JobRunner(database, queue="reporting_jobs", handlers=handlers)
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    try:
        async with asyncio.timeout(timeout):
            while (job := (await client.get(href, headers=auth())).json())["status"] in (
                "queued",
                "running",
            ):
                await asyncio.sleep(0.05)
    finally:
        stopping.set()
        await running
    ended: dict[str, Any] = job
    return ended


async def export(
    database: Database, objects: ObjectStore, client: Client, auth: Headers, body: dict[str, Any]
) -> dict[str, Any]:
    queued = await client.post("/api/reporting/exports", json=body, headers=auth())
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == queued.json()["href"]
    job = await run_jobs_until_done(database, objects, client, queued.json()["href"], auth)
    assert job["status"] == "succeeded", job
    return job


def read_rows(fmt: str, content: bytes, tmp: Path) -> list[dict[str, Any]]:
    """The file's rows as dicts by column name (header row first in every format)."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows: list[dict[str, Any]] = []
        for sheet in book.worksheets:
            values = sheet.iter_rows(values_only=True)
            header = next(values)
            rows.extend(dict(zip(header, r, strict=True)) for r in values)
        book.close()
        return rows
    path = tmp / "read.parquet"
    path.write_bytes(content)
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        table = f"read_parquet('{path}')"
        # Time zone aware values need pytz in Python: read them as naive UTC instead.
        described = con.sql(f"DESCRIBE SELECT * FROM {table}").fetchall()
        select = ", ".join(
            f'CAST("{c[0]}" AS TIMESTAMP) AS "{c[0]}"'
            if c[1] == "TIMESTAMP WITH TIME ZONE"
            else f'"{c[0]}"'
            for c in described
        )
        relation = con.sql(f"SELECT {select} FROM {table}")
        names = relation.columns
        return [dict(zip(names, r, strict=True)) for r in relation.fetchall()]


def flat(point: dict[str, Any]) -> dict[str, Any]:
    """A dashboard point with nested objects (the loss tree) flattened, as exported."""
    found: dict[str, Any] = {}
    for name, value in point.items():
        found.update(flat(value) if isinstance(value, dict) else {name: value})
    return found


def same_number(cell: Any, expected: Any) -> bool:
    """A file's cell against the dashboard JSON's value (decimals come as strings)."""
    if expected is None:
        return cell in (None, "")
    if isinstance(cell, str):
        return Decimal(cell) == Decimal(str(expected))
    # XLSX keeps 16 significant digits (xlsxwriter writes numbers with %.16G): a double
    # may differ in its last bit there; Parquet's are exact.
    return math.isclose(float(cell), float(Decimal(str(expected))), rel_tol=1e-15)


async def bulk_counts(
    database: Database,
    tenant: Tenant,
    start: datetime,
    rows: int,
    plants: tuple[UUID, UUID],
    work_center: UUID,
) -> None:
    """``rows`` count facts every 7 seconds from ``start``, every third one in the second
    plant (written as the runtime role, through RLS)."""
    async with database.transaction(tenant) as conn:
        await conn.execute(
            "INSERT INTO reporting.count_facts (organization_id, logged_at, event_id, plant_id,"
            " work_center_id, first_at, good_quantity, scrap_quantity, rework_quantity,"
            " ideal_run_seconds, source)"
            " SELECT app.current_org(), $1::timestamptz + g * interval '7 seconds',"
            " gen_random_uuid(), CASE WHEN g % 3 = 0 THEN $3::uuid ELSE $2::uuid END, $4,"
            " $1::timestamptz + g * interval '7 seconds' - interval '5 seconds',"
            " (g % 50)::numeric + 0.5, (g % 3)::numeric, 0, (g % 50) * 30, 'machine'"
            " FROM generate_series(1, $5::int) g",
            start,
            *plants,
            work_center,
            rows,
        )
