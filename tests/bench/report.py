"""The benchmark table and its JSON form.

A figure's ``id`` is stable once published so runs can be compared; ``ratio`` is ours
over the reference, oriented so that above 1 means we are better.
"""

from __future__ import annotations

from pathlib import Path

import msgspec


class Figure(msgspec.Struct):
    id: str
    value: float
    unit: str
    better: str  # "higher" or "lower"
    reference: str | None = None
    reference_value: float | None = None
    ratio: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.reference_value and self.ratio is None and self.value:
            if self.better == "higher":
                self.ratio = round(self.value / self.reference_value, 3)
            else:
                self.ratio = round(self.reference_value / self.value, 3)


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def render(figures: list[Figure]) -> str:
    headers = ("figure", "value", "unit", "better", "reference", "ref value", "ratio")
    rows = [
        (
            f.id,
            _fmt(f.value),
            f.unit,
            f.better,
            f.reference or "-",
            _fmt(f.reference_value),
            "-" if f.ratio is None else f"{f.ratio:.2f}x",
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join("{:<" + str(w) + "}" for w in widths)
    out = [line.format(*headers), line.format(*("-" * w for w in widths))]
    out += [line.format(*r) for r in rows]
    notes = [f"  {f.id}: {f.note}" for f in figures if f.note]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def write_json(figures: list[Figure], path: Path) -> None:
    items = [
        {
            k: getattr(f, k)
            for k in ("id", "value", "unit", "better", "reference", "reference_value", "ratio")
        }
        for f in figures
    ]
    path.write_bytes(msgspec.json.format(msgspec.json.encode(items)))
