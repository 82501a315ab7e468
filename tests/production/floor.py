"""Test helpers: build a plant's production master data through the API (and inventory's
materials and BOMs through the events production consumes), and watch what it publishes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from litestar.testing import AsyncTestClient

from production.read_models import handlers
from tests.support.harness import Headers
from unison_events.inventory import BomReleased, BomReleasedItem, MaterialCreated

Client = AsyncTestClient[Any]
API = "/api/production"

# Round the clock in UTC: early 06-14 with a break at 10:00, late 14-22 with one at 18:00,
# night 22-06 with one at 02:00, every day. Tests place their reports at explicit times.
THREE_SHIFTS = [
    {
        "valid_from": "2020-01-01",
        "shifts": [
            {
                "code": "EARLY",
                "weekdays": [1, 2, 3, 4, 5, 6, 7],
                "start": "06:00:00",
                "end": "14:00:00",
                "breaks": [{"start": "10:00:00", "end": "10:30:00"}],
            },
            {
                "code": "LATE",
                "weekdays": [1, 2, 3, 4, 5, 6, 7],
                "start": "14:00:00",
                "end": "22:00:00",
                "breaks": [{"start": "18:00:00", "end": "18:30:00"}],
            },
            {
                "code": "NIGHT",
                "weekdays": [1, 2, 3, 4, 5, 6, 7],
                "start": "22:00:00",
                "end": "06:00:00",
                "breaks": [{"start": "02:00:00", "end": "02:30:00"}],
            },
        ],
    }
]


def at(day: date, clock: str) -> datetime:
    """``day`` at ``HH:MM`` UTC."""
    hours, minutes = (int(p) for p in clock.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UTC)


def yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


class Floor:
    def __init__(
        self,
        client: Client,
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
        self._codes = iter(range(1, 1_000_000))

    async def _as_org(self, handler: Any, event: Any) -> None:
        async with self.conn.transaction():
            await self.conn.execute(
                "SELECT set_config('app.organization_id', $1, true)", str(self.org_id)
            )
            await handler(self.conn, event)

    async def material(self, number: str | None = None, base_unit: str = "PC") -> UUID:
        material_id = uuid4()
        event = MaterialCreated(
            organization_id=self.org_id,
            material_id=material_id,
            number=number or f"M-{next(self._codes):05d}",
            description="Pump housing machined",
            type="finished",
            base_unit=base_unit,
            status="active",
            version=1,
        )
        await self._as_org(handlers.on_material, event)
        return material_id

    async def bom(
        self,
        material_id: UUID,
        items: list[tuple[UUID, str]],
        *,
        base_quantity: str = "1",
        phantom: set[UUID] | None = None,
        scrap: dict[UUID, str] | None = None,
        by_products: set[UUID] | None = None,
        operations: dict[UUID, str] | None = None,
    ) -> UUID:
        bom_id = uuid4()
        event = BomReleased(
            organization_id=self.org_id,
            bom_id=bom_id,
            material_id=material_id,
            usage="production",
            alternative=1,
            revision=1,
            valid_from=date(2020, 1, 1),
            base_quantity=Decimal(base_quantity),
            base_unit="PC",
            version=1,
            items=tuple(
                BomReleasedItem(
                    item_number=10 * (n + 1),
                    component_id=component,
                    category="by_product" if component in (by_products or set()) else "stock",
                    phantom=component in (phantom or set()),
                    quantity=Decimal(quantity),
                    unit="PC",
                    base_quantity=Decimal(quantity),
                    base_unit="PC",
                    scrap_percent=Decimal((scrap or {}).get(component, "0")),
                    operation=(operations or {}).get(component),
                )
                for n, (component, quantity) in enumerate(items)
            ),
        )
        await self._as_org(handlers.on_bom_released, event)
        return bom_id

    async def post(
        self, path: str, body: Any = None, expect: int | None = None, **auth: Any
    ) -> Any:
        response = await self.client.post(f"{API}{path}", json=body, headers=self.auth(**auth))
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.client.get(f"{API}{path}", params=params, headers=self.auth())
        assert response.status_code == 200, response.text
        return response.json()

    async def calendar(self, plant: int = 0, patterns: Any = None) -> dict[str, Any]:
        body = {
            "plant_id": str(self.plants[plant]),
            "code": f"CAL{next(self._codes)}",
            "name": "Three shifts",
            "timezone": "UTC",
            "patterns": THREE_SHIFTS if patterns is None else patterns,
        }
        return dict((await self.post("/calendars", body, 201)).json())

    async def work_center(self, plant: int = 0, **fields: Any) -> dict[str, Any]:
        calendar = fields.pop("calendar_id", None) or (await self.calendar(plant))["id"]
        body = {
            "plant_id": str(self.plants[plant]),
            "code": f"WC{next(self._codes)}",
            "name": "CNC lathe",
            "calendar_id": calendar,
            **fields,
        }
        return dict((await self.post("/work-centers", body, 201)).json())

    async def routing(
        self, material_id: UUID, operations: list[dict[str, Any]], plant: int = 0
    ) -> dict[str, Any]:
        body = {
            "plant_id": str(self.plants[plant]),
            "material_id": str(material_id),
            "valid_from": "2020-01-01",
            "status": "released",
            "operations": operations,
        }
        return dict((await self.post("/routings", body, 201)).json())

    async def order(
        self, material_id: UUID, quantity: str = "100", **fields: Any
    ) -> dict[str, Any]:
        body = {
            "plant_id": str(self.plants[0]),
            "material_id": str(material_id),
            "quantity": quantity,
            "due_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
            **fields,
        }
        return dict((await self.post("/work-orders", body, 201)).json())

    async def released_order(
        self, cycle: str = "30", quantity: str = "100", operations: int = 1, **fields: Any
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A material with a routing of ``operations`` operations on as many work centers,
        and a released order of it."""
        product = await self.material()
        centers = [await self.work_center() for _ in range(operations)]
        ops = [
            {
                "operation_no": 10 * (n + 1),
                "description": f"Step {n + 1}",
                "work_center_id": centers[n]["id"],
                "cycle_seconds": cycle,
                "setup_seconds": 600,
            }
            for n in range(operations)
        ]
        await self.routing(product, ops)
        order = await self.order(product, quantity, **fields)
        released = await self.post(f"/work-orders/{order['id']}/release", None, 200)
        return dict(released.json()), centers
