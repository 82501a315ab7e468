"""Search figures (issue 9's Performance section), beside tantivy in the same run.

- The corpus (``search_corpus``: materials, NCRs, CAPAs, work orders, equipment, lots)
  alternates between the demo organizations acme and globex, two plants each. It is
  written through ``search.documents.repo.upsert`` (``search.upsert_documents``) as the
  runtime role ``unison_search``, batches of 2,000 documents, the organization and its
  plants set on the transaction, both organizations at once (one connection each: their
  writers never wait on each other). The bench cluster persists: a corpus already loaded
  (counted by organization, its last document checked) is kept; a larger one, or one
  written by other search migrations or another corpus version, is truncated and
  reloaded; a smaller one is completed.
- Indexing throughput: the whole load (kept with the loaded cluster, in
  ``.data/bench/search-bench.json``, with the index size measured right after it); and
  every run, the first 10,000 documents written the same way into an empty scratch
  organization, one connection (removed afterwards).
- Corpus size: 1,000,000 documents, 50,000 with ``--quick``; ``UNISON_BENCH_SEARCH_DOCS``
  overrides both (development).
- Queries: five classes (one word, several words, a typo, a part number, a prefix), each
  drawn from a random document of the corpus, sent to the search service straight
  (``GET /api/search?q=...&limit=10``, one at a time, the organization's admin token),
  after one warm-up pass; the mixed set's percentiles and each class's p95; the same
  mixed set once through the gateway. ``/suggest`` with the prefix queries unfinished and
  the several-word queries with their last word cut.
- tantivy (PyPI, the engine inside pg_search) indexes the same documents, one index per
  organization (its statistics are per organization like ours), one indexing thread;
  title and code weighted 2, body 1, extra 0.5; several words all required; typos by its
  fuzzy term query (distance 1, transposition one); part numbers also as an exact code
  key boosted far ahead (as ours ranks an exact part number first); a prefix as its 8
  most frequent completions (weight 0.9) like ours. Its latency is in process (no HTTP),
  ten hits fetched with their ids.
- overlap@10: ours and tantivy's top ten by entity id, over the non-typo queries. Ties
  make any top ten one of many: a hit of ours counts as agreeing when tantivy scores it
  at least as high as its own tenth (within 0.01 %); the strict set overlap beside it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
import tantivy

from gateway.demo import DemoOrg, demo_id
from search.documents import repo as documents
from search.documents.models import DocumentIn
from search.query.terms import code_key
from tests.bench.bus import percentile
from tests.bench.report import Figure
from tests.bench.search_corpus import CLASSES, VERSION, Corpus, Doc, Query, queries
from unison_stack.paths import ROOT
from unison_stack.supervisor import Supervisor

BATCH = 2000
SCRATCH_DOCS = 10_000
SCRATCH_ORG = demo_id("organization:search-bench-scratch")
SCOPE = "SELECT set_config('app.organization_id', $1, true), set_config('app.plant_ids', $2, true)"
OURS_PATTERN = r"^(mat|ncr|capa|wo|lot|eq)-[0-9]+$"
TABLES = ("documents", "postings", "terms", "words", "word_variants")
BOOSTS = {"title": 2.0, "body": 1.0, "extra": 0.5}
PREFIX_COMPLETIONS = 8


def _document(doc: Doc, org: DemoOrg) -> DocumentIn:
    return DocumentIn(
        entity_type=doc.entity_type,
        entity_id=doc.entity_id,
        title=doc.title,
        link=f"/{doc.entity_type}/{doc.entity_id}",
        changed_at=doc.changed_at,
        plant_id=None if doc.plant is None else org.plant_ids[doc.plant],
        code=doc.code,
        body=doc.body,
        extra=doc.extra,
        status=doc.status,
        material_group=doc.material_group,
        doc_date=doc.doc_date,
    )


# Writing our index -----------------------------------------------------------------------


async def _write(
    conn: asyncpg.Connection, org: UUID, plants: Sequence[UUID], docs: list[DocumentIn]
) -> float:
    """One batch in its own transaction, as the worker writes; returns its seconds."""
    t0 = time.perf_counter()
    async with conn.transaction():
        await conn.execute(SCOPE, str(org), ",".join(str(p) for p in plants))
        await documents.upsert(conn, docs)
    return time.perf_counter() - t0


async def _count(conn: asyncpg.Connection, org: DemoOrg) -> int:
    async with conn.transaction(readonly=True):
        await conn.execute(SCOPE, str(org.organization_id), ",".join(map(str, org.plant_ids)))
        n: int = await conn.fetchval(
            "SELECT count(*) FROM search.documents WHERE entity_id ~ $1 AND NOT deleted",
            OURS_PATTERN,
        )
    return n


async def _title_of(conn: asyncpg.Connection, org: DemoOrg, entity_id: str) -> str | None:
    async with conn.transaction(readonly=True):
        await conn.execute(SCOPE, str(org.organization_id), ",".join(map(str, org.plant_ids)))
        title: str | None = await conn.fetchval(
            "SELECT title FROM search.documents WHERE entity_id = $1", entity_id
        )
    return title


async def _truncate(owner_dsn: str) -> None:
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(
            "TRUNCATE search.documents, search.postings, search.terms, search.words,"
            " search.word_variants, search.settings"
        )
    finally:
        await conn.close()


async def _load_org(role_dsn: str, org: DemoOrg, docs: list[Doc]) -> float:
    conn = await asyncpg.connect(role_dsn)
    busy = 0.0
    try:
        for start in range(0, len(docs), BATCH):
            batch = [_document(d, org) for d in docs[start : start + BATCH]]
            busy += await _write(conn, org.organization_id, org.plant_ids, batch)
    finally:
        await conn.close()
    return busy


@dataclass
class Loaded:
    corpus: int
    written: int = 0
    seconds: float = 0.0
    note: str = ""


def migrations_fingerprint() -> str:
    """The search schema's migrations: an index written by other ones is reloaded."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "db" / "search").glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


async def _ensure_loaded(
    owner_dsn: str,
    role_dsn: str,
    orgs: tuple[DemoOrg, DemoOrg],
    docs: list[Doc],
    same_schema: bool,
) -> Loaded:
    """The corpus ``docs`` in our index, loading what is missing; all of it when the
    index was written by other migrations (``same_schema`` false)."""
    conn = await asyncpg.connect(role_dsn)
    try:
        counts = [await _count(conn, o) for o in orgs]
        by_org = [[d for d in docs if d.org == i] for i in (0, 1)]
        fits = same_schema and all(c <= len(b) for c, b in zip(counts, by_org, strict=True))
        for i, org in enumerate(orgs):
            if fits and counts[i]:
                last = by_org[i][counts[i] - 1]
                if await _title_of(conn, org, last.entity_id) != last.title:
                    fits = False
    finally:
        await conn.close()
    note = ""
    if not fits:
        await _truncate(owner_dsn)
        note = f"index of {sum(counts):,} other documents truncated; "
        counts = [0, 0]
    missing = [b[c:] for b, c in zip(by_org, counts, strict=True)]
    written = sum(len(m) for m in missing)
    if not written:
        return Loaded(len(docs), note=f"corpus already loaded ({len(docs):,} documents)")
    t0 = time.perf_counter()
    await asyncio.gather(
        *(_load_org(role_dsn, org, m) for org, m in zip(orgs, missing, strict=True) if m)
    )
    seconds = time.perf_counter() - t0
    conn = await asyncpg.connect(owner_dsn)
    try:
        await conn.execute(
            "VACUUM ANALYZE search.documents, search.postings, search.terms,"
            " search.words, search.word_variants"
        )
    finally:
        await conn.close()
    return Loaded(
        len(docs),
        written,
        seconds,
        note + f"{written:,} documents loaded in {seconds:.0f} s, both organizations at once",
    )


async def _scratch_throughput(
    owner_dsn: str, role_dsn: str, docs: list[Doc]
) -> tuple[float, list[float]]:
    """Documents per second into an empty organization, one connection, batches of 2,000."""
    plants = [demo_id("plant:search-bench-scratch:1"), demo_id("plant:search-bench-scratch:2")]
    org = DemoOrg(slug="scratch", organization_id=SCRATCH_ORG, plant_ids=tuple(plants))
    await _drop_scratch(owner_dsn, plants)
    conn = await asyncpg.connect(role_dsn)
    seconds: list[float] = []
    try:
        for start in range(0, len(docs), BATCH):
            batch = [_document(d, org) for d in docs[start : start + BATCH]]
            seconds.append(await _write(conn, SCRATCH_ORG, plants, batch))
    finally:
        await conn.close()
        await _drop_scratch(owner_dsn, plants)
    return len(docs) / sum(seconds), seconds


async def _drop_scratch(owner_dsn: str, plants: list[UUID]) -> None:
    owner = await asyncpg.connect(owner_dsn)
    try:
        async with owner.transaction():
            await owner.execute(SCOPE, str(SCRATCH_ORG), ",".join(map(str, plants)))
            for table in (*TABLES, "settings"):
                await owner.execute(f"DELETE FROM search.{table}")
    finally:
        await owner.close()


async def _sizes(owner_dsn: str) -> dict[str, float]:
    conn = await asyncpg.connect(owner_dsn)
    try:
        return {
            t: await conn.fetchval(f"SELECT pg_total_relation_size('search.{t}')") / 2**20
            for t in TABLES
        }
    finally:
        await conn.close()


# tantivy ---------------------------------------------------------------------------------


@dataclass
class Reference:
    schema: Any
    indexes: list[Any]
    searchers: list[Any]
    seconds: float
    size_mb: float


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("entity_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("code_key", tokenizer_name="raw", index_option="basic")
    for name in BOOSTS:
        builder.add_text_field(name, tokenizer_name="en_stem")
    # Unstemmed words: where a prefix finds its completions (ours: search.words).
    builder.add_text_field("words", tokenizer_name="default", index_option="basic")
    return builder.build()


def _tantivy_index(docs: list[Doc], base: Path) -> Reference:
    schema = _schema()
    indexes = []
    seconds = 0.0
    for org in (0, 1):
        path = base / f"org{org}"
        path.mkdir(parents=True)
        index = tantivy.Index(schema, path=str(path))
        mine = [d for d in docs if d.org == org]
        t0 = time.perf_counter()
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        for d in mine:
            title = f"{d.title} {d.code}"
            writer.add_document(
                tantivy.Document(
                    entity_id=d.entity_id,
                    code_key=code_key(d.code),
                    title=title,
                    body=d.body,
                    extra=d.extra,
                    words=f"{title} {d.body} {d.extra}",
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        seconds += time.perf_counter() - t0
        index.reload()
        indexes.append(index)
    size = sum(f.stat().st_size for f in base.rglob("*") if f.is_file()) / 2**20
    return Reference(schema, indexes, [i.searcher() for i in indexes], seconds, size)


def _tantivy_query(ref: Reference, q: Query) -> Any:
    index, searcher = ref.indexes[q.org], ref.searchers[q.org]
    fields = list(BOOSTS)
    if q.cls == "typo":
        return index.parse_query(
            q.text,
            fields,
            field_boosts=BOOSTS,
            fuzzy_fields={f: (False, 1, True) for f in fields},
            conjunction_by_default=True,
        )
    if q.cls == "prefix":
        prefix = q.words[0].lower()
        found = searcher.terms_with_prefix("words", prefix, limit=PREFIX_COMPLETIONS)
        text = " ".join(
            [prefix] * any(t == prefix for t, _ in found)
            + [f"{t}^0.9" for t, _ in found if t != prefix]
        )
        return index.parse_query(text or prefix, fields, field_boosts=BOOSTS)
    text_query = index.parse_query(
        q.text.replace("-", " ") if q.cls == "part_number" else q.text,
        fields,
        field_boosts=BOOSTS,
        conjunction_by_default=True,
    )
    if q.cls != "part_number":
        return text_query
    exact = tantivy.Query.boost_query(
        tantivy.Query.term_query(ref.schema, "code_key", code_key(q.text)), 1000.0
    )
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, text_query), (tantivy.Occur.Should, exact)]
    )


def _tantivy_search(ref: Reference, q: Query, limit: int) -> list[tuple[float, str]]:
    searcher = ref.searchers[q.org]
    hits = searcher.search(_tantivy_query(ref, q), limit, count=False).hits
    return [(score, searcher.doc(addr)["entity_id"][0]) for score, addr in hits]


# Measuring --------------------------------------------------------------------------------


@dataclass
class Timings:
    by_class: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def all(self) -> list[float]:
        return [t for ts in self.by_class.values() for t in ts]


async def _token(client: httpx.AsyncClient, slug: str) -> str:
    response = await client.post(
        "/auth/token",
        data={
            "grant_type": "password",
            "username": f"admin@{slug}.test",
            "password": "unison-demo",
        },
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


async def _ours(
    client: httpx.AsyncClient, headers: list[dict[str, str]], q: Query, path: str, text: str
) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    response = await client.get(path, params={"q": text, "limit": "10"}, headers=headers[q.org])
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}?q={text}: {response.status_code} {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return elapsed, body


def _overlap(ours: list[str], theirs: list[tuple[float, str]]) -> tuple[float, float] | None:
    """(tie-aware, strict) agreement of our top ten with tantivy's; None when neither
    found anything."""
    top = [e for _, e in theirs[:10]]
    size = min(10, max(len(ours), len(top)))
    if not size:
        return None
    strict = len(set(ours) & set(top)) / size
    if len(theirs) < 10:
        return strict, strict
    tenth = theirs[9][0]
    tied = {e for s, e in theirs if s >= tenth * (1 - 1e-4)}
    return min(1.0, len(set(ours) & tied) / size), strict


async def _measure(
    search_url: str,
    gateway: str,
    qs: list[Query],
    ref: Reference,
    passes: int,
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as gw:
        tokens = [await _token(gw, slug) for slug in ("acme", "globex")]
        headers = [{"Authorization": f"Bearer {t}"} for t in tokens]
        async with httpx.AsyncClient(base_url=search_url, timeout=60) as direct:
            ours_top: dict[int, list[str]] = {}
            empty = 0
            for i, q in enumerate(qs):  # warm-up, and our top tens
                _, body = await _ours(direct, headers, q, "/api/search", q.text)
                ours_top[i] = [h["entity_id"] for h in body["items"]]
                empty += not body["items"]
            ours = Timings()
            for _ in range(passes):
                for q in qs:
                    elapsed, _ = await _ours(direct, headers, q, "/api/search", q.text)
                    ours.by_class[q.cls].append(elapsed)
            suggest_texts = [(q, q.suggest) for q in qs if q.cls == "prefix"] + [
                (q, q.suggest[: len(q.suggest) - len(q.words[-1]) // 2])
                for q in qs
                if q.cls == "several"
            ]
            for q, text in suggest_texts:  # warm-up
                await _ours(direct, headers, q, "/api/search/suggest", text)
            suggest: list[float] = []
            for _ in range(passes):
                for q, text in suggest_texts:
                    elapsed, _ = await _ours(direct, headers, q, "/api/search/suggest", text)
                    suggest.append(elapsed)
        via_gateway: list[float] = []
        for q in qs:
            elapsed, _ = await _ours(gw, headers, q, "/api/search", q.text)
            via_gateway.append(elapsed)
    theirs = Timings()
    agreement: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for i, q in enumerate(qs):
        found = _tantivy_search(ref, q, 1000)
        if q.cls != "typo" and (o := _overlap(ours_top[i], found)) is not None:
            agreement[q.cls].append(o)
    for _ in range(passes):
        for q in qs:
            t0 = time.perf_counter()
            _tantivy_search(ref, q, 10)
            theirs.by_class[q.cls].append((time.perf_counter() - t0) * 1000)
    return {
        "ours": ours,
        "theirs": theirs,
        "suggest": suggest,
        "gateway": via_gateway,
        "agreement": agreement,
        "empty": empty,
    }


def _figures(
    measured: dict[str, Any],
    loaded: Loaded,
    scratch: tuple[float, list[float], int],
    ref: Reference,
    sizes: dict[str, float],
    per_class: int,
    passes: int,
) -> list[Figure]:
    ours: Timings = measured["ours"]
    theirs: Timings = measured["theirs"]
    n = loaded.corpus
    mixed, ref_mixed = ours.all(), theirs.all()
    figures = [
        Figure(
            f"search.query_p{p}",
            round(percentile(mixed, p), 2),
            "ms",
            "lower",
            "tantivy in process",
            round(percentile(ref_mixed, p), 3),
            note=(
                f"{n:,} documents (two organizations); {per_class} queries x"
                f" {len(CLASSES)} classes, {passes} timed pass(es) after a warm-up, one at a"
                " time, GET /api/search?limit=10 straight to the search service (HTTP, JSON,"
                " facets, highlights); tantivy: in process, no HTTP, 10 hits with their ids;"
                f" {measured['empty']} of our queries found nothing"
            )
            if p == 50
            else "",
        )
        for p in (50, 95, 99)
    ]
    figures += [
        Figure(
            f"search.query_{cls}_p95",
            round(percentile(ours.by_class[cls], 95), 2),
            "ms",
            "lower",
            "tantivy in process",
            round(percentile(theirs.by_class[cls], 95), 3),
        )
        for cls in CLASSES
    ]
    figures.append(
        Figure(
            "search.query_gateway_p95",
            round(percentile(measured["gateway"], 95), 2),
            "ms",
            "lower",
            "straight to the service",
            round(percentile(mixed, 95), 2),
            note="the mixed set once through the gateway (JWT, Casbin, proxy hop)",
        )
    )
    figures.append(
        Figure(
            "search.suggest_p99",
            round(percentile(measured["suggest"], 99), 2),
            "ms",
            "lower",
            note=f"GET /api/search/suggest, {len(measured['suggest'])} calls: prefixes"
            " unfinished, several words with the last one cut; target < 30 ms",
        )
    )
    scratch_rate, scratch_seconds, scratch_docs = scratch
    ref_rate = round(2 * (n // 2) / ref.seconds) if ref.seconds else None
    ref_note = f"tantivy: the whole corpus ({n:,}) in {ref.seconds:.1f} s, one thread, committed"
    if loaded.written:
        figures.append(
            Figure(
                "search.index_throughput",
                round(loaded.written / loaded.seconds),
                "docs/s",
                "higher",
                "tantivy, 1 thread",
                ref_rate,
                note=f"{loaded.note}; through search.upsert_documents as unison_search,"
                f" batches of 2,000, one connection per organization; {ref_note}",
            )
        )
    figures.append(
        Figure(
            "search.index_throughput_empty_org",
            round(scratch_rate),
            "docs/s",
            "higher",
            "tantivy, 1 thread",
            ref_rate,
            note=f"first {scratch_docs:,} documents into an empty organization through"
            " search.upsert_documents as unison_search, batches of 2,000, one connection;"
            f" batch p50 {percentile(scratch_seconds, 50):.2f} s,"
            f" max {max(scratch_seconds):.2f} s",
        )
    )
    total = sum(sizes.values())
    figures.append(
        Figure(
            "search.index_size_mb",
            round(total, 1),
            "MiB",
            "lower",
            "tantivy on disk",
            round(ref.size_mb, 1),
            note=", ".join(f"{t} {s:.0f}" for t, s in sizes.items())
            + f" MiB (with indexes), two organizations of {n // 2:,} documents",
        )
    )
    agreement: dict[str, list[tuple[float, float]]] = measured["agreement"]
    every = [a for values in agreement.values() for a in values]
    if every:
        figures.append(
            Figure(
                "search.overlap_at_10",
                round(sum(a for a, _ in every) / len(every), 3),
                "share",
                "higher",
                note="ours vs tantivy top 10 by entity id, non-typo queries, ties at"
                " tantivy's tenth score counted as agreeing; strict set overlap"
                f" {sum(s for _, s in every) / len(every):.3f}; by class: "
                + ", ".join(
                    f"{cls} {sum(a for a, _ in v) / len(v):.2f}/{sum(s for _, s in v) / len(v):.2f}"
                    for cls, v in agreement.items()
                )
                + "; target >= 0.7",
            )
        )
        figures += [
            Figure(
                f"search.overlap_at_10_{cls}",
                round(sum(a for a, _ in v) / len(v), 3),
                "share",
                "higher",
            )
            for cls, v in agreement.items()
        ]
    return figures


def corpus_size(quick: bool) -> int:
    wanted = os.environ.get("UNISON_BENCH_SEARCH_DOCS")
    return int(wanted) if wanted else (50_000 if quick else 1_000_000)


async def _prepare(
    supervisor: Supervisor, orgs: tuple[DemoOrg, DemoOrg], docs: list[Doc]
) -> tuple[Loaded, tuple[float, list[float], int], dict[str, float]]:
    """Our index loaded; its size and load rate (from the run that loaded it, kept beside
    the bench cluster: the scratch organization written after it would count too); the
    scratch organization's indexing rate, every run."""
    stack = supervisor.stack
    role_dsn = stack.role_dsn("unison_search")
    state_file = stack.paths.base / "search-bench.json"
    kept = msgspec.json.decode(state_file.read_bytes()) if state_file.exists() else {}
    schema = migrations_fingerprint()
    same = kept.get("schema") == schema and kept.get("version") == VERSION
    loaded = await _ensure_loaded(stack.owner_dsn, role_dsn, orgs, docs, same)
    if loaded.written:
        sizes = await _sizes(stack.owner_dsn)
        state = {
            "corpus": loaded.corpus,
            "version": VERSION,
            "schema": schema,
            "written": loaded.written,
            "seconds": loaded.seconds,
            "note": loaded.note,
            "sizes": sizes,
        }
        state_file.write_bytes(msgspec.json.encode(state))
    else:
        if kept.get("corpus") == loaded.corpus and same:
            sizes = kept["sizes"]
            loaded = Loaded(
                loaded.corpus,
                kept["written"],
                kept["seconds"],
                f"kept from the run that loaded it: {kept['note']}",
            )
        else:
            sizes = await _sizes(stack.owner_dsn)
    sample = docs[:SCRATCH_DOCS]
    rate, seconds = await _scratch_throughput(stack.owner_dsn, role_dsn, sample)
    return loaded, (rate, seconds, len(sample)), sizes


def run(supervisor: Supervisor, orgs: list[DemoOrg], *, quick: bool) -> list[Figure]:
    n = corpus_size(quick)
    by_slug = {o.slug: o for o in orgs}
    pair = (by_slug["acme"], by_slug["globex"])
    docs = Corpus().take(n)
    loaded, scratch, sizes = asyncio.run(_prepare(supervisor, pair, docs))
    base = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        ref = _tantivy_index(docs, base)
        per_class, passes = (20, 1) if quick else (50, 2)
        qs = queries(docs, per_class)
        spec = next(s for s in supervisor.specs if s.name == "search")
        measured = asyncio.run(
            _measure(
                f"http://127.0.0.1:{spec.port}",
                f"http://127.0.0.1:{supervisor.stack.ports.gateway}",
                qs,
                ref,
                passes,
            )
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return _figures(measured, loaded, scratch, ref, sizes, per_class, passes)
