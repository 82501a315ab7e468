"""What the typed words become: groups of terms (the word's stem, its typo corrections or
its completions) with their document frequencies, and the documents whose part number is
what was typed (exactly, or one character off)."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import asyncpg

from search.query import repo
from search.query.parse import Parsed
from search.query.typos import MIN_TYPO_LENGTH, deletions, distance

TYPO_PENALTY = 0.8  # a corrected word counts for less than one typed right
PREFIX_PENALTY = 0.9  # a completion for less than the word itself
MAX_CORRECTIONS = 3
MAX_COMPLETIONS = 8
NEAR_CODES = 50


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


def idf(df: int, docs: int) -> float:
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


async def prepare(conn: asyncpg.Connection, parsed: Parsed, *, completions: int) -> Prepared:
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
        # Codes are split before parsing (search.split_codes), so no term is a hyphenated
        # compound: every term is its own group.
        terms = found.terms
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
