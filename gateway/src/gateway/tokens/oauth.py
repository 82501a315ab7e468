"""RFC 6749 error responses and request parsing for the token and revocation endpoints.

These endpoints answer in OAuth's JSON error form (``{"error": "invalid_grant"}``), not
problem+json: OAuth client libraries parse exactly that.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote_plus

import msgspec
from litestar import Request, Response

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# No legitimate parameter is longer; a megabyte "password" would only feed argon2.
MAX_PARAMETER_LENGTH = 1024


class OAuthError(Exception):
    def __init__(
        self,
        error: str,
        description: str,
        *,
        status: int = 400,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}


class TooManyAttemptsError(OAuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "temporarily_unavailable",
            f"too many failed attempts; retry in {retry_after} seconds",
            status=429,
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


def invalid_client(description: str) -> OAuthError:
    return OAuthError(
        "invalid_client",
        description,
        status=401,
        headers={"WWW-Authenticate": 'Basic realm="unison", charset="UTF-8"'},
    )


def oauth_error_response(_: Request[Any, Any, Any], exc: OAuthError) -> Response[bytes]:
    body = {"error": exc.error, "error_description": exc.description}
    return Response(
        msgspec.json.encode(body),
        status_code=exc.status,
        media_type="application/json",
        headers={**NO_STORE, **exc.headers},
    )


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The form parameters; RFC 6749 allows each at most once and only form encoding."""
    media_type, _ = request.content_type
    if media_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "send application/x-www-form-urlencoded")
    form = await request.form()
    params: dict[str, str] = {}
    for name in form:
        values = form.getall(name)
        if len(values) != 1:
            raise OAuthError("invalid_request", f"parameter {name!r} is repeated")
        if len(str(values[0])) > MAX_PARAMETER_LENGTH:
            raise OAuthError("invalid_request", f"parameter {name!r} is too long")
        params[name] = str(values[0])
    return params


def required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise OAuthError("invalid_request", f"parameter {name!r} is missing")
    return value


def basic_credentials(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    """Client id and secret from ``Authorization: Basic`` (each form-encoded, RFC 6749 2.3.1)."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_client("malformed Basic credentials") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise invalid_client("malformed Basic credentials")
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if len(client_id) > MAX_PARAMETER_LENGTH or len(secret) > MAX_PARAMETER_LENGTH:
        raise invalid_client("malformed Basic credentials")
    return client_id, secret
