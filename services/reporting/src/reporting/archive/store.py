"""Where archive files live: today a table of the reporting schema, until the object
store (``libs/unison-objects``) lands. Moving to it is this file only: keep the methods,
put the bytes in a bucket under the same keys."""

from __future__ import annotations

import asyncio
from pathlib import Path

from unison_pg import Database, Queries, Tenant

SQL = Queries.load(Path(__file__).with_name("archive.sql"))


class ArchiveStore:
    """Files by key, one organization's at a time (keys start with its id)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def put(self, tenant: Tenant, key: str, source: Path) -> None:
        """Store ``source`` under ``key``; keys name their content, so a key stored
        already is left as it is."""
        content = await asyncio.to_thread(source.read_bytes)
        async with self._db.transaction(tenant) as conn:
            await conn.execute(SQL.put_object, key, content)

    async def get(self, tenant: Tenant, key: str, target: Path) -> None:
        """Write the file of ``key`` to ``target``; KeyError if there is none."""
        async with self._db.transaction(tenant, readonly=True) as conn:
            content: bytes | None = await conn.fetchval(SQL.get_object, key)
        if content is None:
            raise KeyError(key)
        await asyncio.to_thread(target.write_bytes, content)

    async def delete(self, tenant: Tenant, key: str) -> None:
        async with self._db.transaction(tenant) as conn:
            await conn.execute(SQL.delete_object, key)
