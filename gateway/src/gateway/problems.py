"""problem+json (RFC 9457) written straight to ASGI, for middleware and the proxy.

Same body as unison_web's error map, but usable before a route handler runs and with
the path the client actually sent (a mounted app sees only the rest of it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import msgspec
from litestar.types import Scope, Send

PROBLEM = "application/problem+json"


def original_path(scope: Scope) -> str:
    """The request path as the client sent it (percent-decoded), also under a mount."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes) and raw:
        return unquote(raw.decode("latin-1"))
    return str(scope.get("path", ""))


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> None:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": original_path(scope),
    }
    request_id = scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    payload = msgspec.json.encode(body)
    raw_headers = [
        (b"content-type", PROBLEM.encode()),
        (b"content-length", str(len(payload)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
