"""How matches are shown: the keyset cursor, highlights as escaped HTML, facet counts and
the hit itself."""

from __future__ import annotations

import base64
import binascii
import html
from collections import Counter

import asyncpg
import msgspec

from search.query.models import FacetValue, Hit
from search.query.repo import Candidate
from unison_web import Invalid

FACETS = ("entity_type", "status", "plant_id", "material_group")
FACET_VALUES = 20


class _Cursor(msgspec.Struct, array_like=True):
    rank: int
    score: float
    changed: float
    doc_id: int


def encode_cursor(key: tuple[int, float, float, int]) -> str:
    raw = msgspec.json.encode(_Cursor(-key[0], -key[1], -key[2], key[3]))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, float, float, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        c = msgspec.json.decode(raw, type=_Cursor)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise Invalid("cursor is not one this service gave out", "/cursor") from None
    return (-c.rank, -c.score, -c.changed, c.doc_id)


def marked_html(marked: str | None, plain: str) -> str:
    text = marked if marked is not None else plain
    return html.escape(text).replace("\x02", "<mark>").replace("\x03", "</mark>")


def tsquery(terms: list[str]) -> str | None:
    quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms]
    return " | ".join(quoted) or None


def facets(candidates: list[Candidate]) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counts = Counter(None if (v := getattr(c, name)) is None else str(v) for c in candidates)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))
        out[name] = [FacetValue(value=v, count=n) for v, n in ordered[:FACET_VALUES]]
    return out


def hit(row: asyncpg.Record, c: Candidate, ranks: dict[int, int]) -> Hit:
    rank = ranks.get(c.doc_id, 0)
    return Hit(
        entity_type=row["entity_type"],
        entity_id=row["entity_id"],
        title=row["title"],
        title_html=marked_html(row["title_marked"], row["title"]),
        snippet_html=marked_html(row["snippet_marked"], ""),
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
