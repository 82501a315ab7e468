"""What every service's routes share: dependency and parameter types, and the versions a
client sends in If-Match."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import HeaderParameter, QueryParameter

from unison_pg import Database
from unison_web.caller import Caller
from unison_web.etag import expected_version

Db = NamedDependency[Database]
Who = NamedDependency[Caller]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size (default 50)")]
Cursor = Annotated[str | None, QueryParameter(description="next_cursor of the previous page")]
IfMatch = Annotated[str | None, HeaderParameter(name="If-Match")]


def required_version(if_match: str | None) -> int:
    """Changes of versioned things need the version the client saw: 428 without it."""
    return expected_version(if_match)


def optional_version(if_match: str | None) -> int | None:
    return None if if_match is None else expected_version(if_match)
