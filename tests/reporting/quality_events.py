"""Quality's events built the way quality builds them (``publish_day``'s day figures, the
NCR and CAPA services' ``_changed``), for the reporting tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from tests.reporting.shop import Shop
from unison_events.quality import CapaChanged, InspectionDecided, NcrChanged, QualityFigures

DAY = date(2026, 11, 2)
T0 = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)  # the daily job, the morning after
D = Decimal
MATERIALS = [uuid4(), uuid4()]


def figures(
    shop: Shop,
    day: date,
    inspected: int,
    passed: int,
    defects: tuple[tuple[str, int], ...] = (),
    *,
    at: datetime = T0,
    material: int = 0,
    work_center: UUID | None = None,
    plant: int = 0,
) -> QualityFigures:
    """As quality's ``publish_day`` builds them (defects sorted by code)."""
    return QualityFigures(
        organization_id=shop.org_id,
        plant_id=shop.plants[plant],
        day=day,
        material_id=MATERIALS[material],
        work_center_id=work_center,
        inspected=D(inspected),
        passed_first_time=D(passed),
        defects=tuple(sorted(defects)),
        occurred_at=at,
    )


def ncr(shop: Shop, ncr_id: UUID, status: str, version: int, **kw: Any) -> NcrChanged:
    return NcrChanged(
        organization_id=shop.org_id,
        plant_id=kw.get("plant_id", shop.plants[0]),
        ncr_id=ncr_id,
        number=f"NCR-{str(ncr_id)[:6]}",
        title="Scratched housing",
        status=status,
        severity="major",
        material_id=MATERIALS[0],
        quantity=D(5),
        unit="PC",
        created_at=kw.get("created_at", T0),
        version=version,
        occurred_at=kw.get("at", T0),
    )


def capa(shop: Shop, capa_id: UUID, status: str, version: int, **kw: Any) -> CapaChanged:
    return CapaChanged(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        capa_id=capa_id,
        number=f"CAPA-{str(capa_id)[:6]}",
        kind="corrective",
        title="Fixture wear",
        status=status,
        owner="qe",
        due_date=kw.get("due", DAY),
        version=version,
        closed_at=kw.get("closed_at"),
        occurred_at=kw.get("at", T0),
    )


def decision(
    shop: Shop,
    at: datetime,
    decision: str,
    accepted: int,
    rejected: int,
    *,
    material: int = 0,
    work_center: UUID | None = None,
) -> InspectionDecided:
    """As quality's usage decision builds it: accepted + rejected is the lot."""
    inspection_id = uuid4()
    return InspectionDecided(
        organization_id=shop.org_id,
        plant_id=shop.plants[0],
        inspection_id=inspection_id,
        material_id=MATERIALS[material],
        lot=f"L-{str(inspection_id)[:6]}",
        decision=decision,
        accepted_quantity=D(accepted),
        rejected_quantity=D(rejected),
        decided_at=at,
        unit="PC",
        work_center_id=work_center,
    )
