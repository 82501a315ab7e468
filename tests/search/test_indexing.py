"""Writing the index: documents, postings, term statistics and the vocabulary stay exact
through inserts, changes, late events, deletions and tombstones."""

from __future__ import annotations

from datetime import timedelta

from tests.search.library import Library


async def test_a_document_is_indexed_with_its_statistics(library: Library) -> None:
    doc = library.doc(
        "Steel ball bearing 6204-2RS", code="BRG-6204-2RS", body="deep groove, sealed"
    )
    assert await library.add(doc) == 1
    (row,) = await library.fetch(
        "SELECT code_key, code_key_rev, title_length, body_length, deleted FROM search.documents"
    )
    assert row["code_key"] == "BRG62042RS"
    assert row["code_key_rev"] == "SR24026GRB"
    assert row["body_length"] == 3  # deep, groove, sealed
    assert not row["deleted"]
    totals = await library.totals()
    assert totals["doc_count"] == 1
    assert totals["language"] == "english"
    assert await library.df("bear") == 1  # stemmed
    assert await library.df("steel") == 1
    words = {
        r["word"]: r["term"] for r in await library.fetch("SELECT word, term FROM search.words")
    }
    assert words["bearing"] == "bear"
    variants = await library.fetch("SELECT word FROM search.word_variants WHERE variant = 'bearng'")
    assert [r["word"] for r in variants] == ["bearing"]


async def test_a_change_replaces_and_an_older_one_is_ignored(library: Library) -> None:
    doc = library.doc("Steel shaft", body="hardened")
    await library.add(doc)
    newer = library.doc("Brass shaft", entity_id=doc.entity_id, changed_at=library.tick())
    assert await library.add(newer) == 1
    # The first version again (a replayed event): older than what is indexed, ignored.
    assert await library.add(doc) == 0
    (row,) = await library.fetch("SELECT title FROM search.documents")
    assert row["title"] == "Brass shaft"
    assert await library.df("steel") == 0
    assert await library.df("brass") == 1
    assert await library.df("shaft") == 1
    postings = await library.fetch("SELECT term FROM search.postings ORDER BY term")
    assert [r["term"] for r in postings] == ["brass", "shaft"]
    assert (await library.totals())["doc_count"] == 1


async def test_a_deletion_leaves_a_tombstone_that_late_upserts_respect(library: Library) -> None:
    doc = library.doc("Hydraulic pump")
    await library.add(doc)
    assert await library.remove(doc) == 1
    assert await library.fetch("SELECT term FROM search.postings") == []
    assert await library.df("pump") == 0
    assert (await library.totals())["doc_count"] == 0
    # An upsert older than the deletion does not bring it back; a newer one does.
    assert await library.add(doc) == 0
    back = library.doc("Hydraulic pump", entity_id=doc.entity_id, changed_at=library.tick())
    assert await library.add(back) == 1
    assert await library.df("pump") == 1


async def test_a_deletion_before_its_creation_wins(library: Library) -> None:
    doc = library.doc("Coolant hose")
    assert await library.remove(doc, changed_at=doc.changed_at + timedelta(seconds=5)) == 1
    assert await library.add(doc) == 0
    assert await library.df("hose") == 0


async def test_a_batch_keeps_the_newest_of_each_document(library: Library) -> None:
    first = library.doc("Gear wheel")
    second = library.doc("Gear rack", entity_id=first.entity_id, changed_at=library.tick())
    other = library.doc("Gear pump")
    assert await library.add(second, first, other) == 2
    assert await library.df("gear") == 2
    assert await library.df("wheel") == 0
    assert (await library.totals())["doc_count"] == 2
