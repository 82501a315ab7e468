"""Exports of a large fact range: 1M count facts (``--quick``: 50k) of one organization
exported by the running reporting worker as CSV, XLSX and Parquet, each a job queued the
way ``POST /api/reporting/exports`` queues it and followed in ``bus.jobs``.

Figures per format: the job's wall time (queued to succeeded, including storing the file
in the database), rows per second, the file size, and the worker's resident memory
before the job and at its peak during it (the kernel's high-water mark, reset before
each job through ``/proc/<pid>/clear_refs``), which shows the rows are streamed, not
held."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import msgspec

from reporting.exports.job import KIND
from reporting.exports.models import ExportRequest, Format
from tests.bench.report import Figure
from unison_bus import enqueue
from unison_pg import Database, Tenant
from unison_stack.supervisor import Supervisor

FORMATS: tuple[Format, ...] = ("csv", "parquet", "xlsx")


def _status(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak(pid: int) -> None:
    # "5" resets VmHWM to the current RSS (Linux 4.0+), so each job's peak is its own.
    Path(f"/proc/{pid}/clear_refs").write_text("5")


async def _facts(db: Database, tenant: Tenant, start: datetime, rows: int) -> None:
    step = 200_000
    for offset in range(0, rows, step):
        async with db.transaction(tenant) as conn:
            await conn.execute(
                "INSERT INTO reporting.count_facts (organization_id, logged_at, event_id,"
                " plant_id, work_center_id, first_at, good_quantity, scrap_quantity,"
                " rework_quantity, ideal_run_seconds, source)"
                " SELECT app.current_org(), $1::timestamptz + g * interval '2 seconds',"
                " gen_random_uuid(), ($2::uuid[])[1 + g % 2], ($3::uuid[])[1 + g % 50],"
                " $1::timestamptz + g * interval '2 seconds' - interval '90 seconds',"
                " (g % 97)::numeric, (g % 5)::numeric, (g % 11 = 0)::int,"
                " (g % 97) * 37.5, 'machine'"
                " FROM generate_series($4::int, $5::int) g",
                start,
                list(tenant.plant_ids),
                [uuid4() for _ in range(50)],
                offset,
                min(offset + step, rows) - 1,
            )


async def _export(db: Database, tenant: Tenant, request: ExportRequest, pid: int) -> dict[str, Any]:
    params = {
        "request": msgspec.to_builtins(request),
        "plant_ids": [str(p) for p in tenant.plant_ids],
        "requested_by": "bench",
    }
    _reset_peak(pid)
    before = _status(pid, "VmRSS")
    started = time.perf_counter()
    async with db.transaction(tenant) as conn:
        job_id = await enqueue(
            conn,
            queue="reporting_jobs",
            organization_id=tenant.organization_id,
            kind=KIND,
            params=params,
        )
    while True:
        await asyncio.sleep(0.1)
        async with db.transaction(tenant, readonly=True) as conn:
            job = await conn.fetchrow(
                "SELECT status, result, error FROM bus.jobs WHERE id = $1", job_id
            )
        if job["status"] not in ("queued", "running"):
            break
    seconds = time.perf_counter() - started
    if job["status"] != "succeeded":
        raise RuntimeError(f"export {request.format} {job['status']}: {job['error']}")
    return {
        "seconds": seconds,
        "before": before,
        "peak": _status(pid, "VmHWM"),
        "rows": job["result"]["rows"],
        "bytes": job["result"]["bytes"],
    }


async def _run(dsn: str, pid: int, rows: int) -> list[Figure]:
    db = Database(dsn, max_size=2, command_timeout=600)
    await db.open()
    try:
        tenant = Tenant(uuid4(), (uuid4(), uuid4()), "bench")
        now = datetime.now(UTC)
        start = datetime(now.year, now.month, 1, tzinfo=UTC)
        await _facts(db, tenant, start, rows)
        last = (start + timedelta(seconds=2 * rows)).date()
        figures: list[Figure] = []
        label = f"{rows:,} count facts"
        for fmt in FORMATS:
            request = ExportRequest(
                source="facts.counts",
                format=fmt,
                first=start.date(),
                last=last,
            )
            measured = await _export(db, tenant, request, pid)
            assert measured["rows"] == rows, measured
            base = f"reporting.export.{fmt}"
            figures += [
                Figure(f"{base}.seconds", round(measured["seconds"], 2), "s", "lower", note=label),
                Figure(
                    f"{base}.rows_per_second",
                    round(rows / measured["seconds"]),
                    "rows/s",
                    "higher",
                ),
                Figure(f"{base}.file_mb", round(measured["bytes"] / 2**20, 1), "MiB", "lower"),
                Figure(
                    f"{base}.worker_peak_rss",
                    round(measured["peak"], 1),
                    "MiB",
                    "lower",
                    note=f"worker RSS before the job: {measured['before']:.1f} MiB",
                ),
            ]
        return figures
    finally:
        await db.close()


def run(supervisor: Supervisor, runtime_dsn: str, *, quick: bool = False) -> list[Figure]:
    worker = next(s for s in supervisor.specs if s.name == "reporting-worker")
    pid = supervisor.pid_of(worker)
    if pid is None:
        raise RuntimeError("the reporting worker is not running")
    return asyncio.run(_run(runtime_dsn, pid, 50_000 if quick else 1_000_000))
