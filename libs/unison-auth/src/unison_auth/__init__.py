"""Access-token verification shared by the gateway and every service."""

from unison_auth.principal import Principal
from unison_auth.verify import (
    ALGORITHMS,
    InvalidToken,
    JwksVerifier,
    KeySet,
    StaticVerifier,
    verify_token,
)

__all__ = [
    "ALGORITHMS",
    "InvalidToken",
    "JwksVerifier",
    "KeySet",
    "Principal",
    "StaticVerifier",
    "verify_token",
]
