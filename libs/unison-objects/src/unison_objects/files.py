"""A service's stored file as its metadata row describes it, and how a route sends it:
streamed from the store, as a presigned link, or (a row written before the object store)
from the bytes the row still holds."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import structlog
from litestar import Response
from litestar.di import NamedDependency, Provide

from unison_objects import downloads
from unison_objects.keys import belongs_to
from unison_objects.store import ObjectStore
from unison_web.errors import Conflict, DomainError, NotFound

log = structlog.get_logger("unison_objects")


class StoreNotConfigured(DomainError):
    status = 503
    title = "Service unavailable"


class StoredFile(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    size_bytes: int
    object_key: str | None = None
    content: bytes | None = None  # only rows written before the object store

    @classmethod
    def of(cls, row: Any) -> StoredFile:
        """From a row with those columns (``content`` as bytea, null for new rows)."""
        content = row["content"]
        return cls(
            filename=row["filename"],
            content_type=row["content_type"],
            size_bytes=row["size_bytes"],
            object_key=row["object_key"],
            content=None if content is None else bytes(content),
        )


def _own_key(stored: StoredFile, organization_id: UUID) -> str:
    key = stored.object_key or ""
    if not belongs_to(key, organization_id):
        # RLS showed the row, so this is a bug, never a reason to hand out the object.
        log.error("object_key_of_another_organization", key=key)
        raise NotFound("no such file")
    return key


async def send(store: ObjectStore, stored: StoredFile, organization_id: UUID) -> Response[Any]:
    """The file as an attachment, streamed through the service."""
    if stored.object_key is None:
        return Response(
            stored.content or b"",
            media_type=stored.content_type,
            headers={"Content-Disposition": downloads.content_disposition(stored.filename)},
        )
    return await downloads.streamed(
        store,
        _own_key(stored, organization_id),
        stored.filename,
        stored.content_type,
        stored.size_bytes,
    )


def presigned(
    store: ObjectStore, stored: StoredFile, organization_id: UUID, seconds: int | None = None
) -> downloads.DownloadLink:
    """A presigned link that expires, for a row the caller could read."""
    if stored.object_key is None:
        raise Conflict("this file was stored before the object store: download it directly")
    key = _own_key(stored, organization_id)
    return downloads.link(store, key, stored.filename, stored.content_type, seconds)


Objects = NamedDependency[ObjectStore]


def provide_objects(store: ObjectStore | None) -> Provide:
    """The ``objects`` dependency of a service's routes: its store, or 503 when the
    process was built without one."""

    def objects() -> ObjectStore:
        if store is None:
            raise StoreNotConfigured("object storage is not configured for this process")
        return store

    return Provide(objects, sync_to_thread=False)
