"""Named SQL blocks loaded once from ``.sql`` files.

A file holds blocks introduced by ``-- name: block_name``; the comment lines right after
the name describe the block and are kept out of the statement.
"""

from __future__ import annotations

import re
from pathlib import Path

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries:
    """Statements by name; attribute access fails loudly on an unknown name."""

    def __init__(self, blocks: dict[str, str], source: str) -> None:
        self._blocks = blocks
        self._source = source

    @classmethod
    def load(cls, path: Path) -> Queries:
        text = path.read_text(encoding="utf-8")
        parts = _NAME.split(text)
        blocks: dict[str, str] = {}
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            lines = [ln for ln in body.strip().splitlines() if not ln.lstrip().startswith("--")]
            statement = "\n".join(lines).strip().rstrip(";").strip()
            if name in blocks:
                raise ValueError(f"{path}: query {name!r} defined twice")
            if not statement:
                raise ValueError(f"{path}: query {name!r} is empty")
            blocks[name] = statement
        return cls(blocks, str(path))

    def __getattr__(self, name: str) -> str:
        try:
            return self._blocks[name]
        except KeyError:
            raise AttributeError(f"no query {name!r} in {self._source}") from None

    def items(self) -> list[tuple[str, str]]:
        return sorted(self._blocks.items())
