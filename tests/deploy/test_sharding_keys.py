"""Every tenant key leads with ``organization_id``, so the schema can be sharded by it.

Citus co-locates rows of distributed tables that share the distribution column: a foreign
key between two distributed tables is only allowed when it includes that column on both
sides, and a primary key must contain it. Unison keeps ``organization_id`` leading in
every key for that reason (README, "Beyond one server"). The test reads the migrated
catalog, so a table or key added later is checked too.
"""

from __future__ import annotations

import asyncpg

from gateway.system_tables import SYSTEM_TABLES

# Schemas created by migrations (db/schemas.txt) that hold the application's tables.
APP_SCHEMAS = (
    "app", "cache", "bus", "identity", "inventory", "production", "quality", "maintenance",
    "search", "reporting",
)  # fmt: skip

# Tables without organization_id, each with why it may be so. Under Citus the first is
# distributed by its id (it is the organization), the others become reference tables.
NOT_TENANT_TABLES = {
    # The organization itself: its id IS the distribution value; tenant tables reference
    # it as FOREIGN KEY (organization_id) REFERENCES identity.organizations (id).
    "identity.organizations": "the distribution root",
    **{name: "global, holds no tenant data (gateway/src/gateway/system_tables.py)"
       for name in SYSTEM_TABLES},
}  # fmt: skip
ROOT = "identity.organizations"

TABLES_SQL = """
SELECT c.oid, n.nspname || '.' || c.relname AS name,
       (SELECT a.attnum FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
           AS org_attnum,
       (SELECT con.conkey FROM pg_constraint con
         WHERE con.conrelid = c.oid AND con.contype = 'p') AS pk
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
"""

# Foreign keys declared on partitions repeat their parent's: the parent's are checked.
FOREIGN_KEYS_SQL = """
SELECT con.conname, con.conrelid, con.confrelid, con.conkey, con.confkey,
       pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
WHERE con.contype = 'f' AND NOT c.relispartition AND con.conparentid = 0
  AND c.relnamespace::regnamespace::text = ANY($1::text[])
"""


async def _tables(conn: asyncpg.Connection) -> dict[int, asyncpg.Record]:
    return {r["oid"]: r for r in await conn.fetch(TABLES_SQL, list(APP_SCHEMAS))}


async def test_every_application_table_is_a_tenant_table_or_listed(
    owner_conn: asyncpg.Connection,
) -> None:
    tables = await _tables(owner_conn)
    assert len(tables) > 100, "the migrated schema should be here"
    unlisted = sorted(
        t["name"]
        for t in tables.values()
        if t["org_attnum"] is None and t["name"] not in NOT_TENANT_TABLES
    )
    assert unlisted == [], f"tables without organization_id and no reason given: {unlisted}"
    names = {t["name"] for t in tables.values()}
    assert set(NOT_TENANT_TABLES) <= names, "an exception names a table that no longer exists"


async def test_every_tenant_primary_key_leads_with_organization_id(
    owner_conn: asyncpg.Connection,
) -> None:
    tables = await _tables(owner_conn)
    offenders = sorted(
        t["name"]
        for t in tables.values()
        if t["org_attnum"] is not None and (not t["pk"] or t["pk"][0] != t["org_attnum"])
    )
    assert offenders == [], f"tenant tables whose primary key does not lead with it: {offenders}"


async def test_every_foreign_key_between_tenant_tables_includes_organization_id(
    owner_conn: asyncpg.Connection,
) -> None:
    tables = await _tables(owner_conn)
    root = next(oid for oid, t in tables.items() if t["name"] == ROOT)
    root_id = await owner_conn.fetchval(
        "SELECT attnum FROM pg_attribute WHERE attrelid = $1 AND attname = 'id'", root
    )
    keys = await owner_conn.fetch(FOREIGN_KEYS_SQL, list(APP_SCHEMAS))
    assert len(keys) > 50, "the migrated schema's foreign keys should be here"
    offenders = []
    for fk in keys:
        source, target = tables[fk["conrelid"]], tables.get(fk["confrelid"])
        label = f"{source['name']}.{fk['conname']}: {fk['definition']}"
        if target is None:
            offenders.append(f"{label} (references outside the application schemas)")
            continue
        if source["org_attnum"] is None:
            # A global table may only point at another global table (a reference table).
            if target["org_attnum"] is not None or target["name"] == ROOT:
                offenders.append(f"{label} (a global table referencing tenant data)")
            continue
        # The referenced column paired with organization_id must be the organization id.
        wanted = root_id if fk["confrelid"] == root else target["org_attnum"]
        pairs = dict(zip(fk["conkey"], fk["confkey"], strict=True))
        if wanted is None or pairs.get(source["org_attnum"]) != wanted:
            offenders.append(label)
    assert offenders == [], "foreign keys not carrying organization_id:\n" + "\n".join(offenders)
