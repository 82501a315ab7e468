"""Another organization's materials do not exist for you: 404, never 403, never listed."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from inventory.demo import seed_units
from tests.inventory.conftest import Headers, MakeMaterial

Client = AsyncTestClient[Any]
MATERIALS = "/api/inventory/materials"


@pytest.fixture
async def other_org(owner_conn: asyncpg.Connection) -> uuid.UUID:
    organization_id = uuid.uuid4()
    await seed_units(owner_conn, organization_id)
    return organization_id


async def test_another_organization_gets_404_on_read_change_and_delete(
    client: Client, auth: Headers, make_material: MakeMaterial, other_org: uuid.UUID
) -> None:
    material = await make_material()
    url = f"{MATERIALS}/{material['id']}"
    stranger = auth(organization_id=other_org)
    assert (await client.get(url, headers=stranger)).status_code == 404
    patched = await client.patch(
        url, json={"description": "mine now"}, headers={**stranger, "If-Match": '"1"'}
    )
    assert patched.status_code == 404
    deleted = await client.delete(url, headers={**stranger, "If-Match": '"1"'})
    assert deleted.status_code == 404
    assert (await client.get(f"{url}/history", headers=stranger)).status_code == 404
    assert (await client.get(f"{url}/units", headers=stranger)).status_code == 404
    conversion = await client.get(
        f"{url}/conversion", params={"quantity": "1", "from": "PC", "to": "PC"}, headers=stranger
    )
    assert conversion.status_code == 404
    # ... and the owner still has it, unchanged.
    assert (await client.get(url, headers=auth())).json() == material


async def test_another_organization_never_sees_the_material_in_lists(
    client: Client, auth: Headers, make_material: MakeMaterial, other_org: uuid.UUID
) -> None:
    material = await make_material(number="SECRET-1", description="Secret impeller")
    stranger = auth(organization_id=other_org)
    for params in ({}, {"q": "secret"}, {"type": "raw"}, {"sort": "-created_at"}):
        listed = await client.get(MATERIALS, params=params, headers=stranger)
        assert listed.status_code == 200
        assert material["id"] not in [m["id"] for m in listed.json()["items"]]


async def test_the_same_number_may_exist_in_two_organizations(
    client: Client, auth: Headers, make_material: MakeMaterial, other_org: uuid.UUID
) -> None:
    await make_material(number="SHARED-1")
    response = await client.post(
        MATERIALS,
        json={"number": "SHARED-1", "description": "Theirs", "type": "raw", "base_unit": "PC"},
        headers=auth(organization_id=other_org),
    )
    assert response.status_code == 201


async def test_another_organization_cannot_attach_plant_data_to_the_material(
    client: Client, auth: Headers, make_material: MakeMaterial, other_org: uuid.UUID
) -> None:
    material = await make_material()
    their_plant = uuid.uuid4()
    response = await client.put(
        f"{MATERIALS}/{material['id']}/plants/{their_plant}",
        json={"procurement_type": "buy"},
        headers=auth(organization_id=other_org, plant_ids=[their_plant]),
    )
    assert response.status_code == 404
