"""The message list, replays, the admin settings and who may use them; the schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from inventory.sap.repo import Q
from tests.inventory.conftest import Headers
from tests.inventory.sap.conftest import ADMIN, SAP, SapApi, fixture, idoc_variant, new_docnum
from tests.support.sap_server import SapStandIn
from tests.support.tokens import TokenMinter


async def test_every_sap_query_prepares_against_the_migrated_schema(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("inventory"))
    try:
        failures = {}
        for name, statement in Q.items():
            try:
                await conn.prepare(statement)
            except asyncpg.PostgresError as exc:
                failures[name] = str(exc)
    finally:
        await conn.close()
    assert failures == {}


@pytest.fixture
async def stored(api: SapApi, mapped: None, worker_running: None) -> list[str]:
    """Five inbound messages, settled: three MATMAS (processed), two BOMMAT (failed: their
    materials do not exist)."""
    ids = []
    for kind in ("MATMAS", "BOMMAT", "MATMAS", "BOMMAT", "MATMAS"):
        changes: dict[str, str | None] = {"EDI_DC40/DOCNUM": new_docnum()}
        # The BOM's materials do not exist in this organization: it fails.
        name = "bommat05-pump.xml" if kind == "BOMMAT" else "matmas-single-plant.xml"
        response = await api.post_idoc(idoc_variant(name, changes))
        assert response.status_code == 202, response.text
        ids.append((await api.settled(response.json()["id"]))["id"])
    return ids


async def test_messages_are_listed_newest_first_with_filters_and_keyset_pages(
    api: SapApi, stored: list[str]
) -> None:
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.client.get(f"{SAP}/messages", params=params, headers=api.admin)).json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(stored))
    by_kind = await api.client.get(f"{SAP}/messages", params={"kind": "BOMMAT"}, headers=api.admin)
    assert [m["id"] for m in by_kind.json()["items"]] == [stored[3], stored[1]]
    by_status = await api.client.get(
        f"{SAP}/messages",
        params={"status": "processed", "direction": "inbound", "kind": "MATMAS", "limit": 2},
        headers=api.admin,
    )
    assert [m["id"] for m in by_status.json()["items"]] == [stored[4], stored[2]]
    failed = await api.client.get(f"{SAP}/messages", params={"status": "failed"}, headers=api.admin)
    assert [m["id"] for m in failed.json()["items"]] == [stored[3], stored[1]]
    outbound = await api.client.get(
        f"{SAP}/messages", params={"direction": "outbound"}, headers=api.admin
    )
    assert outbound.json()["items"] == []


async def test_a_bad_filter_or_cursor_is_a_4xx(api: SapApi, stored: list[str]) -> None:
    bad_status = await api.client.get(
        f"{SAP}/messages", params={"status": "lost"}, headers=api.admin
    )
    assert bad_status.status_code == 400
    bad_cursor = await api.client.get(
        f"{SAP}/messages", params={"cursor": "nonsense"}, headers=api.admin
    )
    assert bad_cursor.status_code == 422


async def test_only_a_failed_message_is_replayed(api: SapApi, stored: list[str]) -> None:
    response = await api.client.post(f"{SAP}/messages/{stored[0]}/replay", headers=api.admin)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"SAP message {stored[0]} is processed; only a failed one is replayed"
    )
    unknown = "00000000-0000-7000-8000-000000000000"
    response = await api.client.post(f"{SAP}/messages/{unknown}/replay", headers=api.admin)
    assert response.status_code == 404


@pytest.fixture
def token_for(
    minter: TokenMinter, org_id: UUID, plants: list[UUID]
) -> Callable[..., dict[str, str]]:
    def headers(*roles: str) -> dict[str, str]:
        token = minter.mint(org_id, plants=plants, roles=list(roles), subject="user:someone")
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.mark.parametrize("role", ["integration", "planner", "viewer"])
async def test_the_sap_settings_need_the_admin_role(
    api: SapApi, token_for: Callable[..., dict[str, str]], role: str
) -> None:
    headers = token_for(role)
    for method, path, body in (
        ("GET", "/connection", None),
        ("PUT", "/connection", {"base_url": "http://x"}),
        ("GET", "/plants", None),
        ("PUT", "/plants/1021", {"plant_id": None}),
        ("DELETE", "/codes/unit/ST", None),
    ):
        response = await api.client.request(method, f"{ADMIN}{path}", json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["detail"] == "requires one of the roles: admin"


async def test_sap_itself_may_send_and_read_its_messages(api: SapApi) -> None:
    sent = await api.post_idoc(fixture("matmas-single-plant.xml"))
    assert sent.status_code == 202
    read = await api.client.get(sent.json()["href"], headers=api.sap)
    assert read.status_code == 200


async def test_the_connection_is_shown_without_its_secrets(api: SapApi, sap: SapStandIn) -> None:
    missing = await api.client.get(f"{ADMIN}/connection", headers=api.admin)
    assert missing.status_code == 404
    await api.connect(sap)
    shown = (await api.client.get(f"{ADMIN}/connection", headers=api.admin)).json()
    assert shown["auth_kind"] == "basic"
    assert shown["username"] == "UNISON_RFC"
    assert shown["secret_set"] is True
    assert "password" not in shown
    assert shown["version"] == 1
    await api.connect(sap, enabled=False)
    assert (await api.client.get(f"{ADMIN}/connection", headers=api.admin)).json()["version"] == 2
    bad = await api.client.put(
        f"{ADMIN}/connection",
        json={"base_url": "ftp://sap", "auth": {"kind": "basic", "username": "u", "password": "p"}},
        headers=api.admin,
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["pointer"] == "/base_url"


async def test_plant_mappings_take_own_plants_once_each(
    api: SapApi, auth: Headers, plants: list[UUID]
) -> None:
    stranger_plant = "00000000-0000-4000-8000-000000000001"
    response = await api.client.put(
        f"{ADMIN}/plants/1021", json={"plant_id": stranger_plant}, headers=api.admin
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/plant_id", "detail": f"plant {stranger_plant} is not one of your plants"}
    ]
    await api.map_plant("1021", plants[0])
    twice = await api.client.put(
        f"{ADMIN}/plants/1022", json={"plant_id": str(plants[0])}, headers=api.admin
    )
    assert twice.status_code == 422
    assert "is SAP plant 1021 already" in twice.json()["detail"]
    await api.map_plant("1021", plants[1])  # remapping the same SAP plant is fine
    listed = (await api.client.get(f"{ADMIN}/plants", headers=api.admin)).json()["items"]
    assert [(p["werks"], p["plant_id"]) for p in listed] == [("1021", str(plants[1]))]
    assert (await api.client.delete(f"{ADMIN}/plants/1021", headers=api.admin)).status_code == 204
    assert (await api.client.delete(f"{ADMIN}/plants/1021", headers=api.admin)).status_code == 404


async def test_code_translations_name_real_types_and_units(api: SapApi) -> None:
    wrong_type = await api.client.put(
        f"{ADMIN}/codes/material_type/YQFP", json={"code": "gadget"}, headers=api.admin
    )
    assert wrong_type.status_code == 422
    wrong_unit = await api.client.put(
        f"{ADMIN}/codes/unit/KAR", json={"code": "CARTON"}, headers=api.admin
    )
    assert wrong_unit.status_code == 422
    assert wrong_unit.json()["detail"] == "unit CARTON does not exist"
    await api.map_code("unit", "KAR", "box")
    listed = (await api.client.get(f"{ADMIN}/codes", headers=api.admin)).json()["items"]
    assert [(c["kind"], c["sap_code"], c["code"]) for c in listed] == [("unit", "KAR", "BOX")]
    wrong_kind = await api.client.put(
        f"{ADMIN}/codes/colour/RED", json={"code": "red"}, headers=api.admin
    )
    assert wrong_kind.status_code == 400
