"""Row-level security on the identity schema, as the gateway's runtime role sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from gateway.system_tables import SYSTEM_TABLES
from tests.gateway.support import Org


@pytest.fixture
async def gateway_conn(gateway_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(gateway_dsn)
    try:
        yield conn
    finally:
        await conn.close()


async def _identity_tables(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'identity' AND c.relkind IN ('r', 'p') ORDER BY 1"
    )
    return [r["name"] for r in rows]


async def test_every_identity_table_but_the_system_tables_has_forced_rls(
    owner_conn: asyncpg.Connection,
) -> None:
    rows = await owner_conn.fetch(
        "SELECT format('%I.%I', n.nspname, c.relname) AS name,"
        " c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'identity' AND c.relkind IN ('r', 'p')"
    )
    assert {r["name"] for r in rows} >= SYSTEM_TABLES
    for row in rows:
        if row["name"] not in SYSTEM_TABLES:
            assert row["enabled"], row["name"]
            assert row["forced"], row["name"]


async def test_without_an_organization_every_tenant_table_reads_empty(
    gateway_conn: asyncpg.Connection, org: Org
) -> None:
    for table in await _identity_tables(gateway_conn):
        if table in SYSTEM_TABLES:
            continue
        assert await gateway_conn.fetchval(f"SELECT count(*) FROM {table}") == 0, table


async def test_without_an_organization_writes_fail(
    gateway_conn: asyncpg.Connection, org: Org
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await gateway_conn.execute(
            "INSERT INTO identity.casbin_rules (organization_id, ptype, v0, v1, v2, v3)"
            " VALUES ($1::uuid, 'p', 'viewer', $1::uuid::text, '/api/*', '*')",
            org.id,
        )
    updated = await gateway_conn.execute(
        "UPDATE identity.users SET password_hash = '$argon2id$x' WHERE organization_id = $1",
        org.id,
    )
    assert updated == "UPDATE 0"


async def test_with_an_organization_only_its_rows_are_visible(
    gateway_conn: asyncpg.Connection, org: Org, other_org: Org
) -> None:
    async with gateway_conn.transaction():
        await gateway_conn.execute(
            "SELECT set_config('app.organization_id', $1, true)", str(org.id)
        )
        organizations = await gateway_conn.fetch(
            "SELECT DISTINCT organization_id FROM identity.users"
        )
    assert [r["organization_id"] for r in organizations] == [org.id]


async def test_the_login_lookup_reveals_only_the_user_with_that_email(
    gateway_conn: asyncpg.Connection, org: Org, other_org: Org
) -> None:
    async with gateway_conn.transaction():
        await gateway_conn.execute(
            "SELECT set_config('app.login_email', $1, true)", other_org.email("viewer")
        )
        rows = await gateway_conn.fetch("SELECT email FROM identity.users")
        # The setting opens no other table and allows no writes.
        assert await gateway_conn.fetchval("SELECT count(*) FROM identity.user_roles") == 0
        updated = await gateway_conn.execute(
            "UPDATE identity.users SET password_hash = '$argon2id$x'"
        )
    assert [r["email"] for r in rows] == [other_org.email("viewer")]
    assert updated == "UPDATE 0"


async def test_the_client_lookup_reveals_only_that_client(
    gateway_conn: asyncpg.Connection, org: Org, other_org: Org
) -> None:
    async with gateway_conn.transaction():
        await gateway_conn.execute(
            "SELECT set_config('app.login_client_id', $1, true)", org.client_id
        )
        rows = await gateway_conn.fetch("SELECT client_id FROM identity.api_clients")
    assert [r["client_id"] for r in rows] == [org.client_id]


async def test_the_gateway_role_cannot_bypass_rls(gateway_conn: asyncpg.Connection) -> None:
    row = await gateway_conn.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    assert row is not None
    assert not row["rolsuper"]
    assert not row["rolbypassrls"]
    owns = await gateway_conn.fetchval(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'identity' AND pg_get_userbyid(c.relowner) = current_user"
    )
    assert owns == 0
