"""Demo shop floor for one organization; running it again changes nothing (it only runs
while a plant has no shift calendar).

Called by the stack's demo seeding with an owner connection and inventory's demo
materials (the composition root reads them; production never does). Everything goes
through the service's own use cases inside one transaction scoped to the organization and
its plants, so RLS checks it like any other write and the events go out as usual.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from production.calendar.model import BreakDefinition, Holiday, ShiftDefinition, ShiftPattern
from production.calendars import repo as calendars_repo
from production.caller import system_caller
from production.read_models import repo as read_models
from production.reasons import repo as reasons_repo
from production.routings import repo as routings_repo
from production.routings import rules
from production.routings.models import OperationCreate
from production.shop_floor.confirmations import confirm_in
from production.shop_floor.models import Confirmation, ReasonedQuantity
from production.shop_floor.operations import Report
from production.work_centers import repo as work_centers_repo
from production.work_orders import service as orders
from production.work_orders import transitions
from production.work_orders.models import WorkOrderCreate
from unison_pg import Tenant

DEMO_USER = "system:demo"


class DemoMaterial(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    description: str
    type: str
    base_unit: str
    status: str
    version: int


WEEKDAYS = frozenset({1, 2, 3, 4, 5})
PATTERN = ShiftPattern(
    valid_from=date(2024, 1, 1),
    shifts=(
        ShiftDefinition(
            code="EARLY",
            weekdays=frozenset({1, 2, 3, 4, 5, 6}),
            start=time(6),
            end=time(14),
            breaks=(BreakDefinition(start=time(10), end=time(10, 30)),),
        ),
        ShiftDefinition(
            code="LATE",
            weekdays=WEEKDAYS,
            start=time(14),
            end=time(22),
            breaks=(BreakDefinition(start=time(18), end=time(18, 30)),),
        ),
        ShiftDefinition(
            code="NIGHT",
            weekdays=WEEKDAYS,
            start=time(22),
            end=time(6),
            breaks=(BreakDefinition(start=time(2), end=time(2, 30)),),
        ),
    ),
)
# (code, name, line, units, efficiency)
WORK_CENTERS = (
    ("SAW-01", "Band saw", "MACH", 1, "0.95"),
    ("CNC-01", "CNC lathe DMG CTX 450", "MACH", 1, "0.9"),
    ("CNC-02", "CNC machining center DMU 65", "MACH", 1, "0.9"),
    ("WELD-01", "Welding cell", "FAB", 2, "1"),
    ("PAINT-01", "Paint booth", "FAB", 1, "1"),
    ("ASSY-01", "Pump assembly line", "ASSY", 2, "1"),
)
# (kind, code, name, parent code, loss)
REASONS = (
    ("downtime", "MECH", "Mechanical failure", None, "breakdown"),
    ("downtime", "MECH-HYD", "Hydraulics", "MECH", None),
    ("downtime", "MECH-SPN", "Spindle", "MECH", None),
    ("downtime", "ELEC", "Electrical failure", None, "breakdown"),
    ("downtime", "MAT", "Waiting for material", None, "breakdown"),
    ("downtime", "SETUP", "Changeover", None, "setup"),
    ("downtime", "PM", "Planned maintenance", None, "planned_stop"),
    ("downtime", "JAM", "Jam or short stop", None, "minor_stop"),
    ("scrap", "DIM", "Dimension out of tolerance", None, None),
    ("scrap", "SURF", "Surface defect", None, None),
    ("scrap", "WELD", "Weld defect", None, None),
    ("rework", "DEBURR", "Deburr again", None, None),
    ("rework", "REPAINT", "Repaint", None, None),
)
# Routings by material group of the demo materials: (operation, work center, setup s, cycle s).
ROUTES = {
    "semi_finished": (
        ("Saw", "SAW-01", 300, "40"),
        ("Turn", "CNC-01", 1200, "180"),
        ("Mill", "CNC-02", 900, "240"),
    ),
    "finished": (
        ("Weld frame", "WELD-01", 600, "600"),
        ("Paint", "PAINT-01", 1800, "300"),
        ("Assemble", "ASSY-01", 900, "900"),
    ),
}


async def _scope(conn: asyncpg.Connection, tenant: Tenant) -> None:
    await conn.execute(
        "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', $2, true),"
        " set_config('app.user_id', $3, true)",
        str(tenant.organization_id),
        ",".join(str(p) for p in tenant.plant_ids),
        tenant.user_id,
    )


async def _reasons(conn: asyncpg.Connection) -> dict[str, UUID]:
    made: dict[str, UUID] = {}
    for kind, code, name, parent, loss in REASONS:
        inherited = loss
        if parent is not None:
            inherited = next(r[4] for r in REASONS if r[1] == parent)
        planned = None if inherited is None else inherited == "planned_stop"
        reason = await reasons_repo.insert(
            conn, (kind, code, name, made.get(parent or ""), planned, inherited)
        )
        if reason is not None:
            made[code] = reason.id
    return made


async def _plant(
    conn: asyncpg.Connection, plant_id: UUID, index: int, materials: list[DemoMaterial]
) -> list[UUID]:
    """Calendar, work centers and routings of one plant; the products it can make."""
    calendar = await calendars_repo.insert(
        conn, plant_id, f"3SHIFT-{index + 1}", "Three shifts, Saturday early", "Europe/Berlin"
    )
    assert calendar is not None
    year = datetime.now(UTC).year
    holidays = [
        Holiday(day=date(y, m, d), name=n)
        for y in (year, year + 1)
        for m, d, n in ((1, 1, "New Year"), (12, 25, "Christmas"), (12, 26, "Boxing Day"))
    ]
    await calendars_repo.replace_rules(conn, calendar.id, [PATTERN], holidays)
    centers: dict[str, UUID] = {}
    for code, name, line, units, efficiency in WORK_CENTERS:
        center = await work_centers_repo.insert(
            conn,
            plant_id,
            (
                code,
                name,
                line,
                calendar.id,
                units,
                Decimal(efficiency),
                Decimal("85"),
                300,
                None,
                "active",
            ),
        )
        assert center is not None
        centers[code] = center.id
    products = []
    for material in materials:
        route = ROUTES.get(material.type)
        if route is None:
            continue
        ops = [
            OperationCreate(
                operation_no=10 * (n + 1),
                description=name,
                work_center_id=centers[wc],
                setup_seconds=setup,
                cycle_seconds=Decimal(cycle),
            )
            for n, (name, wc, setup, cycle) in enumerate(route)
        ]
        routing_id = await routings_repo.insert(
            conn,
            (plant_id, material.id, 1, date(2024, 1, 1), None, f"Standard route {material.number}"),
        )
        await routings_repo.replace_operations(conn, routing_id, rules.resolve(ops))
        await routings_repo.update_header(
            conn, routing_id, "released", (date(2024, 1, 1), None), None
        )
        products.append(material.id)
    return products


async def _orders(
    conn: asyncpg.Connection,
    tenant: Tenant,
    plant_id: UUID,
    products: list[UUID],
    scrap_reason: UUID | None,
) -> None:
    """A few orders: drafts, released ones, and one that ran yesterday's early shift."""
    caller = system_caller(tenant)
    now = datetime.now(UTC)
    for n, product in enumerate(products[:5]):
        data = WorkOrderCreate(
            plant_id=plant_id,
            material_id=product,
            quantity=Decimal(20 + 10 * n),
            due_at=now + timedelta(days=3 + 2 * n),
            priority=50 - n,
            components=[],
        )
        order = await orders.create_in(conn, caller, data, None)
        if n == 0:
            continue
        order = await transitions.apply(conn, caller, order, "release", None)
        if n == 1:
            yesterday = (now - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
            report = Report(at=yesterday, person="operator@demo")
            scrap = [ReasonedQuantity(quantity=Decimal(1), reason_id=scrap_reason)]
            await confirm_in(
                conn,
                caller,
                order,
                order.operations[0].operation_no,
                Confirmation(good=Decimal(12), scrap=scrap),
                report,
            )


async def seed_demo(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: list[UUID],
    materials: list[DemoMaterial],
) -> None:
    tenant = Tenant(organization_id, tuple(plant_ids), DEMO_USER)
    async with conn.transaction():
        await _scope(conn, tenant)
        if await calendars_repo.any_calendar(conn):
            return
        for m in materials:
            await read_models.material_upsert(
                conn, m.id, m.number, m.description, m.type, m.base_unit, m.status, m.version
            )
        reasons = await _reasons(conn)
        for index, plant_id in enumerate(plant_ids):
            products = await _plant(
                conn, plant_id, index, [m for m in materials if m.status == "active"]
            )
            await _orders(conn, tenant, plant_id, products, reasons.get("DIM"))


async def link_equipment(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: list[UUID],
    machines: dict[UUID, UUID],
) -> None:
    """Production's demo work centers are maintenance's demo machines: counts move their
    meters, stops reach their repair orders."""
    async with conn.transaction():
        await _scope(conn, Tenant(organization_id, tuple(plant_ids), DEMO_USER))
        for center, machine in machines.items():
            await conn.execute(work_centers_repo.Q.set_equipment, center, machine)
