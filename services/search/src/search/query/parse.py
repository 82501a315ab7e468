"""What a user typed, as clauses: words, "phrases", -negations, and the word being typed.

The grammar is a search box's, not a language: it never fails. Quotes open a phrase
(an unbalanced one runs to the end), a leading ``-`` negates a word or a phrase, a
trailing ``*`` asks for a prefix, and every other character that is neither a letter nor
a digit separates words, except inside a word (``6204-2RS``, ``B.17``), where the
analyzer decides what it means. Only an empty ``q`` or one too long is refused.
"""

from __future__ import annotations

import re

import msgspec

from unison_web import Invalid

MAX_QUERY_CHARS = 500
MAX_WORDS = 12

# A word: letters or digits, joined by the separators part numbers use.
_WORD = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*\*?", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(-?)([^\s"]+)')


class Clause(msgspec.Struct, frozen=True, kw_only=True):
    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False
    prefix: bool = False  # the last word is completed, not matched whole


class Parsed(msgspec.Struct, frozen=True, kw_only=True):
    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    @property
    def text(self) -> str:
        """The positive words joined: what a part number typed with spaces looks like."""
        return " ".join(w for c in self.positive for w in c.words)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def parse(q: str, *, complete_last: bool = False) -> Parsed:
    """``complete_last``: the suggestions' as-you-type reading, the last word a prefix."""
    typed = q
    q = q.strip()
    if not q:
        raise Invalid("q must not be empty", "/q")
    if len(q) > MAX_QUERY_CHARS:
        raise Invalid(f"q is too long: at most {MAX_QUERY_CHARS} characters", "/q")
    clauses: list[Clause] = []
    for match in _TOKEN.finditer(q):
        phrase_neg, phrase, word_neg, word = match.groups()
        if phrase is not None:
            found = [w.rstrip("*") for w in _words(phrase)]
            if found:
                clauses.append(
                    Clause(words=tuple(found), phrase=len(found) > 1, negated=bool(phrase_neg))
                )
            continue
        for w in _words(word or ""):
            clauses.append(
                Clause(words=(w.rstrip("*"),), negated=bool(word_neg), prefix=w.endswith("*"))
            )
    if sum(len(c.words) for c in clauses) > MAX_WORDS:
        raise Invalid(f"q has too many words: at most {MAX_WORDS}", "/q")
    # "steel bea" completes "bea"; "steel " has finished its last word.
    last = clauses[-1] if clauses else None
    if complete_last and last and not last.negated and not last.phrase and not typed[-1].isspace():
        clauses[-1] = Clause(words=last.words, prefix=True)
    return Parsed(clauses=tuple(clauses))
