"""Search and suggestions: what was typed becomes groups of terms (a word, its typo
corrections or completions), candidates come from the rarest group's best postings,
BM25 ranks them, an exact part number ranks first, recency breaks ties.

Why bounded candidates: a common word ("bearing" in a fifth of a million documents) would
otherwise rank every match; its best ``BOUND`` postings by BM25 impact are the ones that
can reach the first pages. The total is then a count of those (``total_exact`` false).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import asyncpg

from search.query import present, repo
from search.query.models import (
    Correction,
    SearchResult,
    Suggestion,
    Suggestions,
)
from search.query.parse import Parsed, parse
from search.query.repo import Candidate, Filters, Plan
from search.query.terms import MAX_COMPLETIONS, Group, Prepared, idf, prepare
from unison_pg import Database
from unison_web.caller import Caller

BOUND = 2000  # candidates per driver term
SUGGEST_BOUND = 300
MIN_PER_TERM = 100
EXACT_LIMIT = 5_000  # the rarest word's documents up to which several words match exactly


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
            weights.append(idf(prepared.df.get(term, 0), prepared.docs) * factor)

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
    prepared = await prepare(conn, parsed, completions=completions)
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
    after = present.decode_cursor(cursor) if cursor else None
    async with db.transaction(caller.tenant, readonly=True) as conn:
        prepared, found, complete, relaxed = await _matches(
            conn, parsed, filters, bound=BOUND, completions=MAX_COMPLETIONS, exact=True
        )
        key = _sort_key(prepared.code_ranks)
        found.sort(key=key)
        rest = [c for c in found if after is None or key(c) > after]
        chosen = rest[:limit]
        rows = await repo.page(conn, [c.doc_id for c in chosen], present.tsquery(prepared.terms))
    items = [
        present.hit(rows[c.doc_id], c, prepared.code_ranks) for c in chosen if c.doc_id in rows
    ]
    corrections = [
        Correction(word=g.word, used=g.corrected) for g in prepared.groups if g.corrected
    ]
    return SearchResult(
        items=items,
        total=len(found),
        total_exact=complete,
        relaxed=relaxed,
        facets=present.facets(found),
        corrections=corrections,
        next_cursor=present.encode_cursor(key(chosen[-1])) if len(rest) > limit else None,
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
        rows = await repo.page(conn, [c.doc_id for c in chosen], present.tsquery(prepared.terms))
    completed = [w for g in prepared.groups for w in g.completed]
    return Suggestions(
        completions=completed[:MAX_COMPLETIONS],
        items=[
            Suggestion(
                entity_type=r["entity_type"],
                entity_id=r["entity_id"],
                title=r["title"],
                title_html=present.marked_html(r["title_marked"], r["title"]),
                code=r["code"],
                link=r["link"],
            )
            for c in chosen
            if (r := rows.get(c.doc_id)) is not None
        ],
    )
