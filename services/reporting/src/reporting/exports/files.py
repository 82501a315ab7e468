"""Exported files: the object stored first, then its row with a random link token (only
its SHA-256 kept), found again by that token for the caller's organization and plants,
refused with 410 once expired."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path
from uuid import UUID

import msgspec

from reporting.exports import storage
from reporting.exports.repo import FILES
from reporting.exports.writers import CONTENT_TYPES
from reporting.http import BASE
from unison_objects import ObjectStore
from unison_pg import Database, Tenant
from unison_web import NotFound
from unison_web.errors import DomainError


class Gone(DomainError):
    status = 410
    title = "Gone"


class Produced(msgspec.Struct, frozen=True, kw_only=True):
    """A finished file on disk, before it is stored."""

    path: Path
    source: str
    format: str
    rows: int


class Saved(msgspec.Struct, frozen=True, kw_only=True):
    file_id: UUID
    href: str
    filename: str
    rows: int
    bytes: int
    expires_at: datetime


class FileInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    filename: str
    content_type: str
    size_bytes: int
    row_count: int
    expires_at: datetime
    expired: bool
    object_key: str | None  # None: written before the object store (its chunks)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def link(token: str) -> str:
    return f"{BASE}/exports/files/{token}"


async def save(
    db: Database,
    store: ObjectStore,
    tenant: Tenant,
    produced: Produced,
    expires_at: datetime,
    job_id: UUID | None = None,
) -> Saved:
    """The object first, then its row in one transaction: a link never names a file that
    is not whole (a failure after the upload leaves an orphan the sweep removes)."""
    token = secrets.token_urlsafe(32)
    size = produced.path.stat().st_size
    content_type = CONTENT_TYPES[produced.format]
    sha = await storage.digest_of(produced.path)
    key = await storage.put(store, tenant.organization_id, produced.path, content_type)
    async with db.transaction(tenant) as conn:
        file_id: UUID = await conn.fetchval("SELECT app.uuid7()")
        await conn.execute(
            FILES.insert_file,
            file_id,
            _digest(token),
            job_id,
            produced.source,
            produced.format,
            produced.path.name,
            content_type,
            list(tenant.plant_ids),
            produced.rows,
            size,
            sha,
            expires_at,
            key,
        )
    return Saved(
        file_id=file_id,
        href=link(token),
        filename=produced.path.name,
        rows=produced.rows,
        bytes=size,
        expires_at=expires_at,
    )


async def by_token(db: Database, tenant: Tenant, token: str) -> FileInfo:
    """The file a link names: 404 if none this caller may see, 410 once expired."""
    async with db.transaction(tenant, readonly=True) as conn:
        row = await conn.fetchrow(FILES.file_by_token, _digest(token))
    if row is None:
        raise NotFound("no such export file")
    info = msgspec.convert(dict(row), FileInfo)
    if info.expired:
        raise Gone(f"the link expired at {info.expires_at.isoformat()}")
    return info


async def by_id(db: Database, tenant: Tenant, file_id: UUID) -> FileInfo | None:
    async with db.transaction(tenant, readonly=True) as conn:
        row = await conn.fetchrow(FILES.file_by_id, file_id)
    return None if row is None else msgspec.convert(dict(row), FileInfo)
