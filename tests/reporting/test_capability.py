"""The Cpk trend: measured values recorded through quality's API reach reporting as
``quality.measurements.recorded``; the daily pieces (n, sum, sum of squares, moving
ranges, first and last value) give each day's and the period's Cp, Cpk, Pp and Ppk equal
to quality's own capability (its SPC chart, and ``spc.capability_individuals`` of the
same values), whatever order the events arrive in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from quality import spc
from quality.app import build_app as build_quality_app
from quality.settings import Settings as QualitySettings
from reporting.quality_facts import capability
from tests.quality.lab import DIAMETER, Lab
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_events.quality import Measurement, MeasurementsRecorded
from unison_pg import Database, Tenant

URL = "/api/reporting/quality/capability"
TODAY = datetime.now(UTC).date()
INDICES = ("cp", "cpk", "pp", "ppk", "mean", "sigma_within", "sigma_overall")


@pytest.fixture
async def lab(
    role_dsn: Callable[[str], str],
    minter: TokenMinter,
    auth: Headers,
    plants: list[UUID],
    org_id: UUID,
) -> AsyncIterator[Lab]:
    settings = QualitySettings(
        database_url=role_dsn("quality"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=4,
    )
    conn = await asyncpg.connect(role_dsn("quality"))
    try:
        app = build_quality_app(settings, verifier=minter.verifier())
        async with AsyncTestClient(app) as quality_client:
            yield Lab(quality_client, auth, plants, org_id, conn)
    finally:
        await conn.close()


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), UTC).isoformat()


# Four lots over three past days; the second lot's sample 2 is measured again later
# (quality's series keeps the latest value only); the last lot a few minutes ago. (Values
# of the very same time are ordered by quality by their result ids, random within a
# millisecond; reporting keeps the order recorded: see the late-events test.)
LOTS: list[tuple[date, int, list[str]]] = [
    (TODAY - timedelta(days=3), 8, ["10.00", "10.01", "9.99", "10.00", "10.02"]),
    (TODAY - timedelta(days=3), 22, ["10.01", "9.98", "10.00", "10.01", "9.99"]),
    (TODAY - timedelta(days=2), 9, ["10.00", "10.00", "10.02", "9.99", "10.01"]),
    (TODAY - timedelta(days=1), 23, ["9.99", "10.03", "10.00", "9.97", "10.01"]),
]
NOW_LOT = ["10.02", "9.98", "10.01", "10.00", "9.99"]
NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)


async def _record(lab: Lab, material: UUID) -> None:
    await lab.plan(material, characteristics=[DIAMETER])
    for n, (day, hour, values) in enumerate(LOTS):
        lot = f"L-{n}"
        await lab.receipt(material, "100", lot=lot)
        inspection = next(
            i for i in await lab.inspections(material_id=str(material)) if i["lot"] == lot
        )
        rows = [
            {
                "characteristic": "DIA",
                "sample_no": k + 1,
                "value": v,
                "measured_at": _at(day, hour, k),
            }
            for k, v in enumerate(values)
        ]
        await lab.results(inspection, rows)
        if n == 1:  # sample 2 measured again, later the same day
            again = [
                {
                    "characteristic": "DIA",
                    "sample_no": 2,
                    "value": "10.04",
                    "measured_at": _at(day, hour, 30),
                }
            ]
            await lab.results(inspection, again)
    await lab.receipt(material, "100", lot="L-NOW")
    inspection = next(
        i for i in await lab.inspections(material_id=str(material)) if i["lot"] == "L-NOW"
    )
    rows = [
        {
            "characteristic": "DIA",
            "sample_no": k + 1,
            "value": v,
            "measured_at": (NOW + timedelta(seconds=k)).isoformat(),
        }
        for k, v in enumerate(NOW_LOT)
    ]
    await lab.results(inspection, rows)


def _series_by_day() -> dict[date, list[float]]:
    """The values as quality's series reads them, per UTC day, in time order."""
    days: dict[date, list[float]] = {}
    for n, (day, _, values) in enumerate(LOTS):
        kept = list(values)
        if n == 1:
            kept.pop(1)  # its latest value (10.04, at :30) comes after the lot's others
            kept.append("10.04")
        days.setdefault(day, []).extend(float(v) for v in kept)
    days.setdefault(NOW.date(), []).extend(float(v) for v in NOW_LOT)
    return days


def _close(mine: dict[str, Any], theirs: spc.Capability) -> None:
    for name in INDICES:
        assert mine[name] == pytest.approx(getattr(theirs, name), rel=1e-9, abs=1e-12), name


async def test_cpk_per_day_and_period_equals_qualitys_capability(
    shop: Shop, lab: Lab, client: AsyncTestClient[Any], auth: Headers
) -> None:
    material = await lab.material()
    await _record(lab, material)
    await shop.deliver()  # what quality published, from reporting's own queue

    first = TODAY - timedelta(days=3)
    query = {
        "from": str(first),
        "to": str(TODAY),
        "plant_id": str(lab.plants[0]),
        "material_id": str(material),
        "characteristic": "dia",
    }
    response = await client.get(URL, params=query, headers=auth())
    assert response.status_code == 200, response.text
    mine = response.json()
    assert mine["characteristic"] == "DIA"

    # The period against quality's own chart of the same measurements.
    chart = await lab.get(
        "/spc/chart",
        plant_id=str(lab.plants[0]),
        material_id=str(material),
        characteristic="DIA",
        since=datetime.combine(first, time(), UTC).isoformat(),
    )
    assert chart["measurements"] == mine["total"]["n"] == 25
    theirs = chart["capability"]
    for name in INDICES:
        assert mine["total"][name] == pytest.approx(theirs[name], rel=1e-9), name
    assert (mine["total"]["lsl"], mine["total"]["usl"]) == (9.95, 10.05)

    # Every day against quality's function on that day's values.
    days = _series_by_day()
    assert [p["bucket"] for p in mine["points"]] == [str(d) for d in sorted(days)]
    for point in mine["points"]:
        values = days[date.fromisoformat(point["bucket"])]
        _close(point, spc.capability_individuals(values, lsl=9.95, usl=10.05))

    # A week or month bucket holds the moving range across its days too.
    monthly = await client.get(URL, params={**query, "granularity": "month"}, headers=auth())
    for point in monthly.json()["points"]:
        start = date.fromisoformat(point["start"])
        values = [v for d in sorted(days) if d.replace(day=1) == start for v in days[d]]
        _close(point, spc.capability_individuals(values, lsl=9.95, usl=10.05))


def _event(shop: Shop, inspection: UUID, material: UUID, rows: list[tuple[str, str]]) -> Any:
    return MeasurementsRecorded(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        inspection_id=inspection,
        material_id=material,
        measurements=tuple(
            Measurement(
                characteristic="DIA",
                sample_no=n + 1,
                value=Decimal(v),
                measured_at=datetime.fromisoformat(at),
                lsl=Decimal("9.95"),
                usl=Decimal("10.05"),
            )
            for n, (at, v) in enumerate(rows)
        ),
    )


async def test_late_events_replays_and_remeasures_give_the_same_pieces(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers
) -> None:
    material = uuid4()
    early = _event(
        shop,
        uuid4(),
        material,
        [("2026-11-02T06:00+00:00", "10.00"), ("2026-11-02T06:10+00:00", "10.02")],
    )
    late = _event(
        shop,
        uuid4(),
        material,
        [("2026-11-02T07:00+00:00", "9.97"), ("2026-11-02T07:10+00:00", "10.01")],
    )
    middle = _event(
        shop,
        uuid4(),
        material,
        [("2026-11-02T06:30+00:00", "10.04"), ("2026-11-03T00:30+00:00", "9.99")],
    )
    await shop.deliver(late)
    await shop.deliver(middle, early)  # out of order, between values already kept
    await shop.deliver(late)  # a replay: the inbox skips it
    # Sample 1 of the late lot measured again (newer): it replaces 9.97; an older
    # measurement of the same sample arriving afterwards changes nothing.
    again = _event(shop, late.inspection_id, material, [("2026-11-02T08:00+00:00", "10.03")])
    older = _event(shop, late.inspection_id, material, [("2026-11-02T05:00+00:00", "9.00")])
    await shop.deliver(again, older)
    # Two values of the same time count in the order recorded.
    same_time = _event(
        shop,
        uuid4(),
        material,
        [("2026-11-03T00:40+00:00", "10.05"), ("2026-11-03T00:40+00:00", "9.96")],
    )
    await shop.deliver(same_time)

    query = {
        "from": "2026-11-02",
        "to": "2026-11-03",
        "plant_id": str(shop.plants[0]),
        "material_id": str(material),
        "characteristic": "DIA",
    }
    found = (await client.get(URL, params=query, headers=auth())).json()
    day_one = [10.00, 10.02, 10.04, 10.01, 10.03]  # in time order
    day_two = [9.99, 10.05, 9.96]
    assert [p["n"] for p in found["points"]] == [5, 3]
    _close(found["points"][0], spc.capability_individuals(day_one, lsl=9.95, usl=10.05))
    _close(found["points"][1], spc.capability_individuals(day_two, lsl=9.95, usl=10.05))
    everything = [*day_one, *day_two]
    _close(found["total"], spc.capability_individuals(everything, lsl=9.95, usl=10.05))
    one = await client.get(
        URL, params={**query, "from": "2026-11-04", "to": "2026-11-04"}, headers=auth()
    )
    assert one.json()["total"]["n"] == 0 and one.json()["total"]["cpk"] is None


async def test_refusals_and_tenancy(
    shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    material = uuid4()
    await shop.deliver(
        _event(
            shop,
            uuid4(),
            material,
            [("2026-11-02T06:00+00:00", "10.00"), ("2026-11-02T06:10+00:00", "10.02")],
        )
    )
    query = {
        "from": "2026-11-02",
        "to": "2026-11-02",
        "plant_id": str(plants[0]),
        "material_id": str(material),
        "characteristic": "DIA",
    }
    mine = await client.get(URL, params=query, headers=auth())
    assert mine.json()["total"]["n"] == 2
    other = await client.get(URL, params=query, headers=auth(organization_id=uuid4()))
    assert other.status_code == 200 and other.json()["total"]["n"] == 0
    not_mine = await client.get(URL, params=query, headers=auth(plant_ids=[plants[1]]))
    assert not_mine.status_code == 404
    for bad, pointer in (
        ({**query, "granularity": "hour"}, "/granularity"),
        ({**query, "to": "2026-11-01"}, "/to"),
        ({**query, "characteristic": "  "}, "/characteristic"),
    ):
        response = await client.get(URL, params=bad, headers=auth())
        assert response.status_code == 422, bad
        assert pointer in response.text
    missing = {k: v for k, v in query.items() if k != "material_id"}
    assert (await client.get(URL, params=missing, headers=auth())).status_code == 400


async def test_the_rebuild_gives_the_same_daily_pieces(shop: Shop, database: Database) -> None:
    material = uuid4()
    await shop.deliver(
        _event(shop, uuid4(), material, [("2026-11-02T06:00+00:00", "10.00"),
                                         ("2026-11-02T06:10+00:00", "10.02"),
                                         ("2026-11-03T06:00+00:00", "9.98")]),
        _event(shop, uuid4(), material, [("2026-11-02T05:00+00:00", "10.01"),
                                         ("2026-11-03T07:00+00:00", "10.03")]),
    )  # fmt: skip
    sql = (
        "SELECT * FROM reporting.spc_daily WHERE organization_id = $1"
        " ORDER BY plant_id, material_id, characteristic, bucket_day"
    )
    before = [dict(r) for r in await shop.admin.fetch(sql, shop.org_id)]
    assert [r["n"] for r in before] == [3, 2]
    await shop.admin.execute(
        "UPDATE reporting.spc_daily SET mr_sum = 0 WHERE organization_id = $1", shop.org_id
    )
    async with database.transaction(Tenant(shop.org_id, tuple(shop.plants))) as conn:
        assert await capability.rebuild(conn, date(2026, 11, 1), date(2026, 11, 30)) == 2
    assert [dict(r) for r in await shop.admin.fetch(sql, shop.org_id)] == before
