"""Reporting's FPY (by quantity and by lots) and defect Pareto show quality's own figures
on the same inspections: the inspections are made, measured and decided through
quality's API (its decisions reach reporting as they are made), quality's daily job code
publishes the day's figures, reporting's consumer takes them, and both APIs are asked the
same question."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from quality.app import build_app as build_quality_app
from quality.figures.service import publish_day
from quality.settings import Settings as QualitySettings
from tests.quality.lab import SURFACE, Lab
from tests.reporting.shop import Shop
from tests.support.harness import Headers
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_pg import Database, Tenant

TODAY = datetime.now(UTC).date()
DAY: dict[str, Any] = {"from": str(TODAY), "to": str(TODAY)}


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


async def _inspect(lab: Lab, material: UUID, lots: list[tuple[str, int, int]], plant: int) -> None:
    """Lots of 100 received, 5 samples checked (the first ``failures`` scratched or, the
    second one, dented) and decided."""
    await lab.plan(material, characteristics=[SURFACE], plant=plant)
    for n, (decision, failures, rejected) in enumerate(lots):
        lot = f"L-{plant}-{n}"
        await lab.receipt(material, "100", lot=lot, plant=plant)
        inspection = next(
            i for i in await lab.inspections(material_id=str(material)) if i["lot"] == lot
        )
        rows = [
            {"characteristic": "SURF", "sample_no": k, "passed": k > failures}
            | ({"defect_code": "SCRATCH" if k != 2 else "DENT"} if k <= failures else {})
            for k in range(1, 6)
        ]
        await lab.results(inspection, rows)
        split: dict[str, Any] = (
            {"accepted_quantity": str(100 - rejected), "rejected_quantity": str(rejected)}
            if decision == "partially_accepted"
            else {}
        )
        await lab.decide(inspection, decision, **split)


async def test_fpy_and_the_pareto_equal_qualitys_own_figures(
    lab: Lab,
    shop: Shop,
    client: AsyncTestClient[Any],
    auth: Headers,
    role_dsn: Callable[[str], str],
    org_id: UUID,
    plants: list[UUID],
) -> None:
    housing, cover = await lab.material(), await lab.material()
    await _inspect(
        lab,
        housing,
        [("accepted", 0, 0), ("rejected", 3, 0), ("partially_accepted", 1, 10)],
        plant=0,
    )
    await _inspect(lab, cover, [("accepted", 0, 0), ("rejected", 2, 0)], plant=1)
    quality_db = Database(role_dsn("quality"), max_size=2)
    await quality_db.open()
    try:
        async with quality_db.transaction(Tenant(org_id, tuple(plants), "job:test")) as conn:
            assert await publish_day(conn, org_id, TODAY) == 2
    finally:
        await quality_db.close()
    await shop.deliver()  # what quality published, through reporting's consumer

    async def reporting(path: str, **params: Any) -> Any:
        response = await client.get(
            f"/api/reporting/quality/{path}", params={**DAY, **params}, headers=auth()
        )
        assert response.status_code == 200, response.text
        return response.json()

    (overall,) = await lab.get("/figures/fpy", **DAY, by="day")
    series = await reporting("fpy")
    assert [p["bucket"] for p in series["points"]] == [str(TODAY)]
    fields = ("inspected", "passed_first_time", "fpy", "lots", "lots_passed", "lot_fpy")
    for shown in (series["points"][0], series["total"]):
        assert [shown[f] for f in fields] == [overall[f] for f in fields]
    for material, plant in ((housing, plants[0]), (cover, plants[1])):
        (own,) = await lab.get("/figures/fpy", **DAY, material_id=str(material))
        mine = (await reporting("fpy", material_id=str(material)))["total"]
        assert [mine[f] for f in fields] == [own[f] for f in fields]
        (own_plant,) = await lab.get("/figures/fpy", **DAY, plant_id=str(plant))
        by_plant = (await reporting("fpy", plant_id=str(plant), granularity="month"))["total"]
        assert [by_plant[f] for f in fields] == [own_plant[f] for f in fields]

    for scope in (None, plants[0], plants[1]):
        where: dict[str, Any] = {} if scope is None else {"plant_id": str(scope)}
        own_pareto = await lab.get("/figures/defects", **DAY, **where)
        pareto = await reporting("defects", **where)
        assert [
            (d["code"], d["count"], d["share"], d["cumulative"]) for d in pareto["defects"]
        ] == [(d["code"], d["count"], d["share"], d["cumulative"]) for d in own_pareto]
    assert (await reporting("defects"))["total"] == 3 + 1 + 2


async def test_ncrs_and_capas_raised_in_quality_reach_reportings_dashboards(
    lab: Lab, shop: Shop, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID]
) -> None:
    material = await lab.material()
    body = {"plant_id": str(plants[0]), "material_id": str(material), "quantity": "10"}
    await lab.post("/ncrs", body | {"title": "Oversize bore"}, 201)
    await lab.post("/ncrs", body | {"title": "Scratched cover", "plant_id": str(plants[1])}, 201)
    due = TODAY + timedelta(days=14)
    capa = {"title": "Inserts changed by time", "owner": "Q. Engineer", "due_date": str(due)}
    await lab.post("/capas", capa | {"plant_id": str(plants[0])}, 201)
    await shop.deliver()  # what quality published, through reporting's consumer

    ncrs = await client.get(
        "/api/reporting/quality/ncrs", params={**DAY, "granularity": "day"}, headers=auth()
    )
    assert ncrs.status_code == 200, ncrs.text
    result = ncrs.json()
    assert [(p["bucket"], p["opened"], p["closed"]) for p in result["points"]] == [
        (str(TODAY), 2, 0)
    ]
    assert (result["ageing"]["days_0_7"], result["ageing"]["open"]) == (2, 2)
    one_plant = await client.get(
        "/api/reporting/quality/ncrs", params={**DAY, "plant_id": str(plants[1])}, headers=auth()
    )
    assert one_plant.json()["opened"] == 1
    kept = await shop.admin.fetch(
        "SELECT status, due_date, closed_at FROM reporting.capa_facts WHERE organization_id = $1",
        shop.org_id,
    )
    assert [tuple(r) for r in kept] == [("open", due, None)]
