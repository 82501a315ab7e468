"""Periodic inspections: a periodic plan re-inspects each lot of its material still in
stock once its last inspection is ``period_days`` old (shelf-life re-tests, audits)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import asyncpg

from quality.caller import Caller
from quality.inspections import repo
from quality.inspections.creation import Spec, create_in
from quality.plans import repo as plans_repo

PAGE = 200
LOTS_PER_PLAN = 1000


async def create_due(conn: asyncpg.Connection, caller: Caller, today: date) -> list[str]:
    """The inspections due today (numbers); idempotent within the day."""
    created: list[str] = []
    after = None
    while True:
        plans = await plans_repo.periodic(conn, today, after, PAGE)
        for plan in plans:
            assert plan.period_days is not None
            since = datetime.combine(today - timedelta(days=plan.period_days), time(), UTC)
            lots = await repo.lots_due(
                conn, (plan.material_id, plan.plant_id), since, LOTS_PER_PLAN
            )
            for lot in lots:
                spec = Spec(
                    plant_id=plan.plant_id,
                    material_id=plan.material_id,
                    quantity=lot.quantity,
                    unit=lot.unit,
                    trigger="periodic",
                    lot=lot.lot,
                    source_key=f"periodic:{plan.id}:{lot.lot}:{today.isoformat()}",
                    plan=plan,
                )
                found = await create_in(conn, caller, spec)
                if found is not None:
                    created.append(found.number)
        if len(plans) < PAGE:
            return created
        after = plans[-1].id
