"""Demo quality for one organization; running it again changes nothing (it only runs while
the organization has no inspection plan).

Called by the stack's demo seeding with an owner connection and inventory's demo materials
(the composition root reads them; quality never does). Everything goes through the
service's own code in one transaction scoped to the organization and plants: a month of
incoming inspections of cast housings (with a drift the SPC chart shows, two rejected lots,
an NCR and a CAPA on them), a final inspection plan for pump shafts, the defect catalogue,
and the quality engineers subscribed to every notice.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from quality.caller import system_caller
from quality.capas import repo as capas_repo
from quality.capas.models import ActionIn, Ishikawa, RootCause
from quality.inspections import repo as inspections_repo
from quality.inspections.creation import Spec, create_in
from quality.inspections.repo import NewResult
from quality.inspections.verdict import verdict
from quality.ncrs import repo as ncrs_repo
from quality.ncrs.models import NcrLot, Step
from quality.notifications import repo as notifications_repo
from quality.plans import repo as plans_repo
from quality.plans.models import Characteristic, Plan, PlanContent
from quality.read_models.repo import Q as READ_MODELS
from unison_pg import Tenant

DEMO_USER = "system:demo"
HOUSING = "RM-1040"
SHAFT = "SF-2003"
DAYS = 30
LOT_SIZE = Decimal(200)

DEFECTS = (
    ("POROSITY", "Porosity / blowholes", "major"),
    ("CRACK", "Crack", "critical"),
    ("SCRATCH", "Scratch", "minor"),
    ("DENT", "Dent", "minor"),
    ("BURR", "Burr", "minor"),
    ("DIM", "Dimension out of tolerance", "major"),
)
KINDS = ["ncr_created", "ncr_step", "spc_violation", "capa_overdue", "plan_expiring"]


class DemoMaterial(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    number: str
    description: str
    base_unit: str
    version: int


HOUSING_PLAN = PlanContent(
    valid_from=date(2024, 1, 1),
    sampling="aql",
    aql=Decimal("1.0"),
    inspection_level="II",
    characteristics=[
        Characteristic(
            code="BORE",
            name="Bearing bore diameter",
            kind="measured",
            nominal=Decimal("52.000"),
            lsl=Decimal("51.970"),
            usl=Decimal("52.030"),
            unit="MM",
        ),
        Characteristic(
            code="CAST",
            name="Casting free of porosity and cracks",
            kind="attribute",
            defect_codes=["POROSITY", "CRACK"],
        ),
    ],
    description="Incoming inspection of cast housing blanks (supplier certificate 3.1)",
)
SHAFT_PLAN = PlanContent(
    valid_from=date(2024, 1, 1),
    valid_to=datetime.now(UTC).date() + timedelta(days=20),
    sampling="fixed",
    sample_size=5,
    characteristics=[
        Characteristic(
            code="DIA",
            name="Bearing seat diameter h6",
            kind="measured",
            nominal=Decimal("28.000"),
            lsl=Decimal("27.987"),
            usl=Decimal("28.000"),
            unit="MM",
        ),
        Characteristic(
            code="RUNOUT",
            name="Radial runout",
            kind="measured",
            usl=Decimal("0.020"),
            unit="MM",
        ),
        Characteristic(
            code="SURF",
            name="Ground surface",
            kind="attribute",
            defect_codes=["SCRATCH", "BURR"],
        ),
    ],
    description="Final inspection of ground pump shafts",
)


async def _scope(conn: asyncpg.Connection, tenant: Tenant) -> None:
    await conn.execute(
        "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', $2, true),"
        " set_config('app.user_id', $3, true)",
        str(tenant.organization_id),
        ",".join(str(p) for p in tenant.plant_ids),
        tenant.user_id,
    )


def _bore(day: int, sample: int, rng: random.Random) -> Decimal:
    """Centred at 52.000 with sigma 6 um; from day 20 the tool wears and the bore grows,
    two lots (days 24 and 27) have pieces above the limit."""
    drift = 0.0 if day < 20 else (day - 19) * 0.0012
    value = 52.0 + drift + rng.gauss(0, 0.006)
    if day in (24, 27) and sample <= 2:
        value = 52.034 + sample * 0.002
    return Decimal(f"{value:.4f}")


async def _history(
    conn: asyncpg.Connection, tenant: Tenant, plant: UUID, housing: DemoMaterial, plan: Plan
) -> list[tuple[UUID, str, str]]:
    """A lot a day for a month; returns the rejected ones (inspection, number, lot)."""
    caller = system_caller(tenant)
    rng = random.Random("demo:housings")  # the same month in every demo organization
    today = datetime.now(UTC).date()
    rejected: list[tuple[UUID, str, str]] = []
    for day in range(DAYS):
        when = today - timedelta(days=DAYS - day)
        lot = f"H{when:%y%m%d}"
        spec = Spec(
            plant_id=plant,
            material_id=housing.id,
            quantity=LOT_SIZE,
            unit=housing.base_unit,
            trigger="goods_receipt",
            lot=lot,
            source_key=f"demo:{lot}",
            supplier="Gießerei Nord GmbH",
            plan=plan,
            hold_lot=False,
        )
        found = await create_in(conn, caller, spec)
        assert found is not None
        at = datetime.combine(when, time(9, 30), UTC)
        rows: list[NewResult] = []
        for n in range(1, found.sample_size + 1):
            measured_at = at + timedelta(minutes=n)
            bore = _bore(day, n, rng)
            rows.append(
                NewResult(
                    measured_at=measured_at,
                    characteristic="BORE",
                    sample_no=n,
                    value=bore,
                    passed=Decimal("51.970") <= bore <= Decimal("52.030"),
                    defect_code=None,
                )
            )
            porous = day == 11 and n == 7
            rows.append(
                NewResult(
                    measured_at=measured_at,
                    characteristic="CAST",
                    sample_no=n,
                    value=None,
                    passed=not porous,
                    defect_code="POROSITY" if porous else None,
                )
            )
        await inspections_repo.results_insert(conn, found, rows)
        recorded, nonconforming = await inspections_repo.tally(conn, found.id)
        judged = verdict(
            sample_size=found.sample_size,
            characteristics=len(found.characteristics),
            acceptance=found.acceptance_number,
            rejection=found.rejection_number,
            recorded=recorded,
            nonconforming=nonconforming,
        )
        await inspections_repo.verdict(
            conn, found.id, judged.status, (judged.proposal, judged.rule)
        )
        if day == DAYS - 1:
            continue  # today's lot waits for its usage decision
        accept = judged.proposal == "accept"
        decision = "accepted" if accept else "rejected"
        quantities = (LOT_SIZE, Decimal(0)) if accept else (Decimal(0), LOT_SIZE)
        await inspections_repo.decide(conn, found.id, (decision, *quantities, judged.rule))
        # Backdated history: the decision was made the day the lot came in.
        await conn.execute(
            "UPDATE quality.inspections SET decided_at = $2 WHERE organization_id ="
            " app.current_org() AND id = $1",
            found.id,
            at + timedelta(hours=3),
        )
        if not accept:
            rejected.append((found.id, found.number, lot))
    return rejected


async def _ncr_and_capa(
    conn: asyncpg.Connection,
    plant: UUID,
    housing: DemoMaterial,
    rejected: list[tuple[UUID, str, str]],
) -> None:
    now = datetime.now(UTC)
    ncr_ids: list[UUID] = []
    for index, (inspection_id, number, lot) in enumerate(rejected):
        ncr_number = f"NCR-{await inspections_repo.next_number(conn, 'ncr'):06d}"
        new = ncrs_repo.NewNcr(
            plant_id=plant,
            title=f"{housing.number}: bore oversize in lot {lot}",
            description=f"Raised from inspection {number}: bore above 52.030 mm",
            severity="major",
            material_id=housing.id,
            quantity=LOT_SIZE,
            unit=housing.base_unit,
            supplier="Gießerei Nord GmbH",
            inspection_id=inspection_id,
            defect_codes=["DIM"],
            lots=[NcrLot(lot=lot, quantity=LOT_SIZE)],
        )
        first = Step(status="open", at=now - timedelta(days=5 - index), by=DEMO_USER)
        ncr_id = await ncrs_repo.insert(conn, ncr_number, new, first)
        note = "supplier informed, 8D requested"
        await ncrs_repo.step(
            conn,
            ncr_id,
            "investigation",
            Step(status="investigation", at=now, by=DEMO_USER, note=note),
        )
        ncr_ids.append(ncr_id)
    today = now.date()
    root = RootCause(
        five_whys=[
            "Bores of cast housings above the upper limit",
            "The supplier's boring tool cut oversize",
            "The insert was worn beyond its life",
            "Tool life was counted in shifts, not in pieces",
            "The supplier's tool management has no piece counter on the boring line",
        ],
        ishikawa=Ishikawa(
            machine=["Boring insert worn"],
            method=["Tool change by shift, not by piece count"],
            measurement=["Bore checked 1 in 50 at the supplier"],
        ),
        statement="Supplier changes boring inserts by time instead of by counted pieces",
    )
    capa = capas_repo.NewCapa(
        plant_id=plant,
        kind="corrective",
        title="Oversize bores on cast housings from Gießerei Nord",
        owner="Quality Engineer (ACME)",
        due_date=today + timedelta(days=21),
        root_cause=root,
        ncr_ids=ncr_ids,
        effectiveness_due=today + timedelta(days=60),
    )
    number = f"CAPA-{await inspections_repo.next_number(conn, 'capa'):06d}"
    capa_id = await capas_repo.insert(
        conn, number, capa, Step(status="open", at=now - timedelta(days=3), by=DEMO_USER)
    )
    await capas_repo.actions_insert(
        conn,
        capa_id,
        plant,
        [
            ActionIn(
                description="Supplier: count pieces per insert, change at 400",
                owner="Gießerei Nord (K. Brandt)",
                due_date=today - timedelta(days=2),
            ),
            ActionIn(
                description="Check every housing bore at incoming inspection for the next 5 lots",
                owner="Quality Engineer (ACME)",
                due_date=today + timedelta(days=7),
            ),
            ActionIn(
                description="Update supplier quality agreement with tool-life requirement",
                owner="Purchasing (ACME)",
                due_date=today + timedelta(days=21),
            ),
        ],
    )
    await capas_repo.step(
        conn, capa_id, "in_progress", Step(status="in_progress", at=now, by=DEMO_USER)
    )


async def seed_demo(
    conn: asyncpg.Connection,
    organization_id: UUID,
    plant_ids: list[UUID],
    materials: list[DemoMaterial],
) -> None:
    tenant = Tenant(organization_id, tuple(plant_ids), DEMO_USER)
    plant = plant_ids[0]
    async with conn.transaction():
        await _scope(conn, tenant)
        if await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM quality.inspection_plans"
            " WHERE organization_id = app.current_org())"
        ):
            return
        for m in materials:
            await conn.execute(
                READ_MODELS.material_upsert, m.id, m.number, m.description, m.base_unit, m.version
            )
        for code, name, severity in DEFECTS:
            await plans_repo.defect_upsert(conn, code, (name, severity, True))
        await notifications_repo.subscription_insert(conn, (None, "quality_engineer"), KINDS, None)
        by_number = {m.number: m for m in materials}
        housing, shaft = by_number.get(HOUSING), by_number.get(SHAFT)
        if housing is None or shaft is None:
            return
        housing_plan = await plans_repo.insert(
            conn, (plant, housing.id, "goods_receipt", None, None), 1, HOUSING_PLAN
        )
        housing_plan = await plans_repo.save(conn, housing_plan.id, "released", HOUSING_PLAN)
        shaft_plan = await plans_repo.insert(
            conn, (plant, shaft.id, "final_inspection", None, None), 1, SHAFT_PLAN
        )
        await plans_repo.save(conn, shaft_plan.id, "released", SHAFT_PLAN)
        rejected = await _history(conn, tenant, plant, housing, housing_plan)
        await _ncr_and_capa(conn, plant, housing, rejected)
