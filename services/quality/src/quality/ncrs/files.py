"""Photos and files of an NCR, kept in the object store under the organization's prefix
(``org/<organization>/quality/ncr-files/<uuid7>``) with a row in ``quality.ncr_files``.

The object is written first under a fresh key, then the row in the transaction; if the
transaction fails the object is an orphan that the sweep job removes. Deleting the row
queues the object (a trigger, in the same transaction) for the sweep.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from litestar import Response

from quality.caller import INSPECTORS, Caller
from quality.ncrs import repo
from quality.ncrs.models import Ncr, NcrFile
from unison_objects import DownloadLink, ObjectStore, StoredFile, Upload, new_key, presigned, send
from unison_objects.sweep import SweepPlan, delete_now
from unison_pg import Database
from unison_web import Conflict, NotFound

KIND = "ncr-files"
SWEEP = SweepPlan(service="quality", kinds=(KIND,), legacy=True)


async def _get(conn: asyncpg.Connection, ncr_id: UUID) -> Ncr:
    found = await repo.get(conn, ncr_id)
    if found is None:
        raise NotFound(f"NCR {ncr_id} does not exist")
    return found


def _open(ncr: Ncr) -> Ncr:
    if ncr.status in ("closed", "cancelled"):
        raise Conflict(f"{ncr.number} is {ncr.status}")
    return ncr


async def add(
    db: Database, store: ObjectStore, caller: Caller, ncr_id: UUID, upload: Upload
) -> NcrFile:
    caller.require(*INSPECTORS)
    # Checked before the upload too, so a refused request stores nothing.
    async with db.transaction(caller.tenant, readonly=True) as conn:
        _open(await _get(conn, ncr_id))
    key = new_key(caller.tenant.organization_id, "quality", KIND)
    await store.put(key, upload.content, upload.content_type)
    async with db.transaction(caller.tenant) as conn:
        ncr = _open(await _get(conn, ncr_id))
        return await repo.file_insert(
            conn, ncr, upload.filename, upload.content_type, upload.size_bytes, key
        )


async def listed(db: Database, caller: Caller, ncr_id: UUID) -> list[NcrFile]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        await _get(conn, ncr_id)
        return await repo.files(conn, ncr_id)


async def _stored(db: Database, caller: Caller, ncr_id: UUID, file_id: UUID) -> StoredFile:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        found = await repo.file_get(conn, ncr_id, file_id)
    if found is None:
        raise NotFound(f"file {file_id} of NCR {ncr_id} does not exist")
    return found


async def download(
    db: Database, store: ObjectStore, caller: Caller, ncr_id: UUID, file_id: UUID
) -> Response[object]:
    stored = await _stored(db, caller, ncr_id, file_id)
    return await send(store, stored, caller.tenant.organization_id)


async def link(
    db: Database, store: ObjectStore, caller: Caller, ncr_id: UUID, file_id: UUID
) -> DownloadLink:
    stored = await _stored(db, caller, ncr_id, file_id)
    return presigned(store, stored, caller.tenant.organization_id)


async def delete(
    db: Database, store: ObjectStore, caller: Caller, ncr_id: UUID, file_id: UUID
) -> None:
    caller.require(*INSPECTORS)
    async with db.transaction(caller.tenant) as conn:
        ncr = await _get(conn, ncr_id)
        if ncr.status in ("closed", "cancelled"):
            raise Conflict(f"{ncr.number} is {ncr.status}: its files are part of the record")
        deleted, key = await repo.file_delete(conn, ncr_id, file_id)
        if not deleted:
            raise NotFound(f"file {file_id} of NCR {ncr_id} does not exist")
    if key is not None:
        await delete_now(db, caller.tenant, store, SWEEP, [key])
