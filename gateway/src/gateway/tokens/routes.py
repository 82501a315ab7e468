"""``/auth/token`` (RFC 6749), ``/auth/revoke`` (RFC 7009), ``/auth/jwks.json``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from gateway.tokens.grants import TokenResponse, TokenService
from gateway.tokens.keys import KeyRing
from gateway.tokens.oauth import (
    NO_STORE,
    OAuthError,
    basic_credentials,
    invalid_client,
    oauth_error_response,
    read_form,
    required,
)

# An extension grant (RFC 6749 4.5): Unison's own workers, for an organization.
SERVICE_GRANT = "urn:unison:grant-type:service"

# Verifiers may cache the key set this long; a new key is published well before it signs.
JWKS_MAX_AGE = 60


class PublicKey(msgspec.Struct, frozen=True):
    """One JWK (RFC 7517) of an Ed25519 key (RFC 8037)."""

    kty: str
    crv: str
    x: str
    kid: str
    alg: str
    use: str


class KeySetDocument(msgspec.Struct, frozen=True):
    keys: list[PublicKey]


# The handlers answer pre-encoded bytes (no second encoding pass); these say what the bytes
# are, so the OpenAPI document describes the JSON object, not a string.
_TOKEN_ISSUED = {200: ResponseSpec(TokenResponse, description="Tokens issued")}
_KEY_SET = {200: ResponseSpec(KeySetDocument, description="The published public keys")}


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _client_credentials(request: Request[Any, Any, Any], form: dict[str, str]) -> tuple[str, str]:
    from_header = basic_credentials(request)
    in_body = "client_id" in form or "client_secret" in form
    if from_header is not None and in_body:
        raise OAuthError("invalid_request", "send client credentials once: header or body")
    if from_header is not None:
        return from_header
    if not form.get("client_id") or not form.get("client_secret"):
        raise invalid_client("client authentication is required")
    return form["client_id"], form["client_secret"]


async def _grant(
    request: Request[Any, Any, Any], tokens: TokenService, form: dict[str, str]
) -> TokenResponse:
    grant_type = required(form, "grant_type")
    if grant_type == "password":
        return await tokens.password(
            required(form, "username"), required(form, "password"), _address(request)
        )
    if grant_type == "client_credentials":
        client_id, secret = _client_credentials(request, form)
        return await tokens.client_credentials(client_id, secret, _address(request))
    if grant_type == SERVICE_GRANT:
        name, secret = _client_credentials(request, form)
        return await tokens.service(
            name, secret, required(form, "organization_id"), _address(request)
        )
    if grant_type == "refresh_token":
        return await tokens.refresh(required(form, "refresh_token"))
    raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


@post(
    "/token",
    status_code=200,
    summary="Issue tokens (OAuth2 token endpoint)",
    responses=_TOKEN_ISSUED,
)
async def token(
    request: Request[Any, Any, Any], tokens: NamedDependency[TokenService]
) -> Response[TokenResponse]:
    """Form-encoded: ``password``, ``client_credentials``, ``refresh_token``, or the service
    grant ``urn:unison:grant-type:service`` (Unison's own workers; Basic auth with the
    service's name and secret, and ``organization_id``)."""
    issued = await _grant(request, tokens, await read_form(request))
    # Typed, not pre-encoded: the OpenAPI document (and the frontend's generated types)
    # then describe the answer.
    return Response(issued, media_type="application/json", headers=NO_STORE)


@post("/revoke", status_code=200, summary="Revoke a refresh token (RFC 7009)")
async def revoke(
    request: Request[Any, Any, Any], tokens: NamedDependency[TokenService]
) -> Response[bytes]:
    """Revokes the token's whole family; answers 200 for tokens it does not know too."""
    form = await read_form(request)
    await tokens.revoke(required(form, "token"))
    return Response(b"", status_code=200, headers=NO_STORE)


@get("/jwks.json", summary="Public keys that verify access tokens", responses=_KEY_SET)
async def jwks(keyring: NamedDependency[KeyRing]) -> Response[bytes]:
    return Response(
        msgspec.json.encode(await keyring.jwks()),
        media_type="application/json",
        headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE}"},
    )


auth_router = Router(
    path="/auth",
    route_handlers=[token, revoke, jwks],
    exception_handlers={OAuthError: oauth_error_response},
    tags=["auth"],
    security=[{}],
)
