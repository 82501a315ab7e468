"""Where an exported file's bytes live: the object store, under the organization's prefix
(``org/<organization>/reporting/exports/<uuid7>``), uploaded in parts from the file on
disk and streamed back. Files written before the object store keep their chunks in
``reporting.export_chunks`` until they expire (a week at most) and are read from there."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import structlog

from reporting.exports.repo import FILES
from reporting.objects import EXPORTS, SERVICE
from unison_objects import ObjectStore, belongs_to, new_key
from unison_pg import Database, Tenant
from unison_web import NotFound

log = structlog.get_logger("reporting.exports")

READ = 1 << 20


def digest(path: Path) -> str:
    """The file's SHA-256 (hex); blocking, run it in a thread."""
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while piece := file.read(READ):
            sha.update(piece)
    return sha.hexdigest()


async def put(store: ObjectStore, organization_id: UUID, path: Path, content_type: str) -> str:
    """Upload the file under a fresh key (before its row is written: a transaction that
    fails after leaves an orphan for the sweep, never a row without its object)."""
    key = new_key(organization_id, SERVICE, EXPORTS)
    await store.put_file(key, path, content_type)
    return key


async def _legacy_chunks(db: Database, tenant: Tenant, file_id: UUID) -> AsyncIterator[bytes]:
    # Each chunk its own short read: a slow client holds no transaction open.
    seq = 0
    while True:
        async with db.transaction(tenant, readonly=True) as conn:
            piece: bytes | None = await conn.fetchval(FILES.chunk, file_id, seq)
        if piece is None:
            return
        yield piece
        seq += 1


async def chunks(
    db: Database,
    store: ObjectStore,
    tenant: Tenant,
    file_id: UUID,
    object_key: str | None,
) -> AsyncIterator[bytes]:
    """The file's bytes in order, a piece at a time. The first piece is read before this
    returns, so a missing object fails the request instead of truncating a download."""
    if object_key is None:
        source = _legacy_chunks(db, tenant, file_id)
    else:
        if not belongs_to(object_key, tenant.organization_id):
            # RLS showed the row, so this is a bug, never a reason to hand out the object.
            log.error("object_key_of_another_organization", key=object_key)
            raise NotFound("no such export file")
        source = store.stream(object_key)
    first = await anext(source, b"")

    async def rest() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for piece in source:
            yield piece

    return rest()


async def read_all(
    db: Database, store: ObjectStore, tenant: Tenant, file_id: UUID, object_key: str | None
) -> bytes:
    """A small file whole (a scheduled report's attachment)."""
    pieces = await chunks(db, store, tenant, file_id, object_key)
    return b"".join([p async for p in pieces])


async def digest_of(path: Path) -> str:
    return await asyncio.to_thread(digest, path)
