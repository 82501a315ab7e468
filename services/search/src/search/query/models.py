"""What a search answers."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec


class Hit(msgspec.Struct, kw_only=True):
    entity_type: str
    entity_id: str
    title: str
    # The title and a snippet as HTML: the text escaped, the matched words in <mark>.
    title_html: str
    snippet_html: str
    link: str
    plant_id: UUID | None
    code: str | None
    status: str | None
    material_group: str | None
    doc_date: date | None
    changed_at: datetime
    score: float
    # "exact": the code is what was typed; "near": one character off.
    code_match: str | None = None


class FacetValue(msgspec.Struct, kw_only=True):
    value: str | None
    count: int


class Correction(msgspec.Struct, kw_only=True):
    """A word the index does not know, and the ones it searched instead."""

    word: str
    used: list[str]


class SearchResult(msgspec.Struct, kw_only=True):
    items: list[Hit]
    # Matches across all pages; exact unless the query's rarest word is very common, when
    # it counts the best-ranked candidates only (see ``total_exact``).
    total: int
    total_exact: bool
    # No document had every word: these have some of them, the most relevant first.
    relaxed: bool
    facets: dict[str, list[FacetValue]]
    corrections: list[Correction]
    next_cursor: str | None


class Suggestion(msgspec.Struct, kw_only=True):
    entity_type: str
    entity_id: str
    title: str
    title_html: str
    code: str | None
    link: str


class Suggestions(msgspec.Struct, kw_only=True):
    # The word being typed, completed (most frequent first).
    completions: list[str]
    items: list[Suggestion]
