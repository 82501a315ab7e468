"""Fitting human-readable text into a box with reportlab's built-in Helvetica.

The built-in fonts are not embedded and are encoded as Windows-1252 (WinAnsi): Latin-1
(umlauts, ß, Ø, µ, °, ²) plus €, Š, Ž, Œ, typographic quotes, dashes and the ellipsis
are printed as given. Other Latin letters lose their diacritic (ő → o; ł has none and
becomes ?); Greek, Cyrillic and CJK become ``?``. Covering those needs an embedded
TrueType font.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from itertools import accumulate

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
ELLIPSIS = "…"
# Below this share of the line's size, shrinking makes text unreadable: truncate instead.
MIN_SCALE = 0.8


def printable(text: str) -> str:
    """``text`` with every character the WinAnsi font cannot show replaced.

    reportlab would draw a black box (or borrow a glyph from the Symbol font) for those;
    a plain replacement keeps the label legible and its extracted text honest.
    """
    return "".join(_printable_char(ch) for ch in " ".join(text.split()))


def _printable_char(ch: str) -> str:
    if _encodable(ch):
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and all(_encodable(c) for c in base) else "?"


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return ch.isprintable()


def fit_line(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """The text and font size to draw ``text`` on one line no wider than ``width``.

    Shrinks the font down to ``MIN_SCALE * size``, then cuts the text and ends it with "…".
    """
    natural = stringWidth(text, font, size)
    if natural <= width:
        return text, size
    smallest = size * MIN_SCALE
    if natural * MIN_SCALE <= width:
        return text, size * width / natural
    return truncate(text, font, smallest, width), smallest


def truncate(text: str, font: str, size: float, width: float) -> str:
    """The longest prefix of ``text`` that fits ``width`` together with a trailing "…"."""
    room = width - stringWidth(ELLIPSIS, font, size)
    if room <= 0:
        return ""
    # The built-in fonts have no kerning: a prefix is as wide as its characters added up,
    # and those sums grow with the prefix, so bisect finds the cut.
    widths = list(accumulate((stringWidth(ch, font, size) for ch in text), initial=0.0))
    keep = bisect_right(widths, room) - 1
    return text[:keep].rstrip() + ELLIPSIS


def wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines; the last one cut with "…"."""
    split = simpleSplit(text, font, size, width) or [""]
    if len(split) <= lines:
        return list(split)
    rest = " ".join(split[lines - 1 :])
    return [*split[: lines - 1], truncate(rest, font, size, width)]
