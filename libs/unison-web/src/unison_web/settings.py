"""Settings every HTTP service shares; a service subclasses to add its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from unison_auth import JwksVerifier
    from unison_pg import Database


class ServiceSettings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    jwks_url: str
    http_port: int
    http_host: str = "127.0.0.1"
    jwt_issuer: str = "unison-gateway"
    jwt_audience: str = "unison"
    log_level: str = "INFO"
    pool_min: int = 1
    pool_max: int = 10


def database_for(name: str, settings: ServiceSettings) -> Database:
    """The pool of a service process, sized by its settings."""
    from unison_pg import Database

    return Database(
        settings.database_url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        application_name=name,
    )


def verifier_for(settings: ServiceSettings) -> JwksVerifier:
    """Tokens are verified with the gateway's published keys: no trust in the network."""
    from unison_auth import JwksVerifier

    return JwksVerifier(
        settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
