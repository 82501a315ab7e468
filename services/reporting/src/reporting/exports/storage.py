"""Where an exported file's bytes live: today in PostgreSQL (``reporting.export_chunks``,
1 MiB per row), until the object store arrives. Only this module knows; switching to the
object store is a new :class:`ContentStore` here (put uploads the file under the file's
id, chunks streams it back) and the one line choosing it."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Protocol
from uuid import UUID

import asyncpg

from reporting.exports.repo import FILES
from unison_pg import Database, Tenant

CHUNK = 1 << 20


class ContentStore(Protocol):
    async def put(
        self, conn: asyncpg.Connection, file_id: UUID, path: Path, expires_at: datetime
    ) -> str:
        """Store the file's bytes (in the caller's transaction, where it can take part);
        returns their SHA-256 (hex)."""
        ...

    def chunks(self, db: Database, tenant: Tenant, file_id: UUID) -> AsyncIterator[bytes]:
        """The bytes in order, a piece at a time; nothing once the file expired."""
        ...


class DatabaseContent:
    async def put(
        self, conn: asyncpg.Connection, file_id: UUID, path: Path, expires_at: datetime
    ) -> str:
        digest = hashlib.sha256()
        with path.open("rb") as file:
            seq = 0
            while piece := file.read(CHUNK):
                digest.update(piece)
                await conn.execute(FILES.insert_chunk, file_id, seq, expires_at, piece)
                seq += 1
        return digest.hexdigest()

    async def chunks(self, db: Database, tenant: Tenant, file_id: UUID) -> AsyncIterator[bytes]:
        # Each chunk its own short read: a slow client holds no transaction open.
        seq = 0
        while True:
            async with db.transaction(tenant, readonly=True) as conn:
                piece: bytes | None = await conn.fetchval(FILES.chunk, file_id, seq)
            if piece is None:
                return
            yield piece
            seq += 1


CONTENT: ContentStore = DatabaseContent()
