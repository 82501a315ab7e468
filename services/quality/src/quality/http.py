"""Where quality's routes live, and what every route module shares."""

from __future__ import annotations

from unison_web.etag import tagged
from unison_web.params import Cursor, Db, IfMatch, Limit, Who, optional_version, required_version

BASE = "/api/quality"

__all__ = [
    "BASE",
    "Cursor",
    "Db",
    "IfMatch",
    "Limit",
    "Who",
    "optional_version",
    "required_version",
    "tagged",
]
