"""The catalog proves tenancy holds for every table, including ones added later."""

from __future__ import annotations

import asyncpg

from unison_stack.roles import RUNTIME_ROLES, SERVICES

SERVICE_SCHEMAS = ("identity", *SERVICES)
# Platform schemas shared by every service hold tenant rows too (scoped by organization
# and by owning role): the same rules apply to them.
PLATFORM_SCHEMAS = ("bus", "cache")


def _system_tables() -> set[str]:
    from gateway.system_tables import SYSTEM_TABLES

    return set(SYSTEM_TABLES)


async def test_every_tenant_table_has_forced_rls_with_a_policy(
    owner_conn: asyncpg.Connection,
) -> None:
    rows = await owner_conn.fetch(
        """
        SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity, c.relforcerowsecurity,
               c.relispartition,
               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS has_policy,
               EXISTS (SELECT 1 FROM unnest($2::text[]) r
                       WHERE has_table_privilege(r, c.oid, 'SELECT,INSERT,UPDATE,DELETE'))
                   AS runtime_can_touch
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')
        """,
        [*SERVICE_SCHEMAS, *PLATFORM_SCHEMAS],
        list(RUNTIME_ROLES),
    )
    system = _system_tables()
    offenders = []
    for r in rows:
        if r["name"] in system:
            continue
        # A partition no runtime role may touch is reached only through its parent,
        # whose policies then apply; one they can touch must carry its own.
        if r["relispartition"] and not r["runtime_can_touch"]:
            continue
        if not (r["relrowsecurity"] and r["relforcerowsecurity"] and r["has_policy"]):
            offenders.append(r["name"])
    assert offenders == [], f"tables without forced RLS and a policy: {offenders}"


async def test_system_tables_hold_no_organization_column(owner_conn: asyncpg.Connection) -> None:
    system = sorted(_system_tables())
    rows = await owner_conn.fetch(
        """
        SELECT table_schema || '.' || table_name AS name FROM information_schema.columns
        WHERE table_schema || '.' || table_name = ANY($1::text[])
          AND column_name = 'organization_id'
        """,
        system,
    )
    assert [r["name"] for r in rows] == []


async def test_runtime_roles_cannot_bypass_rls_or_own_anything(
    owner_conn: asyncpg.Connection,
) -> None:
    roles = await owner_conn.fetch(
        "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles"
        " WHERE rolname = ANY($1::text[])",
        list(RUNTIME_ROLES),
    )
    assert {r["rolname"] for r in roles} == set(RUNTIME_ROLES)
    for r in roles:
        assert not (r["rolsuper"] or r["rolbypassrls"] or r["rolcreaterole"] or r["rolcreatedb"]), r
    owned = await owner_conn.fetch(
        """
        SELECT pg_get_userbyid(c.relowner) AS owner, n.nspname || '.' || c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE pg_get_userbyid(c.relowner) = ANY($1::text[])
        UNION ALL
        SELECT pg_get_userbyid(nspowner), nspname FROM pg_namespace
        WHERE pg_get_userbyid(nspowner) = ANY($1::text[])
        """,
        list(RUNTIME_ROLES),
    )
    assert [dict(r) for r in owned] == []


async def test_each_runtime_role_reaches_only_its_own_schema(
    owner_conn: asyncpg.Connection,
) -> None:
    rows = await owner_conn.fetch(
        """
        SELECT r AS role, s AS schema FROM unnest($1::text[]) r, unnest($2::text[]) s
        WHERE has_schema_privilege(r, s, 'USAGE')
        """,
        list(RUNTIME_ROLES),
        list(SERVICE_SCHEMAS),
    )
    expected = {("unison_gateway", "identity"), *((f"unison_{s}", s) for s in SERVICES)}
    assert {(r["role"], r["schema"]) for r in rows} == expected


async def test_a_tenant_table_shows_nothing_when_no_organization_is_set(
    owner_conn: asyncpg.Connection, role_dsn: object
) -> None:
    # Every runtime role that may read a tenant table sees it empty without an
    # organization, although other tests wrote rows into all of them.
    assert callable(role_dsn)
    grants = await owner_conn.fetch(
        """
        SELECT r AS role, format('%I.%I', n.nspname, c.relname) AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
             unnest($2::text[]) r
        WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')
          AND c.relforcerowsecurity AND NOT c.relispartition
          AND has_table_privilege(r, c.oid, 'SELECT')
        ORDER BY 1, 2
        """,
        [*SERVICE_SCHEMAS, *PLATFORM_SCHEMAS],
        list(RUNTIME_ROLES),
    )
    assert len(grants) > 10, "expected tenant tables readable by runtime roles"
    by_role: dict[str, list[str]] = {}
    for g in grants:
        by_role.setdefault(g["role"], []).append(g["name"])
    for role, tables in by_role.items():
        conn = await asyncpg.connect(role_dsn(role))
        try:
            for table in tables:
                assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0, (role, table)
        finally:
            await conn.close()


async def test_every_service_can_publish_to_every_event_queue_and_read_only_its_own(
    owner_conn: asyncpg.Connection,
) -> None:
    rows = await owner_conn.fetch(
        """
        SELECT r AS role, s AS service,
               has_table_privilege(r, format('pgmq.q_%s_events', s), 'INSERT')
                   AND has_column_privilege(r, format('pgmq.q_%s_events', s), 'msg_id', 'SELECT')
                   AS can_publish,
               has_table_privilege(r, format('pgmq.q_%s_events', s), 'DELETE') AS can_consume
        FROM unnest($1::text[]) r, unnest($2::text[]) s
        """,
        list(RUNTIME_ROLES),
        list(SERVICES),
    )
    assert all(r["can_publish"] for r in rows), [dict(r) for r in rows if not r["can_publish"]]
    consumers = {(r["role"], r["service"]) for r in rows if r["can_consume"]}
    assert consumers == {(f"unison_{s}", s) for s in SERVICES}
