"""Archived Parquet on local disk, where DuckDB reads it, streamed from the object store
the first time. Keys are never reused (a month archived again gets a new key), so a
cached file is never stale."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from uuid import uuid4

from reporting.analytics.facts import Archived
from reporting.archive.repo import Record
from reporting.archive.store import ArchiveStore, owned
from unison_pg import Tenant


class ArchiveCache:
    def __init__(self, store: ArchiveStore, directory: Path) -> None:
        self.store = store
        self.directory = directory

    def path(self, key: str) -> Path:
        parts = key.split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"not an archive key: {key!r}")
        return self.directory.joinpath(*parts)

    async def files(self, tenant: Tenant, records: Sequence[Record]) -> list[Archived]:
        """The records' files, fetched from the store the first time."""
        found = []
        for r in records:
            if not owned(r.object_key, tenant.organization_id):
                raise ValueError(f"archive key {r.object_key!r} is not the organization's")
            path = self.path(r.object_key)
            if not path.exists():
                await self._fetch(tenant, r.object_key, path)
            found.append(Archived(r.fact_table, r.range_start, r.range_end, path))
        return found

    async def _fetch(self, tenant: Tenant, key: str, path: Path) -> None:
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        # Written aside, then renamed: a reader never sees half a file.
        partial = path.with_name(f".{path.name}.{uuid4().hex}")
        try:
            await self.store.get(tenant, key, partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
