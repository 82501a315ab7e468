"""A small client of the stock ledger API for tests: locations, postings and reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from litestar.testing import AsyncTestClient

Headers = Callable[..., dict[str, str]]
TODAY = datetime.now(UTC).date()
MOVEMENTS = "/api/inventory/goods-movements"


@dataclass
class Ledger:
    client: AsyncTestClient[Any] | httpx.AsyncClient
    auth: Headers
    plants: list[uuid.UUID]
    locations: dict[str, str] = field(default_factory=dict)

    async def location(self, code: str, plant: int = 0) -> str:
        response = await self.client.post(
            f"/api/inventory/plants/{self.plants[plant]}/locations",
            json={"code": code, "name": f"Location {code}", "kind": "warehouse"},
            headers=self.auth(),
        )
        assert response.status_code == 201, response.text
        self.locations[code] = response.json()["id"]
        return self.locations[code]

    def line(
        self, material: dict[str, Any], location: str, quantity: str, plant: int = 0, **extra: Any
    ) -> dict[str, Any]:
        return {
            "material_id": material["id"],
            "plant_id": str(self.plants[plant]),
            "location_id": self.locations.get(location, location),
            "quantity": quantity,
            "unit": extra.pop("unit", material["base_unit"]),
            **extra,
        }

    async def post(
        self,
        movement_type: str,
        *lines: dict[str, Any],
        posting_date: str | None = None,
        reference: str | None = "WO-1",
        expect: int | None = 201,
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "movement_type": movement_type,
            "posting_date": posting_date or TODAY.isoformat(),
            "lines": list(lines),
        }
        if reference is not None:
            body["reference"] = reference
        response = await self.client.post(MOVEMENTS, json=body, headers=self.auth())
        if expect is not None:
            assert response.status_code == expect, response.text
        return response

    async def reverse(self, movement_id: str, expect: int = 201) -> httpx.Response:
        response = await self.client.post(
            f"{MOVEMENTS}/{movement_id}/reversal", headers=self.auth()
        )
        assert response.status_code == expect, response.text
        return response

    async def stock(self, material: dict[str, Any], **params: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            "/api/inventory/stock",
            params={"material_id": material["id"], "limit": "500", **params},
            headers=self.auth(),
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def on_hand(self, material: dict[str, Any], location: str, **params: str) -> Decimal:
        rows = await self.stock(
            material, location_id=self.locations.get(location, location), **params
        )
        return sum((Decimal(r["quantity"]) for r in rows), Decimal(0))

    async def availability(
        self, material: dict[str, Any], plant: int = 0, **params: str
    ) -> dict[str, Decimal]:
        response = await self.client.get(
            "/api/inventory/availability",
            params={"material_id": material["id"], "plant_id": str(self.plants[plant]), **params},
            headers=self.auth(),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        return {
            k: Decimal(body[k])
            for k in ("on_hand", "unrestricted", "quality", "blocked", "reserved", "available")
        }

    async def valuation(self, material: dict[str, Any], plant: int = 0) -> dict[str, Decimal]:
        response = await self.client.get(
            "/api/inventory/valuations",
            params={"material_id": material["id"], "plant_id": str(self.plants[plant])},
            headers=self.auth(),
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        if not items:
            return {"quantity": Decimal(0), "value": Decimal(0), "moving_average_price": Decimal(0)}
        row = items[0]
        return {k: Decimal(row[k]) for k in ("quantity", "value", "moving_average_price")}

    async def movement(self, movement_id: str) -> dict[str, Any]:
        response = await self.client.get(f"{MOVEMENTS}/{movement_id}", headers=self.auth())
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
