"""A return delivery to the supplier (122) and its reversal (123) stay out of SAP: the
outbound map of goods movement codes is unchanged, so the worker queues nothing for them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg
import pytest

from tests.inventory.conftest import MakeMaterial
from tests.inventory.ledger_support import Ledger
from tests.inventory.sap.conftest import SapApi
from tests.support.sap_server import SapStandIn

pytestmark = pytest.mark.usefixtures("worker_running")
Count = Callable[[str], Awaitable[int]]


async def handled(admin_conn: asyncpg.Connection, org_id: UUID, count: int) -> None:
    """Wait until the worker has handled ``count`` goods movement events of the org."""
    async with asyncio.timeout(30):
        while True:
            seen = await admin_conn.fetchval(
                "SELECT count(*) FROM bus.inbox WHERE organization_id = $1"
                " AND topic = 'inventory.goods_movement.posted'",
                org_id,
            )
            if seen >= count:
                return
            await asyncio.sleep(0.1)


async def test_a_return_to_the_supplier_and_its_reversal_are_not_pushed_to_sap(
    api: SapApi,
    ledger: Ledger,
    plants: list[UUID],
    make_material: MakeMaterial,
    sap: SapStandIn,
    count_rows: Count,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
) -> None:
    await api.map_plant("1021", plants[0])
    await api.connect(sap)
    vent = await make_material(number="VE2021", description="GORE Automotive Vents")
    await ledger.location("2000")
    await ledger.post("101", ledger.line(vent, "2000", "5"), reference="4500000001")
    returned = await ledger.post("122", ledger.line(vent, "2000", "2"), reference="4500000001")
    await ledger.reverse(returned.json()["id"])
    await handled(admin_conn, org_id, 3)
    assert await count_rows("sap_messages") == 1  # the receipt only
