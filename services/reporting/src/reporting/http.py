"""Where reporting's routes live, and what every route module shares."""

from __future__ import annotations

from unison_web.params import Db, Who

BASE = "/api/reporting"

__all__ = ["BASE", "Db", "Who"]
