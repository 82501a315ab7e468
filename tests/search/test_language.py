"""Languages: English by default, German when the organization chooses it (queries at
once, documents by the re-index job), accents folded either way."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.testing import AsyncTestClient

from search.language import reindex
from tests.search.library import Library
from tests.search.test_search import find, titles
from tests.support.harness import Headers
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_pg import Database

Client = AsyncTestClient[Any]


async def test_english_stems_and_folds_accents(
    client: Client, auth: Headers, library: Library
) -> None:
    await library.add(library.doc("Bearings for the café machine", body="Grinding rolls"))
    assert titles(await find(client, auth, "bearing cafe")) == ["Bearings for the café machine"]
    assert titles(await find(client, auth, "grind")) == ["Bearings for the café machine"]


async def test_german_after_the_change_and_the_reindex_job(
    client: Client, auth: Headers, library: Library, database: Database, org_id: UUID
) -> None:
    await library.add(
        library.doc("Lagergehäuse für Kugellager", body="Gehäuse aus Grauguss, gefräst"),
        library.doc("Dichtungen", body="Wellendichtringe"),
    )
    # English stems do not join "Dichtung" and "Dichtungen" (nor is it one typo away).
    assert titles(await find(client, auth, "dichtung")) == []
    response = await client.get("/api/search/admin/settings", headers=auth())
    assert response.status_code == 200
    assert response.json()["language"] == "english"
    etag = response.headers["etag"]
    # A stale version is refused, a missing one required.
    missing = await client.put(
        "/api/search/admin/settings", json={"language": "german"}, headers=auth()
    )
    assert missing.status_code == 428
    changed = await client.put(
        "/api/search/admin/settings",
        json={"language": "german"},
        headers={**auth(), "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["language"], body["documents"]) == ("german", 2)
    assert body["reindex_href"] == f"/api/search/jobs/{body['reindex_job_id']}"
    stale = await client.put(
        "/api/search/admin/settings",
        json={"language": "english"},
        headers={**auth(), "If-Match": etag},
    )
    assert stale.status_code == 412
    bad = await client.put(
        "/api/search/admin/settings",
        json={"language": "klingon"},
        headers={**auth(), "If-Match": changed.headers["etag"]},
    )
    assert bad.status_code == 400 or bad.status_code == 422
    message = JobMessage(UUID(body["reindex_job_id"]), org_id, reindex.KIND)
    result = await reindex.run(JobContext(database, message, {}))
    assert result["documents"] == 2
    # German stems: "Gehäusen" finds "Gehäuse", "Dichtung" finds "Dichtungen"; ä folded.
    assert titles(await find(client, auth, "Gehäusen")) == ["Lagergehäuse für Kugellager"]
    assert titles(await find(client, auth, "dichtung")) == ["Dichtungen"]
    assert titles(await find(client, auth, "gehause grauguss")) == ["Lagergehäuse für Kugellager"]
    job = await client.get(body["reindex_href"], headers=auth())
    assert job.status_code == 200


async def test_only_admins_change_the_language(client: Client, auth: Headers) -> None:
    response = await client.get("/api/search/admin/settings", headers=auth(roles=["planner"]))
    assert response.status_code == 403
