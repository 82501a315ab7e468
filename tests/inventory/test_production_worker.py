"""End to end through the real worker (``worker_running``): what production publishes on
the bus (as the production role, in its own transaction) is reserved and posted by
inventory's worker."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.production_support import (
    POSTINGS,
    Production,
    component,
    line,
    published_by,
    settled,
)

Client = AsyncTestClient[Any]


@pytest.mark.usefixtures("worker_running")
async def test_the_worker_reserves_a_released_order_and_posts_its_confirmation(
    production: Production,
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    role_dsn: Any,
) -> None:
    casing = await make_material(number="CASING-W1")
    store = await ledger.location("WH1")
    await ledger.post("101", ledger.line(casing, "WH1", "10"))
    released = production.released("WO-W1", component(casing, "4"))
    request = production.requested(
        "WO-W1",
        work_order_id=released.work_order_id,
        consumption=(line(casing, "4", store),),
        receipt=line(production.product, "1", store, lot="P-W1"),
    )
    await published_by("production", role_dsn, released, request)

    posting = await settled(client, auth, f"{POSTINGS}/{request.posting_id}")
    assert posting["status"] == "posted", posting
    assert posting["updated_by"].startswith("event:")
    [reservation] = await production.reservations("WO-W1")
    assert (reservation["status"], reservation["withdrawn"]) == ("closed", "4")
    assert await ledger.on_hand(casing, "WH1") == 6
    assert await ledger.on_hand(production.product, "WH1") == 1
