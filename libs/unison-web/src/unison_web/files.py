"""Files uploaded as a request's body (documents of equipment, photos of an NCR): which
types are accepted, how big, and how they are sent back."""

from __future__ import annotations

import string
from typing import Any

from litestar import Request, Response

from unison_web import checks
from unison_web.errors import Invalid

_SAFE = frozenset(string.ascii_letters + string.digits + "-_.")
MAX_BYTES = 10 * 1024 * 1024
TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/heic",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


class Upload:
    """A checked upload: its name, media type and bytes."""

    __slots__ = ("content", "content_type", "filename")

    def __init__(self, filename: str, content_type: str, content: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.content = content


def checked(filename: str, content_type: str, content: bytes) -> Upload:
    """The upload if it is of an accepted type, not empty and at most 10 MB; else Invalid
    naming what is wrong."""
    name = checks.text(filename, "/filename", 200)
    kind = content_type.split(";")[0].strip().lower()
    if kind not in TYPES:
        raise Invalid(
            f"content type {kind or '?'} is not accepted: {', '.join(sorted(TYPES))}",
            "/content-type",
        )
    if not content:
        raise Invalid("the file is empty", "/body")
    if len(content) > MAX_BYTES:
        raise Invalid(f"a file is at most {MAX_BYTES // (1024 * 1024)} MB", "/body")
    return Upload(name, kind, content)


async def upload_of(request: Request[Any, Any, Any], filename: str) -> Upload:
    """The request's body as a checked upload (its type from Content-Type)."""
    return checked(filename, request.headers.get("content-type", ""), await request.body())


def attachment(filename: str, content_type: str, content: bytes) -> Response[bytes]:
    """A download; the name quoted safely (RFC 6266 with the UTF-8 form for non-ASCII)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    quoted = "".join(chr(b) if chr(b) in _SAFE else f"%{b:02X}" for b in filename.encode())
    return Response(
        content,
        media_type=content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
            )
        },
    )
