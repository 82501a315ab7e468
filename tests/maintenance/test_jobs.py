"""The daily jobs run the way the worker runs them: PM generation (twice: nothing twice)
and yesterday's KPIs published for reporting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from maintenance.kpis import service as kpis
from maintenance.plans import generation
from tests.maintenance.shop import Shop
from tests.support.harness import Spy
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_pg import Database


async def test_the_daily_generation_is_idempotent(shop: Shop, database: Database) -> None:
    press = await shop.equipment()
    anchor = (datetime.now(UTC).date() - timedelta(days=28)).isoformat()
    for name in ("Daily check", "Monthly service"):
        unit = "days" if name.startswith("Daily") else "months"
        await shop.plan(press, name=name, calendar={"interval": 1, "unit": unit, "anchor": anchor})
    message = JobMessage(uuid4(), shop.org_id, generation.KIND)
    first = await generation.run(JobContext(database, message, {}))
    second = await generation.run(JobContext(database, message, {}))
    assert (first["plans"], first["created"]) == (2, 2)
    assert (second["plans"], second["created"]) == (2, 0)
    assert len((await shop.get("/work-orders", equipment_id=press["id"]))["items"]) == 2


async def test_yesterdays_kpis_are_published_for_every_active_equipment(
    shop: Shop, database: Database, spy: Spy
) -> None:
    first, second = await shop.equipment(), await shop.equipment()
    message = JobMessage(uuid4(), shop.org_id, kpis.KIND)
    result = await kpis.run(JobContext(database, message, {}))
    assert result["published"] == 2
    published = await spy.events("maintenance.kpis.published")
    assert {e["equipment_id"] for e in published} == {first["id"], second["id"]}
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    assert all(e["period_start"] == yesterday and e["failures"] == 0 for e in published)
    # The inputs of PMP and PM compliance travel too, so a consumer can sum them.
    assert all(e["pm_due"] == 0 and e["pm_on_time"] == 0 for e in published)
    assert all("maintenance_hours" in e and "planned_maintenance_hours" in e for e in published)
