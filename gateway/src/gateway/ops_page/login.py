"""``/auth/login`` and ``/auth/logout``: the ops pages' sign-in form and its cookies.

Public paths (under ``/auth/``), like the token endpoint beside them; the password goes
through the same grant, with its rate limit, as ``POST /auth/token``. A browser whose
access cookie expired comes back here and is signed in again with its refresh cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from gateway.ops_page.activity import Activity
from gateway.ops_page.session import (
    REFRESH_COOKIE,
    cleared_cookies,
    cookie,
    safe_next,
    same_origin,
    session_cookies,
    uses_https,
)
from gateway.tokens.grants import TokenResponse, TokenService
from gateway.tokens.oauth import OAuthError, read_form
from unison_web.ops_page.layout import login_page


def _signed_in(
    request: Request[Any, Any, Any], issued: TokenResponse, next_path: str, refresh_ttl: int
) -> Response[str]:
    return Response(
        "",
        status_code=303,
        headers={"Location": next_path, "Cache-Control": "no-store"},
        cookies=session_cookies(
            issued.access_token,
            issued.expires_in,
            issued.refresh_token,
            refresh_ttl,
            uses_https(request.scope),
        ),
    )


def login_routes(activity_of: Callable[[], Activity], refresh_ttl: int) -> list[Any]:
    @get("/auth/login", include_in_schema=False)
    async def login_form(
        request: Request[Any, Any, Any],
        tokens: NamedDependency[TokenService],
        next_path: Annotated[str | None, QueryParameter(name="next", max_length=300)] = None,
    ) -> Response[str]:
        target = safe_next(next_path)
        remembered = cookie(request.scope, REFRESH_COOKIE)
        if remembered:
            try:
                issued = await tokens.refresh(remembered)
            except OAuthError:
                pass  # expired or revoked: ask for the password
            else:
                activity_of().issued.inc()
                return _signed_in(request, issued, target, refresh_ttl)
        return login_page(next_path=target)

    @post("/auth/login", include_in_schema=False, status_code=303)
    async def login(
        request: Request[Any, Any, Any], tokens: NamedDependency[TokenService]
    ) -> Response[str]:
        form: dict[str, str] = {}
        try:
            if request.headers.get("origin") and not same_origin(request.scope):
                raise OAuthError("invalid_request", "sign in from this site's own form", status=403)
            form = await read_form(request)
            issued = await tokens.password(
                form.get("username", ""),
                form.get("password", ""),
                request.client.host if request.client else "unknown",
            )
        except OAuthError as exc:
            activity_of().refused(exc.status)
            message = (
                "Too many failed sign-ins; wait a moment."
                if exc.status == 429
                else "Wrong e-mail or password."
                if exc.error == "invalid_grant"
                else exc.description
            )
            return login_page(
                next_path=safe_next(form.get("next")), error=message, status=exc.status
            )
        activity_of().issued.inc()
        return _signed_in(request, issued, safe_next(form.get("next")), refresh_ttl)

    @post("/auth/logout", include_in_schema=False, status_code=303)
    async def logout(
        request: Request[Any, Any, Any], tokens: NamedDependency[TokenService]
    ) -> Response[str]:
        remembered = cookie(request.scope, REFRESH_COOKIE)
        # Same origin only: another site must not sign an admin out (or anything else).
        if remembered and same_origin(request.scope):
            await tokens.revoke(remembered)
        return Response(
            "",
            status_code=303,
            headers={"Location": "/auth/login", "Cache-Control": "no-store"},
            cookies=cleared_cookies(uses_https(request.scope)),
        )

    return [login_form, login, logout]
