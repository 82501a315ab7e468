"""Small inline SVG charts: no script, no library, readable without colour."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def bar_chart(
    values: Sequence[int],
    *,
    label: str,
    highlight: Sequence[int] | None = None,
    height: int = 110,
) -> str:
    """One bar per value (oldest left); ``highlight`` is drawn over it (errors, refusals).

    The SVG stretches to the card's width, so its text (the axis, the peak) is HTML
    around it; each bar has a <title>: hovering shows the minute and the count."""
    width = 600
    count = max(len(values), 1)
    peak = max([*values, *(highlight or []), 1])
    slot = width / count
    bar = max(slot - 2, 1)
    parts = [
        f'<div class="chart-box"><svg class="chart" viewBox="0 0 {width} {height}"'
        f' style="height:{height}px" role="img" aria-label="{escape(label)}"'
        ' preserveAspectRatio="none">',
        f'<line class="axis" x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}"/>',
    ]
    for i, value in enumerate(values):
        minutes_ago = count - 1 - i
        x = i * slot + 1
        if value:
            h = max(2.0, value / peak * (height - 6))
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{height - h:.1f}" width="{bar:.1f}"'
                f' height="{h:.1f}"><title>{minutes_ago} min ago: {value}</title></rect>'
            )
        if highlight and i < len(highlight) and highlight[i]:
            hh = max(2.0, highlight[i] / peak * (height - 6))
            parts.append(
                f'<rect class="bar bad" x="{x:.1f}" y="{height - hh:.1f}" width="{bar:.1f}"'
                f' height="{hh:.1f}"><title>{minutes_ago} min ago: {highlight[i]}</title></rect>'
            )
    total = sum(values)
    summary = f"{total} in the hour · peak {peak}/min" if total else "nothing in the hour"
    parts.append(
        '</svg><div class="axis-labels"><span>60 min ago</span>'
        f"<span>{summary}</span><span>now</span></div></div>"
    )
    return "".join(parts)


def meter(used: int, total: int, *, label: str, toned: bool = True) -> str:
    """A horizontal bar: usage (``toned``: amber from 70%, red from 90%) or progress."""
    share = 0.0 if total <= 0 else min(used / total, 1.0)
    tone = "bad" if share >= 0.9 else "warn" if share >= 0.7 else "ok"
    tone = tone if toned else "ok"
    return (
        f'<div class="meter {tone}" role="meter" aria-label="{escape(label)}"'
        f' aria-valuenow="{used}" aria-valuemin="0" aria-valuemax="{total}">'
        f'<span style="width:{share * 100:.1f}%"></span></div>'
    )
