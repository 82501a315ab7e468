"""Access tokens: short-lived EdDSA JWTs that every service verifies with unison_auth."""

from __future__ import annotations

import time
import uuid
from typing import Any
from uuid import UUID

import jwt
import msgspec

from gateway.tokens.keys import ALGORITHM, KeyRing
from unison_auth import InvalidToken, Principal, verify_token
from unison_auth.cache import VerifiedTokens


class Identity(msgspec.Struct, frozen=True):
    """Who a token is for, as the identity tables say at the moment it is issued."""

    subject: str  # "user:<uuid>" or "client:<client_id>"
    organization_id: UUID
    plant_ids: tuple[UUID, ...]
    roles: tuple[str, ...]
    kind: str  # "user" or "client"
    name: str


class AccessTokenIssuer:
    def __init__(self, keyring: KeyRing, *, issuer: str, audience: str, ttl: int) -> None:
        self._keyring = keyring
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl

    async def prepare(self) -> None:
        """Load (or create) the signing key now, so issuing later needs no database."""
        await self._keyring.signing_key()

    async def issue(self, identity: Identity) -> str:
        key = await self._keyring.signing_key()
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": identity.subject,
            "org": str(identity.organization_id),
            "plants": [str(p) for p in identity.plant_ids],
            "roles": list(identity.roles),
            "kind": identity.kind,
            "name": identity.name,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


class GatewayVerifier:
    """Verifies access tokens with the gateway's own published keys (read from the DB)."""

    def __init__(self, keyring: KeyRing, *, issuer: str, audience: str) -> None:
        self._keyring = keyring
        self._issuer = issuer
        self._audience = audience
        self._verified = VerifiedTokens()

    def forget(self) -> None:
        """Keys changed (one may have been withdrawn): verify every token afresh."""
        self._verified.clear()

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            return known
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from exc
        if isinstance(kid, str):
            # Refreshes the ring when the key is new to this process (rotated elsewhere).
            await self._keyring.knows(kid)
        principal = verify_token(
            token, self._keyring.keyset, issuer=self._issuer, audience=self._audience
        )
        self._verified.put(token, principal)
        return principal
