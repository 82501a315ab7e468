"""A scratch schema and queue per test, so bus tests never see each other's messages."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from unison_pg import Database


@dataclass
class Scratch:
    schema: str
    queue: str
    topic_prefix: str
    database: Database


@pytest.fixture
async def scratch(owner_dsn: str, owner_conn: asyncpg.Connection) -> AsyncIterator[Scratch]:
    suffix = uuid.uuid4().hex[:8]
    schema, queue = f"bus_{suffix}", f"bus_{suffix}"
    await owner_conn.execute(f"""
        CREATE SCHEMA {schema};
        CREATE TABLE {schema}.inbox (
            organization_id uuid NOT NULL, event_id uuid NOT NULL, topic text NOT NULL,
            handled_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (organization_id, event_id));
        ALTER TABLE {schema}.inbox ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {schema}.inbox FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant ON {schema}.inbox USING (organization_id = app.current_org())
            WITH CHECK (organization_id = app.current_org());
        CREATE TABLE {schema}.things (
            organization_id uuid NOT NULL, id uuid NOT NULL, note text NOT NULL,
            PRIMARY KEY (organization_id, id));
        ALTER TABLE {schema}.things ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {schema}.things FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant ON {schema}.things USING (organization_id = app.current_org())
            WITH CHECK (organization_id = app.current_org());
    """)
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.create($1)", f"{queue}_dlq")
    await owner_conn.execute("SELECT bus.enable_notify($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic($1, $2)", f"bustest.{suffix}.#", queue)
    database = Database(owner_dsn, max_size=10)
    await database.open()
    try:
        yield Scratch(schema, queue, f"bustest.{suffix}", database)
    finally:
        await database.close()
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", f"{queue}_dlq")
        await owner_conn.execute(f"DROP SCHEMA {schema} CASCADE")
