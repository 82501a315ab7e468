"""Reading and changing the organization's search language (admins)."""

from __future__ import annotations

import asyncpg

from search.language import reindex, repo
from search.language.models import SearchSettings, SettingsChange
from unison_bus import enqueue
from unison_pg import Database
from unison_web import PreconditionFailed
from unison_web.caller import Caller

QUEUE = "search_jobs"
ADMINS = ("admin",)


def _settings(row: asyncpg.Record | None) -> SearchSettings:
    if row is None:
        return SearchSettings(language="english", documents=0, version=1, updated_at=None)
    return SearchSettings(
        language=row["language"],
        documents=int(row["doc_count"]),
        version=int(row["version"]),
        updated_at=row["updated_at"],
    )


async def get(db: Database, caller: Caller) -> SearchSettings:
    caller.require(*ADMINS)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return _settings(await repo.get(conn))


async def change(
    db: Database, caller: Caller, data: SettingsChange, version: int
) -> SearchSettings:
    """A new language takes effect for queries at once; the documents follow by a job
    (until it ends, documents not yet re-indexed match only words stemmed alike)."""
    caller.require(*ADMINS)
    async with db.transaction(caller.tenant) as conn:
        await repo.lock(conn)
        current = _settings(await repo.get(conn))
        if current.language == data.language:
            return current  # nothing to do, whatever version was sent
        row = await repo.set_language(conn, data.language, version)
        if row is None:
            raise PreconditionFailed(
                f"the settings changed meanwhile: version {current.version}, not {version}"
            )
        job_id = await enqueue(
            conn,
            queue=QUEUE,
            organization_id=caller.tenant.organization_id,
            kind=reindex.KIND,
        )
    changed = _settings(row)
    changed.reindex_job_id = job_id
    changed.reindex_href = f"/api/search/jobs/{job_id}"
    return changed
