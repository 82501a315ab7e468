"""What inventory tells about a back-dated posting (the contract change reporting needs):
the earlier lines its moving-average walk restated, each with its ledger line number, old
and new value, in the posting's event (the first of a batch); a posting dated today tells
none. Read from a queue bound to the topic, as any consumer would receive it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import msgspec
import pytest

from tests.reporting import inventory_store
from tests.reporting.inventory_store import Store

store = inventory_store.store  # the fixture: inventory's app and worker
TODAY = datetime.now(UTC).date()
D = Decimal


@pytest.fixture
async def heard(owner_conn: asyncpg.Connection) -> AsyncIterator[Any]:
    """A queue of its own bound to inventory's movement topic: every event, in order."""
    queue = f"restated_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('inventory.goods_movement.posted', $1)", queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")

    async def events(org_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await owner_conn.fetch(f"SELECT message::text AS body FROM pgmq.q_{queue}")
        found = [msgspec.json.decode(r["body"]) for r in rows]
        return [e for e in found if e["organization_id"] == str(org_id)]

    try:
        yield events
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


async def test_a_back_dated_posting_tells_the_lines_it_restated(
    store: Store, heard: Any, org_id: uuid.UUID
) -> None:
    bolt = await store.material("BOLT-1", "FASTENERS")
    wh = await store.location("WH1", 0)
    await store.post("101", TODAY - timedelta(days=5), store.line(bolt, wh, "10", price="1"))
    issue = await store.post("261", TODAY - timedelta(days=1), store.line(bolt, wh, "4"))
    await store.post("101", TODAY, store.line(bolt, wh, "1", price="5"))
    today = await heard(org_id)
    assert [e["restated"] for e in today] == [[], [], []]
    assert [x["line_no"] for x in today[1]["lines"]] == [x["line_no"] for x in issue["lines"]]

    # Before the issue: 10 at 1 + 10 at 2 makes the average 1.50, the issue 4 x 1.50.
    await store.post("101", TODAY - timedelta(days=3), store.line(bolt, wh, "10", price="2"))
    (event,) = (await heard(org_id))[3:]
    (restated,) = event["restated"]
    assert (restated["movement_id"], restated["line_no"]) == (
        issue["id"],
        issue["lines"][0]["line_no"],
    )
    assert (D(restated["previous_value"]), D(restated["value"])) == (D(-4), D("-6.00"))
    assert (restated["movement_type"], restated["posting_date"]) == (
        "261",
        str(TODAY - timedelta(days=1)),
    )
    (ledger,) = (await store.call("GET", f"/goods-movements/{issue['id']}", 200))["lines"]
    assert D(ledger["value"]) == D("-6.00")

    batch = {
        "lines": [
            {
                **store.line(bolt, wh, "2", price="9"),
                "movement_type": "101",
                "posting_date": str(TODAY - timedelta(days=2)),
            },
            {**store.line(bolt, wh, "1"), "movement_type": "551", "posting_date": str(TODAY)},
        ]
    }
    await store.call("POST", "/goods-movements/batch", 201, json=batch)
    first, second = (await heard(org_id))[4:]
    assert [x["movement_id"] for x in first["restated"]] == [issue["id"]]
    assert second["restated"] == []
