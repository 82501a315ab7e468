"""Reorder point planning: min/max plant data, and the hourly check that tells each
crossing below the reorder point once (and the recovery), per organization."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest

from inventory.demo import seed_units
from inventory.replenishment_repo import Q as REPLENISHMENT_QUERIES
from inventory.service import replenishment
from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.replenishment_support import (
    BELOW,
    MATERIALS,
    Client,
    EventTap,
    create_location,
    move,
    plan,
    tap,
)
from unison_bus import JobContext, JobRunner, enqueue, uuid7
from unison_bus.jobs import JobMessage
from unison_pg import Database, Tenant

BELOW_TOPIC = "inventory.stock.below_reorder_point"
RECOVERED_TOPIC = "inventory.stock.reorder_point_recovered"


@pytest.fixture
async def database(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("inventory"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
async def stock_events(owner_conn: asyncpg.Connection) -> AsyncIterator[EventTap]:
    async for events in tap(owner_conn, "inventory.stock.*"):
        yield events


@pytest.fixture
async def store(client: Client, auth: Headers, plants: list[uuid.UUID]) -> str:
    return await create_location(client, auth, plants[0], "WH1")


async def run_check(database: Database, organization_id: uuid.UUID) -> dict[str, Any]:
    """What the worker does with the job the schedule queued for the organization."""
    message = JobMessage(uuid7(), organization_id, replenishment.KIND)
    return await replenishment.run(JobContext(database, message, {}))


def summary(events: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(e["topic"].rsplit(".", 1)[1], e["material_number"], e["on_hand"]) for e in events]


async def test_every_named_query_of_replenishment_prepares(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        for _, statement in REPLENISHMENT_QUERIES.items():
            await conn.prepare(statement)
    finally:
        await conn.close()


async def test_max_stock_is_plant_data_not_below_the_reorder_point(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}/plants/{plants[0]}"
    body = {"procurement_type": "buy", "reorder_point": "40", "lot_size": "25"}
    below = await client.put(url, json={**body, "max_stock": "39"}, headers=auth())
    assert below.status_code == 422
    assert below.headers["content-type"].startswith("application/problem+json")
    assert below.json()["errors"][0]["pointer"] == "/max_stock"
    zero = await client.put(
        url, json={**body, "reorder_point": "0", "max_stock": "0"}, headers=auth()
    )
    assert zero.status_code == 422
    assert zero.json()["errors"][0]["pointer"] == "/max_stock"

    saved = await client.put(url, json={**body, "max_stock": "120"}, headers=auth())
    assert saved.status_code == 201, saved.text
    assert (saved.json()["reorder_point"], saved.json()["max_stock"]) == ("40", "120")
    assert (await client.get(url, headers=auth())).json()["max_stock"] == "120"
    history = await client.get(f"{MATERIALS}/{material['id']}/history", headers=auth())
    assert history.json()["items"][0]["changes"]["max_stock"] == {"before": None, "after": "120"}


async def test_the_database_refuses_a_max_below_the_reorder_point(
    admin_conn: asyncpg.Connection,
) -> None:
    check = await admin_conn.fetchval(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conname = 'material_plants_max_stock_not_below_reorder_point'"
    )
    assert check == "CHECK (((max_stock > (0)::numeric) AND (max_stock >= reorder_point)))"


async def test_a_crossing_is_told_once_and_again_after_a_recovery(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: str,
    database: Database,
    stock_events: EventTap,
    org_id: uuid.UUID,
) -> None:
    bearing = await make_material(number="RP-1")
    await plan(client, auth(), bearing["id"], plants[0])
    await move(client, auth(), "101", bearing["id"], plants[0], store, "5")
    # Raising the reorder point moves no stock: the hourly check finds the crossing.
    await plan(client, auth(), bearing["id"], plants[0], reorder_point="10", max_stock="50")
    # Planned, but never below: stock above its reorder point.
    full = await make_material(number="RP-2")
    await plan(client, auth(), full["id"], plants[0], reorder_point="10")
    await move(client, auth(), "101", full["id"], plants[0], store, "20")
    # Not planned (reorder point 0): never checked, even without stock.
    await plan(client, auth(), (await make_material(number="RP-3"))["id"], plants[0])

    assert await run_check(database, org_id) == {"plants": 1, "below": 1, "recovered": 0}
    assert await run_check(database, org_id) == {"plants": 1, "below": 0, "recovered": 0}
    events = await stock_events.events(org_id)
    assert summary(events) == [("below_reorder_point", "RP-1", "5")]
    first = events[0]
    assert first["plant_id"] == str(plants[0])
    assert first["material_id"] == bearing["id"]
    assert (first["reorder_point"], first["max_stock"], first["suggested_quantity"]) == (
        "10",
        "50",
        "45",
    )
    assert first["unit"] == "PC"

    # A posting that crosses says so at once; the hourly check then has nothing to add.
    await move(client, auth(), "101", bearing["id"], plants[0], store, "10")
    assert await run_check(database, org_id) == {"plants": 1, "below": 0, "recovered": 0}
    await move(client, auth(), "261", bearing["id"], plants[0], store, "8")
    assert await run_check(database, org_id) == {"plants": 1, "below": 0, "recovered": 0}
    assert summary(await stock_events.events(org_id)) == [
        ("below_reorder_point", "RP-1", "5"),
        ("reorder_point_recovered", "RP-1", "15"),
        ("below_reorder_point", "RP-1", "7"),
    ]


async def test_on_hand_counts_every_location_and_lot_of_the_plant_only(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: str,
    database: Database,
    stock_events: EventTap,
    org_id: uuid.UUID,
) -> None:
    material = await make_material(number="RP-10")
    supply = await create_location(client, auth, plants[0], "WH2")
    other_plant = await create_location(client, auth, plants[1], "WH1")
    await plan(client, auth(), material["id"], plants[0], reorder_point="10", lot_size="25")
    await plan(client, auth(), material["id"], plants[1], reorder_point="10", lot_size="25")
    await move(client, auth(), "101", material["id"], plants[0], store, "4")
    await move(client, auth(), "101", material["id"], plants[0], supply, "3", lot="L-1")
    await move(client, auth(), "101", material["id"], plants[0], supply, "3")
    await move(client, auth(), "101", material["id"], plants[1], other_plant, "100")

    # 4 + 3 + 3 = 10 is not below 10; plant 2's 100 is plant 2's.
    assert await run_check(database, org_id) == {"plants": 2, "below": 0, "recovered": 0}
    await move(client, auth(), "261", material["id"], plants[0], supply, "1", lot="L-1")
    # The receipts crossed below and back up as they were posted, the issue below again.
    assert await run_check(database, org_id) == {"plants": 2, "below": 0, "recovered": 0}
    events = [e for e in await stock_events.events(org_id) if e["plant_id"] == str(plants[0])]
    assert [e["on_hand"] for e in events] == ["4", "10", "9"]
    event = events[-1]
    assert (event["plant_id"], event["on_hand"]) == (str(plants[0]), "9")
    # No max: the gap of 1 to the reorder point, in whole lots.
    assert (event["max_stock"], event["lot_size"], event["suggested_quantity"]) == (
        None,
        "25",
        "25",
    )


async def test_a_material_no_longer_planned_is_told_recovered_without_a_reorder_point(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    database: Database,
    stock_events: EventTap,
    org_id: uuid.UUID,
) -> None:
    kept = await make_material(number="RP-20")
    dropped = await make_material(number="RP-21")
    await plan(client, auth(), kept["id"], plants[0], reorder_point="5")
    await plan(client, auth(), dropped["id"], plants[1], reorder_point="5")
    # No stock anywhere: on hand 0 is below.
    assert await run_check(database, org_id) == {"plants": 2, "below": 2, "recovered": 0}

    await plan(client, auth(), kept["id"], plants[0], reorder_point="0")
    deleted = await client.delete(f"{MATERIALS}/{dropped['id']}/plants/{plants[1]}", headers=auth())
    assert deleted.status_code == 204
    listed = await client.get(BELOW, headers=auth())
    assert listed.json()["items"] == []

    # Neither plant plans anything now; both still had a crossing to close.
    assert await run_check(database, org_id) == {"plants": 2, "below": 0, "recovered": 2}
    recovered = [e for e in await stock_events.events(org_id) if e["topic"] == RECOVERED_TOPIC]
    assert sorted((e["material_number"], e["reorder_point"], e["on_hand"]) for e in recovered) == [
        ("RP-20", None, "0"),
        ("RP-21", None, "0"),
    ]
    assert await run_check(database, org_id) == {"plants": 0, "below": 0, "recovered": 0}


async def test_the_list_shows_what_is_below_with_todays_stock_longest_first(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    store: str,
    database: Database,
    org_id: uuid.UUID,
) -> None:
    materials = [await make_material(number=f"RP-3{i}") for i in range(3)]
    for material in materials[:2]:
        await plan(client, auth(), material["id"], plants[0], reorder_point="10", max_stock="40")
    await plan(client, auth(), materials[2]["id"], plants[1], reorder_point="10", lot_size="7")
    await move(client, auth(), "101", materials[0]["id"], plants[0], store, "2")
    await run_check(database, org_id)
    await move(client, auth(), "101", materials[0]["id"], plants[0], store, "1")

    first = await client.get(BELOW, params={"limit": 2}, headers=auth())
    assert first.status_code == 200, first.text
    page = first.json()
    rest = await client.get(
        BELOW, params={"limit": 2, "cursor": page["next_cursor"]}, headers=auth()
    )
    items = page["items"] + rest.json()["items"]
    assert rest.json()["next_cursor"] is None
    assert len(items) == 3
    by_number = {i["material_number"]: i for i in items}
    # Today's on hand (3, received after the check) and what to order now.
    assert (by_number["RP-30"]["on_hand"], by_number["RP-30"]["suggested_quantity"]) == ("3", "37")
    assert by_number["RP-32"]["suggested_quantity"] == "14"
    assert by_number["RP-32"]["plant_id"] == str(plants[1])
    since = [i["below_since"] for i in items]
    assert since == sorted(since)

    in_plant = await client.get(BELOW, params={"plant_id": str(plants[1])}, headers=auth())
    assert [i["material_number"] for i in in_plant.json()["items"]] == ["RP-32"]
    limited = auth(plant_ids=[plants[0]])
    mine = await client.get(BELOW, headers=limited)
    assert sorted(i["material_number"] for i in mine.json()["items"]) == ["RP-30", "RP-31"]
    hidden = await client.get(BELOW, params={"plant_id": str(plants[1])}, headers=limited)
    assert (hidden.status_code, hidden.json()["items"]) == (200, [])
    bad = await client.get(BELOW, params={"cursor": "not-a-cursor"}, headers=auth())
    assert bad.status_code == 422


async def test_the_check_of_one_organization_never_sees_another(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    database: Database,
    stock_events: EventTap,
    org_id: uuid.UUID,
    owner_conn: asyncpg.Connection,
    admin_conn: asyncpg.Connection,
) -> None:
    ours = await make_material(number="RP-40")
    await plan(client, auth(), ours["id"], plants[0], reorder_point="10")
    other_org, other_plant = uuid.uuid4(), uuid.uuid4()
    await seed_units(owner_conn, other_org)
    theirs_auth = auth(organization_id=other_org, plant_ids=[other_plant])
    body = {"number": "RP-40", "description": "Theirs", "type": "raw", "base_unit": "PC"}
    theirs = await client.post(MATERIALS, json=body, headers=theirs_auth)
    assert theirs.status_code == 201, theirs.text
    await plan(client, theirs_auth, theirs.json()["id"], other_plant, reorder_point="10")

    assert await run_check(database, org_id) == {"plants": 1, "below": 1, "recovered": 0}
    assert [e["material_id"] for e in await stock_events.events(org_id)] == [ours["id"]]
    assert await stock_events.events(other_org) == []
    rows = await admin_conn.fetchval(
        "SELECT count(*) FROM inventory.below_reorder_point WHERE organization_id = $1", other_org
    )
    assert rows == 0
    assert (await client.get(BELOW, headers=theirs_auth)).json()["items"] == []

    assert await run_check(database, other_org) == {"plants": 1, "below": 1, "recovered": 0}
    assert [e["material_id"] for e in await stock_events.events(other_org)] == [theirs.json()["id"]]
    assert len(await stock_events.events(org_id)) == 1


async def test_the_worker_runs_the_check_job_for_the_organization_in_its_message(
    client: Client,
    auth: Headers,
    make_material: MakeMaterial,
    plants: list[uuid.UUID],
    database: Database,
    stock_events: EventTap,
    org_id: uuid.UUID,
    owner_conn: asyncpg.Connection,
) -> None:
    material = await make_material(number="RP-50")
    await plan(client, auth(), material["id"], plants[0], reorder_point="1")
    queue = f"jobs_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_{queue} TO unison_inventory"
    )
    runner = JobRunner(database, queue=queue, handlers={replenishment.KIND: replenishment.run})
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    try:
        async with database.transaction(Tenant(organization_id=org_id)) as conn:
            job_id = await enqueue(
                conn, queue=queue, organization_id=org_id, kind=replenishment.KIND
            )
        async with asyncio.timeout(30):
            while True:
                async with database.transaction(Tenant(organization_id=org_id)) as conn:
                    job = await conn.fetchrow(
                        "SELECT status, result::text AS result FROM bus.jobs WHERE id = $1",
                        job_id,
                    )
                if job is not None and job["status"] in ("succeeded", "failed"):
                    break
                await asyncio.sleep(0.05)
    finally:
        stopping.set()
        await running
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)
    assert job["status"] == "succeeded"
    assert json.loads(job["result"]) == {"plants": 1, "below": 1, "recovered": 0}
    assert summary(await stock_events.events(org_id)) == [("below_reorder_point", "RP-50", "0")]


async def test_the_hourly_schedule_queues_the_check_for_every_organization(
    owner_conn: asyncpg.Connection, admin_conn: asyncpg.Connection
) -> None:
    job = await admin_conn.fetchrow(
        "SELECT schedule, command, username FROM cron.job"
        " WHERE jobname = 'inventory-reorder-point-check'"
    )
    assert job is not None
    assert job["username"] == "unison_owner"
    minute, *every = job["schedule"].split()
    assert minute.isdigit() and every == ["*", "*", "*", "*"]
    assert f"'inventory', '{replenishment.KIND}'" in job["command"]
    # Run as pg_cron would (the owner, no organization), then undo the queued messages.
    organizations = await owner_conn.fetchval("SELECT count(*) FROM identity.organizations")
    transaction = owner_conn.transaction()
    await transaction.start()
    try:
        assert await owner_conn.fetchval(job["command"]) == organizations
    finally:
        await transaction.rollback()
