"""A BOM never contains itself: refused (409) naming the path, at any depth, through any
released version, alternative or plant, even when two saves race to close the loop."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from inventory.bom_models import BomCreate, BomItemIn
from inventory.service import boms
from inventory.service.caller import Caller
from tests.inventory.bom_support import BOMS, Client, item, release, released, save_bom
from tests.inventory.conftest import Headers, MakeMaterial
from unison_pg import Database, Tenant
from unison_web import Conflict


async def test_an_assembly_that_uses_itself_is_refused(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    top = await make_material(number="SELF-1")
    other = await make_material(number="SELF-OTHER")
    refused = await save_bom(
        client, auth, top, [item(10, other, "1"), item(20, top, "1")], expect=409
    )
    assert refused["detail"] == "the BOM would contain itself: SELF-1 → SELF-1"
    assert refused["errors"][0]["pointer"] == "/items/1/component_id"


async def test_a_cycle_four_levels_deep_is_refused_naming_the_whole_path(
    client: Client, auth: Headers, make_material: MakeMaterial, count_rows: Any
) -> None:
    a, b, c, d = [await make_material(number=f"CYC-{n}") for n in "ABCD"]
    await released(client, auth, a, [item(10, b, "1")])
    await released(client, auth, b, [item(10, c, "2")])
    await released(client, auth, c, [item(10, d, "3")])
    # Refused as a draft already, and as a release.
    for status in ("draft", "released"):
        refused = await save_bom(client, auth, d, [item(10, a, "1")], status=status, expect=409)
        assert (
            refused["detail"]
            == "the BOM would contain itself: CYC-D → CYC-A → CYC-B → CYC-C → CYC-D"
        )
    assert await count_rows("boms") == 3


async def test_drafts_do_not_count_until_released_then_the_second_release_is_refused(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    a = await make_material(number="DR-A")
    b = await make_material(number="DR-B")
    a_draft = await save_bom(client, auth, a, [item(10, b, "1")])
    b_draft = await save_bom(client, auth, b, [item(10, a, "1")])
    assert (await release(client, auth, b_draft)).status_code == 200
    refused = await release(client, auth, a_draft)
    assert refused.status_code == 409
    assert "DR-A → DR-B → DR-A" in refused.json()["detail"]


async def test_other_alternatives_and_past_versions_count_obsolete_ones_do_not(
    client: Client, auth: Headers, make_material: MakeMaterial
) -> None:
    a = await make_material(number="ALT-A")
    b = await make_material(number="ALT-B")
    c = await make_material(number="ALT-C")
    await released(client, auth, a, [item(10, c, "1")], alternative=1)
    second = await released(client, auth, a, [item(10, b, "1")], alternative=2)
    refused = await save_bom(client, auth, b, [item(10, a, "1")], expect=409)
    assert "ALT-B → ALT-A → ALT-B" in refused["detail"]
    # A later revision of alternative 2 without B: the old one is still valid in the past.
    await released(client, auth, a, [item(10, c, "1")], alternative=2, valid_from="2099-01-01")
    await save_bom(client, auth, b, [item(10, a, "1")], expect=409)
    withdrawn = await client.post(
        f"{BOMS}/{second['id']}/obsolete", headers=auth({"If-Match": f'"{second["version"] + 1}"'})
    )
    assert withdrawn.status_code == 200, withdrawn.text
    await save_bom(client, auth, b, [item(10, a, "1")], status="released")


async def test_a_cycle_through_a_plant_outside_the_callers_token_is_still_refused(
    client: Client, auth: Headers, make_material: MakeMaterial, plants: list[uuid.UUID]
) -> None:
    a = await make_material(number="PL-A")
    b = await make_material(number="PL-B")
    # Plant 2 makes B from A.
    await released(client, auth, b, [item(10, a, "1")], plant_id=str(plants[1]))
    plant_one_only = auth(plant_ids=[plants[0]])
    assert (await client.get(BOMS, headers=plant_one_only)).json()["items"] == []
    # A user of plant 1 only cannot see that BOM, yet may not make A from B for all plants.
    refused = await save_bom(
        client, auth, a, [item(10, b, "1")], headers=plant_one_only, expect=409
    )
    assert refused["detail"] == "the BOM would contain itself: PL-A → PL-B → PL-A"


async def _race(http: httpx.AsyncClient, headers: dict[str, str], bodies: list[Any]) -> list[int]:
    responses = await asyncio.gather(*(http.post(BOMS, json=b, headers=headers) for b in bodies))
    return sorted(r.status_code for r in responses)


async def test_concurrent_saves_that_together_close_a_cycle_do_not_both_succeed(
    http: httpx.AsyncClient, auth: Headers, make_material: MakeMaterial, count_rows: Any
) -> None:
    def bom(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
        return {"material_id": parent["id"], "status": "released", "items": [item(10, child, "1")]}

    for round_number in range(6):
        x, y = [await make_material(number=f"RACE-{round_number}-{n}") for n in "XY"]
        assert await _race(http, auth(), [bom(x, y), bom(y, x)]) == [201, 409]
        # A triangle saved at once: any two may pass, never the third.
        p, q, r = [await make_material(number=f"TRI-{round_number}-{n}") for n in "PQR"]
        assert await _race(http, auth(), [bom(p, q), bom(q, r), bom(r, p)]) == [201, 201, 409]
    assert await count_rows("boms") == 18


@pytest.fixture
async def runtime_db(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("inventory"), max_size=4)
    await db.open()
    try:
        yield db
    finally:
        await db.close()


def _create(parent: dict[str, Any], child: dict[str, Any]) -> BomCreate:
    return BomCreate(
        material_id=uuid.UUID(parent["id"]),
        status="released",
        valid_from=date(2026, 1, 1),
        items=[BomItemIn(item_number=10, component_id=uuid.UUID(child["id"]), quantity=Decimal(1))],
    )


async def _waiting_for_advisory_lock(admin_conn: asyncpg.Connection, pid: int) -> bool:
    return bool(
        await admin_conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory'"
            " AND NOT granted)",
            pid,
        )
    )


async def test_the_second_save_waits_for_the_first_and_then_sees_its_half_of_the_cycle(
    runtime_db: Database,
    admin_conn: asyncpg.Connection,
    make_material: MakeMaterial,
    org_id: uuid.UUID,
    plants: list[uuid.UUID],
) -> None:
    a = await make_material(number="LOCK-A")
    b = await make_material(number="LOCK-B")
    caller = Caller(tenant=Tenant(org_id, tuple(plants), "user:alice"))
    first_saved = asyncio.Event()
    commit_first = asyncio.Event()
    second_pid: list[int] = []

    async def first() -> None:
        async with runtime_db.transaction(caller.tenant) as conn:
            await boms.create_in(conn, caller, _create(a, b))
            first_saved.set()
            await commit_first.wait()

    async def second() -> None:
        await first_saved.wait()
        async with runtime_db.transaction(caller.tenant) as conn:
            second_pid.append(conn.get_server_pid())
            await boms.create_in(conn, caller, _create(b, a))

    first_task, second_task = asyncio.create_task(first()), asyncio.create_task(second())
    while not second_pid or not await _waiting_for_advisory_lock(admin_conn, second_pid[0]):
        assert not second_task.done(), second_task
        await asyncio.sleep(0.01)
    commit_first.set()
    await first_task
    with pytest.raises(Conflict) as refused:
        await second_task
    assert refused.value.detail == "the BOM would contain itself: LOCK-B → LOCK-A → LOCK-B"
