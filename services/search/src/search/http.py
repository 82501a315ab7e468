"""Where search's routes live, and what every route module shares."""

from __future__ import annotations

from unison_web.etag import tagged
from unison_web.params import Db, IfMatch, Who, required_version

BASE = "/api/search"

__all__ = ["BASE", "Db", "IfMatch", "Who", "required_version", "tagged"]
