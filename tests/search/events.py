"""Real event objects of the sources search is fed by, as their services publish them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from unison_events.inventory import (
    GoodsMovementPosted,
    GoodsMovementPostedLine,
    LotStatusChanged,
    MaterialChanged,
    MaterialCreated,
    MaterialDeleted,
)
from unison_events.maintenance import (
    EquipmentChanged,
    EquipmentDocumentAdded,
    EquipmentDocumentDeleted,
    MaintenanceWorkOrderStatusChanged,
)
from unison_events.production import WorkOrderCreated, WorkOrderStatusChanged
from unison_events.quality import CapaChanged, InspectionPlanChanged, NcrChanged


class Events:
    """Events of one organization, its plants by index."""

    def __init__(self, org_id: UUID, plants: list[UUID]) -> None:
        self.org_id = org_id
        self.plants = plants

    def material(self, number: str = "BRG-6204-2RS", **fields: Any) -> MaterialCreated:
        values: dict[str, Any] = {
            "material_id": uuid4(),
            "number": number,
            "description": "Deep groove ball bearing 6204-2RS",
            "type": "raw",
            "base_unit": "PC",
            "status": "active",
            "material_group": "BEARINGS",
            "version": 1,
            **fields,
        }
        return MaterialCreated(organization_id=self.org_id, **values)

    def material_changed(self, created: MaterialCreated, **fields: Any) -> MaterialChanged:
        values: dict[str, Any] = {
            "material_id": created.material_id,
            "number": created.number,
            "description": created.description,
            "type": created.type,
            "base_unit": created.base_unit,
            "status": created.status,
            "material_group": created.material_group,
            "version": created.version + 1,
            **fields,
        }
        return MaterialChanged(organization_id=self.org_id, **values)

    def material_deleted(self, created: MaterialCreated) -> MaterialDeleted:
        return MaterialDeleted(
            organization_id=self.org_id, material_id=created.material_id, number=created.number
        )

    def receipt(self, material_id: UUID, *lots: str, plant: int = 0) -> GoodsMovementPosted:
        lines = tuple(
            GoodsMovementPostedLine(
                material_id=material_id,
                plant_id=self.plants[plant],
                location_id=uuid4(),
                lot=lot,
                quantity=Decimal(10),
                unit="PC",
            )
            for lot in lots
        )
        return GoodsMovementPosted(
            organization_id=self.org_id,
            plant_id=self.plants[plant],
            movement_id=uuid4(),
            movement_type="101",
            posting_date=datetime.now(UTC).date(),
            reference="PO-4711",
            lines=lines,
        )

    def lot_status(
        self, material_id: UUID, lot: str, status: str, reason: str | None = None
    ) -> LotStatusChanged:
        return LotStatusChanged(
            organization_id=self.org_id,
            material_id=material_id,
            lot=lot,
            status=status,
            previous="released",
            reason=reason,
        )

    def work_order(self, plant: int = 0, **fields: Any) -> WorkOrderCreated:
        values: dict[str, Any] = {
            "work_order_id": uuid4(),
            "number": "WO-100042",
            "material_id": uuid4(),
            "material_number": "FG-HOUSING-7",
            "quantity": Decimal("250.000"),
            "unit": "PC",
            "status": "created",
            "priority": 3,
            "due_at": datetime(2026, 12, 20, 14, 0, tzinfo=UTC),
            "source": "manual",
            "good_quantity": Decimal(0),
            "scrap_quantity": Decimal(0),
            "version": 1,
            "output_lot": "WO-100042",
            **fields,
        }
        return WorkOrderCreated(organization_id=self.org_id, plant_id=self.plants[plant], **values)

    def work_order_status(self, created: WorkOrderCreated, status: str) -> WorkOrderStatusChanged:
        fields = {
            f: getattr(created, f)
            for f in created.__struct_fields__
            if f not in ("id", "occurred_at", "status", "version")
        }
        return WorkOrderStatusChanged(
            **fields, status=status, previous=created.status, version=created.version + 1
        )

    def ncr(self, plant: int = 0, **fields: Any) -> NcrChanged:
        values: dict[str, Any] = {
            "ncr_id": uuid4(),
            "number": "NCR-2026-0007",
            "title": "Scratched bearing seats",
            "description": "Deep scratches on the outer ring seat after turning",
            "status": "open",
            "severity": "major",
            "material_id": uuid4(),
            "quantity": Decimal(12),
            "unit": "PC",
            "defect_codes": ("SCRATCH", "DENT"),
            "supplier": "Kugelfabrik Nord",
            "created_at": datetime(2026, 11, 30, 9, 15, tzinfo=UTC),
            "version": 1,
            **fields,
        }
        return NcrChanged(organization_id=self.org_id, plant_id=self.plants[plant], **values)

    def capa(self, plant: int = 0, **fields: Any) -> CapaChanged:
        values: dict[str, Any] = {
            "capa_id": uuid4(),
            "number": "CAPA-2026-0003",
            "kind": "corrective",
            "title": "Replace worn turning inserts",
            "status": "open",
            "owner": "user:alice",
            "due_date": date(2026, 12, 31),
            "version": 1,
            **fields,
        }
        return CapaChanged(organization_id=self.org_id, plant_id=self.plants[plant], **values)

    def inspection_plan(self, plant: int = 0, **fields: Any) -> InspectionPlanChanged:
        values: dict[str, Any] = {
            "plan_id": uuid4(),
            "material_id": uuid4(),
            "trigger": "goods_receipt",
            "revision": 2,
            "status": "released",
            "valid_from": date(2026, 11, 1),
            "description": "Incoming check of bearing housings",
            "supplier": "Gusswerk Süd",
            "material_number": "HSG-77",
            **fields,
        }
        return InspectionPlanChanged(
            organization_id=self.org_id, plant_id=self.plants[plant], **values
        )

    def equipment(self, plant: int = 0, **fields: Any) -> EquipmentChanged:
        values: dict[str, Any] = {
            "equipment_id": uuid4(),
            "code": "PR-400",
            "name": "Hydraulic press 400 t",
            "level": "machine",
            "criticality": "A",
            "status": "active",
            "manufacturer": "Schuler",
            "model": "MSD 400",
            **fields,
        }
        return EquipmentChanged(organization_id=self.org_id, plant_id=self.plants[plant], **values)

    def maintenance_order(self, plant: int = 0, **fields: Any) -> MaintenanceWorkOrderStatusChanged:
        values: dict[str, Any] = {
            "maintenance_work_order_id": uuid4(),
            "number": "MWO-000815",
            "kind": "corrective",
            "equipment_id": uuid4(),
            "title": "Hydraulic leak at main cylinder",
            "description": "Oil dripping from the main cylinder seal",
            "status": "open",
            "due_date": date(2026, 12, 5),
            "priority": 2,
            "version": 1,
            **fields,
        }
        return MaintenanceWorkOrderStatusChanged(
            organization_id=self.org_id,
            plant_id=self.plants[plant],
            **values,
        )

    def equipment_document(
        self, machine: EquipmentChanged, filename: str = "PR-400_operating_manual.pdf"
    ) -> EquipmentDocumentAdded:
        return EquipmentDocumentAdded(
            organization_id=self.org_id,
            plant_id=machine.plant_id,
            document_id=uuid4(),
            equipment_id=machine.equipment_id,
            equipment_code=machine.code,
            filename=filename,
            content_type="application/pdf",
            uploaded_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        )

    def equipment_document_deleted(self, added: EquipmentDocumentAdded) -> EquipmentDocumentDeleted:
        return EquipmentDocumentDeleted(
            organization_id=self.org_id,
            plant_id=added.plant_id,
            document_id=added.document_id,
            equipment_id=added.equipment_id,
        )
