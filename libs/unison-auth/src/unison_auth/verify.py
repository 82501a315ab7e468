"""JWT checks: algorithm allow-list, key by ``kid``, ``iss``/``aud``/``exp``/``nbf``.

The algorithm is taken from the key, never from the token header: a token whose header
names another algorithm than its key's (``none``, HS256 signed with the public key) is
refused before any signature check.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from uuid import UUID

import httpx
import jwt
import msgspec

from unison_auth.cache import VerifiedTokens
from unison_auth.principal import Principal

ALGORITHMS = ("EdDSA", "ES256")
LEEWAY_SECONDS = 5


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or not ours; the message says which."""


class KeySet:
    """Public keys by ``kid``, built from a JWKS document."""

    def __init__(self, jwks: dict[str, Any] | None = None) -> None:
        self._keys: dict[str, jwt.PyJWK] = {}
        if jwks:
            self.replace(jwks)

    def replace(self, jwks: dict[str, Any]) -> None:
        keys: dict[str, jwt.PyJWK] = {}
        for entry in jwks.get("keys", []):
            kid = entry.get("kid")
            if not kid:
                continue
            key = jwt.PyJWK(entry)
            if key.algorithm_name in ALGORITHMS:
                keys[kid] = key
        self._keys = keys

    def get(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)

    def __len__(self) -> int:
        return len(self._keys)


def _claims_to_principal(claims: dict[str, Any]) -> Principal:
    try:
        return Principal(
            subject=str(claims["sub"]),
            organization_id=UUID(str(claims["org"])),
            plant_ids=tuple(UUID(str(p)) for p in claims.get("plants", [])),
            roles=tuple(str(r) for r in claims.get("roles", [])),
            token_id=str(claims.get("jti", "")),
            kind=str(claims.get("kind", "user")),
            name=str(claims.get("name", "")),
            expires_at=float(claims["exp"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidToken(f"token claims are incomplete: {exc}") from exc


def verify_token(token: str, keys: KeySet, *, issuer: str, audience: str) -> Principal:
    """Verify ``token`` against ``keys``; raise :class:`InvalidToken` saying why it failed."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"malformed token: {exc}") from exc
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise InvalidToken(f"algorithm {alg!r} is not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidToken("token has no key id")
    key = keys.get(kid)
    if key is None:
        raise InvalidToken(f"unknown key id {kid!r}")
    if key.algorithm_name != alg:
        raise InvalidToken(f"algorithm {alg!r} does not match key {kid!r}")
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[key.algorithm_name],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub", "org"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    return _claims_to_principal(claims)


class JwksVerifier:
    """Verifies tokens with keys fetched from the gateway's JWKS, refetched on a new ``kid``.

    A token signed by a key this process has not seen yet (the gateway just rotated, or
    started with a fresh key) triggers a refetch. Refetches are spaced ``min_refresh``
    seconds apart so a flood of tokens with made-up key ids cannot become a flood of
    requests to the gateway; a token arriving inside that window waits for the next
    allowed fetch instead of being refused.
    """

    def __init__(
        self, jwks_url: str, *, issuer: str, audience: str, min_refresh: float = 1.0
    ) -> None:
        self._url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._min_refresh = min_refresh
        self._keys = KeySet()
        self._verified = VerifiedTokens()
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh_for(self, kid: str) -> None:
        async with self._lock:
            if self._keys.get(kid) is not None:
                return  # another request fetched it while we waited for the lock
            wait = self._fetched_at + self._min_refresh - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self._url)
                response.raise_for_status()
                self._keys.replace(msgspec.json.decode(response.content))
            self._fetched_at = time.monotonic()

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            return known
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from exc
        if isinstance(kid, str) and self._keys.get(kid) is None:
            try:
                await self._refresh_for(kid)
            except (httpx.HTTPError, msgspec.DecodeError) as exc:
                raise InvalidToken(f"signing keys unavailable: {exc}") from exc
        principal = verify_token(token, self._keys, issuer=self._issuer, audience=self._audience)
        self._verified.put(token, principal)
        return principal


class StaticVerifier:
    """Verifies against a fixed key set (the gateway's own keys, or a test's)."""

    def __init__(self, keys: KeySet, *, issuer: str, audience: str) -> None:
        self.keys = keys
        self._issuer = issuer
        self._audience = audience

    async def verify(self, token: str) -> Principal:
        return verify_token(token, self.keys, issuer=self._issuer, audience=self._audience)
