"""Every request that is not public: verify the access token, then ask Casbin.

401 (problem+json) when the token is missing or fails any check, 403 when the caller's
roles do not allow the action on the path. The Casbin object is the path the client sent,
which is also exactly what the proxy forwards, so what is authorized is what is served.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from gateway.authz.enforcers import Enforcers
from gateway.authz.rules import action_of
from gateway.problems import original_path, send_problem
from unison_auth import InvalidToken, Principal
from unison_pg import DatabaseUnavailable
from unison_web.auth import TokenVerifier, bearer_token

log = structlog.get_logger("gateway.access")

PUBLIC_PATHS = frozenset({"/health", "/ready", "/metrics"})
PUBLIC_PREFIXES = ("/auth/", "/schema")


class AccessRefusedError(Exception):
    def __init__(self, status: int, title: str, detail: str, **headers: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.headers = {k.replace("_", "-"): v for k, v in headers.items()}


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def check_path(scope: Scope, path: str) -> None:
    """Paths that mean something else once normalized are refused, never authorized."""
    raw = (scope.get("raw_path") or b"").lower()
    if any(segment in (".", "..") for segment in path.split("/")):
        raise AccessRefusedError(400, "Bad request", "the path contains '.' or '..' segments")
    if b"%2f" in raw or b"%5c" in raw or "\\" in path or "//" in path:
        raise AccessRefusedError(
            400, "Bad request", "the path contains an encoded or doubled separator"
        )


LIVE_PATH = "/ws"


def _query_token(scope: Scope) -> str | None:
    # Browsers cannot set headers on a WebSocket: /ws also takes ?access_token=.
    for key, value in parse_qsl((scope.get("query_string") or b"").decode("latin-1")):
        if key == "access_token" and value:
            return value
    return None


async def authorize(
    scope: Scope, path: str, verifier: TokenVerifier, enforcers: Enforcers
) -> Principal:
    """The caller, if the token is good and Casbin allows; raises AccessRefusedError otherwise."""
    live = scope["type"] == ScopeType.WEBSOCKET and path == LIVE_PATH
    token = bearer_token(scope) or (_query_token(scope) if live else None)
    try:
        if token is None:
            raise InvalidToken("missing bearer token")
        principal = await verifier.verify(token)
        if live:
            # Every signed-in caller may follow updates; the hub shows each only what its
            # organization and plants allow.
            return principal
        action = action_of(str(scope.get("method", "GET")))
        allowed = await enforcers.allowed(
            principal.subject, principal.organization_id, path, action
        )
    except InvalidToken as exc:
        raise AccessRefusedError(
            401, "Unauthorized", str(exc), WWW_Authenticate='Bearer error="invalid_token"'
        ) from exc
    except DatabaseUnavailable as exc:
        raise AccessRefusedError(
            503,
            "Service unavailable",
            "the identity store is not reachable; retry",
            Retry_After="1",
        ) from exc
    if not allowed:
        log.info("access_denied", subject=principal.subject, path=path, action=action)
        raise AccessRefusedError(403, "Forbidden", f"your roles do not allow {action} on {path}")
    return principal


def access_middleware(verifier: TokenVerifier, enforcers: Enforcers) -> Any:
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            path = original_path(scope)
            if scope["type"] not in ("http", "websocket") or is_public(path):
                await app(scope, receive, send)
                return
            try:
                check_path(scope, path)
                principal = await authorize(scope, path, verifier, enforcers)
            except AccessRefusedError as refusal:
                if scope["type"] == ScopeType.WEBSOCKET:
                    code = 4000 + refusal.status
                    await send({"type": "websocket.close", "code": code, "reason": refusal.title})
                else:
                    await send_problem(
                        scope,
                        send,
                        refusal.status,
                        refusal.title,
                        refusal.detail,
                        refusal.headers,
                    )
                return
            scope.setdefault("state", {})["principal"] = principal
            await app(scope, receive, send)

        return middleware

    return factory
