"""Test helpers: equipment, meters and plans built through the maintenance API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.testing import AsyncTestClient

from tests.support.harness import Headers

API = "/api/maintenance"


class Shop:
    def __init__(
        self, client: AsyncTestClient[Any], auth: Headers, plants: list[UUID], org_id: UUID
    ) -> None:
        self.client, self.auth, self.plants, self.org_id = client, auth, plants, org_id
        self._codes = iter(range(1, 1_000_000))

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

    async def equipment(
        self, level: str = "machine", plant: int = 0, **fields: Any
    ) -> dict[str, Any]:
        body = {
            "plant_id": str(self.plants[plant]),
            "level": level,
            "code": f"EQ{next(self._codes)}",
            "name": "Press 400 t",
            **fields,
        }
        return dict((await self.post("/equipment", body, 201)).json())

    async def meter(
        self, equipment: dict[str, Any], kind: str = "operating_hours", **fields: Any
    ) -> dict[str, Any]:
        body = {
            "equipment_id": equipment["id"],
            "code": f"M{next(self._codes)}",
            "kind": kind,
            "unit": "H" if kind == "operating_hours" else "PC",
            **fields,
        }
        return dict((await self.post("/meters", body, 201)).json())

    async def plan(self, equipment: dict[str, Any], **fields: Any) -> dict[str, Any]:
        body = {"equipment_id": equipment["id"], "name": "Lubricate guides", **fields}
        return dict((await self.post("/plans", body, 201)).json())

    async def reading(self, meter: dict[str, Any], value: str, at: str, **fields: Any) -> Any:
        return await self.post(
            f"/meters/{meter['id']}/readings", {"value": value, "at": at, **fields}
        )

    async def act(self, order: dict[str, Any], action: str, **body: Any) -> dict[str, Any]:
        return dict(
            (await self.post(f"/work-orders/{order['id']}/{action}", body or None, 200)).json()
        )
