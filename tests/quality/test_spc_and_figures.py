"""SPC charts over recorded results, the watch that tells of a new rule violation, FPY and
the defect Pareto, and a day's figures published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from quality.figures.service import publish_day
from tests.quality.lab import DIAMETER, SURFACE, Lab
from tests.support.harness import Spy
from unison_pg import Database, Tenant

TODAY = datetime.now(UTC).date()


async def _lot(lab: Lab, material: UUID, values: list[str], lot: str) -> dict[str, Any]:
    await lab.receipt(material, "100", lot=lot)
    inspection = next(
        i for i in await lab.inspections(material_id=str(material)) if i["lot"] == lot
    )
    rows = [{"characteristic": "DIA", "sample_no": n + 1, "value": v} for n, v in enumerate(values)]
    await lab.results(inspection, rows)
    return dict(inspection)


async def test_a_chart_of_a_measured_characteristic(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material, characteristics=[DIAMETER])
    lots = [
        ["10.00", "10.01", "9.99", "10.00", "10.02"],
        ["10.01", "9.98", "10.00", "10.01", "9.99"],
        ["10.00", "10.00", "10.02", "9.99", "10.01"],
        ["9.99", "10.01", "10.00", "10.00", "10.01"],
    ]
    for n, values in enumerate(lots):
        await _lot(lab, material, values, f"L-{n}")
    params: dict[str, Any] = {
        "plant_id": str(lab.plants[0]),
        "material_id": str(material),
        "characteristic": "dia",
    }
    chart = await lab.get("/spc/chart", **params)
    assert (chart["measurements"], chart["left_out"]) == (20, 0)
    assert chart["chart"]["kind"] == "i_mr"
    assert len(chart["chart"]["location"]["points"]) == 20
    assert len(chart["chart"]["dispersion"]["points"]) == 19
    mean = sum(float(v) for values in lots for v in values) / 20
    assert abs(chart["chart"]["location"]["center"] - mean) < 1e-9
    assert chart["specification"] == {
        "code": "DIA",
        "name": "Bore diameter",
        "unit": "MM",
        "nominal": "10.00",
        "lsl": "9.95",
        "usl": "10.05",
    }
    assert chart["capability"]["cp"] > 0 and chart["capability"]["cpk"] > 0
    xbar = await lab.get("/spc/chart", **params, kind="xbar_r", subgroup_size=5)
    points = xbar["chart"]["location"]["points"]
    means = [sum(float(v) for v in values) / 5 for values in lots]
    assert all(abs(p["value"] - m) < 1e-9 for p, m in zip(points, means, strict=True))
    assert xbar["chart"]["subgroup_size"] == 5
    # Subgroups never mix lots: with 3 per subgroup each lot leaves 2 out.
    three = await lab.get("/spc/chart", **params, kind="xbar_s", subgroup_size=3)
    assert (len(three["chart"]["location"]["points"]), three["left_out"]) == (4, 8)
    few = await lab.get("/spc/chart", 422, **{**params, "characteristic": "NONE"})
    assert "a chart needs 2" in few["detail"]
    await lab.get(
        "/spc/chart", 404, **{**params, "plant_id": "6c1e0a1e-0000-4000-8000-000000000000"}
    )


async def test_a_new_rule_violation_is_told_once_to_its_subscribers(lab: Lab) -> None:
    await lab.post(
        "/subscriptions", {"email": "spc@plant.example", "kinds": ["spc_violation"]}, 201
    )
    material = await lab.material("SHAFT-9")
    await lab.plan(material, characteristics=[DIAMETER], sample_size=25)
    steady = ["10.00", "10.01", "9.99", "10.01", "9.99"] * 5  # alternating: rule 4 may fire
    await _lot(lab, material, steady, "L-1")
    before = len((await lab.get("/notifications"))["items"])
    # Far outside three sigma of the history (inside the specification limits).
    await _lot(lab, material, ["10.00", "10.04", *(["10.00"] * 23)], "L-2")
    mails = (await lab.get("/notifications"))["items"]
    assert len(mails) == before + 1
    mail = mails[0]
    assert mail["kind"] == "spc_violation"
    assert "DIA: 1 point beyond 3 sigma (value 10.04)" in mail["body"]


async def test_first_pass_yield_and_the_defect_pareto(lab: Lab) -> None:
    material = await lab.material()
    await lab.plan(material, characteristics=[SURFACE])
    outcomes = [("accepted", 0), ("accepted", 0), ("rejected", 3), ("partially_accepted", 1)]
    for n, (decision, failures) in enumerate(outcomes):
        await lab.receipt(material, "100", lot=f"L-{n}")
        inspection = next(
            i for i in await lab.inspections(material_id=str(material)) if i["lot"] == f"L-{n}"
        )
        rows = [
            {"characteristic": "SURF", "sample_no": k, "passed": k > failures}
            | ({"defect_code": "SCRATCH" if k != 2 else "DENT"} if k <= failures else {})
            for k in range(1, 6)
        ]
        await lab.results(inspection, rows)
        split: dict[str, Any] = (
            {"accepted_quantity": "90", "rejected_quantity": "10"}
            if decision == "partially_accepted"
            else {}
        )
        await lab.decide(inspection, decision, **split)
    period: dict[str, Any] = {"from": str(TODAY), "to": str(TODAY)}
    (row,) = await lab.get("/figures/fpy", **period)
    assert row["key"] == str(material)
    assert (row["lots"], row["lots_passed"], row["inspected"], row["passed_first_time"]) == (
        4,
        2,
        "400",
        "200",
    )
    assert (row["rejected"], row["fpy"], row["lot_fpy"]) == ("110", 0.5, 0.5)
    (by_day,) = await lab.get("/figures/fpy", **period, by="day")
    assert by_day["key"] == str(TODAY)
    pareto = await lab.get("/figures/defects", **period, material_id=str(material))
    assert [(p["code"], p["count"]) for p in pareto] == [("SCRATCH", 3), ("DENT", 1)]
    assert [p["cumulative"] for p in pareto] == [0.75, 1.0]
    wrong = await lab.get("/figures/fpy", 422, **{"from": str(TODAY), "to": "2020-01-01"})
    assert "ends before it starts" in wrong["detail"]


async def test_a_days_figures_are_published_per_material_and_work_center(
    lab: Lab, database: Database, org_id: UUID, spy: Spy
) -> None:
    material = await lab.material()
    await lab.plan(material, characteristics=[SURFACE])
    await lab.receipt(material, "50", lot="L-1")
    inspection = await lab.only_inspection(material)
    await lab.results(
        inspection,
        [{"characteristic": "SURF", "sample_no": 1, "passed": False, "defect_code": "DENT"}],
    )
    await lab.decide(inspection, "rejected")
    tenant = Tenant(org_id, tuple(lab.plants), "job:test")
    async with database.transaction(tenant) as conn:
        assert await publish_day(conn, org_id, TODAY) == 1
        assert await publish_day(conn, org_id, TODAY - timedelta(days=1)) == 0
    (figures,) = await spy.events("quality.figures.published")
    assert (
        figures["day"],
        figures["material_id"],
        Decimal(figures["inspected"]),
        Decimal(figures["passed_first_time"]),
        figures["defects"],
    ) == (str(TODAY), str(material), Decimal(50), Decimal(0), [["DENT", 1]])
