"""Mint access tokens in tests the way the gateway does, with a key the test owns."""

from __future__ import annotations

import time
import uuid
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from unison_auth import KeySet, StaticVerifier

ISSUER = "unison-test"
AUDIENCE = "unison"


class TokenMinter:
    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.private_key = Ed25519PrivateKey.generate()
        self.keys = KeySet({"keys": [self._public_jwk()]})

    def _public_jwk(self) -> dict[str, Any]:
        from jwt.algorithms import OKPAlgorithm

        jwk: dict[str, Any] = OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "alg": "EdDSA", "use": "sig"})
        return jwk

    def verifier(self) -> StaticVerifier:
        return StaticVerifier(self.keys, issuer=ISSUER, audience=AUDIENCE)

    def mint(
        self,
        organization_id: UUID,
        *,
        plants: list[UUID] | None = None,
        roles: list[str] | None = None,
        subject: str = "user:test",
        ttl: int = 300,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "org": str(organization_id),
            "plants": [str(p) for p in plants or []],
            "roles": roles or ["admin"],
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})
