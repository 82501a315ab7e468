"""The job that re-indexes an organization's documents after its language changed:
the vocabulary re-stemmed, then the documents from their stored fields in batches, each
its own short transaction under the organization's index lock (events keep flowing in
between), with progress per batch."""

from __future__ import annotations

from typing import Any

from search.language import repo
from unison_bus import JobContext

KIND = "search.reindex"
BATCH = 1000


async def run(ctx: JobContext) -> dict[str, Any]:
    tenant = await ctx.organization_tenant("search")
    async with ctx.database.transaction(tenant) as conn:
        restemmed = await repo.restem_words(conn)
        total = await repo.document_count(conn)
    await ctx.progress(0, total, "vocabulary re-stemmed")
    done, after = 0, 0
    while True:
        async with ctx.database.transaction(tenant) as conn:
            last = await repo.reindex_batch(conn, after, BATCH)
        if last is None:
            break
        after = last
        done = min(done + BATCH, total)
        await ctx.progress(done, total, f"documents up to {last}")
    return {"documents": total, "words_restemmed": restemmed}
