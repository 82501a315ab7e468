"""A file uploaded as a request's body, checked before anything is stored: its type
(415 otherwise), its size (413 otherwise: from Content-Length before reading, and while
reading, so a lying or missing length cannot push past the limit), its name (422).

The accepted types and the limit are ``unison_web.files``'s (one rule for every service).
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from unison_web import checks, files
from unison_web.errors import DomainError, Invalid


class PayloadTooLarge(DomainError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"


class Upload:
    """A checked upload: its name, media type and bytes."""

    __slots__ = ("content", "content_type", "filename")

    def __init__(self, filename: str, content_type: str, content: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.content = content

    @property
    def size_bytes(self) -> int:
        return len(self.content)


def media_type(content_type: str, accepted: frozenset[str] = files.TYPES) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind not in accepted:
        raise UnsupportedMediaType(
            f"content type {kind or '?'} is not accepted: {', '.join(sorted(accepted))}",
            errors=[{"parameter": "Content-Type", "detail": "not an accepted type"}],
        )
    return kind


def _too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"a file is at most {max_bytes // (1024 * 1024)} MB ({max_bytes} bytes)",
        errors=[{"pointer": "/body", "detail": f"more than {max_bytes} bytes"}],
    )


async def receive(
    request: Request[Any, Any, Any],
    filename: str,
    *,
    max_bytes: int = files.MAX_BYTES,
    accepted: frozenset[str] = files.TYPES,
) -> Upload:
    """The request's body as a checked upload; refused before it is read whole when the
    type or the declared length is wrong."""
    name = checks.text(filename, "/filename", 200)
    kind = media_type(request.headers.get("content-type", ""), accepted)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > max_bytes:
            raise _too_large(max_bytes)
    if not received:
        raise Invalid("the file is empty", "/body")
    return Upload(name, kind, bytes(received))
