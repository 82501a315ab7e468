"""Production's background jobs run the way the worker runs them: labels to a PDF with
progress, and log retention that deletes only the organization's own old months."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from production.label_jobs import service as labels
from production.organization import service as organization
from tests.production.floor import API, Floor
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_objects import ObjectStore
from unison_pg import Database


async def _job(admin_conn: asyncpg.Connection, org: UUID, kind: str) -> tuple[UUID, dict[str, Any]]:
    row = await admin_conn.fetchrow(
        "SELECT id, params FROM bus.jobs WHERE organization_id = $1 AND kind = $2", org, kind
    )
    assert row is not None
    return row["id"], json.loads(row["params"])


async def test_a_label_batch_is_rendered_by_a_job_and_downloaded_as_a_pdf(
    floor: Floor,
    database: Database,
    admin_conn: asyncpg.Connection,
    tmp_path: Path,
    object_store: ObjectStore,
) -> None:
    order, _ = await floor.released_order()
    queued = await floor.post(
        "/labels", {"kind": "work_order", "work_order_ids": [order["id"]], "copies": 2}, 202
    )
    assert queued.json()["href"].endswith(queued.json()["job_id"])
    job_id, params = await _job(admin_conn, floor.org_id, labels.KIND)
    result = await labels.run(
        JobContext(database, JobMessage(job_id, floor.org_id, labels.KIND), params), object_store
    )
    assert result["labels"] == 2
    pdf = await floor.client.get(result["download"], headers=floor.auth())
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf.content)
    text = await asyncio.to_thread(
        subprocess.run, ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    )
    assert text.stdout.count(order["number"]) >= 2
    other = floor.auth(organization_id=uuid4())
    assert (await floor.client.get(result["download"], headers=other)).status_code == 404


async def test_retention_deletes_only_the_organizations_rows_older_than_its_months(
    floor: Floor, database: Database, admin_conn: asyncpg.Connection
) -> None:
    center = await floor.work_center()
    stranger = uuid4()
    old = datetime.now(UTC) - timedelta(days=400)
    recent = datetime.now(UTC) - timedelta(days=10)
    insert = (
        "INSERT INTO production.production_logs (organization_id, logged_at, plant_id,"
        " work_center_id, kind, production_day, shift_code)"
        " VALUES ($1, $2, $3, $4, 'count', $5, '-')"
    )
    for org, when in [(floor.org_id, old), (floor.org_id, recent), (stranger, old)]:
        await admin_conn.execute(
            insert, org, when, floor.plants[0], UUID(center["id"]), when.date()
        )
    response = await floor.client.put(
        f"{API}/settings", json={"log_retention_months": 12}, headers=floor.auth()
    )
    assert response.status_code == 200, response.text
    operator = await floor.client.put(
        f"{API}/settings", json={"log_retention_months": 1}, headers=floor.auth(roles=["operator"])
    )
    assert operator.status_code == 403
    message = JobMessage(uuid4(), floor.org_id, organization.KIND)
    result = await organization.run_retention(JobContext(database, message, {}))
    assert result["deleted"] == 1
    left = await admin_conn.fetch(
        "SELECT organization_id, logged_at FROM production.production_logs"
        " WHERE organization_id = ANY($1::uuid[]) ORDER BY logged_at",
        [floor.org_id, stranger],
    )
    assert [(r["organization_id"], r["logged_at"] > old) for r in left] == [
        (stranger, False),
        (floor.org_id, True),
    ]
