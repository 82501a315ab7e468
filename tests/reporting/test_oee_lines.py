"""OEE by line, and one series per work center, line or shift: a work center's line comes
from production's ``work_center.changed`` (or the line a closed shift names); a line's
series sums the inputs of the work centers on it now (as production's own report by
line); a work center moving to another line regroups every cached period."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from tests.production.floor import Floor
from tests.reporting.shop import Shop

# Production's app and a scripted shift, as the end-to-end OEE test runs them.
from tests.reporting.test_from_production import (  # noqa: F401 (fixtures)
    _daily_close,
    _scripted_early_shift,
    floor,
    production_client,
    production_conn,
)
from tests.support.harness import Headers
from unison_events.production import WorkCenterChanged

URL = "/api/reporting/production/oee"
DAY = date(2026, 11, 9)
QUERY = {"from": "2026-11-09", "to": "2026-11-09"}


def _moved(shop: Shop, center: UUID, line: str | None, at: datetime) -> WorkCenterChanged:
    return WorkCenterChanged(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        work_center_id=center,
        code="WC",
        name="Lathe",
        line=line,
        status="active",
        occurred_at=at,
    )


async def _get(
    client: AsyncTestClient[Any], auth: Headers, **query: str
) -> tuple[dict[str, Any], str]:
    response = await client.get(URL, params={**QUERY, **query}, headers=auth())
    assert response.status_code == 200, response.text
    return response.json(), response.headers["X-Cache"]


async def _two_lines(shop: Shop) -> None:
    c0, c1 = shop.centers
    early = shop.bucket(
        DAY,
        "A",
        datetime(2026, 11, 9, 6, tzinfo=UTC),
        ideal_run_seconds=9000,
        good_count=300,
        scrap_count=10,
    )
    late = shop.bucket(
        DAY,
        "B",
        datetime(2026, 11, 9, 14, tzinfo=UTC),
        work_center_id=c1,
        ideal_run_seconds=12000,
        good_count=400,
        breakdown_seconds=1800,
    )
    await shop.deliver(
        shop.closed(early),
        shop.closed(late),
        shop.counts(datetime(2026, 11, 9, 9, tzinfo=UTC), good=10),
    )
    now = datetime.now(UTC)
    await shop.deliver(_moved(shop, c0, "L1", now), _moved(shop, c1, "L2", now))


async def test_group_by_line_work_center_and_shift_sum_their_work_centers(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    await _two_lines(shop)
    c0, c1 = shop.centers
    by_line, state = await _get(client, auth, group_by="line")
    assert state == "miss" and by_line["group_by"] == "line"
    assert [g["key"] for g in by_line["groups"]] == ["L1", "L2"]
    for group, center in zip(by_line["groups"], (c0, c1), strict=True):
        alone, _ = await _get(client, auth, work_center_id=str(center))
        assert group["points"] == alone["points"] and group["total"] == alone["total"]

    by_center, _ = await _get(client, auth, group_by="work_center")
    assert sorted(g["key"] for g in by_center["groups"]) == sorted([str(c0), str(c1)])

    by_shift, _ = await _get(client, auth, group_by="shift", granularity="week")
    shifts = {g["key"]: g for g in by_shift["groups"]}
    # The count knows no shift until its shift closes: its own group ''.
    assert set(shifts) == {"", "A", "B"}
    assert shifts["A"]["total"]["good"] == "300" and shifts["B"]["total"]["good"] == "400"
    assert shifts[""]["total"]["logged_good"] == "10"
    assert shifts["A"]["points"][0]["bucket"] == "2026-W46"

    # A line filter alone: one series of the work centers on that line.
    line, _ = await _get(client, auth, line="L2")
    (only,) = line["groups"]
    alone, _ = await _get(client, auth, work_center_id=str(c1))
    assert only["key"] == "" and only["total"] == alone["total"] and line["line"] == "L2"
    hourly, _ = await _get(client, auth, line="L1", granularity="hour")
    assert [p["bucket"] for p in hourly["groups"][0]["points"]] == [
        "2026-11-09T06:00Z",
        "2026-11-09T09:00Z",
    ]


async def test_a_work_center_moving_line_regroups_the_cached_answer(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    await _two_lines(shop)
    c0, c1 = shop.centers
    before, state = await _get(client, auth, group_by="line")
    again, state_again = await _get(client, auth, group_by="line")
    assert (state, state_again) == ("miss", "hit") and again == before
    hit = await client.get(URL, params={**QUERY, "group_by": "line"}, headers=auth())
    first = await client.get(URL, params={**QUERY, "group_by": "line"}, headers=auth())
    assert hit.content == first.content  # byte-identical

    await shop.deliver(_moved(shop, c1, "L1", datetime.now(UTC)))
    after, state = await _get(client, auth, group_by="line")
    assert state == "miss" and [g["key"] for g in after["groups"]] == ["L1"]
    plant, _ = await _get(client, auth)
    assert after["groups"][0]["total"] == plant["total"]

    # An older change (out of order) or the same line again changes nothing.
    await shop.deliver(_moved(shop, c1, "L2", datetime(2026, 1, 1, tzinfo=UTC)))
    await shop.deliver(_moved(shop, c0, "L1", datetime.now(UTC)))
    _, state = await _get(client, auth, group_by="line")
    assert state == "hit"


async def test_bad_groupings_and_foreign_plants_are_refused(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    response = await client.get(URL, params={**QUERY, "group_by": "colour"}, headers=auth())
    assert response.status_code == 422 and "/group_by" in response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    foreign = {**QUERY, "group_by": "line", "plant_id": str(uuid4())}
    assert (await client.get(URL, params=foreign, headers=auth())).status_code == 404
    reversed_period = {"from": "2026-11-10", "to": "2026-11-09", "line": "L1"}
    response = await client.get(URL, params=reversed_period, headers=auth())
    assert response.status_code == 422 and "/to" in json.dumps(response.json())


async def test_another_organization_never_sees_the_lines(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    await _two_lines(shop)
    mine, _ = await _get(client, auth, group_by="line")
    response = await client.get(
        URL, params={**QUERY, "group_by": "line"}, headers=auth(organization_id=uuid4())
    )
    assert response.status_code == 200 and response.json()["groups"] == []
    assert response.headers["X-Cache"] == "miss"
    other_plant = await client.get(
        URL, params={**QUERY, "group_by": "line"}, headers=auth(plant_ids=[plants[1]])
    )
    assert other_plant.json()["groups"] == [] and len(mine["groups"]) == 2


async def test_oee_by_line_agrees_with_productions_report_by_line(
    shop: Shop,
    floor: Floor,  # noqa: F811 (the imported fixture)
    production_conn: asyncpg.Connection,  # noqa: F811
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    """A shift scripted through production's API on a work center put on line L7, an idle
    work center on L8; production's daily close publishes; both reports by line agree."""
    day = datetime.now(UTC).date() - timedelta(days=2)
    center = await _scripted_early_shift(floor, day)
    headers = {**floor.auth(), "If-Match": f'"{center["version"]}"'}
    moved = await floor.client.patch(
        f"/api/production/work-centers/{center['id']}", json={"line": "L7"}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    await floor.work_center(line="L8")
    now = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=6)
    await _daily_close(floor, production_conn, now)
    await shop.deliver()  # what production published, from reporting's own queue

    span = {"from": day.isoformat(), "to": day.isoformat()}
    grouped, _ = await _get(client, auth, **span, group_by="line")
    groups = {g["key"]: g for g in grouped["groups"]}
    assert set(groups) == {"L7", "L8"}
    for line in ("L7", "L8"):
        theirs = await floor.get(
            "/oee", plant_id=str(floor.plants[0]), granularity="day", line=line, **span
        )
        (period,) = theirs["periods"]
        (point,) = groups[line]["points"]
        for factor in ("availability", "performance", "quality", "oee"):
            assert point[factor] == period["result"][factor], (line, factor)
        filtered, _ = await _get(client, auth, **span, line=line)
        assert filtered["groups"][0]["points"] == [point]
    assert groups["L7"]["points"][0]["oee"] == "0.2222"
