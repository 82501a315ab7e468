"""The quality dashboards' exports hold the dashboards' numbers: FPY (by quantity and
lots), the defect Pareto, the NCR flow with the ageing on the total row, and the CAPA
on-time rate; and the day-figure facts carry the defects as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest

from tests.reporting import quality_events as q
from tests.reporting.export_support import Client, export, read_rows, same_number
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from unison_objects import ObjectStore
from unison_pg import Database

PERIOD = {"from": "2026-11-02", "to": "2026-11-08"}


@pytest.fixture(autouse=True)
async def _empty_job_queue(admin_conn: asyncpg.Connection) -> None:
    await admin_conn.execute("SELECT pgmq.purge_queue('reporting_jobs')")


async def _quality(shop: Shop) -> None:
    events: list[Any] = []
    for d in range(5):
        day = q.DAY + timedelta(days=d)
        at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1, hours=7)
        defects = (("SCRATCH", 3 + d), ("DENT", d % 3), ("BURR", 1))
        events.append(q.figures(shop, day, 200 + 10 * d, 180 + 9 * d, defects, at=at))
        events.append(q.figures(shop, day, 50, 49, (("SCRATCH", 1),), at=at, material=1))
        decided = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        events.append(q.decision(shop, decided, "accepted", 100, 0))
        events.append(q.decision(shop, decided + timedelta(hours=1), "rejected", 90, 10))
    for n in range(4):
        raised = datetime(2026, 11, 2 + n, 9, tzinfo=UTC)
        ncr_id = uuid4()
        events.append(q.ncr(shop, ncr_id, "open", 1, created_at=raised, at=raised))
        if n % 2:
            closed = raised + timedelta(days=2)
            events.append(q.ncr(shop, ncr_id, "closed", 2, created_at=raised, at=closed))
    events.append(
        q.capa(
            shop,
            uuid4(),
            "closed",
            3,
            due=q.DAY + timedelta(days=3),
            closed_at=datetime(2026, 11, 4, tzinfo=UTC),
        )
    )
    await shop.deliver(*events)


def _compare(rows: list[dict[str, Any]], expected: list[dict[str, Any]], label: str) -> None:
    assert [r[label] for r in rows] == [p[label] for p in expected]
    for row, point in zip(rows, expected, strict=True):
        for name, value in point.items():
            if name in (label, "start"):
                continue
            assert same_number(row[name], value), (point[label], name, row[name], value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
async def test_quality_exports_hold_the_dashboards_numbers(
    object_store: ObjectStore,
    fmt: str,
    shop: Shop,
    client: Client,
    auth: Headers,
    database: Database,
    tmp_path: Path,
) -> None:
    await _quality(shop)

    async def file(source: str, **filters: str) -> list[dict[str, Any]]:
        body = {"source": source, "format": fmt, **PERIOD, "filters": filters}
        job = await export(database, object_store, client, auth, body)
        content = (await client.get(job["result"]["download"], headers=auth())).content
        return read_rows(fmt, content, tmp_path)

    async def dashboard(path: str, **query: str) -> Any:
        response = await client.get(
            f"/api/reporting/quality/{path}", params={**PERIOD, **query}, headers=auth()
        )
        assert response.status_code == 200, response.text
        return response.json()

    fpy = await dashboard("fpy", granularity="day")
    assert fpy["total"]["lots"] == 10 and fpy["total"]["inspected"] != "0"
    _compare(await file("quality.fpy", granularity="day"), [*fpy["points"], fpy["total"]], "bucket")

    pareto = await dashboard("defects")
    rows = await file("quality.defects")
    _compare(rows[:-1], pareto["defects"], "code")
    assert rows[-1]["code"] == "total" and same_number(rows[-1]["count"], pareto["total"])

    ncrs = await dashboard("ncrs", granularity="day")
    rows = await file("quality.ncrs", granularity="day")
    _compare(rows[:-1], ncrs["points"], "bucket")
    total = rows[-1]
    assert total["bucket"] == "total"
    assert same_number(total["opened"], ncrs["opened"]) and same_number(
        total["closed"], ncrs["closed"]
    )
    for name, value in ncrs["ageing"].items():
        assert same_number(total[name], value), name
    assert ncrs["opened"] == 4 and ncrs["ageing"]["open"] == 2

    capa = await dashboard("capa-on-time")
    (row,) = await file("quality.capa_on_time")
    for name in ("closed", "on_time", "late", "rate"):
        assert same_number(row[name], capa[name]), name
    assert capa["closed"] == 1


async def test_the_day_figures_export_carries_the_defects_as_text(
    object_store: ObjectStore,
    shop: Shop,
    client: Client,
    auth: Headers,
    database: Database,
    tmp_path: Path,
) -> None:
    await _quality(shop)
    body = {"source": "facts.quality_days", "format": "csv", **PERIOD}
    job = await export(database, object_store, client, auth, body)
    rows = read_rows(
        "csv", (await client.get(job["result"]["download"], headers=auth())).content, tmp_path
    )
    assert len(rows) == job["result"]["rows"] == 10
    first = next(r for r in rows if r["day"] == "2026-11-02" and r["inspected"] == "200")
    assert first["defects"] == "BURR=1;DENT=0;SCRATCH=3"  # as published, by code
    assert {r["material_id"] for r in rows} == {str(m) for m in q.MATERIALS}
