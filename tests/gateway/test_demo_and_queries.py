"""Demo data is idempotent; every named SQL block prepares against the migrated schema."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import httpx

import gateway
from gateway.demo import DemoOrg, demo_id, seed_demo
from unison_pg import Queries


async def _row_versions(conn: asyncpg.Connection, org: DemoOrg) -> list[tuple[str, str]]:
    async with conn.transaction():
        await conn.execute(
            "SELECT set_config('app.organization_id', $1, true)", str(org.organization_id)
        )
        versions: list[tuple[str, str]] = []
        for table in (
            "organizations",
            "plants",
            "users",
            "user_plants",
            "user_roles",
            "roles",
            "api_clients",
            "casbin_rules",
        ):
            rows = await conn.fetch(f"SELECT xmin::text AS v FROM identity.{table} ORDER BY 1")
            versions.extend((table, r["v"]) for r in rows)
        return versions


async def test_seeding_the_demo_twice_changes_nothing(owner_conn: asyncpg.Connection) -> None:
    first = await seed_demo(owner_conn)
    before = [await _row_versions(owner_conn, org) for org in first]
    second = await seed_demo(owner_conn)
    assert first == second
    assert [await _row_versions(owner_conn, org) for org in second] == before
    assert [o.slug for o in first] == ["acme", "globex"]
    assert first[0].organization_id == demo_id("organization:acme")
    assert all(len(o.plant_ids) == 2 for o in first)


async def test_the_demo_logins_work(
    client: httpx.AsyncClient, owner_conn: asyncpg.Connection
) -> None:
    await seed_demo(owner_conn)
    for username in ("admin@acme.test", "operator@globex.test"):
        response = await client.post(
            "/auth/token",
            data={"grant_type": "password", "username": username, "password": "unison-demo"},
        )
        assert response.status_code == 200, username
    sap = await client.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sap-acme",
            "client_secret": "unison-demo",
        },
    )
    assert sap.status_code == 200


async def test_every_named_query_prepares_against_the_schema(
    owner_conn: asyncpg.Connection,
) -> None:
    package = Path(gateway.__file__).parent
    files = sorted(package.rglob("*.sql"))
    assert files
    for path in files:
        for name, statement in Queries.load(path).items():
            try:
                await owner_conn.prepare(statement)
            except asyncpg.PostgresError as exc:
                raise AssertionError(f"{path.name}:{name}: {exc}") from exc
