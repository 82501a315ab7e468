"""Optimistic concurrency: the row version as a strong ETag, checked against If-Match."""

from __future__ import annotations

from typing import TypeVar

from litestar import Response

from unison_web.errors import Invalid, PreconditionRequired

T = TypeVar("T")


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    """The version a client last saw; updates without ``If-Match`` are refused (428)."""
    if not if_match:
        raise PreconditionRequired("send If-Match with the ETag you last read")
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise Invalid("If-Match must be an ETag returned by this API", "/headers/if-match")
    return int(value)


def tagged(content: T, version: int, status: int = 200, location: str | None = None) -> Response[T]:
    """A versioned resource with its ETag (and where a created one lives)."""
    headers = {"ETag": etag_of(version)}
    if location is not None:
        headers["Location"] = location
    return Response(content, status_code=status, headers=headers)
