"""Sending a stored file back: streamed through the service (the default: the store may
listen on loopback only, and the gateway is the only public entry), or a presigned link
that expires (when the store is reachable by clients, ``UNISON_S3_PUBLIC_ENDPOINT``)."""

from __future__ import annotations

import string
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import msgspec
from litestar.response import Stream

from unison_objects.store import ObjectStore

_SAFE = frozenset(string.ascii_letters + string.digits + "-_.")


class DownloadLink(msgspec.Struct, frozen=True):
    """A presigned GET link: works without a token until ``expires_at``."""

    url: str
    expires_at: datetime


def content_disposition(filename: str) -> str:
    """``attachment`` with the name quoted safely (RFC 6266, the UTF-8 form for non-ASCII)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    quoted = "".join(chr(b) if chr(b) in _SAFE else f"%{b:02X}" for b in filename.encode())
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


async def streamed(
    store: ObjectStore, key: str, filename: str, content_type: str, size_bytes: int | None = None
) -> Stream:
    """The object as an attachment, in chunks; opened before the response starts, so a
    missing object is an error response, not a truncated download."""
    chunks = store.stream(key)
    first = await anext(chunks, b"")

    async def body() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in chunks:
            yield chunk

    headers = {"Content-Disposition": content_disposition(filename)}
    if size_bytes is not None:
        headers["Content-Length"] = str(size_bytes)
    return Stream(body(), media_type=content_type, headers=headers)


def link(
    store: ObjectStore, key: str, filename: str, content_type: str, seconds: int | None = None
) -> DownloadLink:
    lifetime = seconds or store.settings.link_seconds
    url = store.link(key, filename=filename, content_type=content_type, seconds=lifetime)
    return DownloadLink(url, datetime.now(UTC) + timedelta(seconds=lifetime))
