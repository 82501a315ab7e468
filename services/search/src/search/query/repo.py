"""Typed functions for ``queries.sql``. The caller owns the (read-only) transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import asyncpg

from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("queries.sql"))


@dataclass(frozen=True, slots=True)
class Analyzed:
    words: list[str]  # folded surface forms
    terms: list[str]  # stems in the organization's language


@dataclass(frozen=True, slots=True)
class Word:
    word: str
    term: str
    df: int


@dataclass(frozen=True, slots=True)
class Candidate:
    doc_id: int
    score: float
    entity_type: str
    status: str | None
    plant_id: UUID | None
    material_group: str | None
    changed_at: datetime
    code_key: str | None


@dataclass(frozen=True, slots=True)
class Filters:
    types: list[str] | None = None
    statuses: list[str] | None = None
    plants: list[UUID] | None = None
    material_groups: list[str] | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``hits`` runs: driver terms and bound, weighted terms by group, code matches,
    how many groups must match, and the phrase conditions."""

    driver: list[str]
    bound: int
    terms: list[str]
    groups: list[int]
    weights: list[float]
    code_docs: list[int]
    min_groups: int
    phrases: list[str]
    excluded: list[str]
    driver_group: int = -1  # the driving group when it is one term: scored from its scan
    driver_weight: float = 0.0


async def analyze(conn: asyncpg.Connection, words: Sequence[str]) -> tuple[list[Analyzed], int]:
    rows = await conn.fetch(Q.analyze, list(words))
    docs = int(rows[0]["doc_count"]) if rows else 0
    return [Analyzed(list(r["words"]), list(r["terms"])) for r in rows], docs


async def frequencies(conn: asyncpg.Connection, terms: Sequence[str]) -> dict[str, int]:
    if not terms:
        return {}
    return {r["term"]: int(r["df"]) for r in await conn.fetch(Q.frequencies, list(terms))}


async def near_words(conn: asyncpg.Connection, variants: Sequence[str]) -> list[Word]:
    rows = await conn.fetch(Q.near_words, list(variants))
    return [Word(r["word"], r["term"], int(r["df"])) for r in rows]


async def completions(conn: asyncpg.Connection, prefix: str, limit: int) -> list[Word]:
    rows = await conn.fetch(Q.completions, prefix, upper_bound(prefix), limit)
    return [Word(r["word"], r["term"], int(r["df"])) for r in rows]


def upper_bound(prefix: str) -> str:
    """The first string after every string starting with ``prefix`` (byte order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


async def codes(conn: asyncpg.Connection, keys: Sequence[str]) -> list[tuple[int, str]]:
    if not keys:
        return []
    return [(r["doc_id"], r["code_key"]) for r in await conn.fetch(Q.codes, list(keys))]


async def codes_near(
    conn: asyncpg.Connection, head: str, tail_reversed: str, limit: int
) -> list[tuple[int, str]]:
    rows = await conn.fetch(
        Q.codes_near,
        head,
        upper_bound(head),
        tail_reversed,
        upper_bound(tail_reversed),
        limit,
    )
    return [(r["doc_id"], r["code_key"]) for r in rows]


async def hits(conn: asyncpg.Connection, plan: Plan, filters: Filters) -> list[Candidate]:
    rows = await conn.fetch(
        Q.hits,
        plan.driver,
        plan.bound,
        plan.terms,
        plan.groups,
        plan.weights,
        plan.min_groups,
        plan.code_docs,
        filters.types,
        filters.statuses,
        filters.plants,
        filters.material_groups,
        filters.date_from,
        filters.date_to,
        plan.driver_group,
        plan.driver_weight,
    )
    return [
        Candidate(
            r["doc_id"],
            r["score"],
            r["entity_type"],
            r["status"],
            r["plant_id"],
            r["material_group"],
            r["changed_at"],
            r["code_key"],
        )
        for r in rows
    ]


async def phrases(
    conn: asyncpg.Connection, doc_ids: Sequence[int], must: Sequence[str], must_not: Sequence[str]
) -> set[int]:
    """Which of ``doc_ids`` have every phrase of ``must`` and nothing of ``must_not``."""
    rows = await conn.fetch(Q.phrases, list(doc_ids), list(must), list(must_not))
    return {r["doc_id"] for r in rows}


async def page(
    conn: asyncpg.Connection, doc_ids: Sequence[int], tsquery: str | None
) -> dict[int, asyncpg.Record]:
    rows = await conn.fetch(Q.page, list(doc_ids), tsquery)
    return {r["doc_id"]: r for r in rows}
