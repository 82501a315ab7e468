"""Checks every partitioned time series of every service shares."""

from __future__ import annotations

import asyncpg


async def assert_partitions_closed_to(
    admin_conn: asyncpg.Connection, parent: str, role: str
) -> None:
    """pg_partman makes partitions without RLS: the runtime role must have no grant on
    them, so the forced policies of the parent are the only way in."""
    partitions = await admin_conn.fetch(
        "SELECT c.oid::regclass::text AS name FROM pg_inherits i"
        " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass",
        parent,
    )
    assert len(partitions) >= 2
    for partition in partitions:
        allowed = await admin_conn.fetchval(
            "SELECT has_table_privilege($2, $1, 'SELECT')"
            " OR has_table_privilege($2, $1, 'INSERT')"
            " OR has_table_privilege($2, $1, 'DELETE')",
            partition["name"],
            role,
        )
        assert not allowed, partition["name"]
