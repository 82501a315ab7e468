"""What every route module of the service shares: dependency and parameter types, and
the ETag helpers."""

from __future__ import annotations

from typing import Annotated, TypeVar

from litestar import Response
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, QueryParameter

from production.caller import Caller
from unison_pg import Database
from unison_web.etag import etag_of, expected_version

BASE = "/api/production"
T = TypeVar("T")

Db = NamedDependency[Database]
Who = NamedDependency[Caller]
Limit = Annotated[int, QueryParameter(ge=1, le=500, description="page size (default 50)")]
Cursor = Annotated[str | None, QueryParameter(description="next_cursor of the previous page")]
IfMatch = Annotated[str | None, HeaderParameter(name="If-Match")]


def tagged(content: T, version: int, status: int = 200, location: str | None = None) -> Response[T]:
    headers = {"ETag": etag_of(version)}
    if location is not None:
        headers["Location"] = location
    return Response(content, status_code=status, headers=headers)


def required_version(if_match: str | None) -> int:
    """Changes of versioned things need the version the client saw: 428 without it."""
    return expected_version(if_match)


def optional_version(if_match: str | None) -> int | None:
    return None if if_match is None else expected_version(if_match)
