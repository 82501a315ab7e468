"""The daily job as the worker runs it: plans about to expire warned of once, periodic
re-inspections of the lots still in stock, safe to run twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from quality import daily
from tests.quality.lab import DIAMETER, Lab
from tests.support.harness import Spy
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_pg import Database

TODAY = datetime.now(UTC).date()


async def test_plans_expiring_within_30_days_are_warned_of_once(
    lab: Lab, database: Database, spy: Spy
) -> None:
    await lab.post("/subscriptions", {"email": "qm@plant.example", "kinds": ["plan_expiring"]}, 201)
    soon, later = await lab.material("HOUS-1"), await lab.material("HOUS-2")
    await lab.plan(soon, valid_to=str(TODAY + timedelta(days=12)))
    await lab.plan(later, valid_to=str(TODAY + timedelta(days=45)))
    message = JobMessage(uuid4(), lab.org_id, daily.KIND)
    first = await daily.run(JobContext(database, message, {}))
    second = await daily.run(JobContext(database, message, {}))
    assert (first["plans_expiring"], second["plans_expiring"]) == (1, 0)
    (warning,) = [e for e in await spy.events("quality.inspection_plan.changed") if e["expiring"]]
    assert (warning["material_id"], warning["valid_to"]) == (
        str(soon),
        str(TODAY + timedelta(days=12)),
    )
    (mail,) = (await lab.get("/notifications"))["items"]
    assert mail["subject"] == "1 inspection plan(s) expire within 30 days"
    until = TODAY + timedelta(days=12)
    assert (
        mail["body"] == f"HOUS-1 Bearing housing: goods receipt plan revision 1 valid until {until}"
    )


async def test_lots_in_stock_are_re_inspected_by_a_periodic_plan(
    lab: Lab, database: Database
) -> None:
    material = await lab.material()
    await lab.receipt(material, "40", lot="OLD")
    await lab.receipt(material, "25", lot="GONE")
    await lab.receipt(material, "-25", lot="GONE", movement_type="261")
    await lab.receipt(material, "10", lot="OTHER-PLANT", plant=1)
    await lab.plan(material, "periodic", period_days=30, characteristics=[DIAMETER])
    message = JobMessage(uuid4(), lab.org_id, daily.KIND)
    first = await daily.run(JobContext(database, message, {}))
    second = await daily.run(JobContext(database, message, {}))
    assert (first["periodic_inspections"], second["periodic_inspections"]) == (1, 0)
    (inspection,) = await lab.inspections(material_id=str(material))
    assert (
        inspection["trigger"],
        inspection["lot"],
        inspection["quantity"],
        inspection["lot_held"],
    ) == ("periodic", "OLD", "40", True)


async def test_an_organization_without_quality_data_has_nothing_to_do(
    database: Database,
) -> None:
    message = JobMessage(uuid4(), uuid4(), daily.KIND)
    assert await daily.run(JobContext(database, message, {})) == {"plants": 0}
