"""Test helpers: materials and receipts as quality receives them (events through its
handlers), plans, inspections, results and NCRs through its API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from quality.read_models import handlers as read_models
from quality.worker import on_goods_movement
from tests.support.harness import Headers, as_organization
from unison_events.inventory import GoodsMovementPosted, GoodsMovementPostedLine, MaterialCreated
from unison_events.production import WorkOrderCreated

API = "/api/quality"

DIAMETER = {
    "code": "DIA",
    "name": "Bore diameter",
    "kind": "measured",
    "nominal": "10.00",
    "lsl": "9.95",
    "usl": "10.05",
    "unit": "MM",
}
SURFACE = {
    "code": "SURF",
    "name": "Surface free of scratches",
    "kind": "attribute",
    "defect_codes": ["SCRATCH", "DENT"],
}


class Lab:
    def __init__(
        self,
        client: AsyncTestClient[Any],
        auth: Headers,
        plants: list[UUID],
        org_id: UUID,
        conn: asyncpg.Connection,
    ) -> None:
        self.client, self.auth, self.plants, self.org_id, self.conn = (
            client,
            auth,
            plants,
            org_id,
            conn,
        )
        self._numbers = iter(range(1, 1_000_000))

    # ------------------------------------------------------------------ HTTP

    async def post(
        self, path: str, body: Any = None, expect: int | None = None, **auth: Any
    ) -> Any:
        response = await self.client.post(f"{API}{path}", json=body, headers=self.auth(**auth))
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    async def get(self, path: str, expect: int = 200, **params: Any) -> Any:
        response = await self.client.get(f"{API}{path}", params=params, headers=self.auth())
        assert response.status_code == expect, response.text
        return response.json()

    async def act(
        self, path: str, resource: dict[str, Any], body: Any = None, expect: int = 200
    ) -> dict[str, Any]:
        """POST with the resource's version as If-Match."""
        headers = {**self.auth(), "If-Match": f'"{resource["version"]}"'}
        response = await self.client.post(f"{API}{path}", json=body, headers=headers)
        assert response.status_code == expect, response.text
        return dict(response.json())

    # ------------------------------------------------------------------ events in

    async def material(self, number: str | None = None, unit: str = "PC") -> UUID:
        material_id = uuid4()
        event = MaterialCreated(
            organization_id=self.org_id,
            material_id=material_id,
            number=number or f"MAT-{next(self._numbers)}",
            description="Bearing housing",
            type="FERT",
            base_unit=unit,
            status="active",
            version=1,
        )
        await as_organization(self.conn, self.org_id, read_models.on_material, event)
        return material_id

    async def receipt(
        self,
        material: UUID,
        quantity: str,
        lot: str | None = "L1",
        *,
        plant: int = 0,
        reference: str | None = "PO-4711",
        movement_type: str = "101",
    ) -> GoodsMovementPosted:
        event = GoodsMovementPosted(
            organization_id=self.org_id,
            plant_id=self.plants[plant],
            movement_id=uuid4(),
            movement_type=movement_type,
            posting_date=datetime.now(UTC).date(),
            reference=reference,
            lines=(self.receipt_line(material, quantity, lot, plant),),
        )
        await as_organization(self.conn, self.org_id, on_goods_movement, event)
        return event

    def receipt_line(
        self, material: UUID, quantity: str, lot: str | None, plant: int = 0
    ) -> GoodsMovementPostedLine:
        return GoodsMovementPostedLine(
            material_id=material,
            plant_id=self.plants[plant],
            location_id=uuid4(),
            lot=lot,
            quantity=Decimal(quantity),
            unit="PC",
        )

    async def work_order(
        self, material: UUID, number: str = "WO-1", lot: str | None = "WO-1", plant: int = 0
    ) -> UUID:
        order_id = uuid4()
        event = WorkOrderCreated(
            organization_id=self.org_id,
            plant_id=self.plants[plant],
            work_order_id=order_id,
            number=number,
            material_id=material,
            material_number="FG-1",
            quantity=Decimal(100),
            unit="PC",
            status="created",
            priority=3,
            due_at=datetime.now(UTC) + timedelta(days=3),
            source="manual",
            good_quantity=Decimal(0),
            scrap_quantity=Decimal(0),
            version=1,
            output_lot=lot,
        )
        await as_organization(self.conn, self.org_id, read_models.on_work_order, event)
        return order_id

    # ------------------------------------------------------------------ API

    async def plan(
        self,
        material: UUID,
        trigger: str = "goods_receipt",
        *,
        plant: int = 0,
        released: bool = True,
        characteristics: list[dict[str, Any]] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "plant_id": str(self.plants[plant]),
            "material_id": str(material),
            "trigger": trigger,
            "valid_from": str(date.today() - timedelta(days=1)),
            "sampling": "fixed",
            "sample_size": 5,
            "characteristics": characteristics or [DIAMETER, SURFACE],
            "status": "released" if released else "draft",
            **fields,
        }
        return dict((await self.post("/inspection-plans", body, 201)).json())

    async def inspections(self, **params: Any) -> list[dict[str, Any]]:
        return list((await self.get("/inspections", **params))["items"])

    async def only_inspection(self, material: UUID) -> dict[str, Any]:
        (found,) = await self.inspections(material_id=str(material))
        return dict(found)

    async def results(
        self, inspection: dict[str, Any], rows: list[dict[str, Any]], expect: int = 201
    ) -> dict[str, Any]:
        return dict(
            (
                await self.post(f"/inspections/{inspection['id']}/results", {"rows": rows}, expect)
            ).json()
        )

    async def measure_all(
        self,
        inspection: dict[str, Any],
        diameters: list[str] | None = None,
        failed_surfaces: int = 0,
    ) -> dict[str, Any]:
        """Results for every sample: diameters (10.00 each when not given) and the surface
        check, the first ``failed_surfaces`` of them scratched."""
        size = int(inspection["sample_size"])
        values = diameters or ["10.00"] * size
        rows: list[dict[str, Any]] = []
        for n in range(1, size + 1):
            rows.append({"characteristic": "DIA", "sample_no": n, "value": values[n - 1]})
            bad = n <= failed_surfaces
            rows.append(
                {"characteristic": "SURF", "sample_no": n, "passed": not bad}
                | ({"defect_code": "SCRATCH"} if bad else {})
            )
        return await self.results(inspection, rows)

    async def decide(
        self, inspection: dict[str, Any], decision: str, expect: int = 200, **fields: Any
    ) -> dict[str, Any]:
        body = {"decision": decision, **fields}
        return dict(
            (await self.post(f"/inspections/{inspection['id']}/decision", body, expect)).json()
        )
