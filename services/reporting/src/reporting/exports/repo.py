"""The export queries, loaded once."""

from __future__ import annotations

from pathlib import Path

from unison_pg import Queries

FACTS = Queries.load(Path(__file__).with_name("facts.sql"))
FILES = Queries.load(Path(__file__).with_name("files.sql"))
