"""Every service verifies the access token again: no trust in the network.

The middleware puts the :class:`Principal` in the scope; handlers take ``principal`` or
``tenant`` as dependencies, and the tenant opens every transaction with the organization
and plants from the token.
"""

from __future__ import annotations

from typing import Any, Protocol

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from unison_auth import InvalidToken, Principal
from unison_pg import Tenant
from unison_web.errors import Forbidden, Unauthorized, problem

PUBLIC_PATHS = frozenset({"/health", "/ready", "/metrics"})
PUBLIC_PREFIXES = ("/schema",)


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Principal: ...


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def auth_middleware(verifier: TokenVerifier) -> Any:
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            path = scope.get("path", "")
            if (
                scope["type"] not in ("http", "websocket")
                or path in PUBLIC_PATHS
                or path.startswith(PUBLIC_PREFIXES)
            ):
                await app(scope, receive, send)
                return
            token = bearer_token(scope)
            try:
                if token is None:
                    raise InvalidToken("missing bearer token")
                principal = await verifier.verify(token)
            except InvalidToken as exc:
                if scope["type"] == ScopeType.WEBSOCKET:
                    await send({"type": "websocket.close", "code": 4401, "reason": str(exc)[:120]})
                    return
                request: Request[Any, Any, Any] = Request(scope)
                response = problem(
                    request,
                    401,
                    "Unauthorized",
                    str(exc),
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
                # A Litestar Response is not an ASGI app by itself; render it first.
                await response.to_asgi_response(None, request)(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
            await app(scope, receive, send)

        return middleware

    return factory


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    principal = request.scope.get("state", {}).get("principal")
    if principal is None:
        raise Unauthorized("missing bearer token")
    return principal  # type: ignore[no-any-return]


def provide_tenant(request: Request[Any, Any, Any]) -> Tenant:
    p = provide_principal(request)
    return Tenant(organization_id=p.organization_id, plant_ids=p.plant_ids, user_id=p.subject)


def require_role(principal: Principal, *roles: str) -> None:
    """Defence in depth behind the gateway's Casbin check for admin-only operations."""
    if not principal.has_role(*roles):
        raise Forbidden(f"requires one of the roles: {', '.join(roles)}")
