"""Search and suggestions: what was typed becomes groups of terms (a word, its typo
corrections or completions), candidates come from the rarest group's best postings,
BM25 ranks them, an exact part number ranks first, recency breaks ties.

Why bounded candidates: a common word ("bearing" in a fifth of a million documents) would
otherwise rank every match; its best ``BOUND`` postings by BM25 impact are the ones that
can reach the first pages. The total is then a count of those (``total_exact`` false).
"""

from __future__ import annotations

import base64
import binascii
import html
import math
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import asyncpg
import msgspec

from search.query import repo
from search.query.models import (
    Correction,
    FacetValue,
    Hit,
    SearchResult,
    Suggestion,
    Suggestions,
)
from search.query.parse import Parsed, parse
from search.query.repo import Candidate, Filters, Plan
from search.query.typos import MIN_TYPO_LENGTH, deletions, distance
from unison_pg import Database
from unison_web import Invalid
from unison_web.caller import Caller

BOUND = 2000  # candidates per driver term
SUGGEST_BOUND = 300
MIN_PER_TERM = 100
EXACT_LIMIT = 5_000  # the rarest word's documents up to which several words match exactly
TYPO_PENALTY = 0.8  # a corrected word counts for less than one typed right
PREFIX_PENALTY = 0.9  # a completion for less than the word itself
MAX_CORRECTIONS = 3
MAX_COMPLETIONS = 8
NEAR_CODES = 50
FACETS = ("entity_type", "status", "plant_id", "material_group")
FACET_VALUES = 20


@dataclass(slots=True)
class Group:
    """One word of the query: the terms that satisfy it, each with its weight factor."""

    word: str
    terms: dict[str, float] = field(default_factory=dict)
    folded: str | None = None  # the word as the vocabulary has it, when it is one word
    corrected: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    groups: list[Group]
    df: dict[str, int]
    docs: int
    code_ranks: dict[int, int]  # doc -> 2 exact code, 1 one character off

    @property
    def terms(self) -> list[str]:
        return sorted({t for g in self.groups for t in g.terms})


def code_key(text: str) -> str:
    """As ``search.code_key`` in SQL: accents dropped, capitals, letters and digits only."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c)).upper()


def _idf(df: int, docs: int) -> float:
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def _plain_terms(analyzed: repo.Analyzed) -> list[str]:
    """A hyphenated word stems to itself and its parts; documents that write the parts
    apart have only the parts, so the query asks for those."""
    parts = [t for t in analyzed.terms if "-" not in t]
    return parts if parts and len(parts) < len(analyzed.terms) else analyzed.terms


async def _prepare(conn: asyncpg.Connection, parsed: Parsed, *, completions: int) -> Prepared:
    positive = [
        (w, c.prefix and i == len(c.words) - 1)
        for c in parsed.positive
        for i, w in enumerate(c.words)
    ]
    analyzed, docs = await repo.analyze(conn, [w for w, _ in positive])
    groups: list[Group] = []
    for (word, prefix), found in zip(positive, analyzed, strict=True):
        if prefix and found.words:
            group = Group(word=word, terms={t: 1.0 for t in found.terms})
            for near in await repo.completions(conn, max(found.words, key=len), completions):
                group.terms.setdefault(near.term, PREFIX_PENALTY)
                group.completed.append(near.word)
            groups.append(group)
            continue
        terms = _plain_terms(found)
        folded = found.words[0] if len(found.words) == 1 and len(terms) == 1 else None
        groups.extend(Group(word=word, terms={t: 1.0}, folded=folded) for t in terms)
    df = await repo.frequencies(conn, sorted({t for g in groups for t in g.terms}))
    for group in groups:
        if group.completed or any(df.get(t) for t in group.terms):
            continue
        await _correct(conn, group, df)
    return Prepared(groups, df, docs, await _code_matches(conn, parsed))


async def _correct(conn: asyncpg.Connection, group: Group, df: dict[str, int]) -> None:
    """A word the index does not have: the vocabulary words one edit away, the most
    frequent first, stand in for it."""
    folded = group.folded
    if folded is None or len(folded) < MIN_TYPO_LENGTH or folded.isdigit():
        return
    near = [
        w
        for w in await repo.near_words(conn, deletions(folded))
        if distance(folded, w.word, 1) <= 1
    ]
    near.sort(key=lambda w: (-w.df, w.word))
    for word in near[:MAX_CORRECTIONS]:
        if word.term not in group.terms:
            group.terms[word.term] = TYPO_PENALTY
            df[word.term] = word.df
            group.corrected.append(word.word)


async def _code_matches(conn: asyncpg.Connection, parsed: Parsed) -> dict[int, int]:
    """Documents whose part number is what was typed (separators aside), or one
    character off when none is exact."""
    words = [w for c in parsed.positive for w in c.words]
    whole = code_key("".join(words))
    keys = {whole} | {code_key(w) for w in words if any(ch.isdigit() for ch in w)}
    keys = {k for k in keys if len(k) >= 3}
    exact = await repo.codes(conn, sorted(keys))
    if exact:
        return dict.fromkeys((d for d, _ in exact), 2)
    if len(whole) < 5 or not any(ch.isdigit() for ch in whole):
        return {}
    half = len(whole) // 2
    found = await repo.codes_near(conn, whole[:half], whole[half:][::-1], NEAR_CODES)
    return {d: 1 for d, key in found if distance(whole, key, 1) <= 1}


def _plan(
    prepared: Prepared, parsed: Parsed, *, bound: int, relaxed: bool, exact: bool = True
) -> tuple[Plan, bool]:
    """The statement's inputs, and whether its candidates are every match."""
    groups = [g for g in prepared.groups if g.terms]
    terms: list[str] = []
    indexes: list[int] = []
    weights: list[float] = []
    for i, group in enumerate(groups):
        for term, factor in group.terms.items():
            terms.append(term)
            indexes.append(i)
            weights.append(_idf(prepared.df.get(term, 0), prepared.docs) * factor)

    def frequency(g: Group) -> int:
        return sum(prepared.df.get(t, 0) for t in g.terms)

    driver_group, driver_weight = -1, 0.0
    if relaxed:
        driver = [t for t in terms if prepared.df.get(t)]
    else:
        rarest = min(groups, key=frequency) if groups else None
        driver = [t for t in rarest.terms if prepared.df.get(t)] if rarest else []
        if rarest is not None and len(rarest.terms) == 1 and driver:
            driver_group = groups.index(rarest)
            driver_weight = next(
                w
                for t, g, w in zip(terms, indexes, weights, strict=True)
                if g == driver_group and t == driver[0]
            )
    # The bound is shared by the driving group's alternatives (a prefix's completions, a
    # typo's corrections), so a query reads about ``bound`` candidates whatever it is.
    per_term = max(MIN_PER_TERM, bound // max(1, len(driver)))
    # Several words whose rarest is rare enough: all of its documents are candidates, so
    # no match is missed for being outside the best ``bound`` of the rarest word (the 1M
    # benchmark: 67 of 450 matches otherwise). Probed like the others (a set join with a
    # common word's whole posting list was slower: 400k postings read for 13k candidates).
    rare = sum(prepared.df.get(t, 0) for t in driver)
    if exact and not relaxed and len(groups) > 1 and per_term < rare <= EXACT_LIMIT:
        per_term = EXACT_LIMIT
    complete = all(prepared.df.get(t, 0) <= per_term for t in driver)
    phrases = [" ".join(c.words) for c in parsed.positive if c.phrase]
    excluded = [" ".join(c.words) for c in parsed.negative]
    plan = Plan(
        driver=driver,
        bound=per_term,
        terms=terms,
        groups=indexes,
        weights=weights,
        code_docs=sorted(prepared.code_ranks),
        min_groups=1 if relaxed else len(groups),
        phrases=phrases,
        excluded=excluded,
        driver_group=driver_group,
        driver_weight=driver_weight,
    )
    return plan, complete


def _sort_key(ranks: dict[int, int]) -> Callable[[Candidate], tuple[int, float, float, int]]:
    def key(c: Candidate) -> tuple[int, float, float, int]:
        return (-ranks.get(c.doc_id, 0), -c.score, -c.changed_at.timestamp(), c.doc_id)

    return key


class _Cursor(msgspec.Struct, array_like=True):
    rank: int
    score: float
    changed: float
    doc_id: int


def _encode_cursor(key: tuple[int, float, float, int]) -> str:
    raw = msgspec.json.encode(_Cursor(-key[0], -key[1], -key[2], key[3]))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, float, float, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        c = msgspec.json.decode(raw, type=_Cursor)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise Invalid("cursor is not one this service gave out", "/cursor") from None
    return (-c.rank, -c.score, -c.changed, c.doc_id)


def _marked_html(marked: str | None, plain: str) -> str:
    text = marked if marked is not None else plain
    return html.escape(text).replace("\x02", "<mark>").replace("\x03", "</mark>")


def _tsquery(terms: list[str]) -> str | None:
    quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms]
    return " | ".join(quoted) or None


def _facets(candidates: list[Candidate]) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counts = Counter(None if (v := getattr(c, name)) is None else str(v) for c in candidates)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))
        out[name] = [FacetValue(value=v, count=n) for v, n in ordered[:FACET_VALUES]]
    return out


async def _hits(conn: asyncpg.Connection, plan: Plan, filters: Filters) -> list[Candidate]:
    """The plan's candidates that pass the filters, phrases and exclusions."""
    found = await repo.hits(conn, plan, filters)
    if found and (plan.phrases or plan.excluded):
        kept = await repo.phrases(conn, [c.doc_id for c in found], plan.phrases, plan.excluded)
        found = [c for c in found if c.doc_id in kept]
    return found


async def _matches(
    conn: asyncpg.Connection,
    parsed: Parsed,
    filters: Filters,
    *,
    bound: int,
    completions: int,
    exact: bool,
) -> tuple[Prepared, list[Candidate], bool, bool]:
    """The matches, whether they are all of them, and whether the query was relaxed (no
    document has every word: those with some of them, best first)."""
    prepared = await _prepare(conn, parsed, completions=completions)
    if not prepared.groups and not prepared.code_ranks:
        return prepared, [], True, False
    plan, complete = _plan(prepared, parsed, bound=bound, relaxed=False, exact=exact)
    if any(not any(prepared.df.get(t) for t in g.terms) for g in prepared.groups):
        plan = replace(plan, driver=[])  # a word matches nothing: only code matches remain
    found = await _hits(conn, plan, filters)
    if found or len(prepared.groups) < 2:
        return prepared, found, complete, False
    plan, complete = _plan(prepared, parsed, bound=bound, relaxed=True)
    return prepared, await _hits(conn, plan, filters), complete, True


async def search(
    db: Database,
    caller: Caller,
    q: str,
    filters: Filters,
    limit: int,
    cursor: str | None,
) -> SearchResult:
    parsed = parse(q)
    for plant in filters.plants or ():
        caller.check_plant(plant)
    after = _decode_cursor(cursor) if cursor else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        prepared, found, complete, relaxed = await _matches(
            conn, parsed, filters, bound=BOUND, completions=MAX_COMPLETIONS, exact=True
        )
        key = _sort_key(prepared.code_ranks)
        found.sort(key=key)
        rest = [c for c in found if after is None or key(c) > after]
        chosen = rest[:limit]
        rows = await repo.page(conn, [c.doc_id for c in chosen], _tsquery(prepared.terms))
    items = [_hit(rows[c.doc_id], c, prepared.code_ranks) for c in chosen if c.doc_id in rows]
    corrections = [
        Correction(word=g.word, used=g.corrected) for g in prepared.groups if g.corrected
    ]
    return SearchResult(
        items=items,
        total=len(found),
        total_exact=complete,
        relaxed=relaxed,
        facets=_facets(found),
        corrections=corrections,
        next_cursor=_encode_cursor(key(chosen[-1])) if len(rest) > limit else None,
    )


def _hit(row: asyncpg.Record, c: Candidate, ranks: dict[int, int]) -> Hit:
    rank = ranks.get(c.doc_id, 0)
    return Hit(
        entity_type=row["entity_type"],
        entity_id=row["entity_id"],
        title=row["title"],
        title_html=_marked_html(row["title_marked"], row["title"]),
        snippet_html=_marked_html(row["snippet_marked"], ""),
        link=row["link"],
        plant_id=row["plant_id"],
        code=row["code"],
        status=row["status"],
        material_group=row["material_group"],
        doc_date=row["doc_date"],
        changed_at=row["changed_at"],
        score=round(c.score, 6),
        code_match={2: "exact", 1: "near"}.get(rank),
    )


async def suggest(
    db: Database, caller: Caller, q: str, types: list[str] | None, limit: int
) -> Suggestions:
    """As-you-type: the last word completed, the best few documents."""
    parsed = parse(q, complete_last=True)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        prepared, found, _, _ = await _matches(
            conn,
            parsed,
            Filters(types=types),
            bound=SUGGEST_BOUND,
            completions=MAX_COMPLETIONS,
            exact=False,  # as-you-type: the best few, fast
        )
        found.sort(key=_sort_key(prepared.code_ranks))
        chosen = found[:limit]
        rows = await repo.page(conn, [c.doc_id for c in chosen], _tsquery(prepared.terms))
    completed = [w for g in prepared.groups for w in g.completed]
    return Suggestions(
        completions=completed[:MAX_COMPLETIONS],
        items=[
            Suggestion(
                entity_type=r["entity_type"],
                entity_id=r["entity_id"],
                title=r["title"],
                title_html=_marked_html(r["title_marked"], r["title"]),
                code=r["code"],
                link=r["link"],
            )
            for c in chosen
            if (r := rows.get(c.doc_id)) is not None
        ],
    )
