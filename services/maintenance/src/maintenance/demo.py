"""Demo maintenance for one organization; running it again changes nothing (it only runs
while the organization has no equipment).

Called by the stack's demo seeding with an owner connection and production's demo work
centers (the composition root reads them; maintenance never does). Everything goes
through the service's own code in one transaction scoped to the organization and plants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from maintenance.caller import system_caller
from maintenance.equipment import repo as equipment_repo
from maintenance.meters import repo as meters_repo
from maintenance.plans import repo as plans_repo
from maintenance.plans.models import CalendarPart, PmPlanPut, TaskList, UsagePart
from maintenance.work_orders.codes_repo import Q as CODES
from maintenance.work_orders.repo import NewOrder
from maintenance.work_orders.service import create_in
from unison_pg import Tenant

DEMO_USER = "system:demo"


class DemoWorkCenter(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    plant_id: UUID
    code: str
    name: str
    line: str | None


CODES_ = (
    ("problem", "LEAK", "Leak"),
    ("problem", "NOISE", "Unusual noise or vibration"),
    ("problem", "NOSTART", "Does not start"),
    ("cause", "WEAR", "Wear"),
    ("cause", "LUBE", "Lack of lubrication"),
    ("cause", "OPER", "Operating error"),
    ("remedy", "REPL", "Part replaced"),
    ("remedy", "ADJ", "Adjusted"),
    ("remedy", "LUBED", "Lubricated"),
)


async def _scope(conn: asyncpg.Connection, tenant: Tenant) -> None:
    await conn.execute(
        "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', $2, true),"
        " set_config('app.user_id', $3, true)",
        str(tenant.organization_id),
        ",".join(str(p) for p in tenant.plant_ids),
        tenant.user_id,
    )


async def _machine(conn: asyncpg.Connection, center: DemoWorkCenter, line_id: UUID | None) -> UUID:
    fields = (
        line_id,
        "machine",
        center.code,
        center.name,
        "A" if center.code.startswith("CNC") else "B",
        center.id,
        "DMG MORI" if center.code.startswith("CNC") else None,
        None,
        None,
        2019,
        None,
        "active",
    )
    machine = await equipment_repo.insert(conn, center.plant_id, fields)
    assert machine is not None
    return machine.id


async def _plans(conn: asyncpg.Connection, plant_id: UUID, machine: UUID) -> None:
    hours = await meters_repo.insert(
        conn, plant_id, (machine, "HOURS", "operating_hours", "H", True, None, None)
    )
    assert hours is not None
    lube = PmPlanPut(
        equipment_id=machine,
        name="Lubricate slides and spindle",
        calendar=CalendarPart(interval=1, unit="weeks", mode="fixed", anchor=date(2026, 1, 5)),
        tasks=TaskList(checklist=["Slides lubricated", "Oil level OK"], skills=["mechanic"]),
        estimated_minutes=30,
        machine_down=False,
    )
    await plans_repo.insert(conn, plant_id, lube, (None, None))
    service = PmPlanPut(
        equipment_id=machine,
        name="500-hour service",
        usage=UsagePart(meter_id=hours.id, interval=Decimal(500)),
        calendar=CalendarPart(interval=6, unit="months", mode="floating", anchor=date(2026, 1, 1)),
        tasks=TaskList(
            steps=["Change hydraulic filter", "Check belts"], checklist=["Filter changed"]
        ),
        estimated_minutes=180,
    )
    await plans_repo.insert(conn, plant_id, service, (Decimal(0), datetime.now(UTC)))


async def seed_demo(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: list[UUID],
    centers: list[DemoWorkCenter],
) -> dict[UUID, UUID]:
    """Returns production work center -> its machine, for production to link back."""
    tenant = Tenant(organization_id, tuple(plant_ids), DEMO_USER)
    linked: dict[UUID, UUID] = {}
    async with conn.transaction():
        await _scope(conn, tenant)
        if await equipment_repo.page(conn, (None, None, False, None), None, 1):
            return linked
        for kind, code, name in CODES_:
            await conn.execute(CODES.upsert, kind, code, name, True)
        lines: dict[tuple[UUID, str], UUID] = {}
        for center in centers:
            key = (center.plant_id, center.line or "")
            if center.line and key not in lines:
                line = await equipment_repo.insert(
                    conn,
                    center.plant_id,
                    (
                        None,
                        "line",
                        f"LINE-{center.line}",
                        f"Line {center.line}",
                        "B",
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        "active",
                    ),
                )
                assert line is not None
                lines[key] = line.id
            machine = await _machine(conn, center, lines.get(key))
            linked[center.id] = machine
            await _plans(conn, center.plant_id, machine)
        caller = system_caller(tenant)
        first = next(iter(linked.items()), None)
        if first is not None:
            plant = next(c.plant_id for c in centers if c.id == first[0])
            await create_in(
                conn,
                caller,
                NewOrder(
                    plant_id=plant,
                    equipment_id=first[1],
                    kind="corrective",
                    title="Coolant pump noisy",
                    priority=2,
                    due_date=(datetime.now(UTC) + timedelta(days=2)).date(),
                ),
            )
    return linked
