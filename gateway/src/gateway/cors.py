"""CORS for the frontend: only the origins in ``UNISON_CORS_ORIGINS`` may call from a browser.

It runs before authorization: a preflight (``OPTIONS`` with ``Access-Control-Request-
Method``) carries no token, so it is answered here, 204 for an allowed origin and 403
for any other, and never reaches the access check or a service. Actual requests from an
allowed origin get ``Access-Control-Allow-Origin`` (that origin, never ``*``) and the
response headers a client needs exposed; from any other origin nothing is added, so the
browser refuses the page the answer. Tokens travel in ``Authorization``, not cookies:
credentials mode is never allowed. Every answer to a request with an ``Origin`` varies
by it, so a shared cache never hands one origin's answer to another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import send_problem

ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
# What a frontend sends: the token, JSON, conditional writes, idempotent retries, tracing.
ALLOWED_HEADERS = frozenset(
    {
        "authorization",
        "content-type",
        "accept",
        "accept-language",
        "if-match",
        "if-none-match",
        "idempotency-key",
        "x-request-id",
    }
)
# Response headers a frontend reads besides the CORS-safelisted ones.
EXPOSED_HEADERS = "ETag, Location, Retry-After, X-Request-ID, Content-Disposition, Link"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _requested_headers(value: str | None) -> list[str]:
    return [h.strip().lower() for h in (value or "").split(",") if h.strip()]


def cors_middleware(origins: Iterable[str], max_age: int = 600) -> Any:
    allowed = frozenset(origins)

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            origin = _header(scope, b"origin") if scope["type"] == ScopeType.HTTP else None
            if origin is None:
                await app(scope, receive, send)
                return
            preflight = scope.get("method") == "OPTIONS" and _header(
                scope, b"access-control-request-method"
            )
            if preflight:
                await _preflight(scope, send, origin, origin in allowed, max_age)
                return
            if origin not in allowed:
                await app(scope, receive, _varying(send))
                return
            await app(scope, receive, _allowing(send, origin))

        return middleware

    return factory


async def _preflight(scope: Scope, send: Send, origin: str, allowed: bool, max_age: int) -> None:
    if not allowed:
        detail = f"origin {origin!r} is not allowed (UNISON_CORS_ORIGINS)"
        await send_problem(scope, send, 403, "Forbidden", detail, {"vary": "Origin"})
        return
    asked = _requested_headers(_header(scope, b"access-control-request-headers"))
    refused = [h for h in asked if h not in ALLOWED_HEADERS]
    if refused:
        await send_problem(
            scope,
            send,
            403,
            "Forbidden",
            f"request headers not allowed: {', '.join(refused)}",
            {"vary": "Origin"},
        )
        return
    headers = [
        (b"access-control-allow-origin", origin.encode()),
        (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
        (b"access-control-allow-headers", ", ".join(sorted(ALLOWED_HEADERS)).encode()),
        (b"access-control-max-age", str(max_age).encode()),
        (b"vary", b"Origin"),
        (b"content-length", b"0"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def _varying(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableScopeHeaders.from_message(message).add("vary", "Origin")
        await send(message)

    return wrapped


def _allowing(send: Send, origin: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            headers["access-control-allow-origin"] = origin
            headers["access-control-expose-headers"] = EXPOSED_HEADERS
            headers.add("vary", "Origin")
        await send(message)

    return wrapped
