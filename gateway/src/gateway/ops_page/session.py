"""How a browser signs in to the ops pages: a form at ``/auth/login`` and an HttpOnly
cookie, never a token in a URL (URLs end up in logs, history and Referer headers).

The access token sits in the ``unison_ops`` cookie (HttpOnly: no script reads it;
SameSite=Strict: no other site's page sends it; Secure when served over HTTPS), the
refresh token in ``unison_ops_refresh``, sent to ``/auth/`` only. This middleware runs
before the access check and turns the cookie into the ``Authorization`` header the rest
of the gateway and the services already verify, on the ops paths only: the gateway's
page, each service's ``/api/<service>/admin/...`` and the ``/ws`` socket. A request with
its own ``Authorization`` is left alone. Cookie-authenticated writes must come from this
origin (``Origin`` equal to ``Host``) and carry ``X-Unison-Ops``, which no cross-site form
can send; a cookie-authenticated WebSocket must come from this origin too.
"""

from __future__ import annotations

import re
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import original_path, send_problem
from unison_web.ops_page.layout import refused_page

ACCESS_COOKIE = "unison_ops"
REFRESH_COOKIE = "unison_ops_refresh"
CSRF_HEADER = b"x-unison-ops"
LOGIN_PATH = "/auth/login"

_PAGE = re.compile(r"^(/admin/ops|/api/[a-z]+/admin/ops)$")
_COOKIE_PATHS = re.compile(r"^(/admin/ops(/.*)?|/api/[a-z]+/admin/.*|/ws)$")
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_REFUSED_CSP = b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def cookie(scope: Scope, name: str) -> str | None:
    raw = header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None and morsel.value else None


def same_origin(scope: Scope) -> bool:
    origin, host = header(scope, b"origin"), header(scope, b"host")
    return bool(origin and host and urlsplit(origin).netloc == host)


def is_page(path: str) -> bool:
    return bool(_PAGE.match(path))


async def _redirect(send: Send, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode()), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def session_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        path = original_path(scope)
        if (
            scope["type"] not in ("http", "websocket")
            or not _COOKIE_PATHS.match(path)
            or header(scope, b"authorization") is not None
        ):
            await app(scope, receive, send)
            return
        token = cookie(scope, ACCESS_COOKIE)
        if token is None:
            if scope["type"] == ScopeType.HTTP and scope.get("method") == "GET" and is_page(path):
                await _redirect(send, f"{LOGIN_PATH}?next={quote(path)}")
                return
            await app(scope, receive, send)  # the access check answers 401
            return
        refusal = _refusal(scope)
        if refusal is not None:
            if scope["type"] == ScopeType.WEBSOCKET:
                await send({"type": "websocket.close", "code": 4403, "reason": refusal})
            else:
                await send_problem(scope, send, 403, "Forbidden", refusal)
            return
        # The cookie stays behind: the services get the token the way API callers send it.
        headers = [(k, v) for k, v in scope.get("headers", []) if k != b"cookie"]
        headers.append((b"authorization", f"Bearer {token}".encode("latin-1")))
        scope["headers"] = headers
        if scope["type"] == ScopeType.HTTP and scope.get("method") == "GET" and is_page(path):
            send = _page_refusals(send, path)
        await app(scope, receive, send)

    return middleware


def _page_refusals(send: Send, path: str) -> Send:
    """A page a browser navigated to: an expired session goes back to the form, a refusal
    becomes a page a person can read (the problem+json body is dropped)."""
    replaced = False

    async def wrapped(message: Message) -> None:
        nonlocal replaced
        if message["type"] == "http.response.start" and message["status"] in (401, 403):
            replaced = True
            if message["status"] == 401:
                await _redirect(send, f"{LOGIN_PATH}?next={quote(path)}")
                return
            body = refused_page().encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        (b"cache-control", b"no-store"),
                        (
                            b"content-security-policy",
                            b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
                        ),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        if not replaced:
            await send(message)

    return wrapped


def _refusal(scope: Scope) -> str | None:
    """Why a cookie-authenticated request may not go on (cross-site), or None."""
    if scope["type"] == ScopeType.WEBSOCKET:
        return None if same_origin(scope) else "the socket must be opened by this site's pages"
    if str(scope.get("method", "GET")) in _SAFE:
        return None
    if not same_origin(scope) or header(scope, CSRF_HEADER) is None:
        return "a change signed in by cookie must come from the ops pages (Origin, X-Unison-Ops)"
    return None


def session_cookies(
    issued_access: str,
    expires_in: int,
    refresh_token: str | None,
    refresh_ttl: int,
    secure: bool,
) -> list[Cookie]:
    """The cookies of a signed-in browser (empty values with max-age 0 sign it out)."""
    common: dict[str, Any] = {"httponly": True, "samesite": "strict", "secure": secure}
    cookies = [
        Cookie(key=ACCESS_COOKIE, value=issued_access, path="/", max_age=expires_in, **common)
    ]
    if refresh_token is not None:
        cookies.append(
            Cookie(
                key=REFRESH_COOKIE,
                value=refresh_token,
                path="/auth/",
                max_age=refresh_ttl,
                **common,
            )
        )
    return cookies


def cleared_cookies(secure: bool) -> list[Cookie]:
    return session_cookies("", 0, "", 0, secure)


def safe_next(candidate: str | None) -> str:
    """Only our own ops pages: no open redirect to another site."""
    if candidate and is_page(candidate):
        return candidate
    return "/admin/ops"


def uses_https(scope: Scope) -> bool:
    forwarded = header(scope, b"x-forwarded-proto")
    return scope.get("scheme") == "https" or forwarded == "https"
