"""Where archive files live: the object store, under the organization's prefix
(``org/<organization>/reporting/archives/<uuid7>``), uploaded in parts from the Parquet
on disk and streamed back to a file. Files archived before the object store (keys without
the ``org/`` prefix) stay in ``reporting.archive_objects`` until the sweep moves them, and
are read from there meanwhile."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID

import structlog

from reporting.objects import ARCHIVES, SERVICE
from unison_objects import ObjectStore, StoreNotConfigured, belongs_to, new_key
from unison_pg import Database, Queries, Tenant

SQL = Queries.load(Path(__file__).with_name("archive.sql"))
CONTENT_TYPE = "application/vnd.apache.parquet"

log = structlog.get_logger("reporting.archive")


def is_legacy(key: str) -> bool:
    """A key of ``reporting.archive_objects`` (``<organization>/<table>/...``)."""
    return not key.startswith("org/")


def owned(key: str, organization_id: UUID) -> bool:
    """Whether ``key`` is one of this organization's, in the store or legacy."""
    if is_legacy(key):
        return key.startswith(f"{organization_id}/")
    return belongs_to(key, organization_id)


class ArchiveStore:
    """Files by key, one organization's at a time."""

    def __init__(self, database: Database, objects: ObjectStore | None) -> None:
        self._db = database
        self._objects = objects

    @property
    def objects(self) -> ObjectStore:
        if self._objects is None:
            raise StoreNotConfigured("object storage is not configured for this process")
        return self._objects

    async def put(self, tenant: Tenant, source: Path) -> str:
        """Store ``source`` under a fresh key (never overwritten: a failed archive run never
        damages a recorded file); the key, for the record written next."""
        key = new_key(tenant.organization_id, SERVICE, ARCHIVES)
        await self.objects.put_file(key, source, CONTENT_TYPE)
        return key

    async def get(self, tenant: Tenant, key: str, target: Path) -> None:
        """Write the file of ``key`` to ``target``, streamed; KeyError if it is not the
        organization's or there is none."""
        if not owned(key, tenant.organization_id):
            log.error("archive_key_of_another_organization", key=key)
            raise KeyError(key)
        if not is_legacy(key):
            await self.objects.fetch_file(key, target)
            return
        async with self._db.transaction(tenant, readonly=True) as conn:
            content: bytes | None = await conn.fetchval(SQL.get_object, key)
        if content is None:
            raise KeyError(key)
        await asyncio.to_thread(target.write_bytes, content)

    async def drop_legacy(self, tenant: Tenant, key: str) -> None:
        """A replaced legacy file's bytes (replaced objects are queued by a trigger)."""
        async with self._db.transaction(tenant) as conn:
            await conn.execute(SQL.delete_object, key)
