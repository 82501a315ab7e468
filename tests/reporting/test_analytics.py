"""The analytics catalogue run in DuckDB over the facts (postgres_scanner, as the runtime
role): its answers equal the facts delivered (OEE equal to production's ``oee.combine``),
another organization's rows never appear (not even through DuckDB's own connection to
PostgreSQL), nor another plant's, and bad parameters are problems."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from production import oee
from production.oee_tracking.repo import Bucket
from reporting.analytics import catalog
from reporting.analytics.duck import Duck, Limits, connect
from reporting.analytics.settings import AnalyticsSettings
from reporting.app import build_app
from reporting.archive import store as archive_store
from reporting.settings import Settings
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from tests.support.tokens import TokenMinter
from unison_pg import Database, Tenant
from unison_web.errors import DomainError

URL = "/api/reporting/analytics"
FIRST = date(2026, 10, 26)  # a Monday
DAYS = 14  # into a second month, over two ISO weeks


@pytest.fixture
def analytics_settings(reporting_settings: Settings, tmp_path: Path) -> Settings:
    return msgspec.structs.replace(
        reporting_settings, analytics=AnalyticsSettings(archive_cache_dir=str(tmp_path))
    )


@pytest.fixture
async def duck_client(
    analytics_settings: Settings, minter: TokenMinter
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = build_app(analytics_settings, verifier=minter.verifier())
    async with AsyncTestClient(app) as test_client:
        yield test_client


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _buckets(shop: Shop) -> list[Bucket]:
    rng = random.Random(11)
    buckets = []
    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        for shift, hour in (("A", 6), ("B", 14)):
            for center in shop.centers:
                good = rng.randint(300, 600)
                scrap, rework = rng.randint(0, 20), rng.randint(0, 5)
                buckets.append(
                    shop.bucket(
                        day,
                        shift,
                        _at(day, hour),
                        work_center_id=center,
                        breakdown_seconds=rng.randint(0, 3600),
                        setup_seconds=rng.randint(0, 1200),
                        ideal_run_seconds=(good + scrap + rework) * 37,
                        good_count=good,
                        scrap_count=scrap,
                        rework_count=rework,
                        quality_rejected_count=rng.randint(0, 3),
                    )
                )
    return buckets


async def _ask(
    client: AsyncTestClient[Any], headers: dict[str, str], name: str, **query: str
) -> list[dict[str, Any]]:
    response = await client.get(f"{URL}/{name}", params=query, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]


def _close(value: Any, expected: Decimal | None) -> bool:
    if expected is None:
        return value is None
    return abs(Decimal(str(value)) - expected) <= Decimal("0.0001")


def _by(rows: list[dict[str, Any]], *keys: str) -> dict[Any, dict[str, Any]]:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


async def test_oee_and_scrap_by_work_center_equal_productions_own(
    shop: Shop, duck_client: AsyncTestClient[Any], auth: Headers
) -> None:
    buckets = _buckets(shop)
    await shop.deliver(*(shop.closed(b) for b in buckets))
    period = {"from": FIRST.isoformat(), "to": (FIRST + timedelta(days=DAYS - 1)).isoformat()}

    rows = await _ask(duck_client, auth(), "oee_by_work_center_month", **period)
    groups: dict[tuple[str, str], list[Bucket]] = defaultdict(list)
    for b in buckets:
        groups[(str(b.work_center_id), b.production_day.strftime("%Y-%m"))].append(b)
    assert sorted(_by(rows, "work_center_id", "month")) == sorted(groups)
    for key, parts in groups.items():
        row, result = (
            _by(rows, "work_center_id", "month")[key],
            oee.combine(b.inputs() for b in parts),
        )
        assert row["shifts"] == len(parts)
        for factor in ("availability", "performance", "quality", "oee"):
            assert _close(row[factor], getattr(result, factor)), (key, factor)
        assert row["good"] == sum(b.good_count for b in parts)

    rows = await _ask(duck_client, auth(), "scrap_by_work_center_shift", **period)
    for center in shop.centers:
        for shift in ("A", "B"):
            parts = [b for b in buckets if b.work_center_id == center and b.shift_code == shift]
            row = _by(rows, "work_center_id", "shift_code")[(str(center), shift)]
            total = sum((b.good_count + b.scrap_count + b.rework_count for b in parts), Decimal(0))
            assert row["scrap"] == sum(b.scrap_count for b in parts)
            assert _close(
                row["scrap_rate"], sum((b.scrap_count for b in parts), Decimal(0)) / total
            )

    one = await _ask(
        duck_client,
        auth(),
        "oee_by_work_center_month",
        **period,
        work_center_id=str(shop.centers[1]),
    )
    assert {r["work_center_id"] for r in one} == {str(shop.centers[1])}


async def test_output_profiles_and_stops_come_from_the_counts_and_stops(
    shop: Shop, duck_client: AsyncTestClient[Any], auth: Headers
) -> None:
    monday, next_monday = FIRST, FIRST + timedelta(days=7)
    await shop.deliver(
        shop.counts(_at(monday, 6, 30), good=100, scrap=10),
        shop.counts(_at(monday, 7, 30), good=50),
        shop.counts(_at(monday + timedelta(days=1), 6, 45), good=80, scrap=5, rework=5),
        shop.counts(_at(next_monday, 6, 10), good=300, scrap=3),
        # A stop over the period's start counts for its part inside it.
        shop.stop(_at(monday, 0) - timedelta(minutes=30), _at(monday, 0, 30)),
        shop.stop(_at(monday, 9), _at(monday, 10)),
        shop.stop(_at(monday, 12), _at(monday, 12, 20), planned=True),
    )
    period = {"from": monday.isoformat(), "to": (next_monday + timedelta(days=6)).isoformat()}

    output = await _ask(duck_client, auth(), "output_by_work_center_month", **period)
    assert [(r["month"], r["reports"], r["good"], r["scrap"]) for r in output] == [
        ("2026-10", 3, 230, 15),
        ("2026-11", 1, 300, 3),
    ]
    assert _close(output[0]["scrap_rate"], Decimal(15) / Decimal(250))

    hours = _by(await _ask(duck_client, auth(), "hour_of_day_profile", **period), "hour")
    assert sorted(hours) == [6, 7]
    assert (hours[6]["days"], hours[6]["good"], hours[6]["good_per_day"]) == (3, 480, 160)

    weeks = await _ask(duck_client, auth(), "week_over_week", **period)
    assert [(w["week"], w["good"], w["scrap"]) for w in weeks] == [
        ("2026-W44", 230, 15),
        ("2026-W45", 300, 3),
    ]
    assert weeks[0]["good_change"] is None and _close(weeks[1]["good_change"], Decimal("0.3043"))

    pareto = await _ask(duck_client, auth(), "downtime_pareto", **period)
    assert [(p["loss"], p["stops"], p["minutes"]) for p in pareto] == [
        ("breakdown", 2, 90.0),
        ("planned_stop", 1, 20.0),
    ]
    assert _close(pareto[0]["share"], Decimal(90) / 110) and pareto[-1]["cumulative_share"] == 1
    centers = await _ask(duck_client, auth(), "downtime_by_work_center", **period)
    assert [(c["stops"], c["planned_minutes"], c["unplanned_minutes"]) for c in centers] == [
        (3, 20.0, 90.0)
    ]


async def test_another_organization_never_sees_the_rows(
    shop: Shop,
    duck_client: AsyncTestClient[Any],
    auth: Headers,
    plants: list[UUID],
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
    database: Database,
    role_dsn: Callable[[str], str],
) -> None:
    # The other organization has the same plant ids: only the organization keeps it out.
    other = Shop(database, owner_conn, admin_conn, uuid4(), plants)
    day = FIRST
    await shop.deliver(
        shop.counts(_at(day, 8), good=10),
        shop.counts(_at(day, 9), good=20, plant_id=plants[1]),
        other.counts(_at(day, 8), good=1000),
        other.stop(_at(day, 8), _at(day, 9)),
    )
    query = {"from": day.isoformat(), "to": day.isoformat()}
    rows = await _ask(duck_client, auth(), "output_by_work_center_month", **query)
    assert sum(r["good"] for r in rows) == 30
    assert await _ask(duck_client, auth(), "downtime_pareto", **query) == []
    theirs = auth(organization_id=other.org_id)
    rows = await _ask(duck_client, theirs, "output_by_work_center_month", **query)
    assert sum(r["good"] for r in rows) == 1000
    stranger = auth(organization_id=uuid4())
    assert await _ask(duck_client, stranger, "output_by_work_center_month", **query) == []
    # Another plant of the same organization.
    second_plant = auth(plant_ids=[plants[1]])
    rows = await _ask(duck_client, second_plant, "output_by_work_center_month", **query)
    assert sum(r["good"] for r in rows) == 20
    # DuckDB's own PostgreSQL connection asked for the other organization's rows by id.
    tenant = Tenant(shop.org_id, tuple(plants))
    conn = connect(role_dsn("reporting"), tenant, Limits())
    try:
        sql = "SELECT count(*) FROM pg.reporting.count_facts WHERE organization_id = ?"
        assert conn.execute(sql, [other.org_id]).fetchone() == (0,)
        assert conn.execute(sql, [shop.org_id]).fetchone() == (2,)
        who = conn.execute("SELECT * FROM postgres_query('pg', 'SELECT current_user')")
        assert who.fetchone() == ("unison_reporting",)
    finally:
        conn.close()


async def test_bad_parameters_are_problems(
    duck_client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    catalogue = (await duck_client.get(URL, headers=auth())).json()["queries"]
    assert {q["name"] for q in catalogue} >= {"downtime_pareto", "oee_by_work_center_month"}
    name = f"{URL}/downtime_pareto"
    for query in (
        {"from": "2026-11-10", "to": "2026-11-01"},
        {"from": "2020-01-01", "to": "2026-03-01"},
    ):
        response = await duck_client.get(name, params=query, headers=auth())
        assert response.status_code == 422, query
        assert response.headers["content-type"].startswith("application/problem+json")
    period = {"from": "2026-11-01", "to": "2026-11-02"}
    unknown = await duck_client.get(f"{URL}/drop_table", params=period, headers=auth())
    assert unknown.status_code == 404
    foreign = await duck_client.get(
        name, params={**period, "plant_id": str(uuid4())}, headers=auth()
    )
    assert foreign.status_code == 404
    malformed = await duck_client.get(
        name, params={**period, "work_center_id": "x"}, headers=auth()
    )
    assert malformed.status_code == 400
    missing = await duck_client.get(name, params={"from": "2026-11-01"}, headers=auth())
    assert missing.status_code == 400


async def test_a_query_past_its_timeout_is_stopped_and_answered_503(
    role_dsn: Callable[[str], str], org_id: UUID, plants: list[UUID]
) -> None:
    duck = Duck(role_dsn("reporting"), Limits(timeout_seconds=3.0), concurrency=1)
    endless = "SELECT count(*) FROM range(1000000000000) a"
    with pytest.raises(DomainError) as stopped:
        await duck.run(Tenant(org_id, tuple(plants)), lambda c: c.execute(endless).fetchall())
    assert stopped.value.status == 503
    # The slot was given back: the next query runs.
    answer = await duck.run(
        Tenant(org_id, tuple(plants)), lambda c: c.execute("SELECT 1").fetchall()
    )
    assert answer == [(1,)]


async def test_every_catalogue_query_runs_and_every_archive_statement_prepares(
    duck_client: AsyncTestClient[Any], auth: Headers, role_dsn: Callable[[str], str]
) -> None:
    catalogue = (await duck_client.get(URL, headers=auth())).json()["queries"]
    assert {q["name"] for q in catalogue} == set(catalog.DESCRIPTIONS)
    for query in catalogue:
        response = await duck_client.get(
            query["href"], params={"from": "2026-11-01", "to": "2026-11-30"}, headers=auth()
        )
        assert response.status_code == 200, (query["name"], response.text)
        assert response.json()["columns"] and response.json()["rows"] == []
    conn = await asyncpg.connect(role_dsn("reporting"))
    try:
        for name, statement in archive_store.SQL.items():
            assert await conn.prepare(statement) is not None, name
    finally:
        await conn.close()


def test_queries_run_in_utc_whatever_the_machines_zone(
    role_dsn: Callable[[str], str], org_id: UUID
) -> None:
    # A process of its own: ICU takes the machine's zone once per process.
    probe = (
        "import sys, uuid\n"
        "from reporting.analytics.duck import Limits, connect\n"
        "from unison_pg import Tenant\n"
        "conn = connect(sys.argv[1], Tenant(uuid.UUID(sys.argv[2])), Limits())\n"
        "cursor = conn.cursor()\n"
        "print(cursor.execute(\"SELECT current_setting('TimeZone')\").fetchone()[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, role_dsn("reporting"), str(org_id)],
        env={**os.environ, "TZ": "America/New_York"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "UTC"
