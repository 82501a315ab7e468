"""Maintenance's side, as inventory sees it in tests: spare-parts requests built and
handled the way the worker handles them, and the maintenance issues API. The fixtures
are in ``conftest.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar.testing import AsyncTestClient

from tests.inventory.ledger_support import TODAY, Headers
from tests.inventory.production_support import handled_by_worker, line
from unison_bus import uuid7
from unison_events.maintenance import PartLine, PartsIssueRequested
from unison_pg import Database

ISSUES = "/api/inventory/maintenance-issues"


def part(
    material: dict[str, Any], quantity: str, location: str | None = None, **extra: Any
) -> PartLine:
    """A spare part: the same fields as production's posting line."""
    return msgspec.convert(
        line(material, quantity, location, **extra), PartLine, from_attributes=True
    )


@dataclass
class Maintenance:
    """Maintenance's requests about one plant of the test's organization, handled as the
    inventory worker handles them; the maintenance issues API as the plant's admin sees
    it."""

    db: Database
    client: AsyncTestClient[Any]
    auth: Headers
    org_id: UUID
    plant_id: UUID

    def requested(self, number: str, *lines: PartLine, **fields: Any) -> PartsIssueRequested:
        return PartsIssueRequested(
            organization_id=self.org_id,
            plant_id=self.plant_id,
            request_id=fields.pop("request_id", None) or uuid7(),
            maintenance_work_order_id=fields.pop("maintenance_work_order_id", None) or uuid7(),
            reference=number,
            posting_date=fields.pop("posting_date", TODAY),
            lines=lines,
        )

    async def handle(self, request: PartsIssueRequested) -> None:
        await handled_by_worker(self.db, request)

    async def issue(self, request_id: UUID) -> dict[str, Any]:
        response = await self.client.get(f"{ISSUES}/{request_id}", headers=self.auth())
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found
