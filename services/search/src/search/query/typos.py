"""Typo tolerance by symmetric deletion: a word and a vocabulary word one edit apart share
a one-letter deletion (or one is the other's). The index stores every vocabulary word's
deletions (``search.word_variants``); a query word's are made here, looked up by equality,
and the found words are kept when they really are one edit away (Damerau: a swap of two
neighbours counts as one)."""

from __future__ import annotations

MIN_TYPO_LENGTH = 4  # shorter words have too many neighbours to guess from


def deletions(word: str) -> list[str]:
    """The word and every string one deletion from it."""
    out = {word}
    out.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    return sorted(out)


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
