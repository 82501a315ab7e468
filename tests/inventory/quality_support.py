"""Quality's side, as inventory sees it in tests: quality's events built and handled the
way the worker handles them (the handler table, in a transaction scoped to the event's
organization with no plants, as the consumer opens it), and the quality postings API. The
fixtures (``quality``, ``quality_heard``) are in ``conftest.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
from litestar.testing import AsyncTestClient

from inventory import worker
from tests.inventory.ledger_support import Headers, Ledger
from tests.inventory.production_support import CONSUMER_SCOPE
from unison_bus import Event, uuid7
from unison_events.quality import (
    DispositionLot,
    InspectionDecided,
    LotHoldPlaced,
    NcrDispositionDecided,
)
from unison_pg import Database

QUALITY_POSTINGS = "/api/inventory/quality-postings"
POSTED = "inventory.quality_posting.posted"
FAILED = "inventory.quality_posting.failed"
MOVED = "inventory.goods_movement.posted"
LOT_CHANGED = "inventory.lot.status_changed"


@dataclass
class Quality:
    """Quality's events about one plant of the test's organization, handled as the
    inventory worker handles them; the inventory API as the plant's admin sees it."""

    db: Database
    client: AsyncTestClient[Any]
    auth: Headers
    ledger: Ledger
    org_id: UUID
    plant_id: UUID

    async def handle(self, event: Event) -> None:
        """The worker's handler of the event's topic, in a consumer's transaction."""
        handler = worker.EVENT_HANDLERS[event.topic]
        async with self.db.transaction(None) as conn:
            await conn.execute(CONSUMER_SCOPE, str(event.organization_id), "event:test")
            await handler(conn, event)

    def hold(self, material: dict[str, Any], lot: str, **fields: Any) -> LotHoldPlaced:
        return LotHoldPlaced(
            organization_id=self.org_id,
            plant_id=self.plant_id,
            inspection_id=fields.pop("inspection_id", None) or uuid7(),
            inspection_number=fields.pop("inspection_number", "IL-1"),
            material_id=UUID(material["id"]),
            lot=lot,
            reason=fields.pop("reason", "incoming inspection"),
            **fields,
        )

    def decided(
        self,
        material: dict[str, Any],
        lot: str | None,
        decision: str,
        accepted: str = "0",
        rejected: str = "0",
        **fields: Any,
    ) -> InspectionDecided:
        return InspectionDecided(
            organization_id=self.org_id,
            plant_id=fields.pop("plant_id", self.plant_id),
            inspection_id=fields.pop("inspection_id", None) or uuid7(),
            inspection_number=fields.pop("inspection_number", "IL-1"),
            material_id=UUID(material["id"]),
            lot=lot,
            decision=decision,
            accepted_quantity=Decimal(accepted),
            rejected_quantity=Decimal(rejected),
            unit=fields.pop("unit", material["base_unit"]),
            decided_at=datetime.now(UTC),
            lifts_hold=fields.pop("lifts_hold", True),
            **fields,
        )

    def disposition(
        self,
        material: dict[str, Any],
        disposition: str,
        *lots: tuple[str, str],
        reference: str = "NCR-1",
        **fields: Any,
    ) -> NcrDispositionDecided:
        return NcrDispositionDecided(
            organization_id=self.org_id,
            plant_id=self.plant_id,
            request_id=fields.pop("request_id", None) or uuid7(),
            ncr_id=fields.pop("ncr_id", None) or uuid7(),
            reference=reference,
            disposition=disposition,
            material_id=UUID(material["id"]),
            unit=fields.pop("unit", material["base_unit"]),
            lots=tuple(DispositionLot(lot=lot, quantity=Decimal(q)) for lot, q in lots),
            **fields,
        )

    async def posting(self, request_id: UUID) -> dict[str, Any]:
        response = await self.client.get(f"{QUALITY_POSTINGS}/{request_id}", headers=self.auth())
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def lot(self, material: dict[str, Any], lot: str) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/inventory/materials/{material['id']}/lots/{lot}", headers=self.auth()
        )
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def movements(self, reference: str, conn: asyncpg.Connection) -> list[dict[str, Any]]:
        """Every document with the reference, read as a superuser: what was really written."""
        rows = await conn.fetch(
            "SELECT id, movement_type FROM inventory.goods_movements"
            " WHERE organization_id = $1 AND reference = $2 ORDER BY id",
            self.org_id,
            reference,
        )
        return [dict(r) for r in rows]
